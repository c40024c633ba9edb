//! `cargo xtask check`: everything that must hold before a docs change is committed.
//!
//! - every operation has an `operationId` (unique), a `summary`, and an example on its request
//!   body and on each of its parameters;
//! - every example validates against its own schema (JSON Schema 2020-12, formats checked);
//! - every `x-unconfirmed` and `x-decision` gives a reason;
//! - no `$ref` has a constraining sibling (OpenAPI 3.0 and paybind ignore it, the exported JSON
//!   Schema would not);
//! - every component is used (see [`unused_components`]) and every reference resolves;
//! - what build.rs refuses to generate from (`paybind_codegen::validate`): a `$ref` to nothing, a
//!   schema keyword of the wrong JSON type, a key written twice in a mapping;
//! - `schema/` is what `cargo xtask export` writes now, and the examples of the exported
//!   documents validate against the exported schemas;
//! - the insta snapshots match the generated code, and schema/sandbox/ the sandbox's types;
//! - the docs pages kept as test fixtures are their pages of the snapshot the spec describes.

mod components;
mod docs_fixtures;
mod exported;
mod snapshots;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::bundle::{bundle, load_yaml};
use crate::examples::{self, Dialect, Validator};
use crate::util::{child, token, METHODS};
pub use components::unused_components;
pub use docs_fixtures::{check_page_fixtures, PAYIN_PAGE_FIXTURES};
pub use exported::{check_export, model_errors};
pub use snapshots::check_snapshots;

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
