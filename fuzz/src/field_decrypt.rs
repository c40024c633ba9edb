//! SGATE field decryption (RSA PKCS#1 v1.5 blocks, Base64) with the merchant private key.
//!
//! Input: the Base64 text of an encrypted member. Oracle: a known ciphertext decrypts to its
//! plaintext; anything that decrypts re-encrypts and decrypts to the same text; an error never
//! repeats the input.

use std::sync::OnceLock;

use paybind::sgate::crypto::{decrypt_field, encrypt_field};

use crate::{assert_no_echo, key_pair};

struct Fixture {
    /// (ciphertext, plaintext)
    known: Vec<(String, String)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let plaintexts = [
            "SA9080000000000000000001".to_string(),
            "1234567890".to_string(),
            "اختبار".to_string(),
            // Longer than one block (245 bytes for RSA-2048): several blocks.
            "https://example.invalid/".repeat(20),
        ];
        let known = plaintexts
            .into_iter()
            .map(|plain| {
                let cipher =
                    encrypt_field(&key_pair("sgate-merchant").1, &plain).expect("encrypts");
                (cipher, plain)
            })
            .collect();
        Fixture { known }
    })
}

/// Ciphertexts of known plaintexts.
pub fn seeds() -> Vec<Vec<u8>> {
    fixture()
        .known
        .iter()
        .map(|(cipher, _)| cipher.clone().into_bytes())
        .collect()
}

/// Decrypts `data`; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (private, public) = key_pair("sgate-merchant");
    match decrypt_field(private, text) {
        Ok(plain) => {
            if let Some((_, known)) = fixture().known.iter().find(|(c, _)| c == text) {
                assert_eq!(
                    plain.expose(),
                    known,
                    "a known ciphertext decrypted differently"
                );
            }
            if !plain.is_empty() {
                let again = encrypt_field(public, plain.expose()).expect("re-encrypts");
                let back = decrypt_field(private, &again).expect("its own ciphertext decrypts");
                assert_eq!(back.expose(), plain.expose(), "round trip changed the text");
            }
        }
        Err(error) => assert_no_echo(data, &error.to_string()),
    }
}
