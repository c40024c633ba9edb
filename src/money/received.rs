//! Received amounts handed to their models as text. serde reads a model that keeps unknown
//! members (`#[serde(flatten)]`, most of the gateways' answers) through a buffer that holds a
//! JSON number as an `f64`: an amount of 16 or more significant digits would lose its last
//! before the money type sees it. Before paybind decodes an answer, notification or callback,
//! each such amount at a place the schema marks as money (a JSON number of `Amount` or
//! `Decimal2`) becomes a JSON string of the same digits, which the money types read exactly.

use serde_json::value::RawValue;

use crate::json_text::{self, PlanError, RawObject};
use crate::spec::{is_money_number, Spec};

/// Significant digits an `f64` carries through serde's buffer and back unchanged.
const F64_EXACT_DIGITS: usize = 15;

/// Quotes the long amounts of `object`, a document of component `schema`; whether any was.
pub(crate) fn quote_amounts(spec: &Spec, schema: &str, object: &mut RawObject) -> bool {
    let Some(plan) = spec.plan(schema, &is_money_number) else {
        return false;
    };
    // A member that cannot be rewritten is left as it came: the model then reads it as before.
    json_text::apply_plan_to_object(&plan, object, "", &mut quote_long_number).unwrap_or(false)
}

/// `text` with its long amounts quoted, when it is a JSON object of component `schema` that has
/// any; `None` when nothing needs to change.
pub(crate) fn with_amounts_quoted(spec: &Spec, schema: &str, text: &[u8]) -> Option<String> {
    let mut object = json_text::object_of(text).ok()?;
    if !quote_amounts(spec, schema, &mut object) {
        return None;
    }
    json_text::text_of(&object).ok()
}

/// A JSON number of more than 15 significant digits as a string of the same digits.
fn quote_long_number(member: &mut Box<RawValue>, _path: &str) -> Result<bool, PlanError> {
    let text = member.get().trim();
    let is_plain_number = text.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        && !text.contains(['e', 'E']);
    if !is_plain_number || significant_digits(text) <= F64_EXACT_DIGITS {
        return Ok(false);
    }
    match json_text::string_value(text) {
        Ok(quoted) => {
            *member = quoted;
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

/// Digits of a plain decimal from its first non-zero digit on.
fn significant_digits(text: &str) -> usize {
    text.bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count()
}
