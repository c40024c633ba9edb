//! SGATE's sensitive members (`x-sensitive` in the spec): which members of an answer or callback
//! are encrypted with the merchant public key, and `sensitiveFields` as SGATE names them.

use serde_json::{json, Map, Value};

use crate::base::shared::Shared;

/// The data schema of an operation's 200 answer.
pub fn data_schema(operation_spec: &paybind::spec::Operation) -> Option<&'static str> {
    let spec = paybind::sgate::spec();
    let data = spec
        .schema(operation_spec.response_schema?)?
        .pointer("/properties/data")?;
    let reference = data
        .get("$ref")
        .or_else(|| data.pointer("/items/$ref"))?
        .as_str()?;
    Some(reference.rsplit('/').next().unwrap_or(reference))
}

/// Encrypts, in place, the members a plan names (plan as built from the `x-sensitive` marks).
pub fn encrypt_by_plan(
    shared: &Shared,
    plan: &Value,
    target: &mut Value,
    bad: bool,
) -> Result<(), String> {
    let key = shared.keys.sgate_merchant.public_key();
    match target {
        Value::Array(items) => {
            for item in items {
                encrypt_by_plan(shared, plan, item, bad)?;
            }
            Ok(())
        }
        Value::Object(object) => {
            let Some(members) = plan.as_object() else {
                return Ok(());
            };
            for (name, inner) in members {
                let Some(member) = object.get_mut(name) else {
                    continue;
                };
                if inner == &Value::Bool(true) {
                    if let Value::String(text) = member {
                        if !text.is_empty() {
                            *text = if bad {
                                "bm90IGNpcGhlcnRleHQ=".to_string()
                            } else {
                                paybind::sgate::crypto::encrypt_field(&key, text)
                                    .map_err(|e| e.to_string())?
                            };
                        }
                    }
                } else {
                    encrypt_by_plan(shared, inner, member, bad)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `sensitiveFields` as SGATE sends it: an array of member names for customers, an object
/// keyed by the nested member for orders, `{}` otherwise.
pub fn sensitive_fields(plan: Option<&Value>) -> Value {
    let Some(Value::Object(plan)) = plan else {
        return json!({});
    };
    let top: Vec<Value> = plan
        .iter()
        .filter(|(_, mark)| **mark == Value::Bool(true))
        .map(|(name, _)| json!(name))
        .collect();
    if !top.is_empty() {
        return Value::Array(top);
    }
    let mut nested = Map::new();
    for (name, mark) in plan {
        if let Value::Object(inner) = mark {
            let names: Vec<Value> = inner.keys().map(|member| json!(member)).collect();
            nested.insert(name.clone(), Value::Array(names));
        }
    }
    Value::Object(nested)
}

/// Encrypts a callback's `data` by the `x-sensitive` marks of the callback schema.
pub fn encrypt_callback(shared: &Shared, schema: &str, payload: &mut Value) -> Result<(), String> {
    if let Some(plan) = paybind::sgate::spec().sensitive_plan(schema) {
        encrypt_by_plan(shared, &plan, payload, false)?;
    }
    Ok(())
}
