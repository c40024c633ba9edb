//! SGATE Payin's request signature (signature version 1), as the docs' "Call Method" page
//! describes it: five `x-auth-*` headers, the first of them a Base64 HMAC-SHA256, keyed with the
//! merchant's secret, over the text
//!
//! ```text
//! key=<key>&method=<operation name>&signMethod=HmacSHA256&signVersion=1&timestamp=<seconds>&uri=<path>
//! ```
//!
//! — the six `key=value` pairs with each value URL-encoded, sorted and joined by `&`. `uri` is
//! the request path below the service root (`/api_v1`): `/merchants/M448726/orders`; `method`
//! is the operation's name in the docs (`merchant.addOrder`), not the HTTP verb. Neither the
//! body nor the answer is signed.
//!
//! Values are encoded as the docs' Node example does (JavaScript's `encodeURIComponent`: letters,
//! digits and `-_.!~*'()` kept, everything else `%XX` of its UTF-8 bytes); the PHP and Python
//! examples differ only for a space and those five marks, which no issued key, documented path
//! or operation name holds. tests/it/sgate_payin_signing.rs runs the Node example itself.
//!
//! ```
//! use paybind::sgate_payin::signing::{signature, string_to_sign, Secret};
//! let text = string_to_sign("/users/100000/orders", "your key", 1_700_000_000, "merchant.addOrder");
//! assert_eq!(
//!     text,
//!     "key=your%20key&method=merchant.addOrder&signMethod=HmacSHA256&signVersion=1\
//!      &timestamp=1700000000&uri=%2Fusers%2F100000%2Forders"
//! );
//! let signed = signature(&Secret::new("your secret"), &text);
//! assert_eq!(signed.len(), 44); // Base64 of 32 bytes
//! ```

use std::fmt;

use base64::Engine as _;

/// `x-auth-signature`: the Base64 HMAC-SHA256.
pub const HEADER_SIGNATURE: &str = "x-auth-signature";
/// `x-auth-key`: the key SGATE issued with the secret.
pub const HEADER_KEY: &str = "x-auth-key";
/// `x-auth-timestamp`: Unix seconds, the `timestamp` the signature covers.
pub const HEADER_TIMESTAMP: &str = "x-auth-timestamp";
/// `x-auth-sign-method`: always [`SIGN_METHOD`].
pub const HEADER_SIGN_METHOD: &str = "x-auth-sign-method";
/// `x-auth-sign-version`: always [`SIGN_VERSION`].
pub const HEADER_SIGN_VERSION: &str = "x-auth-sign-version";
/// The one signature method the docs define.
pub const SIGN_METHOD: &str = "HmacSHA256";
/// The one signature version the docs define.
pub const SIGN_VERSION: &str = "1";

/// The merchant's HMAC secret. `Debug` never shows it; it is overwritten with zeros when
/// dropped, and it is never sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps the secret SGATE issued with the key.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself (for a caller who must hand it on; paybind only keys the HMAC with it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

/// The headers of one signed request, in the order they are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `x-auth-signature`.
    pub signature: String,
    /// `x-auth-key`.
    pub key: String,
    /// `x-auth-timestamp`, Unix seconds.
    pub timestamp: i64,
}

impl SignedHeaders {
    /// Signs a request of operation `method` (its docs name) to `uri` (the path below
    /// `/api_v1`) at `timestamp` (Unix seconds).
    pub fn sign(secret: &Secret, key: &str, uri: &str, method: &str, timestamp: i64) -> Self {
        Self {
            signature: signature(secret, &string_to_sign(uri, key, timestamp, method)),
            key: key.to_string(),
            timestamp,
        }
    }

    /// The five headers as `(name, value)` pairs.
    pub fn pairs(&self) -> [(&'static str, String); 5] {
        [
            (HEADER_SIGNATURE, self.signature.clone()),
            (HEADER_KEY, self.key.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_SIGN_METHOD, SIGN_METHOD.to_string()),
            (HEADER_SIGN_VERSION, SIGN_VERSION.to_string()),
        ]
    }
}

/// The text the HMAC covers: the six pairs `uri`, `key`, `timestamp`, `signMethod`,
/// `signVersion` and `method`, each `name=<URL-encoded value>`, sorted, joined by `&`.
pub fn string_to_sign(uri: &str, key: &str, timestamp: i64, method: &str) -> String {
    let timestamp = timestamp.to_string();
    let mut pairs = [
        ("uri", uri),
        ("key", key),
        ("timestamp", timestamp.as_str()),
        ("signMethod", SIGN_METHOD),
        ("signVersion", SIGN_VERSION),
        ("method", method),
    ]
    .map(|(name, value)| format!("{name}={}", encode_component(value)));
    // As the Node example sorts: the whole `name=value` texts (no name is a prefix of another,
    // so this is the names' order, as PHP's ksort and Python's sorted() give).
    pairs.sort();
    pairs.join("&")
}

/// Base64 (standard, padded) HMAC-SHA256 of `text` keyed with `secret`.
pub fn signature(secret: &Secret, text: &str) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.expose().as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, text.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// JavaScript's `encodeURIComponent`: ASCII letters and digits and `-_.!~*'()` as they are,
/// every other byte of the UTF-8 text as `%XX` (upper-case hex).
pub fn encode_component(value: &str) -> String {
    crate::percent::percent_encode(value, b"-_.!~*'()")
}
