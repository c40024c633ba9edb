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
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::keys::{PrivateKey, PublicKey, Zeroizing};

/// A plain-text value SGATE carries encrypted (ID number, bank account, STCPay account, photo
/// URLs). paybind encrypts it on the way out and decrypts it on the way in, so the models hold
/// the plain value — wrapped so that `Debug` and serialisation (and so logs, JSON dumps of a
/// model and error messages built from them) never show it: a model serialises it as
/// `"[redacted]"`. Read it with [`Sensitive::expose`]. The plain text is overwritten with
/// zeros when the value is dropped.
///
/// ```
/// use paybind::sgate::Sensitive;
/// let cardno = Sensitive::from("5123450000000001");
/// assert_eq!(cardno.expose(), "5123450000000001");
/// assert_eq!(format!("{cardno:?}"), "Sensitive(redacted)");
/// assert_eq!(serde_json::to_string(&cardno).unwrap(), r#""[redacted]""#);
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

    /// The plain value, unwrapped (no longer zeroized on drop: it is the caller's).
    pub fn into_inner(mut self) -> String {
        std::mem::take(&mut self.0)
    }

    /// Whether the value is empty (SGATE sends `""` unencrypted for a missing photo or account).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Sensitive {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
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
    /// Serialises `"[redacted]"`. Only the request pipeline, which encrypts the value before it
    /// is sent, serialises the plain text (see [`crate::secret`]).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if crate::secret::plaintext_allowed() {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str(crate::secret::REDACTED)
        }
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
/// of `k − 11` bytes, concatenated, Base64. An empty value encrypts to an empty string. aws-lc
/// encrypts, with random padding from its own generator.
pub fn encrypt_field(key: &PublicKey, plain: &str) -> Result<String, CryptoError> {
    let key = key.encrypting();
    let block = key.max_plaintext_size();
    let size = key.ciphertext_size();
    if block == 0 {
        return Err(CryptoError("key too small for PKCS#1 v1.5".into()));
    }
    let mut out = vec![0u8; plain.len().div_ceil(block) * size];
    for (chunk, target) in plain.as_bytes().chunks(block).zip(out.chunks_mut(size)) {
        let written = key
            .encrypt(chunk, target)
            .map_err(|_| CryptoError("RSA encryption failed".into()))?
            .len();
        if written != size {
            return Err(CryptoError("RSA encryption gave a short block".into()));
        }
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Decrypts a Base64 value encrypted for `key` (the merchant private key for answers and
/// callbacks): blocks of `k` bytes, each RSA PKCS#1 v1.5, concatenated, read as UTF-8. aws-lc
/// decrypts, blinded, with a constant-time padding check; scratch plaintext is wiped.
pub fn decrypt_field(key: &PrivateKey, encoded: &str) -> Result<Sensitive, CryptoError> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| CryptoError("not Base64".into()))?;
    let key = key.decrypting();
    let block = key.key_size_bytes();
    if bytes.is_empty() || bytes.len() % block != 0 {
        return Err(CryptoError(format!(
            "ciphertext of {} bytes is not a whole number of {block}-byte RSA blocks",
            bytes.len()
        )));
    }
    let mut scratch = Zeroizing::new(vec![0u8; key.min_output_size()]);
    let mut plain = Zeroizing::new(Vec::with_capacity(bytes.len()));
    for chunk in bytes.chunks(block) {
        let decrypted = key.decrypt(chunk, &mut scratch).map_err(|_| {
            CryptoError("RSA decryption failed (wrong key or corrupt block)".into())
        })?;
        plain.extend_from_slice(decrypted);
    }
    String::from_utf8(std::mem::take(&mut *plain))
        .map(Sensitive)
        .map_err(|e| {
            drop(Zeroizing::new(e.into_bytes()));
            CryptoError("decrypted bytes are not UTF-8".into())
        })
}
