//! What every generated code table offers, so error types can be written once for all gateways.

use std::borrow::Cow;
use std::fmt;

/// A code as a gateway writes it: BluePay, BluePay JT and SGATE Payout send numbers, SGATE
/// Payin sends words (`notAllowed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WireCode<'a> {
    /// A numeric code (`21009`).
    Number(i64),
    /// A string code (`notAllowed`).
    Text(&'a str),
}

impl fmt::Display for WireCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireCode::Number(code) => write!(f, "{code}"),
            WireCode::Text(code) => f.write_str(code),
        }
    }
}

/// Written as the gateway writes it: a JSON number or a JSON string.
impl serde::Serialize for WireCode<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            WireCode::Number(code) => s.serialize_i64(*code),
            WireCode::Text(code) => s.serialize_str(code),
        }
    }
}

/// A gateway's result or failure code (generated from a spec's `x-codes` table).
pub trait Code: Clone + std::fmt::Debug + std::fmt::Display + Send + Sync + 'static {
    /// The code as on the wire.
    fn wire(&self) -> WireCode<'_>;
    /// The code of what the gateway sent, unknown codes kept; `None` when it is not of this
    /// table's kind (a word for a numeric table).
    fn from_wire(code: WireCode<'_>) -> Option<Self>;
    /// The docs' message, when the code is documented.
    fn message(&self) -> Option<&'static str>;
    /// Whether the same request may succeed if sent again later.
    fn is_retryable(&self) -> bool;
    /// The variant name (e.g. `SignError`), or `Unknown(n)`.
    fn name(&self) -> Cow<'static, str>;
}

/// Reads a code sent as a JSON integer or as a string of digits (the docs show both).
#[doc(hidden)]
pub fn deserialize_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Wire<'a> {
        Int(i64),
        Text(Cow<'a, str>),
    }
    match <Wire as serde::Deserialize>::deserialize(d)? {
        Wire::Int(code) => Ok(code),
        Wire::Text(text) => text
            .trim()
            .parse()
            // The text is the answer's: the message names the rule only.
            .map_err(|_| serde::de::Error::custom("code is not an integer")),
    }
}

/// Reads a string code; a number is kept as its decimal text (what paybind receives is
/// forward-compatible).
#[doc(hidden)]
pub fn deserialize_text_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Wire<'a> {
        Int(i64),
        Text(Cow<'a, str>),
    }
    match <Wire as serde::Deserialize>::deserialize(d)? {
        Wire::Int(code) => Ok(code.to_string()),
        Wire::Text(text) => Ok(text.into_owned()),
    }
}

/// Whether an HTTP status means "try the same request again later": rate limited, or a gateway
/// fault (both gateways document 5xx for platform faults). Resending is safe only because the
/// merchant order id / idempotency id makes the gateway reject a duplicate.
pub(crate) fn http_status_is_retryable(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}
