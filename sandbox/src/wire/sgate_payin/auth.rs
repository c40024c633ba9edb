//! SGATE Payin's check of a request's five `x-auth-*` headers, written from the docs' "Call
//! Method" page apart from paybind's signer (so the two can disagree, and a test shows when):
//! the key, the fixed method and version, the timestamp, and the Base64 HMAC-SHA256 keyed with
//! the merchant's secret over the six `name=value` pairs `uri`, `key`, `timestamp`,
//! `signMethod`, `signVersion` and `method` — each value encoded as JavaScript's
//! `encodeURIComponent` does (the docs' Node example), sorted, joined by `&`. `uri` is the path
//! below `/api_v1`, `method` the operation's docs name (`merchant.addOrder`). A refusal is
//! `notAllowed`, its `data` saying why (for a signature, the pairs the sandbox signed, as
//! SGATE's example shows).

use axum::http::HeaderMap;
use base64::Engine as _;
use serde_json::{json, Value};

use super::refusal::{Code, Refusal};
use crate::base::shared::Shared;
use paybind::sgate_payin::signing::{
    HEADER_KEY, HEADER_SIGNATURE, HEADER_SIGN_METHOD, HEADER_SIGN_VERSION, HEADER_TIMESTAMP,
    SIGN_METHOD, SIGN_VERSION,
};

/// The service root the signed `uri` is below.
pub const API_ROOT: &str = "/api_v1";

fn not_allowed(why: impl Into<String>) -> Refusal {
    Refusal::new(Code::NotAllowed, why)
}

/// Checks the headers of a request to `uri` (below `/api_v1`) of the operation named `method`.
pub fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    uri: &str,
    method: &str,
) -> Result<(), Refusal> {
    let header = |name: &'static str| -> Result<&str, Refusal> {
        match headers.get(name).map(|value| value.to_str().map(str::trim)) {
            None => Err(not_allowed(format!("{name} is missing"))),
            Some(Err(_)) => Err(not_allowed(format!("{name} is not text"))),
            Some(Ok(value)) => Ok(value),
        }
    };
    let (signature, key, timestamp) = (
        header(HEADER_SIGNATURE)?,
        header(HEADER_KEY)?,
        header(HEADER_TIMESTAMP)?,
    );
    if header(HEADER_SIGN_METHOD)? != SIGN_METHOD {
        return Err(not_allowed(format!(
            "{HEADER_SIGN_METHOD} is not {SIGN_METHOD}"
        )));
    }
    if header(HEADER_SIGN_VERSION)? != SIGN_VERSION {
        return Err(not_allowed(format!(
            "{HEADER_SIGN_VERSION} is not {SIGN_VERSION}"
        )));
    }
    if key != shared.settings.sgate_payin_key {
        return Err(not_allowed(format!("unknown {HEADER_KEY}")));
    }
    let seconds = timestamp
        .parse::<i32>()
        .ok()
        .filter(|_| timestamp.bytes().all(|byte| byte.is_ascii_digit()))
        .ok_or_else(|| not_allowed(format!("{HEADER_TIMESTAMP} is not Unix seconds (int32)")))?;
    let secret = shared.settings.sgate_payin_secret.as_bytes();
    let signed = Signed {
        uri,
        key,
        timestamp,
        method,
    };
    if !signed.verifies(secret, signature) {
        let why = signed.why_not(secret, signature);
        return Err(Refusal::with_data(
            Code::NotAllowed,
            json!([why, signed.pairs_json(seconds)]),
        ));
    }
    if let Some(window) = shared.settings.timestamp_window {
        let distance = shared
            .now_ms()
            .div_euclid(1000)
            .abs_diff(i64::from(seconds));
        if distance > window.as_secs() {
            return Err(not_allowed(format!(
                "{HEADER_TIMESTAMP} is {distance} s from the sandbox clock; the window is {} s",
                window.as_secs()
            )));
        }
    }
    Ok(())
}

/// The request line as signed.
struct Signed<'a> {
    uri: &'a str,
    key: &'a str,
    timestamp: &'a str,
    method: &'a str,
}

impl Signed<'_> {
    /// The text the HMAC covers, with `uri` and `method` as given.
    fn text_with(&self, uri: &str, method: &str) -> String {
        let mut pairs = [
            ("uri", uri),
            ("key", self.key),
            ("timestamp", self.timestamp),
            ("signMethod", SIGN_METHOD),
            ("signVersion", SIGN_VERSION),
            ("method", method),
        ]
        .map(|(name, value)| format!("{name}={}", encode_uri_component(value)));
        // The Node example sorts the `name=value` texts.
        pairs.sort_unstable();
        pairs.join("&")
    }

    /// Whether `signature` (Base64) is the HMAC of the text with `uri` and `method`.
    fn verifies_with(&self, secret: &[u8], signature: &str, uri: &str, method: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::STANDARD.decode(signature) else {
            return false;
        };
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        // Compares in constant time.
        aws_lc_rs::hmac::verify(&key, self.text_with(uri, method).as_bytes(), &tag).is_ok()
    }

    fn verifies(&self, secret: &[u8], signature: &str) -> bool {
        self.verifies_with(secret, signature, self.uri, self.method)
    }

    /// Why the signature does not verify: first the slips a client makes (the root or the
    /// sandbox's prefix signed with the path, the HTTP verb signed as the method), else the
    /// docs' "signature error".
    fn why_not(&self, secret: &[u8], signature: &str) -> String {
        let rooted = format!("{API_ROOT}{}", self.uri);
        let prefixed = format!("/sgate-payin{rooted}");
        for path in [&rooted, &prefixed] {
            if self.verifies_with(secret, signature, path, self.method) {
                return format!(
                    "signature error: {path} was signed; the uri signed is the path below \
                     {API_ROOT} ({})",
                    self.uri
                );
            }
        }
        for verb in ["GET", "POST", "PUT", "get", "post", "put"] {
            if self.verifies_with(secret, signature, self.uri, verb) {
                return format!(
                    "signature error: the method signed is the operation's name ({}), not the \
                     HTTP method",
                    self.method
                );
            }
        }
        "signature error".to_string()
    }

    /// The pairs as the docs' failure example shows them (`timestamp` a number).
    fn pairs_json(&self, seconds: i32) -> Value {
        json!({
            "uri": self.uri,
            "key": self.key,
            "timestamp": seconds,
            "signMethod": SIGN_METHOD,
            "signVersion": SIGN_VERSION,
            "method": self.method,
        })
    }
}

/// JavaScript's `encodeURIComponent`: ASCII letters, digits and `-_.!~*'()` as they are,
/// every other byte of the UTF-8 text as `%XX`.
fn encode_uri_component(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
