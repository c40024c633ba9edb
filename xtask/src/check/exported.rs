//! `schema/` against a fresh export, and the exported documents' examples against the exported
//! schemas.

use std::path::Path;

use serde_json::Value;

use super::{problem, shown, Problem};
use crate::examples::{self, Dialect, Validator};
use crate::export;
use crate::util::token;
use crate::GATEWAYS;

/// `schema_dir` against a fresh export of `openapi_dir`, and the exported documents' examples
/// against the exported schemas.
pub fn check_export(openapi_dir: &Path, schema_dir: &Path) -> Result<Vec<Problem>, String> {
    let files = export::generate(openapi_dir)?;
    let mut problems = Vec::new();
    let mut out_of_date = Vec::new();
    for file in &files {
        let path = schema_dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(text) if text == file.text => {}
            Ok(_) => out_of_date.push(problem(
                &shown(&path),
                "",
                "out of date with the YAML (run `cargo xtask export`)",
            )),
            Err(_) => out_of_date.push(problem(
                &shown(&path),
                "",
                "missing (run `cargo xtask export`)",
            )),
        }
    }
    for stale in export::stale_files(&files, schema_dir)? {
        out_of_date.push(problem(
            &shown(&schema_dir.join(stale)),
            "",
            "no longer generated (run `cargo xtask export`, which removes it)",
        ));
    }
    problems.extend(out_of_date);
    problems.extend(exported_examples(&files));
    Ok(problems)
}

/// The examples of each exported wire document validate against its own (3.1) schemas, and
/// every entry of `examples.json` against `models.schema.json`.
fn exported_examples(files: &[export::File]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let parse = |path: &str| -> Option<Value> {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| serde_json::from_str(&f.text).ok())
    };
    for api in GATEWAYS {
        let wire_path = format!("{}/openapi-wire.json", api.spec_stem());
        match parse(&wire_path) {
            Some(wire) => {
                let validator = Validator::new(&wire, Dialect::Oas31);
                for example in examples::collect(&wire, Dialect::Oas31, &|_| false) {
                    for error in validator.errors(example.schema, example.value) {
                        problems.push(problem(
                            &format!("schema/{wire_path}"),
                            &example.at,
                            format!("the example does not validate against its schema: {error}"),
                        ));
                    }
                }
            }
            None => problems.push(problem(&format!("schema/{wire_path}"), "", "not generated")),
        }
        let (Some(models), Some(list)) = (
            parse(&format!("{}/models.schema.json", api.spec_stem())),
            parse(&format!("{}/examples.json", api.spec_stem())),
        ) else {
            problems.push(problem(
                &format!("schema/{}", api.spec_stem()),
                "",
                "models or examples not generated",
            ));
            continue;
        };
        for (i, entry) in list["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = entry["schema"].as_str().unwrap_or_default();
            for error in model_errors(&models, name, &entry["value"]) {
                problems.push(problem(
                    &format!("schema/{}/examples.json", api.spec_stem()),
                    &format!("/examples/{i}"),
                    format!("does not validate against models.schema.json#/$defs/{name}: {error}"),
                ));
            }
        }
    }
    problems
}

/// The errors of `value` against `$defs/<name>` of an exported JSON Schema bundle.
pub fn model_errors(models: &Value, name: &str, value: &Value) -> Vec<String> {
    let mut root = models.clone();
    root["$ref"] = Value::String(format!("#/$defs/{}", token(name)));
    match jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
    {
        Ok(validator) => validator
            .iter_errors(value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
        Err(e) => vec![format!("the schema does not compile: {e}")],
    }
}
