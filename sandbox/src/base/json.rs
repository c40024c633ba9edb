//! Reading and writing members of the JSON records the sandbox keeps.

use serde_json::{Map, Value};

/// A string member ("" when absent or not a string).
pub fn text<'a>(record: &'a Value, key: &str) -> &'a str {
    record.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A string member, `None` when absent, not a string or empty.
pub fn optional_text<'a>(record: &'a Value, key: &str) -> Option<&'a str> {
    record
        .get(key)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
}

/// An integer member (0 when absent or not an integer).
pub fn integer(record: &Value, key: &str) -> i64 {
    record.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Sets members of an object (no-op on non-objects).
pub fn set(record: &mut Value, members: Value) {
    if let (Value::Object(target), Value::Object(source)) = (record, members) {
        for (key, value) in source {
            target.insert(key, value);
        }
    }
}

/// An object without its `null` members.
pub fn compact(record: Value) -> Value {
    match record {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| !value.is_null())
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// A member, or `null` when absent.
pub fn member(record: &Value, key: &str) -> Value {
    record.get(key).cloned().unwrap_or(Value::Null)
}

/// Why a JSON value is not the type read: where (serde's path: `faults[0].drop_conection`,
/// empty at the top) and the rule (serde's reason, without any value it quoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The member's path; empty for the value itself.
    pub path: String,
    /// serde's reason, without the value: `unknown field `drop_conection`, expected one of …`.
    pub reason: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

/// `value` read as `T`, or where and why it is not one (never quoting a value: it may be a
/// card number in the wrong member).
pub fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Unreadable> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        Unreadable {
            path: if path == "." { String::new() } else { path },
            reason: paybind::spec::without_value(&error.inner().to_string()),
        }
    })
}
