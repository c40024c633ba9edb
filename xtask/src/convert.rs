//! OpenAPI 3.0 schema objects to JSON Schema 2020-12 (which is also the schema dialect of
//! OpenAPI 3.1).
//!
//! Every constraint survives as it is (`type`, `pattern`, `minLength`/`maxLength`, `minimum`,
//! `maximum`, `multipleOf`, `enum`, `required`, `additionalProperties`, `default`, `format`);
//! only what 3.0 spells differently is rewritten:
//!
//! - `exclusiveMinimum: true` beside `minimum: m` becomes `exclusiveMinimum: m` (a number in
//!   JSON Schema), and the same for `exclusiveMaximum`;
//! - `nullable: true` becomes a type array (`type: [string, "null"]`, `null` added to an `enum`),
//!   or `anyOf: [schema, {type: "null"}]` where there is no `type` (e.g. an `allOf` wrapper);
//! - `example` becomes `examples: [example]`;
//! - `format: binary` becomes `contentMediaType: application/octet-stream`;
//! - `$ref: '#/components/schemas/X'` points at `#/$defs/X` in a JSON Schema bundle;
//! - `x-enum-descriptions` (a map from value to text in the specs) becomes the list aligned
//!   with `enum` that code generators expect;
//! - the conditional `x-rules` (openapi/CONVENTIONS.md) are kept as written *and* expressed as
//!   `allOf` entries of `if`/`then`, so a generic JSON Schema validator enforces them too.
//!
//! Extension keywords (`x-codes`, `x-open-enum`, `x-sensitive`, `x-decision`, ...) stay as
//! annotations.

use serde_json::{json, Map, Value};

/// Where `$ref`s to component schemas point in the converted document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refs {
    /// `#/$defs/X`: a JSON Schema bundle.
    Defs,
    /// `#/components/schemas/X`: an OpenAPI 3.1 document.
    Components,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Keywords whose value is one schema.
pub const ONE_SCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is a list of schemas.
pub const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
pub const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];
/// Keywords that describe and never constrain; they stay beside a nullable wrapper.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Converts one OpenAPI 3.0 schema object.
pub fn schema(value: &Value, refs: Refs) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, v) in map {
        let converted = match key.as_str() {
            "$ref" => rewrite_ref(v, refs),
            "nullable" | "exclusiveMinimum" | "exclusiveMaximum" => continue,
            "example" => {
                out.insert("examples".into(), Value::Array(vec![v.clone()]));
                continue;
            }
            "x-enum-descriptions" => enum_descriptions(v, map.get("enum")),
            "format" if v == "binary" => {
                out.insert("contentMediaType".into(), json!("application/octet-stream"));
                continue;
            }
            k if ONE_SCHEMA.contains(&k) => schema(v, refs),
            k if SCHEMA_LISTS.contains(&k) => match v {
                Value::Array(items) => items.iter().map(|s| schema(s, refs)).collect(),
                other => other.clone(),
            },
            k if SCHEMA_MAPS.contains(&k) => match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .map(|(name, s)| (name.clone(), schema(s, refs)))
                        .collect(),
                ),
                other => other.clone(),
            },
            _ => v.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(flag) == Some(&Value::Bool(true)) {
            if let Some(value) = out.remove(bound) {
                out.insert(flag.into(), value);
            }
        }
    }
    if let Some(rules) = map.get("x-rules").and_then(Value::as_array) {
        let translated: Vec<Value> = rules.iter().map(rule).collect();
        match out.get_mut("allOf") {
            Some(Value::Array(all)) => all.extend(translated),
            _ => {
                out.insert("allOf".into(), Value::Array(translated));
            }
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return nullable(out);
    }
    Value::Object(out)
}

/// `x-enum-descriptions` as the list aligned with `enum` that code generators read
/// (openapi-generator, datamodel-code-generator); the specs write a map from value to text.
fn enum_descriptions(descriptions: &Value, values: Option<&Value>) -> Value {
    match (descriptions, values) {
        (Value::Object(by_value), Some(Value::Array(values))) => values
            .iter()
            .map(|v| {
                let key = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                by_value.get(&key).cloned().unwrap_or(json!(""))
            })
            .collect(),
        (other, _) => other.clone(),
    }
}

/// Rewrites a `$ref` to a component schema for the target document.
pub fn rewrite_ref(value: &Value, refs: Refs) -> Value {
    match (value.as_str(), refs) {
        (Some(r), Refs::Defs) => match r.strip_prefix(COMPONENT_PREFIX) {
            Some(name) => Value::String(format!("#/$defs/{name}")),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

fn nullable(mut out: Map<String, Value>) -> Value {
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            out.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(out)
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
            Value::Object(out)
        }
        _ => {
            // No single type to widen (a `$ref` or `allOf` wrapper): null or the schema.
            let mut wrapper = Map::new();
            let mut inner = Map::new();
            for (k, v) in out {
                if ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-") {
                    wrapper.insert(k, v);
                } else {
                    inner.insert(k, v);
                }
            }
            wrapper.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
            Value::Object(wrapper)
        }
    }
}

/// One `x-rules` entry as a JSON Schema `if`/`then` (or a bare `then` when unconditional).
///
/// `if: {p: [v..]}` holds when every listed property is present with one of its values;
/// `if-present: [a..]` when every listed property is present. Then `require` lists required
/// properties, `require-one-of` needs at least one of its properties, and `allow` limits a
/// property's values.
pub fn rule(rule: &Value) -> Value {
    let mut condition = Map::new();
    let mut cond_props = Map::new();
    let mut cond_required: Vec<Value> = Vec::new();
    if let Some(when) = rule.get("if").and_then(Value::as_object) {
        for (field, values) in when {
            let values = match values {
                Value::Array(v) => v.clone(),
                other => vec![other.clone()],
            };
            cond_props.insert(field.clone(), json!({ "enum": values }));
            cond_required.push(Value::String(field.clone()));
        }
    }
    if let Some(present) = rule.get("if-present").and_then(Value::as_array) {
        for field in present {
            if !cond_required.contains(field) {
                cond_required.push(field.clone());
            }
        }
    }
    if !cond_props.is_empty() {
        condition.insert("properties".into(), Value::Object(cond_props));
    }
    if !cond_required.is_empty() {
        condition.insert("required".into(), Value::Array(cond_required));
    }

    let mut then = Map::new();
    if let Some(required) = rule.get("require").and_then(Value::as_array) {
        then.insert("required".into(), Value::Array(required.clone()));
    }
    if let Some(one_of) = rule.get("require-one-of").and_then(Value::as_array) {
        let options: Vec<Value> = one_of.iter().map(|f| json!({ "required": [f] })).collect();
        then.insert("anyOf".into(), Value::Array(options));
    }
    if let Some(allow) = rule.get("allow").and_then(Value::as_object) {
        let props: Map<String, Value> = allow
            .iter()
            .map(|(field, values)| {
                let values = match values {
                    Value::Array(v) => v.clone(),
                    other => vec![other.clone()],
                };
                (field.clone(), json!({ "enum": values }))
            })
            .collect();
        then.insert("properties".into(), Value::Object(props));
    }

    let mut out = Map::new();
    if let Some(text) = rule.get("description") {
        out.insert("description".into(), text.clone());
    }
    if condition.is_empty() {
        out.extend(then);
    } else {
        out.insert("if".into(), Value::Object(condition));
        out.insert("then".into(), Value::Object(then));
    }
    Value::Object(out)
}

/// Every component schema of a bundled spec, converted, as a `$defs` map.
pub fn defs(spec: &Value, refs: Refs) -> Map<String, Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, s)| (name.clone(), schema(s, refs)))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_type_becomes_a_type_array() {
        let s = schema(
            &json!({"type": "string", "nullable": true, "enum": ["a"]}),
            Refs::Defs,
        );
        assert_eq!(s, json!({"type": ["string", "null"], "enum": ["a", null]}));
    }

    #[test]
    fn exclusive_bounds_become_numbers() {
        assert_eq!(
            schema(
                &json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 9}),
                Refs::Defs
            ),
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 9})
        );
        assert_eq!(
            schema(
                &json!({"type": "integer", "maximum": 5, "exclusiveMaximum": false}),
                Refs::Defs
            ),
            json!({"type": "integer", "maximum": 5})
        );
    }

    #[test]
    fn nullable_wrapper_becomes_any_of_null() {
        let s = schema(
            &json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"}),
            Refs::Defs,
        );
        assert_eq!(
            s,
            json!({"description": "d", "anyOf": [{"allOf": [{"$ref": "#/$defs/X"}]}, {"type": "null"}]})
        );
    }

    #[test]
    fn rules_become_if_then() {
        let s = schema(
            &json!({"type": "object", "x-rules": [
                {"if": {"m": ["BANK"]}, "require": ["a"], "description": "bank"},
                {"require-one-of": ["b", "c"]},
                {"if-present": ["d"], "allow": {"e": ["X"]}}
            ]}),
            Refs::Defs,
        );
        assert_eq!(
            s["allOf"],
            json!([
                {"description": "bank", "if": {"properties": {"m": {"enum": ["BANK"]}}, "required": ["m"]}, "then": {"required": ["a"]}},
                {"anyOf": [{"required": ["b"]}, {"required": ["c"]}]},
                {"if": {"required": ["d"]}, "then": {"properties": {"e": {"enum": ["X"]}}}}
            ])
        );
        assert!(s.get("x-rules").is_some(), "the rules stay as written too");
    }

    #[test]
    fn examples_are_not_rewritten() {
        let s = schema(
            &json!({"type": "object", "example": {"nullable": true, "$ref": "#/components/schemas/X"}}),
            Refs::Defs,
        );
        assert_eq!(
            s["examples"][0],
            json!({"nullable": true, "$ref": "#/components/schemas/X"})
        );
    }
}
