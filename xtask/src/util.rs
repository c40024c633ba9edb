//! Small helpers: JSON pointers, stable text forms, files.

use std::path::Path;

use serde_json::Value;

/// One JSON-pointer token (`~` and `/` escaped).
pub fn token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `base` followed by one more JSON-pointer token.
pub fn child(base: &str, name: &str) -> String {
    format!("{base}/{}", token(name))
}

/// Pretty JSON, two-space indent, trailing newline: the stable text form of every exported
/// JSON file (keys keep the order they were built in).
pub fn json_text(value: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| format!("cannot serialise JSON: {e}"))
}

/// YAML text of a JSON value, keys in their order.
///
/// Written here rather than with serde_yaml_ng's serializer, which leaves strings such as
/// `2026-11-22` or `Off` unquoted: YAML 1.2 reads them as strings, but YAML 1.1 parsers (PyYAML,
/// Ruby's Psych, ...) read a date and a boolean. Here a string is plain only when no YAML
/// version can read it as anything else, and double-quoted (JSON escapes, which YAML shares)
/// otherwise; maps and lists are block style, empty ones `{}` / `[]`.
pub fn yaml_text(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => yaml_map(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => yaml_seq(&mut out, items, 0),
        scalar => {
            out += &yaml_scalar(scalar);
            out.push('\n');
        }
    }
    Ok(out)
}

fn yaml_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize, inline: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if !(inline && i == 0) {
            out.extend(std::iter::repeat_n(' ', indent));
        }
        out.push_str(&yaml_string(key));
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                yaml_map(out, m, indent + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                yaml_seq(out, items, indent);
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_scalar(scalar));
                out.push('\n');
            }
        }
    }
}

fn yaml_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                yaml_map(out, m, indent + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_seq(out, inner, indent + 2);
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_scalar(scalar));
                out.push('\n');
            }
        }
    }
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_string(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string plain when that is unambiguous in YAML 1.1 and 1.2, else double-quoted.
fn yaml_string(s: &str) -> String {
    const WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    let mut chars = s.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '/' | '$'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '$' | '-'))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

pub fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

/// The name in a `#/components/schemas/Name` (or `file.yaml#/components/schemas/Name`) reference.
pub fn ref_name(reference: &str) -> Option<&str> {
    reference
        .split_once("#/components/schemas/")
        .map(|(_, name)| name)
}

/// Operation methods of a path item.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
