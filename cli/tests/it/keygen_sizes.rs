//! Key generation at every size paybind documents, end to end at the one aws-lc-rs does not
//! offer: `paybind keygen --bits 6144` writes keys the `openssl` command line reads and checks,
//! and a signature made with the key verifies with `openssl dgst`.

use std::path::Path;
use std::process::Command;

use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use serde_json::Value;

use paybind_test_support::openssl_ok;

const BIN: &str = env!("CARGO_BIN_EXE_paybind");

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn keygen_makes_a_6144_bit_key_openssl_checks_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let out = Command::new(BIN)
        .args(["keygen", "--bits", "6144", "--out", s(&keys)])
        .output()
        .expect("run paybind");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["bits"], 6144);

    let private_pem = keys.join("private.pem");
    let public_pem = keys.join("public.pem");
    // The PKCS#8 export parses and passes openssl's consistency check; the SPKI has 6144 bits.
    openssl_ok(&["pkey", "-in", s(&private_pem), "-check", "-noout"]);
    let text = openssl_ok(&["pkey", "-pubin", "-in", s(&public_pem), "-noout", "-text"]);
    assert!(text.contains("6144 bit"), "{text}");

    // paybind signs with it, and openssl verifies that signature with the written public key.
    let key = PrivateKey::from_file(&private_pem).expect("paybind reads its own key");
    assert_eq!(key.bits(), 6144);
    let param = br#"{"amount":1000,"timestamp":1676017834369}"#;
    let signature = RsaSigner::new(&key, HashAlgorithm::Sha256).sign_bytes(param);
    assert!(paybind_test_support::openssl_verifies(
        dir.path(),
        &public_pem,
        param,
        &signature
    ));
    let mut tampered = signature.clone();
    tampered[0] ^= 1;
    assert!(!paybind_test_support::openssl_verifies(
        dir.path(),
        &public_pem,
        param,
        &tampered
    ));
}

#[test]
fn keygen_refuses_sizes_it_does_not_make_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    for bits in ["1024", "3000", "16384", "many"] {
        let keys = dir.path().join(bits);
        let out = Command::new(BIN)
            .args(["keygen", "--bits", bits, "--out", s(&keys)])
            .output()
            .expect("run paybind");
        assert_eq!(out.status.code(), Some(2), "--bits {bits}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(bits), "--bits {bits}: {stderr}");
        assert!(!keys.exists(), "--bits {bits} created {}", keys.display());
    }
}
