//! Answers made from a spec: the documented example of an operation, or data that fits its
//! response schema (for operations the sandbox has no behaviour for yet).

use serde_json::{json, Map, Value};

use super::gateway::Gateway;

/// For an operation the sandbox has no behaviour for (added to a spec later): the spec's
/// example data, or data made from the response schema.
pub fn generic_data(gw: Gateway, operation: &str) -> Value {
    let spec = gw.spec();
    let Some(op) = gw.operations().iter().find(|o| o.id == operation) else {
        return Value::Null;
    };
    if let Some(data) = documented_data(spec, op.method, op.path) {
        return data;
    }
    op.response_schema
        .and_then(|r| spec.schema(r))
        .and_then(|r| r.pointer("/properties/data"))
        .map(|schema| synthesize(spec, schema, 0))
        .unwrap_or(Value::Null)
}

/// The `data` of the documented example answer of `method path`, when it has one.
pub fn documented_data(spec: &crate::spec::Spec, method: &str, path: &str) -> Option<Value> {
    let content = spec
        .operation(method, path)?
        .pointer("/responses/200/content/application~1json")?;
    let example = content
        .get("example")
        .or_else(|| content.pointer("/examples/docs/value"))?;
    example.get("data").filter(|d| !d.is_null()).cloned()
}

/// A value that fits `schema`: its example, its first enum value, or a plain value.
pub fn synthesize(spec: &crate::spec::Spec, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return spec
            .schema(name)
            .map(|s| synthesize(spec, s, depth + 1))
            .unwrap_or(Value::Null);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(code) = schema.pointer("/x-codes/0/code") {
        return code.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut map = Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                map.insert(name.clone(), synthesize(spec, prop, depth + 1));
            }
            Value::Object(map)
        }
        Some("array") => json!([synthesize(
            spec,
            schema.get("items").unwrap_or(&Value::Null),
            depth + 1
        )]),
        Some("integer") => json!(1),
        Some("number") => json!(1),
        Some("boolean") => json!(true),
        _ => json!("sandbox"),
    }
}
