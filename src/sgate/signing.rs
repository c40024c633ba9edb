//! SGATE's header signature, for requests (merchant private key), answers and callbacks
//! (system public key).
//!
//! The signed text is the JSON object `{api_key, timestamp, nonce_str, url, method, body}` —
//! keys in that order, compact, `/` and non-ASCII characters not escaped (PHP's
//! `JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE`; serde_json behaves that way). Its MD5, as
//! 32 lower-case hex characters, is signed with MD5withRSA (PKCS#1 v1.5) and Base64-encoded into
//! `V-Signature`. `timestamp` (seconds) and `nonce_str` travel in `V-Timestamp` and
//! `V-Nonce-Str`.
//!
//! ```
//! use paybind::sgate::signing::{digest_hex, signature_data};
//! let data = signature_data("xxxxxxxxxxxxxx", 1686647706, "TIj5tZ3gM6FbprYlKNR2",
//!     "/openApi/v1/payee/custom/list", "GET", "");
//! assert_eq!(digest_hex(&data), "8a5908e27626d79d73dc14bd9ba00e72");
//! ```

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use md5::{Digest as _, Md5};
use serde::Serialize;

use crate::clock::SharedClock;
use crate::keys::{Pkcs1Hash, PrivateKey, PublicKey};
use crate::pipeline::transport::Transport;

/// `V-Api-Key`: the merchant API KEY.
pub const HEADER_API_KEY: &str = "V-Api-Key";
/// `V-Api-Version`: the interface version.
pub const HEADER_API_VERSION: &str = "V-Api-Version";
/// `V-Timestamp`: Unix seconds, equal to `timestamp` in the signed text.
pub const HEADER_TIMESTAMP: &str = "V-Timestamp";
/// `V-Nonce-Str`: random string, equal to `nonce_str` in the signed text.
pub const HEADER_NONCE: &str = "V-Nonce-Str";
/// `V-Signature`: the Base64 MD5withRSA signature.
pub const HEADER_SIGNATURE: &str = "V-Signature";
/// The only interface version SGATE documents.
pub const API_VERSION: &str = "1";
/// The `User-Agent` paybind sends (SGATE refuses requests without one, code 1211).
pub const USER_AGENT: &str = concat!("paybind/", env!("CARGO_PKG_VERSION"));

/// The merchant API KEY. `Debug` never shows it; it is overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps the API KEY SGATE issued.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself (it is sent in `V-Api-Key` and signed).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for ApiKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

#[derive(Serialize)]
struct SignatureObject<'a> {
    api_key: &'a str,
    timestamp: i64,
    nonce_str: &'a str,
    url: &'a str,
    method: &'a str,
    body: &'a str,
}

/// The exact text that is hashed: the signature object serialised compact, keys in the
/// documented order, `/` and non-ASCII characters as they are.
pub fn signature_data(
    api_key: &str,
    timestamp: i64,
    nonce_str: &str,
    url: &str,
    method: &str,
    body: &str,
) -> String {
    let object = SignatureObject {
        api_key,
        timestamp,
        nonce_str,
        url,
        method,
        body,
    };
    // Serialising a struct of strings and an integer cannot fail.
    serde_json::to_string(&object).unwrap_or_default()
}

/// MD5 of the text as 32 lower-case hex characters (what gets RSA-signed).
pub fn digest_hex(data: &str) -> String {
    hex(&Md5::digest(data.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

pub use crate::error::SignatureError;

/// Signs the hex digest with MD5withRSA (PKCS#1 v1.5: the MD5 of the 32 hex characters is what
/// the RSA operation signs) and returns it Base64-encoded. aws-lc signs, blinded, through its C
/// interface (aws-lc-rs's safe API has no MD5; see `keys/c_api.rs`).
///
/// # Panics
/// If aws-lc cannot sign: only when memory runs out or its check of the result finds a
/// computation fault.
pub fn sign_digest(key: &PrivateKey, digest_hex: &str) -> String {
    match try_sign_digest(key, digest_hex) {
        Some(signature) => signature,
        None => panic!("aws-lc could not compute the MD5withRSA signature"),
    }
}

/// [`sign_digest`], or `None` where it would panic.
pub(crate) fn try_sign_digest(key: &PrivateKey, digest_hex: &str) -> Option<String> {
    let md5 = Md5::digest(digest_hex.as_bytes());
    let signature = key.rsa().sign(Pkcs1Hash::Md5, &md5)?;
    Some(base64::engine::general_purpose::STANDARD.encode(signature))
}

/// Verifies a Base64 MD5withRSA signature over the hex digest with `key`.
pub fn verify_digest(
    key: &PublicKey,
    digest_hex: &str,
    signature_b64: &str,
) -> Result<(), SignatureError> {
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim().as_bytes())
        .map_err(|_| SignatureError::NotBase64)?;
    let md5 = Md5::digest(digest_hex.as_bytes());
    if key.rsa().verify(Pkcs1Hash::Md5, &md5, &signature) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Where `nonce_str` values come from. Injectable so tests and snapshots are reproducible.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// A fresh random string (SGATE: fewer than 128 characters).
    fn nonce(&self) -> String;
}

/// 32 random letters and digits per request.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonce;

impl NonceSource for RandomNonce {
    fn nonce(&self) -> String {
        crate::random::alphanumeric(32)
    }
}

/// The same nonce every time, for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedNonce(pub String);

impl NonceSource for FixedNonce {
    fn nonce(&self) -> String {
        self.0.clone()
    }
}

/// The headers of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `V-Timestamp`, Unix seconds.
    pub timestamp: i64,
    /// `V-Nonce-Str`.
    pub nonce: String,
    /// `V-Signature`, Base64.
    pub signature: String,
}

/// What a response or callback carries to verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResponseSignature<'a> {
    /// `V-Signature` is present and not empty.
    Present {
        timestamp: i64,
        nonce: &'a str,
        signature: &'a str,
    },
    /// `V-Signature` is present but empty: SGATE's answer when it could not authenticate the
    /// merchant. Nothing in such an answer can be trusted.
    Empty,
}

/// Reads the signing headers of an answer or callback.
pub(crate) fn read_signature(
    headers: &http::HeaderMap,
) -> Result<ResponseSignature<'_>, SignatureError> {
    let text = |name: &'static str| -> Result<&str, SignatureError> {
        headers
            .get(name)
            .ok_or(SignatureError::MissingHeader(name))?
            .to_str()
            .map(str::trim)
            .map_err(|_| SignatureError::MalformedHeader(name))
    };
    let signature = text(HEADER_SIGNATURE)?;
    if signature.is_empty() {
        return Ok(ResponseSignature::Empty);
    }
    let timestamp = text(HEADER_TIMESTAMP)?
        .parse()
        .map_err(|_| SignatureError::MalformedHeader(HEADER_TIMESTAMP))?;
    let nonce = text(HEADER_NONCE)?;
    Ok(ResponseSignature::Present {
        timestamp,
        nonce,
        signature,
    })
}

/// What the generated SGATE client carries: the API KEY, the keys, the clock and the nonce
/// source that seal and open requests, and the transport policy. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct SgateContext {
    pub(crate) api_key: ApiKey,
    pub(crate) merchant_key: PrivateKey,
    pub(crate) system_key: PublicKey,
    pub(crate) clock: SharedClock,
    pub(crate) nonce: Arc<dyn NonceSource>,
    pub(crate) transport: Transport,
    pub(crate) freshness: super::freshness::Freshness,
}

impl SgateContext {
    pub(crate) fn new(
        api_key: ApiKey,
        merchant_key: PrivateKey,
        system_key: PublicKey,
        clock: SharedClock,
        nonce: Arc<dyn NonceSource>,
        transport: Transport,
    ) -> Self {
        Self {
            api_key,
            merchant_key,
            system_key,
            clock,
            nonce,
            transport,
            freshness: Default::default(),
        }
    }

    /// Refuses answers outside this freshness window or replayed.
    pub(crate) fn with_freshness(mut self, freshness: super::freshness::Freshness) -> Self {
        self.freshness = freshness;
        self
    }

    /// Unix seconds now.
    pub(crate) fn now_seconds(&self) -> i64 {
        self.clock.now_seconds()
    }

    /// Signs a request: `url` is the path and query exactly as sent, `body` the raw body text
    /// (empty for GET and multipart).
    pub fn sign_request(&self, method: &str, url: &str, body: &str) -> SignedHeaders {
        let timestamp = self.now_seconds();
        let nonce = self.nonce.nonce();
        let data = signature_data(self.api_key.expose(), timestamp, &nonce, url, method, body);
        let signature = sign_digest(&self.merchant_key, &digest_hex(&data));
        SignedHeaders {
            timestamp,
            nonce,
            signature,
        }
    }

    /// Verifies a signature SGATE made over `body` for the request `method url`.
    pub(crate) fn verify(
        &self,
        timestamp: i64,
        nonce: &str,
        signature: &str,
        url: &str,
        method: &str,
        body: &str,
    ) -> Result<(), SignatureError> {
        let data = signature_data(self.api_key.expose(), timestamp, nonce, url, method, body);
        verify_digest(&self.system_key, &digest_hex(&data), signature)
    }

    /// A digest that is fed the body piece by piece (downloads too large to hold).
    pub(crate) fn streaming_digest(
        &self,
        timestamp: i64,
        nonce: &str,
        url: &str,
        method: &str,
    ) -> StreamingDigest {
        StreamingDigest::new(self.api_key.expose(), timestamp, nonce, url, method)
    }
}

/// MD5 of the signature object whose `body` arrives in pieces. Each byte of the body is written
/// into the JSON string as serde_json would write it (`"`, `\` and control characters escaped,
/// everything else as is), so for a UTF-8 body the digest equals
/// `digest_hex(&signature_data(.., body))`.
pub(crate) struct StreamingDigest {
    hasher: Md5,
}

impl StreamingDigest {
    fn new(api_key: &str, timestamp: i64, nonce: &str, url: &str, method: &str) -> Self {
        let empty = signature_data(api_key, timestamp, nonce, url, method, "");
        // The text ends with `"body":""}`; keep everything up to the opening quote of body.
        let prefix = empty.strip_suffix("\"}").unwrap_or(&empty);
        let mut hasher = Md5::new();
        hasher.update(prefix.as_bytes());
        Self { hasher }
    }

    /// Feeds the next piece of the body.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: Option<&[u8]> = match b {
                b'"' => Some(b"\\\""),
                b'\\' => Some(b"\\\\"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                0x08 => Some(b"\\b"),
                0x0c => Some(b"\\f"),
                0x00..=0x1f => None,
                _ => continue,
            };
            self.hasher.update(&bytes[start..i]);
            match escape {
                Some(text) => self.hasher.update(text),
                None => self.hasher.update([
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    DIGITS[usize::from(b >> 4)],
                    DIGITS[usize::from(b & 0x0f)],
                ]),
            }
            start = i + 1;
        }
        self.hasher.update(&bytes[start..]);
    }

    /// The hex digest of the whole signature object.
    pub(crate) fn finish(mut self) -> String {
        self.hasher.update(b"\"}");
        hex(&self.hasher.finalize())
    }
}
