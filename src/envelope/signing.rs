//! RSA signatures over the `param` string (PKCS#1 v1.5), and the [`Signer`] seam that lets a key
//! held in an HSM or a cloud KMS sign instead of an in-process key.
//!
//! In-process keys sign and verify with aws-lc: SHA-256 signing through aws-lc-rs; SHA-1 signing
//! and all verification through aws-lc's C interface on the key parsed once (aws-lc-rs signs
//! only with SHA-2 and sets up a context per verification; see `keys/c_api.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine as _;

use crate::keys::{Pkcs1Hash, PrivateKey, PublicKey};

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

/// Signs with an RSA private key held in memory. Cloning shares the parsed key. Its `Debug`
/// never shows the key.
#[derive(Clone)]
pub struct RsaSigner {
    key: PrivateKey,
    hash: HashAlgorithm,
}

impl RsaSigner {
    /// A signer using `key` and `hash`.
    pub fn new(key: &PrivateKey, hash: HashAlgorithm) -> Self {
        Self {
            key: key.clone(),
            hash,
        }
    }

    /// The hash this signer uses.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// Signs, or says why aws-lc could not (out of memory, or a computation fault its own check
    /// caught: the private-key operation is verified before a signature is returned).
    pub fn try_sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let failed = || SignError("aws-lc could not compute the RSA signature".into());
        match self.hash {
            HashAlgorithm::Sha256 => {
                let pair = self.key.key_pair();
                let mut signature = vec![0u8; pair.public_modulus_len()];
                // The random generator argument is ignored by aws-lc-rs: PKCS#1 v1.5 is
                // deterministic, and aws-lc blinds the private-key operation itself.
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &aws_lc_rs::rand::SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| failed())?;
                Ok(signature)
            }
            HashAlgorithm::Sha1 => {
                let digest = digest(&SHA1_FOR_LEGACY_USE_ONLY, message);
                self.key
                    .rsa()
                    .sign(Pkcs1Hash::Sha1, digest.as_ref())
                    .ok_or_else(failed)
            }
        }
    }

    /// Signs synchronously, returning the raw signature bytes.
    ///
    /// # Panics
    /// If aws-lc cannot sign: only when memory runs out or its check of the result finds a
    /// computation fault ([`RsaSigner::try_sign_bytes`] returns that as an error instead).
    pub fn sign_bytes(&self, message: &[u8]) -> Vec<u8> {
        match self.try_sign_bytes(message) {
            Ok(signature) => signature,
            Err(e) => panic!("{e}"),
        }
    }

    /// Signs synchronously, returning standard Base64 — the form the gateways expect.
    ///
    /// # Panics
    /// As [`RsaSigner::sign_bytes`].
    pub fn sign_base64(&self, message: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.sign_bytes(message))
    }
}

impl Signer for RsaSigner {
    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a> {
        let signature = self.try_sign_bytes(message);
        Box::pin(async move { signature })
    }
}

impl fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RsaSigner({:?}, RSA-{}, key redacted)",
            self.hash,
            self.key.bits()
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
    let raw = decode_base64(signature).ok_or(VerifyError::NotBase64)?;
    let (hash, digest) = match hash {
        HashAlgorithm::Sha256 => (Pkcs1Hash::Sha256, digest(&SHA256, message)),
        HashAlgorithm::Sha1 => (Pkcs1Hash::Sha1, digest(&SHA1_FOR_LEGACY_USE_ONLY, message)),
    };
    if key.rsa().verify(hash, digest.as_ref(), &raw) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Standard Base64 with any whitespace (line breaks from a form post, say) ignored. The text is
/// decoded as it is first and compacted only if that fails: a signature rarely has whitespace.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let engine = &base64::engine::general_purpose::STANDARD;
    match engine.decode(text.as_bytes()) {
        Ok(raw) => Some(raw),
        Err(_) if text.chars().any(char::is_whitespace) => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            engine.decode(compact.as_bytes()).ok()
        }
        Err(_) => None,
    }
}
