//! RSA keys in every form the gateways hand them out: bare Base64 of DER (what the BluePay and
//! SGATE consoles show), PEM with PKCS#8 / SPKI labels, and PEM or DER in PKCS#1 (`RSA PRIVATE
//! KEY`, `RSA PUBLIC KEY`), 2048 to 8192 bits. Keys are parsed once, when a client is built, into
//! aws-lc objects shared by every clone; a bad key is an error then, never at the first request.
//! Private keys never appear in `Debug` output, logs or errors.
//!
//! Key material lives in aws-lc's memory, which aws-lc wipes when it frees it; exports
//! ([`PrivateKey::to_pkcs8_der`], …) come back [`Zeroizing`].

// paybind's only unsafe code: the calls into aws-lc's C interface (see the module's invariants).
#[allow(unsafe_code)]
mod c_api;

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, RsaParameters};
#[cfg(feature = "sgate")]
use aws_lc_rs::rsa::{
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;

#[cfg(any(feature = "envelope", feature = "sgate"))]
pub(crate) use c_api::Pkcs1Hash;
pub(crate) use c_api::Rsa;

/// Secret bytes or text (an exported private key) that are overwritten with zeros when dropped.
pub use zeroize::Zeroizing;

/// Smallest RSA modulus paybind accepts, in bits.
pub const MIN_BITS: usize = 2048;
/// Largest RSA modulus paybind accepts, in bits.
pub const MAX_BITS: usize = 8192;
/// Generated keys are a multiple of this many bits (aws-lc's FIPS key generation needs it).
const GENERATE_STEP: usize = 128;

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

/// Splits PEM armour off, or decodes bare Base64 (whitespace ignored), into DER bytes. The DER
/// of a private key is secret, so it comes back [`Zeroizing`].
fn der_from_text(text: &str, what: &'static str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let text = text.trim();
    let body: Zeroizing<String> = if text.starts_with("-----BEGIN ") {
        Zeroizing::new(
            text.lines()
                .filter(|l| !l.starts_with("-----") && !l.contains(':'))
                .flat_map(str::chars)
                .filter(|c| !c.is_whitespace())
                .collect(),
        )
    } else {
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect())
    };
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| KeyError::NotText { what })
}

/// PEM armour around `der`: 64-character lines, `\n` endings.
fn pem(label: &str, der: &[u8]) -> Zeroizing<String> {
    let base64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
    let mut out = String::with_capacity(base64.len() + base64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for line in base64.as_bytes().chunks(64) {
        // Base64 is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    Zeroizing::new(out)
}

/// Whether [`PrivateKey::generate`] makes keys of `bits` bits: a multiple of 128 from
/// [`MIN_BITS`] to [`MAX_BITS`].
pub fn is_generated_size(bits: usize) -> bool {
    (MIN_BITS..=MAX_BITS).contains(&bits) && bits.is_multiple_of(GENERATE_STEP)
}

fn check_size(bits: usize, what: &'static str) -> Result<(), KeyError> {
    if (MIN_BITS..=MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::UnsupportedSize { what, bits })
    }
}

fn not_rsa(what: &'static str, detail: impl fmt::Display) -> KeyError {
    KeyError::NotRsaKey {
        what,
        detail: detail.to_string(),
    }
}

fn encode_error(what: &'static str, e: impl fmt::Display) -> KeyError {
    KeyError::Encode {
        what,
        detail: e.to_string(),
    }
}

fn read_file(path: &std::path::Path, what: &'static str) -> Result<Zeroizing<String>, KeyError> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|e| KeyError::Unreadable {
            what,
            path: path.display().to_string(),
            detail: e.kind().to_string(),
        })
}

/// An RSA private key (the merchant's). Cloning shares the parsed key. Its `Debug` shows only
/// the size.
#[derive(Clone)]
pub struct PrivateKey(Arc<PrivateParts>);

/// The key parsed once into each aws-lc object paybind uses it through.
struct PrivateParts {
    /// SHA256withRSA signing and the PKCS#8 export.
    pair: KeyPair,
    /// SGATE's field decryption (PKCS#1 v1.5, blinded).
    #[cfg(feature = "sgate")]
    decrypting: Pkcs1PrivateDecryptingKey,
    /// MD5withRSA and SHA1withRSA signing (aws-lc's C interface).
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    rsa: Rsa,
    public: PublicKey,
}

impl PrivateKey {
    /// Parses PEM (`PRIVATE KEY` or `RSA PRIVATE KEY`) or bare Base64 of PKCS#8 or PKCS#1 DER.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let der = der_from_text(text, "private key")?;
        Self::from_der(&der)
    }

    /// Parses PKCS#8 or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let what = "private key";
        let pair = match KeyPair::from_pkcs8(der).or_else(|_| KeyPair::from_der(der)) {
            Ok(pair) => pair,
            // aws-lc-rs refuses keys outside 2048–8192 bits; aws-lc's C parser has no such limit
            // and tells the size, so an out-of-range key is reported as such.
            Err(e) => {
                let bits = Rsa::private_from_der(der).map(|rsa| rsa.bits());
                return Err(match bits.map(|bits| check_size(bits, what)) {
                    Some(Err(size)) => size,
                    _ => not_rsa(what, e),
                });
            }
        };
        Self::from_pair(pair)
    }

    fn from_pair(pair: KeyPair) -> Result<Self, KeyError> {
        let what = "private key";
        let bits = pair.public_modulus_len() * 8;
        check_size(bits, what)?;
        // The other objects are built from one canonical PKCS#8 encoding (wiped on drop).
        #[cfg(any(feature = "envelope", feature = "sgate"))]
        let pkcs8 = pair.as_der().map_err(|e| not_rsa(what, e))?;
        #[cfg(feature = "sgate")]
        let decrypting = PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
            .map_err(|e| not_rsa(what, e))
            .and_then(|key| Pkcs1PrivateDecryptingKey::new(key).map_err(|e| not_rsa(what, e)))?;
        #[cfg(any(feature = "envelope", feature = "sgate"))]
        let rsa = Rsa::private_from_der(pkcs8.as_ref())
            .ok_or_else(|| not_rsa(what, "aws-lc cannot read it for MD5/SHA-1 signing"))?;
        let public = PublicKey::from_der(pair.public_key().as_ref())?;
        Ok(Self(Arc::new(PrivateParts {
            pair,
            #[cfg(feature = "sgate")]
            decrypting,
            #[cfg(any(feature = "envelope", feature = "sgate"))]
            rsa,
            public,
        })))
    }

    /// Reads a key file in any of the forms [`PrivateKey::from_text`] accepts.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, KeyError> {
        Self::from_text(&read_file(path.as_ref(), "private key")?)
    }

    /// Generates a new key of `bits` bits with public exponent 65537, from the operating
    /// system's random generator: any multiple of 128 from [`MIN_BITS`] to [`MAX_BITS`] (2048,
    /// 3072, 4096, 6144, 8192, …; the gateways ask for 2048 or 4096). aws-lc checks the new key
    /// by signing and verifying with it before it is returned.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        check_size(bits, "private key")?;
        let failed = |detail: &str| KeyError::Generate {
            bits,
            detail: detail.into(),
        };
        if !is_generated_size(bits) {
            return Err(failed(
                "paybind generates keys whose size is a multiple of 128 bits",
            ));
        }
        let der = Rsa::generate_pkcs1_der(bits)
            .ok_or_else(|| failed("aws-lc's key generation failed"))?;
        let pair = KeyPair::from_der(&der).map_err(|e| failed(&e.to_string()))?;
        Self::from_pair(pair)
    }

    /// The key as PKCS#8 DER, wiped from memory when the result is dropped.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        // aws-lc-rs wipes its own buffer when it is dropped.
        let der = self
            .0
            .pair
            .as_der()
            .map_err(|e| encode_error("private key", e))?;
        Ok(Zeroizing::new(der.as_ref().to_vec()))
    }

    /// The key as PEM with the `PRIVATE KEY` (PKCS#8) label and `\n` line endings, wiped from
    /// memory when the result is dropped.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        Ok(pem("PRIVATE KEY", &self.to_pkcs8_der()?))
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
        self.0.public.bits()
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        self.0.public.clone()
    }

    /// SHA256withRSA signing.
    #[cfg(feature = "envelope")]
    pub(crate) fn key_pair(&self) -> &KeyPair {
        &self.0.pair
    }

    /// PKCS#1 v1.5 decryption.
    #[cfg(feature = "sgate")]
    pub(crate) fn decrypting(&self) -> &Pkcs1PrivateDecryptingKey {
        &self.0.decrypting
    }

    /// MD5withRSA and SHA1withRSA signing.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn rsa(&self) -> &Rsa {
        &self.0.rsa
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{}, redacted)", self.bits())
    }
}

/// An RSA public key (the gateway's, or the merchant's own for tests). Cloning shares the
/// parsed key.
#[derive(Clone)]
pub struct PublicKey(Arc<PublicParts>);

/// The key parsed once into each aws-lc object paybind uses it through.
struct PublicParts {
    /// SPKI DER: the export and the identity of the key.
    spki: Box<[u8]>,
    bits: usize,
    /// SGATE's field encryption (PKCS#1 v1.5).
    #[cfg(feature = "sgate")]
    encrypting: Pkcs1PublicEncryptingKey,
    /// Verification with every hash, through aws-lc's C interface with no context set up per
    /// call (and, in the sandbox, telling what a refused signature holds).
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    rsa: Rsa,
}

impl PublicKey {
    /// Parses PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or bare Base64 of SPKI or PKCS#1 DER.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let der = der_from_text(text, "public key")?;
        Self::from_der(&der)
    }

    /// Parses SPKI (X.509 `SubjectPublicKeyInfo`) or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let what = "public key";
        let key = aws_lc_rs::rsa::PublicKey::from_der(der).map_err(|e| not_rsa(what, e))?;
        let pkcs1 = key.as_ref();
        let bits = RsaParameters::public_modulus_len(pkcs1)
            .map_err(|e| not_rsa(what, e))
            .and_then(|bits| usize::try_from(bits).map_err(|e| not_rsa(what, e)))?;
        check_size(bits, what)?;
        let spki: Box<[u8]> = key.as_der().map_err(|e| not_rsa(what, e))?.as_ref().into();
        #[cfg(feature = "sgate")]
        let encrypting = PublicEncryptingKey::from_der(&spki)
            .map_err(|e| not_rsa(what, e))
            .and_then(|key| Pkcs1PublicEncryptingKey::new(key).map_err(|e| not_rsa(what, e)))?;
        #[cfg(any(feature = "envelope", feature = "sgate"))]
        let rsa = Rsa::public_from_pkcs1_der(pkcs1)
            .ok_or_else(|| not_rsa(what, "aws-lc cannot read it for verification"))?;
        Ok(Self(Arc::new(PublicParts {
            spki,
            bits,
            #[cfg(feature = "sgate")]
            encrypting,
            #[cfg(any(feature = "envelope", feature = "sgate"))]
            rsa,
        })))
    }

    /// Reads a key file in any of the forms [`PublicKey::from_text`] accepts.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, KeyError> {
        Self::from_text(&read_file(path.as_ref(), "public key")?)
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.0.bits
    }

    /// The key as SPKI (X.509 `SubjectPublicKeyInfo`) DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        Ok(self.0.spki.to_vec())
    }

    /// The key as PEM with the `PUBLIC KEY` (SPKI) label and `\n` line endings.
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        Ok(pem("PUBLIC KEY", &self.0.spki).to_string())
    }

    /// The bare Base64 of the SPKI DER (one line, no armour): what the BluePay and SGATE
    /// consoles ask the merchant for.
    pub fn to_base64(&self) -> Result<String, KeyError> {
        Ok(base64::engine::general_purpose::STANDARD.encode(&self.0.spki))
    }

    /// PKCS#1 v1.5 encryption.
    #[cfg(feature = "sgate")]
    pub(crate) fn encrypting(&self) -> &Pkcs1PublicEncryptingKey {
        &self.0.encrypting
    }

    /// Verification with every hash.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn rsa(&self) -> &Rsa {
        &self.0.rsa
    }

    /// Opens a PKCS#1 v1.5 `signature` with this key and returns the DER `DigestInfo` inside
    /// (the hash's algorithm identifier followed by the digest), or `None` when the signature
    /// was not made with the matching private key in that padding.
    ///
    /// For diagnosing a refused signature — which hash the signer used, over what digest — not
    /// for verifying one: a signature opens whatever text it was made over. The sandbox
    /// explains its refusals with it.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub fn open_signature(&self, signature: &[u8]) -> Option<Vec<u8>> {
        self.0.rsa.open_signature(signature)
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.spki == other.0.spki
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}
