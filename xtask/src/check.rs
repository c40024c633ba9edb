//! `cargo xtask check`: everything that must hold before a docs change is committed.
//!
//! - every operation has an `operationId` (unique), a `summary`, and an example on its request
//!   body and on each of its parameters;
//! - every example validates against its own schema (JSON Schema 2020-12, formats checked);
//! - every `x-unconfirmed` and `x-decision` gives a reason;
//! - no `$ref` has a constraining sibling (OpenAPI 3.0 and paybind ignore it, the exported JSON
//!   Schema would not);
//! - every component is used (see [`unused_components`]) and every reference resolves;
//! - what build.rs refuses to generate from (`build/validate.rs`): a `$ref` to nothing, a schema
//!   keyword of the wrong JSON type, a key written twice in a mapping;
//! - `schema/` is what `cargo xtask export` writes now, and the examples of the exported
//!   documents validate against the exported schemas;
//! - the insta snapshots match the generated code.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::bundle::{bundle, load_yaml};
use crate::examples::{self, Dialect, Validator};
use crate::export;
use crate::util::{child, token, METHODS};
use crate::GATEWAYS;

/// One finding: where (file and JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as shown to the user.
    pub file: String,
    /// JSON pointer inside the file; empty for the whole file.
    pub at: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.at, self.message)
        }
    }
}

fn problem(file: &str, at: &str, message: impl Into<String>) -> Problem {
    Problem {
        file: file.to_string(),
        at: at.to_string(),
        message: message.into(),
    }
}

/// `path` relative to the current directory when it is below it.
pub fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// The spec files of a directory (`*.yaml`), sorted.
pub fn spec_files(openapi_dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(openapi_dir)
        .map_err(|e| format!("cannot list {}: {e}", openapi_dir.display()))?;
    let mut files: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    files.sort();
    Ok(files)
}

// ---------------------------------------------------------------------------------------------
// The specs

/// Unused components that were reported to the maintainers and are accepted until they decide
/// (use the component or delete it, then remove its entry here): file, component, why.
pub const ACCEPTED_UNUSED: &[(&str, &str, &str)] = &[];

/// What the specs' check found.
#[derive(Debug, Default)]
pub struct SpecReport {
    pub problems: Vec<Problem>,
    /// Accepted findings (see [`ACCEPTED_UNUSED`]), shown but not failing.
    pub notes: Vec<String>,
}

/// Every problem of the specs in `openapi_dir`.
pub fn lint_specs(openapi_dir: &Path) -> Result<SpecReport, String> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut docs = BTreeMap::new();
    for file in spec_files(openapi_dir)? {
        let shown_file = shown(&openapi_dir.join(&file));
        match load_yaml(openapi_dir, &file) {
            Ok(doc) => {
                operations(&shown_file, &doc, &mut problems);
                reasons(&shown_file, &doc, "", &mut problems);
                ref_siblings(&shown_file, &doc, "", &mut problems);
                example_problems(openapi_dir, &file, &shown_file, &doc, &mut problems);
                docs.insert(file, doc);
            }
            Err(e) => problems.push(problem(&shown_file, "", e)),
        }
    }
    let mut accepted_seen = BTreeSet::new();
    for (file, at, message) in unused_components(&docs) {
        let accepted = ACCEPTED_UNUSED.iter().find(|(f, name, _)| {
            *f == file && at == format!("/components/schemas/{}", token(name))
        });
        match accepted {
            Some((f, name, why)) => {
                accepted_seen.insert((*f, *name));
                notes.push(format!(
                    "{}: {at}: unused component accepted for now ({why}); see ACCEPTED_UNUSED in xtask/src/check.rs",
                    shown(&openapi_dir.join(file))
                ));
            }
            None => problems.push(problem(&shown(&openapi_dir.join(file)), &at, message)),
        }
    }
    for (file, name, _) in ACCEPTED_UNUSED {
        if docs.contains_key(*file) && !accepted_seen.contains(&(*file, *name)) {
            problems.push(problem(
                &shown(&openapi_dir.join(file)),
                &format!("/components/schemas/{}", token(name)),
                format!("{name} is no longer an unused component: remove it from ACCEPTED_UNUSED in xtask/src/check.rs"),
            ));
        }
    }
    Ok(SpecReport { problems, notes })
}

/// operationId, summary and examples of every operation.
fn operations(file: &str, doc: &Value, problems: &mut Vec<Problem>) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let item_at = child("/paths", path);
        let shared_params = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = child(&item_at, method);
            let text = |key: &str| {
                op.get(key)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let name = match text("operationId") {
                Some(id) => {
                    if let Some(first) = ids.insert(id.to_string(), at.clone()) {
                        problems.push(problem(
                            file,
                            &child(&at, "operationId"),
                            format!("operationId {id} is also used at {first}"),
                        ));
                    }
                    id.to_string()
                }
                None => {
                    problems.push(problem(
                        file,
                        &at,
                        format!("{} {path} has no operationId", method.to_uppercase()),
                    ));
                    format!("{} {path}", method.to_uppercase())
                }
            };
            if text("summary").is_none() {
                problems.push(problem(
                    file,
                    &at,
                    format!("operation {name} has no summary"),
                ));
            }
            let content = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object);
            for (media, m) in content.into_iter().flatten() {
                if !has_example(m) {
                    problems.push(problem(
                        file,
                        &child(&format!("{at}/requestBody/content"), media),
                        format!("operation {name}: the {media} request body has no example"),
                    ));
                }
            }
            let own = op.get("parameters").and_then(Value::as_array);
            for (params, base) in [(shared_params, &item_at), (own, &at)] {
                for (i, p) in params.into_iter().flatten().enumerate() {
                    if p.get("$ref").is_some() || has_example(p) {
                        continue;
                    }
                    let param = p.get("name").and_then(Value::as_str).unwrap_or("?");
                    problems.push(problem(
                        file,
                        &format!("{base}/parameters/{i}"),
                        format!("operation {name}: parameter {param} has no example"),
                    ));
                }
            }
        }
    }
}

fn has_example(object: &Value) -> bool {
    object.get("example").is_some()
        || object
            .get("examples")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
        || object
            .get("schema")
            .and_then(|s| s.get("example"))
            .is_some()
}

/// Every `x-unconfirmed` / `x-decision` says why.
fn reasons(file: &str, value: &Value, at: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = child(at, key);
                if key == "x-unconfirmed" || key == "x-decision" {
                    let given = v.as_str().map(str::trim).is_some_and(|s| !s.is_empty());
                    if !given {
                        problems.push(problem(
                            file,
                            &here,
                            format!("{key} has no reason (write what was chosen and why, as text)"),
                        ));
                    }
                }
                reasons(file, v, &here, problems);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                reasons(file, v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Siblings of `$ref` that do not only describe.
fn ref_siblings(file: &str, value: &Value, at: &str, problems: &mut Vec<Problem>) {
    const DESCRIBE: &[&str] = &["description", "summary", "title", "example", "deprecated"];
    match value {
        Value::Object(map) => {
            if map.contains_key("$ref") {
                for key in map.keys() {
                    if key != "$ref" && !key.starts_with("x-") && !DESCRIBE.contains(&key.as_str())
                    {
                        problems.push(problem(
                            file,
                            &child(at, key),
                            format!("`{key}` beside `$ref`: OpenAPI 3.0 and paybind ignore it, the exported JSON Schema would apply it; wrap the reference in allOf"),
                        ));
                    }
                }
            }
            for (key, v) in map {
                if key != "example" && key != "examples" {
                    ref_siblings(file, v, &child(at, key), problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                ref_siblings(file, v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Every example of the file against its own schema (references resolved in the bundle).
fn example_problems(
    openapi_dir: &Path,
    file: &str,
    shown_file: &str,
    raw: &Value,
    problems: &mut Vec<Problem>,
) {
    let bundled = match bundle(openapi_dir, file) {
        Ok(b) => b,
        Err(e) => {
            problems.push(problem(shown_file, "", format!("cannot bundle: {e}")));
            return;
        }
    };
    if let Err(fault) = crate::validate::check(&bundled) {
        problems.push(problem(shown_file, &fault.at, fault.message));
    }
    let own: BTreeSet<&str> = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let validator = Validator::new(&bundled, Dialect::Oas30);
    for example in examples::collect(&bundled, Dialect::Oas30, &|name| !own.contains(name)) {
        for error in validator.errors(example.schema, example.value) {
            problems.push(problem(
                shown_file,
                &example.at,
                format!("the example does not validate against its schema: {error}"),
            ));
        }
    }
}

/// A component: file, section (`schemas`, ...) and name.
type Component = (String, String, String);

/// Components nothing uses, and references that do not resolve, as (file, pointer, message).
///
/// Used are the components referenced from outside `components` in any file (operations,
/// `info.x-notifications` / `x-callbacks` / `x-notification-ack`, `info.x-envelope`, ...), and,
/// transitively, the components those reference, in whichever file they live: a component of
/// the shared `bluepay-common.yaml` is used when any spec uses it.
pub fn unused_components(docs: &BTreeMap<String, Value>) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut queue: Vec<(Component, String, String)> = Vec::new();
    for (file, doc) in docs {
        for (key, value) in doc.as_object().into_iter().flatten() {
            if key != "components" {
                root_refs(file, value, &child("", key), &mut queue);
            }
        }
        for list in ["/info/x-notifications", "/info/x-callbacks"] {
            for (i, entry) in doc
                .pointer(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(name) = entry.get("schema").and_then(Value::as_str) {
                    let target = (file.clone(), "schemas".to_string(), name.to_string());
                    queue.push((target, file.clone(), format!("{list}/{i}/schema")));
                }
            }
        }
    }
    let mut used: BTreeSet<Component> = BTreeSet::new();
    while let Some((target, from_file, from_at)) = queue.pop() {
        if used.contains(&target) {
            continue;
        }
        let (file, section, name) = &target;
        let Some(component) = docs
            .get(file)
            .and_then(|d| d.get("components"))
            .and_then(|c| c.get(section))
            .and_then(|s| s.get(name))
        else {
            found.push((
                from_file,
                from_at,
                format!("reference to {file}#/components/{section}/{name}, which does not exist"),
            ));
            continue;
        };
        let at = format!("/components/{section}/{}", token(name));
        let mut nested = Vec::new();
        component_refs(file, component, &at, &mut nested);
        queue.extend(nested);
        used.insert(target);
    }
    for (file, doc) in docs {
        for (section, entries) in doc
            .get("components")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for name in entries.as_object().into_iter().flatten().map(|(n, _)| n) {
                let key = (file.clone(), section.clone(), name.clone());
                if !used.contains(&key) {
                    found.push((
                        file.clone(),
                        format!("/components/{section}/{}", token(name)),
                        format!("component {name} is never used (not referenced from an operation, from info (x-notifications, x-callbacks, x-notification-ack, x-envelope) or from a used component)"),
                    ));
                }
            }
        }
    }
    found
}

/// Parses `other.yaml#/components/<section>/<name>` or `#/components/<section>/<name>`.
fn parse_ref(file: &str, reference: &str) -> Option<Component> {
    let (target, pointer) = reference.split_once('#')?;
    let rest = pointer.strip_prefix("/components/")?;
    let (section, name) = rest.split_once('/')?;
    if name.contains('/') || reference.contains(char::is_whitespace) {
        return None;
    }
    let target = target.trim_start_matches("./");
    let target = if target.is_empty() { file } else { target };
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    Some((target.to_string(), unescape(section), unescape(name)))
}

/// Outside `components`, a reference is any `$ref` and any string that is a component reference
/// (`info.x-envelope.notification.ack: 'bluepay-common.yaml#/components/schemas/AckBody'`).
fn root_refs(file: &str, value: &Value, at: &str, out: &mut Vec<(Component, String, String)>) {
    match value {
        Value::String(s) => {
            if let Some(target) = parse_ref(file, s) {
                out.push((target, file.to_string(), at.to_string()));
            }
        }
        Value::Object(map) => {
            for (key, v) in map {
                root_refs(file, v, &child(at, key), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                root_refs(file, v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Inside a component, only `$ref` values reference.
fn component_refs(file: &str, value: &Value, at: &str, out: &mut Vec<(Component, String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = child(at, key);
                if key == "$ref" {
                    if let Some(target) = v.as_str().and_then(|r| parse_ref(file, r)) {
                        out.push((target, file.to_string(), here));
                    }
                } else if key != "example" && key != "examples" {
                    component_refs(file, v, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                component_refs(file, v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The export

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

// ---------------------------------------------------------------------------------------------
// The snapshots

/// Runs the snapshot tests without letting insta write anything: a snapshot that differs from
/// the generated code fails them.
pub fn check_snapshots(root: &Path) -> Result<Vec<Problem>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The snapshot tests are the modules `generated` (every file build.rs writes), `snapshots`
    // and `sgate_snapshots` (the bytes sent) of the one integration-test binary `it`; the two
    // filters select all three.
    let args = [
        "test",
        "--all-features",
        "--test",
        "it",
        "--",
        "generated::",
        "snapshots::",
    ];
    eprintln!("xtask check: cargo {} (INSTA_UPDATE=no)", args.join(" "));
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(args)
        .env("INSTA_UPDATE", "no")
        .env("RUST_BACKTRACE", "0")
        .env_remove("INSTA_FORCE_PASS")
        .env_remove("INSTA_FORCE_UPDATE")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", PathBuf::from(&cargo).display()))?;
    if status.success() {
        return Ok(Vec::new());
    }
    Ok(vec![problem(
        "tests/it/snapshots",
        "",
        format!(
            "the snapshot tests fail ({status}; their output is above): the snapshots are out of date with the generated code (review with `cargo insta review`) or the tests are broken"
        ),
    )])
}
