//! Reading and writing members of the JSON records the sandbox keeps.

use serde_json::{Map, Value};

/// A string member.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An optional string member.
pub fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|t| !t.is_empty())
}

/// An integer member.
pub fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Sets members of an object (no-op on non-objects).
pub fn set(v: &mut Value, members: Value) {
    if let (Value::Object(target), Value::Object(source)) = (v, members) {
        for (k, value) in source {
            target.insert(k, value);
        }
    }
}

/// An object without its `null` members.
pub fn compact(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// A member, or `null` when absent.
pub fn member(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}
