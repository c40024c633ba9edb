//! Which members of an answer or callback SGATE carries encrypted, and decrypting them: by the
//! answer's `sensitiveFields` plan, or by a plan made from the `x-sensitive` marks of a
//! callback's schema. Decrypted values never reach an error; only the member's path does.

use serde_json::{Map, Value};

use super::crypto::decrypt_field;
use crate::keys::PrivateKey;
use crate::spec::{is_sensitive, Spec};

/// A member that could not be decrypted: its path and why (never the value).
pub(crate) type Undecryptable = (String, String);

/// Decrypts the members of `data` that `sensitiveFields` names. Both documented shapes: an
/// array of member names (applied to `data`, or to each element when `data` is an array) and
/// an object keyed by nested member (`{"custominfo": [...]}`), nested to any depth. Returns
/// whether anything was decrypted.
pub(crate) fn decrypt_answer(
    key: &PrivateKey,
    envelope: &mut Map<String, Value>,
) -> Result<bool, Undecryptable> {
    let Some(plan) = envelope.get("sensitiveFields").cloned() else {
        return Ok(false);
    };
    let Some(data) = envelope.get_mut("data") else {
        return Ok(false);
    };
    let mut changed = false;
    decrypt_by_plan(key, &plan, data, "data", &mut changed)?;
    Ok(changed)
}

/// Applies a `sensitiveFields`-shaped plan to a value: an array of member names to decrypt, or
/// an object whose members are nested plans (or `true`: decrypt this member). A plan applies to
/// each element of an array.
pub(crate) fn decrypt_by_plan(
    key: &PrivateKey,
    plan: &Value,
    target: &mut Value,
    path: &str,
    changed: &mut bool,
) -> Result<(), Undecryptable> {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match (target, plan) {
        (Value::Array(items), _) => {
            for (i, item) in items.iter_mut().enumerate() {
                decrypt_by_plan(key, plan, item, &format!("{path}[{i}]"), changed)?;
            }
        }
        (Value::Object(object), Value::Array(names)) => {
            for name in names.iter().filter_map(Value::as_str) {
                if let Some(member) = object.get_mut(name) {
                    decrypt_member(key, member, &join(name), changed)?;
                }
            }
        }
        (Value::Object(object), Value::Object(members)) => {
            for (name, inner) in members {
                let Some(member) = object.get_mut(name) else {
                    continue;
                };
                if inner == &Value::Bool(true) {
                    decrypt_member(key, member, &join(name), changed)?;
                } else {
                    decrypt_by_plan(key, inner, member, &join(name), changed)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Decrypts one member in place; `""` (SGATE's "none") and non-strings are left alone.
fn decrypt_member(
    key: &PrivateKey,
    member: &mut Value,
    path: &str,
    changed: &mut bool,
) -> Result<(), Undecryptable> {
    if let Value::String(text) = member {
        if !text.is_empty() {
            let plain = decrypt_field(key, text).map_err(|e| (path.to_string(), e.to_string()))?;
            *text = plain.into_inner();
            *changed = true;
        }
    }
    Ok(())
}

/// A `sensitiveFields`-shaped plan from a schema's `x-sensitive` marks: an object whose members
/// are `true` (decrypt this member) or a nested plan.
pub(crate) fn decryption_plan(spec: &Spec, schema_name: &str, depth: usize) -> Option<Value> {
    let schema = spec.schema(schema_name)?;
    plan_of(spec, schema, depth)
}

fn plan_of(spec: &Spec, schema: &Value, depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    let schema = resolve(spec, schema)?;
    if let Some(items) = schema.get("items") {
        return plan_of(spec, items, depth + 1);
    }
    let properties = schema.get("properties")?.as_object()?;
    let mut plan = Map::new();
    for (name, property) in properties {
        if is_sensitive(property) {
            plan.insert(name.clone(), Value::Bool(true));
        } else if let Some(nested) = plan_of(spec, property, depth + 1) {
            plan.insert(name.clone(), nested);
        }
    }
    (!plan.is_empty()).then_some(Value::Object(plan))
}

fn resolve<'a>(spec: &'a Spec, schema: &'a Value) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.schema(r.rsplit('/').next()?),
        None => Some(schema),
    }
}
