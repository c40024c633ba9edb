//! Why a request's RSA signature did not verify, in words a developer can act on: signed with
//! another key, with another hash, or over other bytes than those received.
//!
//! A PKCS#1 v1.5 signature opened with the public key (`s^e mod n`, aws-lc's
//! `RSA_verify_raw`) shows its padding and the `DigestInfo` inside: when the merchant key opens it, the key was right, and the digest
//! algorithm and value say whether the hash or the bytes differ. When it does not, the other
//! keys the sandbox knows are tried, to name a swapped key. The real gateways say only
//! "signature error"; the sandbox is where a developer learns which.

use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256, SHA384, SHA512};
use base64::Engine as _;
use md5::Digest as _;

use paybind::keys::PublicKey;

/// A digest algorithm a PKCS#1 v1.5 signature can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// MD5 (SGATE's MD5withRSA).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    const ALL: [Hash; 5] = [
        Hash::Md5,
        Hash::Sha1,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
    ];

    fn name(self) -> &'static str {
        match self {
            Hash::Md5 => "MD5",
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The DER prefix of this algorithm's `DigestInfo` (RFC 8017 §9.2, note 1).
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Hash::Md5 => &[
                0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05,
                0x05, 0x00, 0x04, 0x10,
            ],
            Hash::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
            Hash::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Hash::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Hash::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    fn digest(self, message: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            Hash::Md5 => return md5::Md5::digest(message).to_vec(),
            Hash::Sha1 => &SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &SHA256,
            Hash::Sha384 => &SHA384,
            Hash::Sha512 => &SHA512,
        };
        digest(algorithm, message).as_ref().to_vec()
    }
}

/// What the merchant key found inside a signature it opened.
#[derive(Debug, PartialEq, Eq)]
struct Opened {
    hash: Hash,
    digest: Vec<u8>,
}

/// Opens `signature` with `key`: the hash and digest inside, when the padding is PKCS#1 v1.5
/// and the `DigestInfo` one of [`Hash`](enum@Hash).
fn open(key: &PublicKey, signature: &[u8]) -> Option<Opened> {
    let digest_info = key.open_signature(signature)?;
    Hash::ALL.into_iter().find_map(|hash| {
        let digest = digest_info.strip_prefix(hash.digest_info_prefix())?;
        (digest.len() == hash.digest(b"").len()).then(|| Opened {
            hash,
            digest: digest.to_vec(),
        })
    })
}

/// Why `signature_base64` does not verify over `message` with `expected` and `hash`: `others` are
/// the other keys the sandbox knows, by name, to recognise a swapped key. `message` is what the
/// sandbox verified (for SGATE, the hex digest text it signs).
pub fn why_not(
    expected: &PublicKey,
    hash: Hash,
    message: &[u8],
    signature_base64: &str,
    others: &[(&str, PublicKey)],
) -> String {
    let compact: String = signature_base64
        .chars()
        .filter(|character| !character.is_whitespace())
        .collect();
    let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) else {
        return "the signature is not standard Base64".into();
    };
    match open(expected, &signature) {
        Some(opened) if opened.hash != hash => format!(
            "signed with {} but verified with {}: the key is right, the hash is not",
            opened.hash.name(),
            hash.name()
        ),
        Some(opened) if opened.digest != hash.digest(message) => format!(
            "the bytes received differ from the bytes signed (right key, right hash {}, other \
             digest): the text was changed, re-encoded or re-serialised after signing",
            hash.name()
        ),
        Some(_) => "the signature verifies when opened; the verifier refused its encoding".into(),
        None => wrong_key(expected, &signature, others),
    }
}

fn wrong_key(expected: &PublicKey, signature: &[u8], others: &[(&str, PublicKey)]) -> String {
    if let Some((name, _)) = others
        .iter()
        .find(|(_, key)| open(key, signature).is_some())
    {
        return format!("signed with another key: the {name}, not the merchant's key");
    }
    let bits = signature.len() * 8;
    if bits != expected.bits() {
        return format!(
            "signed with another key: the signature has {bits} bits, the merchant key {}",
            expected.bits()
        );
    }
    "signed with another key: the merchant public key the sandbox holds does not open it".into()
}
