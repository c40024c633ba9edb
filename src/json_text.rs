//! JSON objects that keep their text: each member's value exactly as written (a number's
//! digits), the members in their order. paybind reads and edits requests, answers and SGATE
//! callbacks through them where a `serde_json::Value` would re-spell an amount through an `f64`
//! and sort the members: serde_json's `arbitrary_precision` and `preserve_order` would change
//! that, but they are whole-program switches, and paybind flips none of a merchant's switches.

use indexmap::IndexMap;
use serde_json::value::RawValue;

/// A JSON object whose member values are their raw JSON text, in order.
pub(crate) type RawObject = IndexMap<String, Box<RawValue>>;

/// Reads a JSON object, keeping each member's text.
pub(crate) fn object_of(text: &[u8]) -> Result<RawObject, serde_json::Error> {
    serde_json::from_slice(text)
}

/// Reads a JSON array, keeping each element's text.
pub(crate) fn array_of(raw: &RawValue) -> Result<Vec<Box<RawValue>>, serde_json::Error> {
    serde_json::from_str(raw.get())
}

/// The JSON text of an object (or an array) whose members keep their text.
pub(crate) fn text_of<T: serde::Serialize + ?Sized>(raw: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(raw)
}

/// The text as a JSON value of its own.
pub(crate) fn raw_of(text: String) -> Result<Box<RawValue>, serde_json::Error> {
    RawValue::from_string(text)
}

/// A string as a JSON value (quoted and escaped).
pub(crate) fn string_value(text: &str) -> Result<Box<RawValue>, serde_json::Error> {
    serde_json::value::to_raw_value(text)
}

/// The string a JSON value holds; `None` for any other type.
pub(crate) fn as_string(raw: &RawValue) -> Option<String> {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => serde_json::from_str(raw.get()).ok(),
        _ => None,
    }
}

/// What kind of JSON value a raw text is, by its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Object,
    Array,
    String,
    Other,
}

/// The shape of a raw JSON value.
pub(crate) fn shape(raw: &RawValue) -> Shape {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => Shape::Object,
        Some(b'[') => Shape::Array,
        Some(b'"') => Shape::String,
        _ => Shape::Other,
    }
}

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
