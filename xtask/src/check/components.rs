//! Components nothing uses, and references that do not resolve, across the spec files.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::util::{child, token};

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
