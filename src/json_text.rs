//! JSON objects that keep their text: each member's value exactly as written (a number's
//! digits), the members in their order. paybind reads and edits requests, answers and SGATE
//! callbacks through them where a `serde_json::Value` would re-spell an amount through an `f64`
//! and sort the members: serde_json's `arbitrary_precision` and `preserve_order` would change
//! that, but they are whole-program switches, and paybind flips none of a merchant's switches.

#[cfg(feature = "sgate")]
mod plan;

use indexmap::IndexMap;
use serde_json::value::RawValue;

#[cfg(feature = "sgate")]
pub(crate) use plan::{apply_plan, apply_plan_to_object};

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
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
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
