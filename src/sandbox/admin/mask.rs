//! Members the SGATE spec marks `x-sensitive` (ID numbers, card and STCPay numbers, photo URLs)
//! are shown by the admin API only as a mask: the sandbox keeps them decrypted, and neither the
//! admin API nor the page may hand them out.

use serde_json::Value;

/// What a sensitive member is replaced with.
pub const MASK: &str = "•••• (sensitive)";

/// Replaces, at any depth, every non-empty string member whose name the SGATE spec marks
/// `x-sensitive` (the generated `SENSITIVE_MEMBERS`).
pub fn mask_sensitive(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                let sensitive = crate::sgate::SENSITIVE_MEMBERS.contains(&name.as_str());
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

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn the_spec_marks_the_members_masked() {
        // The generated list (build/sensitive.rs) holds the five members the docs encrypt.
        assert_eq!(
            crate::sgate::SENSITIVE_MEMBERS,
            ["cardno", "identity", "identitypic", "signpic", "stcaccount"]
        );
    }

    #[test]
    fn masks_at_any_depth_and_keeps_the_rest() {
        let mut v = json!({
            "customid": "C1", "cardno": "4111111111111111", "identity": "",
            "list": [{ "identity": "1234567890" }],
        });
        mask_sensitive(&mut v);
        assert_eq!(v["customid"], "C1");
        assert_eq!(v["cardno"], MASK);
        assert_eq!(v["identity"], "", "an empty member says 'none' and stays");
        assert_eq!(v["list"][0]["identity"], MASK);
    }
}
