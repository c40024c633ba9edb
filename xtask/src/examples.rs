//! Finds every example of an OpenAPI document together with the schema it must satisfy, and
//! validates it with the `jsonschema` crate (JSON Schema 2020-12, formats checked).
//!
//! Examples are found at
//! - a schema object's own `example` (3.0) or `examples` (3.1), at any depth of any schema;
//! - any object that has a `schema` beside `example` or `examples` (media types, parameters,
//!   headers, and the `info.x-envelope` descriptions).

use serde_json::{Map, Value};

use crate::convert::{self, Refs};
use crate::util::child;

/// Which OpenAPI version's schema dialect a document uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAPI 3.0: schemas are converted before validation, `example` is a single value.
    Oas30,
    /// OpenAPI 3.1: schemas are JSON Schema 2020-12 already, `examples` is a list.
    Oas31,
}

/// One example and the schema it must satisfy.
pub struct Example<'a> {
    /// JSON pointer of the example value in the document.
    pub at: String,
    /// The schema (as written in the document).
    pub schema: &'a Value,
    pub value: &'a Value,
}

/// Every example of `doc`. `skip_component(name)` leaves out the component schemas a document
/// only borrowed (they are checked in their own file).
pub fn collect<'a>(
    doc: &'a Value,
    dialect: Dialect,
    skip_component: &dyn Fn(&str) -> bool,
) -> Vec<Example<'a>> {
    let mut out = Vec::new();
    if let Some(root) = doc.as_object() {
        for (key, value) in root {
            let at = child("", key);
            if key == "components" {
                for (section, entries) in value.as_object().into_iter().flatten() {
                    let at = child(&at, section);
                    if section == "schemas" {
                        for (name, schema) in entries.as_object().into_iter().flatten() {
                            if !skip_component(name) {
                                walk_schema(schema, &child(&at, name), dialect, &mut out);
                            }
                        }
                    } else {
                        walk_doc(entries, &at, dialect, &mut out);
                    }
                }
            } else {
                walk_doc(value, &at, dialect, &mut out);
            }
        }
    }
    out
}

fn walk_doc<'a>(value: &'a Value, at: &str, dialect: Dialect, out: &mut Vec<Example<'a>>) {
    match value {
        Value::Object(map) => {
            if let Some(schema) = map.get("schema").filter(|s| s.is_object()) {
                if let Some(example) = map.get("example") {
                    out.push(Example {
                        at: child(at, "example"),
                        schema,
                        value: example,
                    });
                }
                if let Some(Value::Object(named)) = map.get("examples") {
                    for (name, example) in named {
                        if let Some(v) = example.get("value") {
                            out.push(Example {
                                at: format!("{}/value", child(&child(at, "examples"), name)),
                                schema,
                                value: v,
                            });
                        }
                    }
                }
            }
            for (key, v) in map {
                match key.as_str() {
                    "example" | "examples" | "default" | "enum" | "const" => {}
                    "schema" => walk_schema(v, &child(at, key), dialect, out),
                    _ => walk_doc(v, &child(at, key), dialect, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_doc(v, &format!("{at}/{i}"), dialect, out);
            }
        }
        _ => {}
    }
}

fn walk_schema<'a>(schema: &'a Value, at: &str, dialect: Dialect, out: &mut Vec<Example<'a>>) {
    let Value::Object(map) = schema else {
        return;
    };
    match dialect {
        Dialect::Oas30 => {
            if let Some(example) = map.get("example") {
                out.push(Example {
                    at: child(at, "example"),
                    schema,
                    value: example,
                });
            }
        }
        Dialect::Oas31 => {
            if let Some(Value::Array(examples)) = map.get("examples") {
                for (i, example) in examples.iter().enumerate() {
                    out.push(Example {
                        at: format!("{}/{i}", child(at, "examples")),
                        schema,
                        value: example,
                    });
                }
            }
        }
    }
    for_each_subschema(map, at, &mut |s, at| walk_schema(s, at, dialect, out));
}

/// Calls `f` on every direct subschema of a schema object, with its pointer.
pub fn for_each_subschema<'a>(
    map: &'a Map<String, Value>,
    at: &str,
    f: &mut dyn FnMut(&'a Value, &str),
) {
    for (key, v) in map {
        let k = key.as_str();
        if convert::ONE_SCHEMA.contains(&k) {
            f(v, &child(at, key));
        } else if convert::SCHEMA_LISTS.contains(&k) {
            for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                f(s, &format!("{}/{i}", child(at, key)));
            }
        } else if convert::SCHEMA_MAPS.contains(&k) {
            for (name, s) in v.as_object().into_iter().flatten() {
                f(s, &child(&child(at, key), name));
            }
        }
    }
}

/// Validates values against the schemas of one document.
pub struct Validator {
    dialect: Dialect,
    /// Component schemas, in JSON Schema 2020-12, under their OpenAPI names.
    components: Value,
}

impl Validator {
    pub fn new(doc: &Value, dialect: Dialect) -> Self {
        let schemas = match dialect {
            Dialect::Oas30 => Value::Object(convert::defs(doc, Refs::Components)),
            Dialect::Oas31 => doc
                .pointer("/components/schemas")
                .cloned()
                .unwrap_or(Value::Object(Map::new())),
        };
        Self {
            dialect,
            components: serde_json::json!({ "schemas": schemas }),
        }
    }

    /// The errors of `value` against `schema` (as written in the document), each as
    /// `instance path: message`; empty when it is valid. A property whose schema says it holds
    /// JSON text (`contentMediaType: application/json` with a `contentSchema`, as the `param` of
    /// an envelope) is parsed and checked against that content schema too.
    pub fn errors(&self, schema: &Value, value: &Value) -> Vec<String> {
        let schema = match self.dialect {
            Dialect::Oas30 => convert::schema(schema, Refs::Components),
            Dialect::Oas31 => schema.clone(),
        };
        let mut errors = self.check(&schema, value);
        if errors.is_empty() {
            errors.extend(self.content_errors(&schema, value));
        }
        errors
    }

    fn check(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut root = match schema {
            Value::Object(map) => map.clone(),
            Value::Bool(true) => Map::new(),
            other => return vec![format!("schema is not an object: {other}")],
        };
        root.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        root.insert("components".into(), self.components.clone());
        let root = Value::Object(root);
        match jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
        {
            Ok(validator) => validator
                .iter_errors(value)
                .map(|e| {
                    let path = e.instance_path().to_string();
                    let path = if path.is_empty() {
                        "(root)".into()
                    } else {
                        path
                    };
                    format!("{path}: {}", shorten(&e.to_string()))
                })
                .collect(),
            Err(e) => vec![format!("the schema does not compile: {e}")],
        }
    }

    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut schema = schema;
        for _ in 0..16 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(crate::util::ref_name)
            {
                Some(name) => match self.components["schemas"].get(name) {
                    Some(s) => schema = s,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    fn content_errors(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        let schema = self.resolve(schema);
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return errors;
        };
        for (name, prop) in props {
            let json_text =
                prop.get("contentMediaType").and_then(Value::as_str) == Some("application/json");
            let (true, Some(content), Some(Value::String(text))) =
                (json_text, prop.get("contentSchema"), value.get(name))
            else {
                continue;
            };
            match serde_json::from_str::<Value>(text) {
                Ok(inner) => errors.extend(
                    self.check(content, &inner)
                        .into_iter()
                        .map(|e| format!("/{name} (JSON text) {e}")),
                ),
                Err(e) => errors.push(format!("/{name}: not JSON text: {e}")),
            }
        }
        errors
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 400;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}
