//! Loading and bundling of the specs under `openapi/`.
//!
//! Used by [`generate`](crate::generate) (which generates the clients from the bundled spec) and
//! by `xtask` (which exports the bundled spec and checks the YAML), so both see exactly the same
//! document. Depends only on `serde_json` and `serde_yaml_ng`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// A result whose error says what went wrong (the caller names the file).
pub type BundleResult<T> = Result<T, String>;

/// The spec `file` of `openapi_dir` as JSON, as written (nothing bundled in); a key written twice
/// in one mapping is refused.
pub fn load_yaml(openapi_dir: &Path, file: &str) -> BundleResult<Value> {
    let path = openapi_dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read: {e}"))?;
    // Read into the YAML value first only to refuse a key written twice in one mapping: read
    // straight into JSON, the last one would silently win.
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text)
        .map_err(|e| format!("not valid YAML: {e}"))?;
    serde_yaml_ng::from_str(&text).map_err(|e| format!("not valid YAML: {e}"))
}

/// The spec's paths in the order the YAML writes them: a `serde_json` object does not keep it
/// (paybind leaves serde_json's `preserve_order` off, on the build side too), and the operation
/// table follows the author's order (creating operations before those that read what they made).
pub fn path_order(openapi_dir: &Path, file: &str) -> BundleResult<Vec<String>> {
    let path = openapi_dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read: {e}"))?;
    let yaml = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text)
        .map_err(|e| format!("not valid YAML: {e}"))?;
    let paths = yaml
        .get("paths")
        .and_then(serde_yaml_ng::Value::as_mapping)
        .ok_or("no paths")?;
    Ok(paths
        .keys()
        .filter_map(serde_yaml_ng::Value::as_str)
        .map(str::to_string)
        .collect())
}

/// Copies every component a spec borrows from a sibling file (`other.yaml#/components/schemas/X`)
/// into the spec, and rewrites those references to local ones.
pub fn bundle(openapi_dir: &Path, file: &str) -> BundleResult<Value> {
    let mut spec = load_yaml(openapi_dir, file)?;
    let mut borrowed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    rewrite_external_refs(&mut spec, &mut borrowed);
    let mut done: BTreeSet<String> = BTreeSet::new();
    while let Some((other, name)) = next_borrowed(&borrowed, &done) {
        done.insert(name.clone());
        let other_spec = load_yaml(openapi_dir, &other).map_err(|e| format!("{other}: {e}"))?;
        let mut schema = other_spec
            .pointer(&format!("/components/schemas/{name}"))
            .cloned()
            .ok_or_else(|| format!("$ref to {other}#/components/schemas/{name}: no such schema"))?;
        // Local references inside the borrowed schema point into the other file.
        let mut nested = BTreeSet::new();
        collect_local_refs(&schema, &mut nested);
        for n in nested {
            borrowed.entry(other.clone()).or_default().insert(n);
        }
        rewrite_external_refs(&mut schema, &mut borrowed);
        let schemas = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or("no components/schemas")?;
        schemas.entry(name).or_insert(schema);
    }
    Ok(spec)
}

fn next_borrowed(
    borrowed: &BTreeMap<String, BTreeSet<String>>,
    done: &BTreeSet<String>,
) -> Option<(String, String)> {
    borrowed.iter().find_map(|(file, names)| {
        names
            .iter()
            .find(|n| !done.contains(*n))
            .map(|n| (file.clone(), n.clone()))
    })
}

fn rewrite_external_refs(value: &mut Value, borrowed: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some((file, pointer)) = r.split_once('#') {
                    if !file.is_empty() {
                        if let Some(name) = pointer.strip_prefix("/components/schemas/") {
                            let file = file.trim_start_matches("./").to_string();
                            borrowed.entry(file).or_default().insert(name.to_string());
                            *r = format!("#{pointer}");
                        }
                    }
                }
            }
            for v in map.values_mut() {
                rewrite_external_refs(v, borrowed);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_external_refs(v, borrowed)),
        _ => {}
    }
}

fn collect_local_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    out.insert(name.to_string());
                }
            }
            map.values().for_each(|v| collect_local_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_local_refs(v, out)),
        _ => {}
    }
}
