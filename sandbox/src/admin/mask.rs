//! Members the SGATE specs mark `x-sensitive` (ID numbers, card and STCPay numbers, photo URLs;
//! Payin's card number and security code) are shown by the admin API only as a mask: the
//! sandbox keeps SGATE's decrypted (and Payin's not at all), and neither the admin API nor the
//! page may hand them out.

use serde_json::Value;

/// What a sensitive member is replaced with.
pub const MASK: &str = "•••• (sensitive)";

/// Replaces, at any depth, every non-empty string member whose name an SGATE spec marks
/// `x-sensitive` (the generated `SENSITIVE_MEMBERS` of both).
pub fn mask_sensitive(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                let sensitive = paybind::sgate::SENSITIVE_MEMBERS.contains(&name.as_str())
                    || paybind::sgate_payin::SENSITIVE_MEMBERS.contains(&name.as_str());
                match member {
                    Value::String(text) if sensitive && !text.is_empty() => {
                        *text = MASK.to_string();
                    }
                    other => mask_sensitive(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_sensitive),
        _ => {}
    }
}
