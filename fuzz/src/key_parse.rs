//! Key parsing: PEM, bare Base64 and DER, public (SPKI, PKCS#1) and private (PKCS#8, PKCS#1).
//!
//! Input: key text or DER bytes. Oracle: parsing never panics; a parsed key exports to DER,
//! PEM and Base64 that each parse back to the same key; an error never repeats key material.

use paybind::keys::{PrivateKey, PublicKey};

use crate::{assert_no_echo, key_pair};

/// The fixture keys as PEM, Base64 and DER.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for name in ["gateway", "sgate-system"] {
        let (private, public) = key_pair(name);
        seeds.push(private.to_pkcs8_pem().expect("pem").as_bytes().to_vec());
        seeds.push(private.to_base64().expect("base64").as_bytes().to_vec());
        seeds.push(private.to_pkcs8_der().expect("der").to_vec());
        seeds.push(public.to_spki_pem().expect("pem").into_bytes());
        seeds.push(public.to_base64().expect("base64").into_bytes());
        seeds.push(public.to_spki_der().expect("der"));
    }
    seeds
}

fn check_public(key: PublicKey) {
    let der = key
        .to_spki_der()
        .expect("a parsed public key exports to DER");
    let same = |other: Result<PublicKey, _>, how: &str| {
        let other = other.unwrap_or_else(|e| panic!("{how} export does not parse back: {e}"));
        assert_eq!(
            other.to_spki_der().expect("der"),
            der,
            "{how} export is another key"
        );
        assert_eq!(other.bits(), key.bits());
    };
    same(PublicKey::from_der(&der), "DER");
    same(
        PublicKey::from_text(&key.to_spki_pem().expect("pem")),
        "PEM",
    );
    same(
        PublicKey::from_text(&key.to_base64().expect("base64")),
        "Base64",
    );
}

fn check_private(key: PrivateKey) {
    let der = key
        .to_pkcs8_der()
        .expect("a parsed private key exports to DER");
    let public = key.public_key().to_spki_der().expect("der");
    let same = |other: Result<PrivateKey, _>, how: &str| {
        let other = other.unwrap_or_else(|e| panic!("{how} export does not parse back: {e}"));
        assert_eq!(
            *other.to_pkcs8_der().expect("der"),
            *der,
            "{how} export is another key"
        );
        assert_eq!(other.public_key().to_spki_der().expect("der"), public);
    };
    same(PrivateKey::from_der(&der), "DER");
    same(
        PrivateKey::from_text(&key.to_pkcs8_pem().expect("pem")),
        "PEM",
    );
    same(
        PrivateKey::from_text(&key.to_base64().expect("base64")),
        "Base64",
    );
    check_public(key.public_key());
}

/// Parses `data` every way; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let no_echo = |error: &dyn std::fmt::Display| assert_no_echo(data, &error.to_string());
    match PublicKey::from_text(&text) {
        Ok(key) => check_public(key),
        Err(e) => no_echo(&e),
    }
    match PrivateKey::from_text(&text) {
        Ok(key) => check_private(key),
        Err(e) => no_echo(&e),
    }
    if let Ok(key) = PublicKey::from_der(data) {
        check_public(key);
    }
    if let Ok(key) = PrivateKey::from_der(data) {
        check_private(key);
    }
}
