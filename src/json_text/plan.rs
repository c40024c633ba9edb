//! Applying a plan (which members of a document to act on) to raw JSON text, every other member
//! keeping its text: SGATE's decryption of answers and callbacks.

use serde_json::value::RawValue;

use super::{array_of, object_of, raw_of, shape, text_of, RawObject, Shape};

/// Why a member a plan marks could not be handled: its path and the reason (never its value).
pub(crate) type PlanError = (String, String);

/// What a plan does to one member it marks, given the member and its path; whether it changed
/// anything.
pub(crate) type Leaf<'a> = dyn FnMut(&mut Box<RawValue>, &str) -> Result<bool, PlanError> + 'a;

/// Applies a plan ([`crate::spec`]'s plans, or SGATE's `sensitiveFields`: an array of member
/// names, or an object whose members are `true` or nested plans; a plan applies to each element
/// of an array) to a raw value, in place. Whether anything changed; untouched members keep
/// their text.
pub(crate) fn apply_plan(
    plan: &serde_json::Value,
    target: &mut Box<RawValue>,
    path: &str,
    leaf: &mut Leaf<'_>,
) -> Result<bool, PlanError> {
    let unreadable = |what: &str| (path.to_string(), format!("{what} is not valid JSON"));
    match shape(target) {
        Shape::Array => {
            let mut items = array_of(target).map_err(|_| unreadable("the array"))?;
            let mut changed = false;
            for (i, item) in items.iter_mut().enumerate() {
                changed |= apply_plan(plan, item, &format!("{path}[{i}]"), leaf)?;
            }
            Ok(changed && replace(target, &items, path)?)
        }
        Shape::Object => {
            let mut object =
                object_of(target.get().as_bytes()).map_err(|_| unreadable("the object"))?;
            Ok(apply_plan_to_object(plan, &mut object, path, leaf)?
                && replace(target, &object, path)?)
        }
        Shape::String | Shape::Other => Ok(false),
    }
}

/// Applies a plan to the members of one object.
pub(crate) fn apply_plan_to_object(
    plan: &serde_json::Value,
    object: &mut RawObject,
    path: &str,
    leaf: &mut Leaf<'_>,
) -> Result<bool, PlanError> {
    use serde_json::Value;
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let mut changed = false;
    match plan {
        Value::Array(names) => {
            for name in names.iter().filter_map(Value::as_str) {
                if let Some(member) = object.get_mut(name) {
                    changed |= leaf(member, &join(name))?;
                }
            }
        }
        Value::Object(members) => {
            for (name, inner) in members {
                let Some(member) = object.get_mut(name) else {
                    continue;
                };
                changed |= if inner == &Value::Bool(true) {
                    leaf(member, &join(name))?
                } else {
                    apply_plan(inner, member, &join(name), leaf)?
                };
            }
        }
        _ => {}
    }
    Ok(changed)
}

/// Writes an edited object or array back in place of its raw text.
fn replace<T: serde::Serialize>(
    target: &mut Box<RawValue>,
    edited: &T,
    path: &str,
) -> Result<bool, PlanError> {
    *target = text_of(edited).and_then(raw_of).map_err(|_| {
        (
            path.to_string(),
            "cannot be written back as JSON".to_string(),
        )
    })?;
    Ok(true)
}
