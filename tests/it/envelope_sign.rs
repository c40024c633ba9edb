//! The envelope's RSA signatures through the public API: deterministic, verified with the same
//! hash, refused after a changed byte or with the other hash, read from MIME-wrapped Base64,
//! a typed error for text that is not Base64, and no key in `Debug`.

use paybind::envelope::signing::{verify, VerifyError};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;

#[test]
fn signatures_verify_and_a_changed_byte_does_not() {
    let key =
        PrivateKey::from_text(include_str!("../fixtures/merchant-2048.pem")).expect("fixture key");
    let public = key.public_key();
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha1] {
        let signer = RsaSigner::new(&key, hash);
        let signature = signer.sign_base64(b"{\"a\":1}");
        assert_eq!(signature, signer.sign_base64(b"{\"a\":1}"), "deterministic");
        assert_eq!(verify(&public, hash, b"{\"a\":1}", &signature), Ok(()));
        assert_eq!(
            verify(&public, hash, b"{\"a\":2}", &signature),
            Err(VerifyError::Mismatch)
        );
        let other = match hash {
            HashAlgorithm::Sha256 => HashAlgorithm::Sha1,
            HashAlgorithm::Sha1 => HashAlgorithm::Sha256,
        };
        assert_eq!(
            verify(&public, other, b"{\"a\":1}", &signature),
            Err(VerifyError::Mismatch)
        );
        let wrapped: String = signature
            .as_bytes()
            .chunks(76)
            .map(|l| format!("{}\r\n", std::str::from_utf8(l).unwrap_or_default()))
            .collect();
        assert_eq!(verify(&public, hash, b"{\"a\":1}", &wrapped), Ok(()));
        assert_eq!(
            verify(&public, hash, b"{\"a\":1}", "%%%"),
            Err(VerifyError::NotBase64)
        );
        assert_eq!(
            format!("{signer:?}"),
            format!("RsaSigner({hash:?}, RSA-2048, key redacted)")
        );
    }
}
