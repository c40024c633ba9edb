//! What every generated code table offers, so error types can be written once for all gateways.

use std::borrow::Cow;

/// A gateway's result or failure code (generated from a spec's `x-codes` table).
pub trait Code: Copy + std::fmt::Debug + std::fmt::Display + Send + Sync + 'static {
    /// The number on the wire.
    fn code(&self) -> i64;
    /// The code for a number; unknown numbers are kept.
    fn from_code(code: i64) -> Self;
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

/// Whether an HTTP status means "try the same request again later": rate limited, or a gateway
/// fault (both gateways document 5xx for platform faults). Resending is safe only because the
/// merchant order id / idempotency id makes the gateway reject a duplicate.
pub(crate) fn http_status_is_retryable(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}
