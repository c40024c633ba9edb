//! RSA signatures over the `param` string (PKCS#1 v1.5), and the [`Signer`] seam that lets a key
//! held in an HSM or a cloud KMS sign instead of an in-process key.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use base64::Engine as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Verifier as _};

use crate::keys::{PrivateKey, PublicKey};

/// Hash of the RSA signature (PKCS#1 v1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlgorithm {
    /// SHA256withRSA — the default: what the platform's sister docs state.
    #[default]
    Sha256,
    /// SHA1withRSA — selectable because BluePay's own pages never show the hash.
    Sha1,
}

/// A signing failure (for example an unreachable KMS). Contains no key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("signing failed: {0}")]
pub struct SignError(pub String);

/// The future a [`Signer`] returns.
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, SignError>> + Send + 'a>>;

/// Produces the raw signature bytes over a message. Implement it to sign with a key that never
/// leaves an HSM or KMS; [`RsaSigner`] signs with an in-process key.
pub trait Signer: Send + Sync + fmt::Debug {
    /// Signs `message` (the exact bytes that are sent) and returns the raw signature.
    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a>;
}

/// Signs with an RSA private key held in memory. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct RsaSigner {
    key: SigningKey,
    bits: usize,
}

#[derive(Clone)]
enum SigningKey {
    Sha256(rsa::pkcs1v15::SigningKey<sha2::Sha256>),
    Sha1(rsa::pkcs1v15::SigningKey<sha1::Sha1>),
}

impl RsaSigner {
    /// A signer using `key` and `hash`.
    pub fn new(key: &PrivateKey, hash: HashAlgorithm) -> Self {
        let bits = key.bits();
        let rsa = key.rsa().clone();
        let key = match hash {
            HashAlgorithm::Sha256 => SigningKey::Sha256(rsa::pkcs1v15::SigningKey::new(rsa)),
            HashAlgorithm::Sha1 => SigningKey::Sha1(rsa::pkcs1v15::SigningKey::new(rsa)),
        };
        Self { key, bits }
    }

    /// The hash this signer uses.
    pub fn hash(&self) -> HashAlgorithm {
        match self.key {
            SigningKey::Sha256(_) => HashAlgorithm::Sha256,
            SigningKey::Sha1(_) => HashAlgorithm::Sha1,
        }
    }

    /// Signs synchronously, returning the raw signature bytes.
    pub fn sign_bytes(&self, message: &[u8]) -> Vec<u8> {
        // Blinded signing (a random blinding factor) keeps the private exponent off timing
        // side channels; the signature itself is deterministic.
        let mut rng = rand::rngs::OsRng;
        match &self.key {
            SigningKey::Sha256(k) => k.sign_with_rng(&mut rng, message).to_vec(),
            SigningKey::Sha1(k) => k.sign_with_rng(&mut rng, message).to_vec(),
        }
    }

    /// Signs synchronously, returning standard Base64 — the form the gateways expect.
    pub fn sign_base64(&self, message: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.sign_bytes(message))
    }
}

impl Signer for RsaSigner {
    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a> {
        let signature = self.sign_bytes(message);
        Box::pin(async move { Ok(signature) })
    }
}

impl fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RsaSigner({:?}, RSA-{}, key redacted)",
            self.hash(),
            self.bits
        )
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature is not Base64.
    #[error("signature is not Base64")]
    NotBase64,
    /// The signature does not match the message and key.
    #[error("signature does not match")]
    Mismatch,
}

/// Verifies a Base64 RSA PKCS#1 v1.5 `signature` over `message` with `key`.
pub fn verify(
    key: &PublicKey,
    hash: HashAlgorithm,
    message: &[u8],
    signature: &str,
) -> Result<(), VerifyError> {
    let compact: String = signature.chars().filter(|c| !c.is_whitespace()).collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| VerifyError::NotBase64)?;
    let signature =
        rsa::pkcs1v15::Signature::try_from(raw.as_slice()).map_err(|_| VerifyError::Mismatch)?;
    let rsa = key.rsa().clone();
    let result = match hash {
        HashAlgorithm::Sha256 => {
            rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(rsa).verify(message, &signature)
        }
        HashAlgorithm::Sha1 => {
            rsa::pkcs1v15::VerifyingKey::<sha1::Sha1>::new(rsa).verify(message, &signature)
        }
    };
    result.map_err(|_| VerifyError::Mismatch)
}
