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
