//! Members the SGATE spec marks `x-sensitive` (ID numbers, card and STCPay numbers, photo URLs)
//! are shown by the admin API only as a mask: the sandbox keeps them decrypted, and neither the
//! admin API nor the page may hand them out.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

/// What a sensitive member is replaced with.
pub const MASK: &str = "•••• (sensitive)";

/// Replaces, at any depth, every non-empty string member whose name the SGATE spec marks
/// `x-sensitive`.
pub fn mask_sensitive(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                let sensitive = sensitive_names().contains(name.as_str());
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

/// The names of the members the SGATE spec marks `x-sensitive`, anywhere in it.
fn sensitive_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = BTreeSet::new();
        collect_sensitive(crate::sgate::spec().document(), &mut names);
        names
    })
}

fn collect_sensitive(node: &Value, names: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, schema) in properties {
                    if crate::spec::is_sensitive(schema) {
                        names.insert(name.clone());
                    }
                }
            }
            map.values().for_each(|v| collect_sensitive(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_sensitive(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn the_spec_marks_the_members_masked() {
        let names = sensitive_names();
        for name in ["identity", "cardno", "stcaccount", "identitypic"] {
            assert!(names.contains(name), "{name} not found among {names:?}");
        }
        assert!(!names.contains("name_e"));
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
