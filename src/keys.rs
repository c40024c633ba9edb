//! RSA keys in every form the gateways hand them out: bare Base64 of DER (what the BluePay and
//! SGATE consoles show), PEM with PKCS#8 / SPKI labels, and PEM or DER in PKCS#1. Keys are parsed
//! once, when a client is built; a bad key is an error then, never at the first request.
//! Private keys never appear in `Debug` output, logs or errors.

use std::fmt;

use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::traits::PublicKeyParts;

/// Secret bytes or text (an exported private key) that are overwritten with zeros when dropped.
pub use rsa::pkcs8::der::zeroize::Zeroizing;

/// Smallest RSA modulus paybind accepts, in bits.
pub const MIN_BITS: usize = 2048;
/// Largest RSA modulus paybind accepts, in bits.
pub const MAX_BITS: usize = 8192;

/// Why a key could not be loaded. It never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is neither PEM nor Base64.
    #[error("{what}: neither PEM nor Base64 text")]
    NotText {
        /// Which key.
        what: &'static str,
    },
    /// The bytes are not an RSA key in any supported encoding.
    #[error("{what}: not an RSA key in PKCS#8/SPKI or PKCS#1 DER ({detail})")]
    NotRsaKey {
        /// Which key.
        what: &'static str,
        /// The decoder's complaint (no key material).
        detail: String,
    },
    /// The key is smaller or larger than paybind accepts.
    #[error("{what}: {bits}-bit RSA keys are not accepted (use {MIN_BITS} to {MAX_BITS} bits)")]
    UnsupportedSize {
        /// Which key.
        what: &'static str,
        /// Its size.
        bits: usize,
    },
    /// The key file could not be read.
    #[error("{what}: cannot read {path}: {detail}")]
    Unreadable {
        /// Which key.
        what: &'static str,
        /// File path.
        path: String,
        /// The I/O error.
        detail: String,
    },
    /// A new key could not be generated (no randomness from the operating system, say).
    #[error("cannot generate a {bits}-bit RSA key: {detail}")]
    Generate {
        /// The size asked for.
        bits: usize,
        /// Why (no key material).
        detail: String,
    },
    /// A key could not be encoded as DER or PEM.
    #[error("{what}: cannot encode: {detail}")]
    Encode {
        /// Which key.
        what: &'static str,
        /// The encoder's complaint (no key material).
        detail: String,
    },
}

/// Splits PEM armour off, or decodes bare Base64 (whitespace ignored), into DER bytes.
fn der_from_text(text: &str, what: &'static str) -> Result<(Option<String>, Vec<u8>), KeyError> {
    let text = text.trim();
    if text.starts_with("-----BEGIN ") {
        let label = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("-----BEGIN "))
            .and_then(|l| l.strip_suffix("-----"))
            .map(str::to_string);
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with("-----") && !l.contains(':'))
            .collect::<String>();
        return decode_base64(&body, what).map(|der| (label, der));
    }
    decode_base64(text, what).map(|der| (None, der))
}

fn decode_base64(text: &str, what: &'static str) -> Result<Vec<u8>, KeyError> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| KeyError::NotText { what })
}

fn check_size(bits: usize, what: &'static str) -> Result<(), KeyError> {
    if (MIN_BITS..=MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::UnsupportedSize { what, bits })
    }
}

fn encode_error(what: &'static str, e: impl fmt::Display) -> KeyError {
    KeyError::Encode {
        what,
        detail: e.to_string(),
    }
}

fn read_file(path: &std::path::Path, what: &'static str) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|e| KeyError::Unreadable {
        what,
        path: path.display().to_string(),
        detail: e.kind().to_string(),
    })
}

/// An RSA private key (the merchant's). Its `Debug` shows only the size.
#[derive(Clone)]
pub struct PrivateKey(rsa::RsaPrivateKey);

impl PrivateKey {
    /// Parses PEM (`PRIVATE KEY` or `RSA PRIVATE KEY`) or bare Base64 of PKCS#8 or PKCS#1 DER.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let (_, der) = der_from_text(text, "private key")?;
        Self::from_der(&der)
    }

    /// Parses PKCS#8 or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let what = "private key";
        let key = rsa::RsaPrivateKey::from_pkcs8_der(der)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_der(der))
            .map_err(|e| KeyError::NotRsaKey {
                what,
                detail: e.to_string(),
            })?;
        check_size(key.size() * 8, what)?;
        Ok(Self(key))
    }

    /// Reads a key file in any of the forms [`PrivateKey::from_text`] accepts.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, KeyError> {
        Self::from_text(&read_file(path.as_ref(), "private key")?)
    }

    /// Generates a new key of `bits` bits ([`MIN_BITS`] to [`MAX_BITS`]; the gateways ask for
    /// 2048 or 4096) with public exponent 65537, from the operating system's random generator.
    /// 4096 bits takes seconds.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        check_size(bits, "private key")?;
        let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).map_err(|e| {
            KeyError::Generate {
                bits,
                detail: e.to_string(),
            }
        })?;
        Ok(Self(key))
    }

    /// The key as PKCS#8 DER, wiped from memory when the result is dropped.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let document = self
            .0
            .to_pkcs8_der()
            .map_err(|e| encode_error("private key", e))?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The key as PEM with the `PRIVATE KEY` (PKCS#8) label and `\n` line endings, wiped from
    /// memory when the result is dropped.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| encode_error("private key", e))
    }

    /// The bare Base64 of the PKCS#8 DER (one line, no armour): the form BluePay's Java sample
    /// reads. Wiped from memory when the result is dropped.
    pub fn to_base64(&self) -> Result<Zeroizing<String>, KeyError> {
        let der = self.to_pkcs8_der()?;
        Ok(Zeroizing::new(
            base64::engine::general_purpose::STANDARD.encode(der.as_slice()),
        ))
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.0.size() * 8
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.to_public_key())
    }

    pub(crate) fn rsa(&self) -> &rsa::RsaPrivateKey {
        &self.0
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{}, redacted)", self.bits())
    }
}

/// An RSA public key (the gateway's, or the merchant's own for tests).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(rsa::RsaPublicKey);

impl PublicKey {
    /// Parses PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or bare Base64 of SPKI or PKCS#1 DER.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let (_, der) = der_from_text(text, "public key")?;
        Self::from_der(&der)
    }

    /// Parses SPKI (X.509 `SubjectPublicKeyInfo`) or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let what = "public key";
        let key = rsa::RsaPublicKey::from_public_key_der(der)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_der(der))
            .map_err(|e| KeyError::NotRsaKey {
                what,
                detail: e.to_string(),
            })?;
        check_size(key.size() * 8, what)?;
        Ok(Self(key))
    }

    /// Reads a key file in any of the forms [`PublicKey::from_text`] accepts.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, KeyError> {
        Self::from_text(&read_file(path.as_ref(), "public key")?)
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.0.size() * 8
    }

    /// The key as SPKI (X.509 `SubjectPublicKeyInfo`) DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        self.0
            .to_public_key_der()
            .map(|document| document.as_bytes().to_vec())
            .map_err(|e| encode_error("public key", e))
    }

    /// The key as PEM with the `PUBLIC KEY` (SPKI) label and `\n` line endings.
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| encode_error("public key", e))
    }

    /// The bare Base64 of the SPKI DER (one line, no armour): what the BluePay and SGATE
    /// consoles ask the merchant for.
    pub fn to_base64(&self) -> Result<String, KeyError> {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.to_spki_der()?))
    }

    pub(crate) fn rsa(&self) -> &rsa::RsaPublicKey {
        &self.0
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_read_back_in_every_form() {
        let key = PrivateKey::from_text(include_str!("../tests/fixtures/merchant-2048.pem"))
            .expect("fixture key");
        let pem = key.to_pkcs8_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let der = key.to_pkcs8_der().expect("der");
        let b64 = key.to_base64().expect("base64");
        for again in [
            PrivateKey::from_text(&pem),
            PrivateKey::from_der(&der),
            PrivateKey::from_text(&b64),
        ] {
            assert_eq!(again.expect("reads back").public_key(), key.public_key());
        }

        let public = key.public_key();
        let spki_pem = public.to_spki_pem().expect("pem");
        assert!(spki_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(PublicKey::from_text(&spki_pem), Ok(public.clone()));
        assert_eq!(
            PublicKey::from_text(&public.to_base64().expect("b64")),
            Ok(public.clone())
        );
        assert_eq!(
            PublicKey::from_der(&public.to_spki_der().expect("der")),
            Ok(public)
        );
    }

    #[test]
    fn generate_refuses_sizes_paybind_does_not_accept() {
        assert!(matches!(
            PrivateKey::generate(1024),
            Err(KeyError::UnsupportedSize { bits: 1024, .. })
        ));
    }
}
