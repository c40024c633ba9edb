//! Field encryption: the members SGATE carries RSA-encrypted (`identity`, `cardno`,
//! `stcaccount`, and in answers also `identitypic`, `signpic`).
//!
//! Plaintext is the UTF-8 bytes of the value, cut into blocks of at most `k − 11` bytes (245 for
//! a 2048-bit key), each encrypted with RSA PKCS#1 v1.5 padding into `k` bytes; the blocks are
//! concatenated and Base64-encoded. Decryption reverses it in blocks of `k` bytes. Requests are
//! encrypted with the system public key, answers and callbacks decrypted with the merchant
//! private key. Callers see [`Sensitive`] values: plain text that never prints in `Debug`.

use base64::Engine as _;

use crate::keys::{PrivateKey, PublicKey, Zeroizing};

pub use crate::secret::Sensitive;

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
        .map(Sensitive::new)
        .map_err(|e| {
            drop(Zeroizing::new(e.into_bytes()));
            CryptoError("decrypted bytes are not UTF-8".into())
        })
}
