//! RSA keys through the public API: every export reads back (PKCS#8, SPKI, PKCS#1 `RSA PUBLIC
//! KEY`, bare Base64), large keys keep their size, generation refuses sizes paybind does not
//! accept, and garbage is a typed error that repeats no key material.

use base64::Engine as _;
use paybind::keys::{KeyError, PrivateKey, PublicKey};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::pkcs8::DecodePublicKey as _;

fn fixture(pem: &str) -> PrivateKey {
    PrivateKey::from_text(pem).expect("fixture key")
}

/// PEM armour written here, not by paybind: 64-character Base64 lines, `\n` endings.
fn armour(label: &str, der: &[u8]) -> String {
    let base64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = base64
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).expect("Base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn exports_read_back_in_every_form() {
    let key = fixture(include_str!("../fixtures/merchant-2048.pem"));
    let pkcs8_pem = key.to_pkcs8_pem().expect("pem");
    assert!(pkcs8_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(pkcs8_pem.ends_with("\n-----END PRIVATE KEY-----\n"));
    assert!(
        pkcs8_pem.lines().all(|l| l.len() <= 64),
        "PEM lines of 64 characters"
    );
    let der = key.to_pkcs8_der().expect("der");
    let b64 = key.to_base64().expect("base64");
    for again in [
        PrivateKey::from_text(&pkcs8_pem),
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
        Ok(public.clone())
    );
    // PKCS#1 `RSAPublicKey` DER (the body of an `RSA PUBLIC KEY` PEM), made by RustCrypto from
    // paybind's SPKI export, reads as the same key.
    let spki = public.to_spki_der().expect("der");
    let pkcs1 = rsa::RsaPublicKey::from_public_key_der(&spki)
        .expect("RustCrypto reads SPKI")
        .to_pkcs1_der()
        .expect("PKCS#1 DER");
    let pkcs1_pem = armour("RSA PUBLIC KEY", pkcs1.as_bytes());
    assert!(pkcs1_pem.lines().all(|l| l.len() <= 64));
    assert_eq!(PublicKey::from_text(&pkcs1_pem), Ok(public));
}

#[test]
fn large_keys_load_and_keep_their_size() {
    for (pem, bits) in [
        (include_str!("../fixtures/merchant-4096.pem"), 4096),
        (include_str!("../fixtures/gateway-6144.pem"), 6144),
        (include_str!("../fixtures/gateway-8192.pem"), 8192),
    ] {
        let key = fixture(pem);
        assert_eq!(key.bits(), bits);
        let public = key.public_key();
        assert_eq!(public.bits(), bits);
        let again = PublicKey::from_text(&public.to_spki_pem().expect("pem")).expect("loads");
        assert_eq!(again, public);
        assert_eq!(
            format!("{key:?}"),
            format!("PrivateKey(RSA-{bits}, redacted)")
        );
    }
}

#[test]
fn generate_refuses_sizes_paybind_does_not_accept() {
    assert!(matches!(
        PrivateKey::generate(1024),
        Err(KeyError::UnsupportedSize { bits: 1024, .. })
    ));
    assert!(matches!(
        PrivateKey::generate(16384),
        Err(KeyError::UnsupportedSize { bits: 16384, .. })
    ));
    assert!(matches!(
        PrivateKey::generate(3000),
        Err(KeyError::Generate { bits: 3000, .. })
    ));
}

#[test]
fn generated_key_round_trips_through_pkcs8() {
    let key = PrivateKey::generate(2048).expect("generates");
    assert_eq!(key.bits(), 2048);
    let again = PrivateKey::from_text(&key.to_pkcs8_pem().expect("pem")).expect("reads");
    assert_eq!(again.public_key(), key.public_key());
}

#[test]
fn garbage_is_a_typed_error_without_key_material() {
    assert_eq!(
        PrivateKey::from_text("not base64 at all!").err(),
        Some(KeyError::NotText {
            what: "private key"
        })
    );
    assert!(matches!(
        PublicKey::from_der(b"\x30\x03\x02\x01\x05"),
        Err(KeyError::NotRsaKey { .. })
    ));
    assert!(matches!(
        PrivateKey::from_der(&[0u8; 64]),
        Err(KeyError::NotRsaKey { .. })
    ));
}
