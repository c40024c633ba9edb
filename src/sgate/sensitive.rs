//! Which members of an answer or callback SGATE carries encrypted, and decrypting them: by the
//! answer's `sensitiveFields` plan, or by a plan made from the `x-sensitive` marks of a
//! callback's schema. Decrypted values never reach an error; only the member's path does.

use serde_json::value::RawValue;
use serde_json::Value;

use super::crypto::decrypt_field;
use crate::json_text::{self, RawObject};
use crate::keys::PrivateKey;

/// A member that could not be decrypted: its path and why (never the value).
pub(crate) type Undecryptable = (String, String);

/// Decrypts the members of `data` that `sensitiveFields` names. Both documented shapes: an
/// array of member names (applied to `data`, or to each element when `data` is an array) and
/// an object keyed by nested member (`{"custominfo": [...]}`), nested to any depth. Returns
/// whether anything was decrypted. Every other member keeps its text, digits included.
pub(crate) fn decrypt_answer(
    key: &PrivateKey,
    envelope: &mut RawObject,
) -> Result<bool, Undecryptable> {
    let Some(plan) = envelope.get("sensitiveFields") else {
        return Ok(false);
    };
    let plan: Value = serde_json::from_str(plan.get()).unwrap_or(Value::Null);
    let Some(data) = envelope.get_mut("data") else {
        return Ok(false);
    };
    decrypt_by_plan(key, &plan, data, "data")
}

/// Applies a `sensitiveFields`-shaped plan to a raw value, in place (see
/// [`json_text::apply_plan`]). Returns whether anything was decrypted.
pub(crate) fn decrypt_by_plan(
    key: &PrivateKey,
    plan: &Value,
    target: &mut Box<RawValue>,
    path: &str,
) -> Result<bool, Undecryptable> {
    json_text::apply_plan(plan, target, path, &mut |member, path| {
        decrypt_member(key, member, path)
    })
}

/// Applies a plan to the members of one object (a callback's body).
pub(crate) fn decrypt_object(
    key: &PrivateKey,
    plan: &Value,
    object: &mut RawObject,
    path: &str,
) -> Result<bool, Undecryptable> {
    json_text::apply_plan_to_object(plan, object, path, &mut |member, path| {
        decrypt_member(key, member, path)
    })
}

/// Decrypts one member in place; `""` (SGATE's "none") and non-strings are left alone.
fn decrypt_member(
    key: &PrivateKey,
    member: &mut Box<RawValue>,
    path: &str,
) -> Result<bool, Undecryptable> {
    let Some(text) = json_text::as_string(member).filter(|text| !text.is_empty()) else {
        return Ok(false);
    };
    let plain = decrypt_field(key, &text).map_err(|e| (path.to_string(), e.to_string()))?;
    *member = json_text::string_value(plain.expose()).map_err(|_| {
        (
            path.to_string(),
            "cannot be written back as JSON".to_string(),
        )
    })?;
    Ok(true)
}
