//! Field encryption: the members SGATE carries RSA-encrypted (`identity`, `cardno`,
//! `stcaccount`, and in answers also `identitypic`, `signpic`).
//!
//! Plaintext is the UTF-8 bytes of the value, cut into blocks of at most `k − 11` bytes (245 for
//! a 2048-bit key), each encrypted with RSA PKCS#1 v1.5 padding into `k` bytes; the blocks are
//! concatenated and Base64-encoded. Decryption reverses it in blocks of `k` bytes. Requests are
//! encrypted with the system public key, answers and callbacks decrypted with the merchant
//! private key. Callers see [`Sensitive`] values: plain text that never prints in `Debug`.

use std::fmt;

use base64::Engine as _;
use rsa::traits::PublicKeyParts as _;
use rsa::Pkcs1v15Encrypt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::keys::{PrivateKey, PublicKey};

/// Bytes of PKCS#1 v1.5 padding in each encrypted block.
const PADDING_OVERHEAD: usize = 11;

/// A plain-text value SGATE carries encrypted (ID number, bank account, STCPay account, photo
/// URLs). paybind encrypts it on the way out and decrypts it on the way in, so the models hold
/// the plain value — wrapped so that `Debug` (and so logs and error messages built from it)
/// never shows it. Read it with [`Sensitive::expose`].
///
/// ```
/// use paybind::sgate::Sensitive;
/// let cardno = Sensitive::from("5123450000000001");
/// assert_eq!(cardno.expose(), "5123450000000001");
/// assert_eq!(format!("{cardno:?}"), "Sensitive(redacted)");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a plain value.
    pub fn new(plain: impl Into<String>) -> Self {
        Self(plain.into())
    }

    /// The plain value. Take care where it goes: this is the one way to read it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The plain value, unwrapped.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Whether the value is empty (SGATE sends `""` unencrypted for a missing photo or account).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(redacted)")
    }
}

impl From<String> for Sensitive {
    fn from(plain: String) -> Self {
        Self(plain)
    }
}

impl From<&str> for Sensitive {
    fn from(plain: &str) -> Self {
        Self(plain.to_string())
    }
}

impl From<&String> for Sensitive {
    fn from(plain: &String) -> Self {
        Self(plain.clone())
    }
}

impl Serialize for Sensitive {
    /// Serialises the plain text: paybind's signing layer encrypts it before it is sent.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

/// Why a value could not be encrypted or decrypted. It never contains the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CryptoError(String);

/// Encrypts `plain` with `key` (the system public key for requests): RSA PKCS#1 v1.5 in blocks
/// of `k − 11` bytes, concatenated, Base64. An empty value encrypts to an empty string.
pub fn encrypt_field(key: &PublicKey, plain: &str) -> Result<String, CryptoError> {
    let key = key.rsa();
    let block = key.size().saturating_sub(PADDING_OVERHEAD);
    if block == 0 {
        return Err(CryptoError("key too small for PKCS#1 v1.5".into()));
    }
    let mut rng = rand::thread_rng();
    let mut out = Vec::with_capacity(plain.len().div_ceil(block) * key.size());
    for chunk in plain.as_bytes().chunks(block) {
        let encrypted = key
            .encrypt(&mut rng, Pkcs1v15Encrypt, chunk)
            .map_err(|e| CryptoError(format!("RSA encryption failed: {e}")))?;
        out.extend_from_slice(&encrypted);
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Decrypts a Base64 value encrypted for `key` (the merchant private key for answers and
/// callbacks): blocks of `k` bytes, each RSA PKCS#1 v1.5, concatenated, read as UTF-8.
pub fn decrypt_field(key: &PrivateKey, encoded: &str) -> Result<Sensitive, CryptoError> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| CryptoError("not Base64".into()))?;
    let key = key.rsa();
    let block = key.size();
    if bytes.is_empty() || bytes.len() % block != 0 {
        return Err(CryptoError(format!(
            "ciphertext of {} bytes is not a whole number of {block}-byte RSA blocks",
            bytes.len()
        )));
    }
    let mut plain = Vec::with_capacity(bytes.len());
    for chunk in bytes.chunks(block) {
        let decrypted = key.decrypt(Pkcs1v15Encrypt, chunk).map_err(|_| {
            CryptoError("RSA decryption failed (wrong key or corrupt block)".into())
        })?;
        plain.extend_from_slice(&decrypted);
    }
    String::from_utf8(plain)
        .map(Sensitive)
        .map_err(|_| CryptoError("decrypted bytes are not UTF-8".into()))
}
