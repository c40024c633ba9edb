//! Interop with independent implementations: signatures made by paybind verify with the
//! `openssl` command line, notifications signed by `openssl` are accepted, and one changed byte
//! is rejected — for SHA-256 and SHA-1, 2048- and 4096-bit keys, in every key encoding the
//! gateways hand out.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use paybind::bluepay::{self, Notification, Notifications};
use paybind::envelope::{HashAlgorithm, NotificationError, RsaSigner};
use paybind::keys::{KeyError, PrivateKey, PublicKey};
use serde_json::{json, Value};

fn openssl(args: &[&str]) -> std::process::Output {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command line is installed");
    output
}

/// `openssl args…`, which must succeed (its output is in the files it writes).
fn openssl_ok(args: &[&str]) {
    crate::common::openssl_out(args);
}

struct KeyFiles {
    _dir: tempfile::TempDir,
    private_pem: PathBuf,
    public_pem: PathBuf,
}

fn generate(bits: u32) -> KeyFiles {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("private.pem");
    let public_pem = dir.path().join("public.pem");
    let bits_opt = format!("rsa_keygen_bits:{bits}");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        &bits_opt,
        "-out",
        private_pem.to_str().unwrap(),
    ]);
    openssl_ok(&[
        "pkey",
        "-in",
        private_pem.to_str().unwrap(),
        "-pubout",
        "-out",
        public_pem.to_str().unwrap(),
    ]);
    KeyFiles {
        _dir: dir,
        private_pem,
        public_pem,
    }
}

fn digest_flag(hash: HashAlgorithm) -> &'static str {
    match hash {
        HashAlgorithm::Sha256 => "-sha256",
        HashAlgorithm::Sha1 => "-sha1",
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A param with non-ASCII text and a `/`, as sent.
const PARAM: &str =
    r#"{"mchOrderId":"PC880001","remark":"ค่าส่ง/ชำระเงิน 送货","timestamp":1676017834369}"#;

fn check_paybind_signature_verifies_with_openssl(keys: &KeyFiles, hash: HashAlgorithm) {
    let key = PrivateKey::from_file(&keys.private_pem).unwrap();
    let signature = RsaSigner::new(&key, hash).sign_bytes(PARAM.as_bytes());
    let dir = keys.private_pem.parent().unwrap();
    let param = write(dir, "param.txt", PARAM.as_bytes());
    let sig = write(dir, "param.sig", &signature);
    let verify = |file: &Path| {
        openssl(&[
            "dgst",
            digest_flag(hash),
            "-verify",
            keys.public_pem.to_str().unwrap(),
            "-signature",
            sig.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
    };
    let out = verify(&param);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");

    let mut changed = PARAM.as_bytes().to_vec();
    changed[10] ^= 1;
    let changed = write(dir, "changed.txt", &changed);
    assert!(
        !verify(&changed).status.success(),
        "openssl accepted a changed param"
    );
}

/// `param` signed by `openssl dgst` with the key in `private_pem`, base64 as in a notification.
fn signed_by_openssl(private_pem: &Path, hash: HashAlgorithm, param: &str) -> String {
    let dir = private_pem.parent().unwrap();
    let file = write(dir, "notify.txt", param.as_bytes());
    let sig = dir.join("notify.sig");
    openssl_ok(&[
        "dgst",
        digest_flag(hash),
        "-sign",
        private_pem.to_str().unwrap(),
        "-out",
        sig.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    base64::engine::general_purpose::STANDARD.encode(std::fs::read(sig).unwrap())
}

fn check_openssl_notification_is_accepted(keys: &KeyFiles, hash: HashAlgorithm) {
    let param = r#"{"eventName":"qrcode.payment.success","mchOrderId":"PC880001","channelCode":"THAI_DYNAMIC_QR","transactionId":"QR123456789","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let sign = signed_by_openssl(&keys.private_pem, hash, param);
    let verifier = Notifications::new(PublicKey::from_file(&keys.public_pem).unwrap(), hash);

    let body = json!({"param": param, "sign": sign}).to_string();
    match verifier.verify(body.as_bytes()).unwrap() {
        Notification::QrCodePayment(n) => {
            assert_eq!(n.amount.minor_units(), Some(2300));
            assert_eq!(n.transaction_id, "QR123456789");
        }
        other => panic!("{other:?}"),
    }

    let tampered_param = param.replace("2300", "2301");
    let body = json!({"param": tampered_param, "sign": sign}).to_string();
    assert!(matches!(
        verifier.verify(body.as_bytes()),
        Err(NotificationError::BadSignature(_))
    ));

    let mut raw = base64::engine::general_purpose::STANDARD
        .decode(&sign)
        .unwrap();
    raw[7] ^= 0x40;
    let tampered_sign = base64::engine::general_purpose::STANDARD.encode(raw);
    let body = json!({"param": param, "sign": tampered_sign}).to_string();
    assert!(matches!(
        verifier.verify(body.as_bytes()),
        Err(NotificationError::BadSignature(_))
    ));
}

#[test]
fn signatures_interoperate_with_openssl_2048() {
    let keys = generate(2048);
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha1] {
        check_paybind_signature_verifies_with_openssl(&keys, hash);
        check_openssl_notification_is_accepted(&keys, hash);
    }
}

/// With the fixture 4096-bit key (also made by `openssl genpkey`): generating one here took
/// seconds of the test run, and key generation is not what this test is about.
#[test]
fn signatures_interoperate_with_openssl_4096() {
    let keys = fixture_files(include_bytes!("../fixtures/merchant-4096.pem"));
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha1] {
        check_paybind_signature_verifies_with_openssl(&keys, hash);
        check_openssl_notification_is_accepted(&keys, hash);
    }
}

/// A complete documented notification (the spec's QR payment example, every required field)
/// signed by `openssl dgst -sha1`: a SHA-1 verifier accepts it (the control), a SHA-256
/// verifier refuses it for its signature alone.
#[test]
fn a_sha1_signature_is_not_accepted_as_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = write(
        dir.path(),
        "gateway.pem",
        include_bytes!("../fixtures/gateway-2048.pem"),
    );
    let public = PrivateKey::from_file(&private_pem).unwrap().public_key();
    let spec = bluepay::spec().document();
    let example = &spec["components"]["schemas"]["QrCodePaymentNotification"]["example"];
    assert!(
        example.is_object(),
        "the spec's QrCodePaymentNotification example"
    );
    let param = example.to_string();
    let sign = signed_by_openssl(&private_pem, HashAlgorithm::Sha1, &param);
    let body = json!({"param": param, "sign": sign}).to_string();

    let sha1 = Notifications::new(public.clone(), HashAlgorithm::Sha1);
    match sha1.verify(body.as_bytes()) {
        Ok(Notification::QrCodePayment(n)) => {
            assert_eq!(n.transaction_id, example["transactionId"].as_str().unwrap())
        }
        other => panic!("the SHA-1 verifier must accept the complete example: {other:?}"),
    }

    let sha256 = Notifications::new(public, HashAlgorithm::Sha256);
    let refused = sha256.verify(body.as_bytes());
    assert!(
        matches!(refused, Err(NotificationError::BadSignature(_))),
        "{refused:?}"
    );
}

#[test]
fn every_key_encoding_the_gateways_use_loads() {
    let keys = generate(2048);
    let dir = keys.private_pem.parent().unwrap();
    let path = |n: &str| dir.join(n).to_str().unwrap().to_string();
    openssl_ok(&[
        "rsa",
        "-in",
        keys.private_pem.to_str().unwrap(),
        "-traditional",
        "-out",
        &path("pkcs1.pem"),
    ]);
    openssl_ok(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        keys.private_pem.to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        &path("pkcs8.der"),
    ]);
    openssl_ok(&[
        "rsa",
        "-in",
        keys.private_pem.to_str().unwrap(),
        "-RSAPublicKey_out",
        "-out",
        &path("rsa-public.pem"),
    ]);
    openssl_ok(&[
        "pkey",
        "-in",
        keys.private_pem.to_str().unwrap(),
        "-pubout",
        "-outform",
        "DER",
        "-out",
        &path("spki.der"),
    ]);
    let b64 = |file: &str| {
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(dir.join(file)).unwrap())
    };

    let expected = PublicKey::from_file(&keys.public_pem).unwrap();
    assert!(std::fs::read_to_string(path("pkcs1.pem"))
        .unwrap()
        .starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    for private in [
        PrivateKey::from_file(&keys.private_pem).unwrap(),
        PrivateKey::from_file(path("pkcs1.pem")).unwrap(),
        PrivateKey::from_text(&b64("pkcs8.der")).unwrap(),
    ] {
        assert_eq!(private.public_key(), expected);
        assert_eq!(private.bits(), 2048);
    }
    for public in [
        PublicKey::from_file(path("rsa-public.pem")).unwrap(),
        PublicKey::from_text(&b64("spki.der")).unwrap(),
    ] {
        assert_eq!(public, expected);
    }
}

#[test]
fn bad_keys_are_typed_errors() {
    assert!(matches!(
        PrivateKey::from_text("not a key at all!"),
        Err(KeyError::NotText { .. })
    ));
    assert!(matches!(
        PrivateKey::from_text("AAAA"),
        Err(KeyError::NotRsaKey { .. })
    ));
    let small = generate(1024);
    assert!(matches!(
        PrivateKey::from_file(&small.private_pem),
        Err(KeyError::UnsupportedSize { bits: 1024, .. })
    ));
    let missing = PrivateKey::from_file("/nonexistent/key.pem").unwrap_err();
    assert!(matches!(missing, KeyError::Unreadable { .. }));
}

/// Every notification example of the spec, signed with a test gateway key, verifies into the
/// variant its `x-notifications` entry names, and keeps every field.
#[test]
fn every_documented_notification_example_is_typed() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let spec = bluepay::spec().document();
    let kinds = spec["info"]["x-notifications"].as_array().unwrap();
    assert_eq!(kinds.len(), 6);
    for entry in kinds {
        let schema = entry["schema"].as_str().unwrap();
        let example = &spec["components"]["schemas"][schema]["example"];
        assert!(example.is_object(), "{schema} has no example");
        let param = example.to_string();
        let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
        let event = verifier
            .verify(body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{schema}: {e}"));
        let (variant, value): (&str, Value) = match &event {
            Notification::Payout(n) => ("Payout", serde_json::to_value(n).unwrap()),
            Notification::QrCodePayment(n) => ("QrCodePayment", serde_json::to_value(n).unwrap()),
            Notification::WebPayPayment(n) => ("WebPayPayment", serde_json::to_value(n).unwrap()),
            Notification::Refund(n) => ("Refund", serde_json::to_value(n).unwrap()),
            Notification::DirectDebitAuthorization(n) => {
                ("DirectDebitAuthorization", serde_json::to_value(n).unwrap())
            }
            Notification::DirectDebitPayment(n) => {
                ("DirectDebitPayment", serde_json::to_value(n).unwrap())
            }
            other => panic!("{schema}: {other:?}"),
        };
        assert_eq!(variant, entry["kind"].as_str().unwrap(), "{schema}");
        assert_eq!(&value, example, "{schema}: fields lost or changed");
    }
}

#[test]
fn an_unknown_event_is_kept_not_refused() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let param = r#"{"eventName":"wallet.topup.success","amount":5}"#;
    let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
    match verifier.verify(body.to_string().as_bytes()).unwrap() {
        Notification::Unrecognized(fields) => {
            assert_eq!(fields["eventName"], "wallet.topup.success")
        }
        other => panic!("{other:?}"),
    }
    // The docs' payout page calls the field `params`: read as `param` is.
    let body = json!({"params": param, "sign": signer.sign_base64(param.as_bytes())});
    match verifier.verify(body.to_string().as_bytes()).unwrap() {
        Notification::Unrecognized(fields) => assert_eq!(
            serde_json::to_value(&fields).unwrap(),
            json!({"eventName": "wallet.topup.success", "amount": 5})
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_bodies_are_errors_not_panics() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let verifier = Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        br#"{"param":1,"sign":"x"}"#.to_vec(),
        br#"{"param":"{}"}"#.to_vec(),
        br#"{"param":"{}","sign":"@@@"}"#.to_vec(),
        br#"{"param":"{}","sign":""}"#.to_vec(),
        format!(r#"{{"param":"{{}}","sign":"{}"}}"#, "A".repeat(10_000)).into_bytes(),
    ];
    // Deterministic pseudo-random bytes.
    let mut state: u64 = 0x2545F4914F6CDD1D;
    for len in [1usize, 7, 64, 513, 4096] {
        let bytes = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        inputs.push(bytes);
    }
    for input in inputs {
        assert!(verifier.verify(&input).is_err(), "{input:?}");
    }
}

#[test]
fn the_acknowledgement_is_the_documented_body() {
    let ack: Value = serde_json::from_str(bluepay::ACK_BODY).unwrap();
    assert_eq!(
        ack,
        bluepay::spec().document()["components"]["schemas"]["AckBody"]["example"]
    );
    assert_eq!(ack, json!({"code": 10000, "message": "Success"}));
}

/// A key pair from a fixture private key: the PEM copied into a temporary directory, the
/// public key derived by openssl.
fn fixture_files(private: &[u8]) -> KeyFiles {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = write(dir.path(), "private.pem", private);
    let public_pem = dir.path().join("public.pem");
    openssl_ok(&[
        "pkey",
        "-in",
        private_pem.to_str().unwrap(),
        "-pubout",
        "-out",
        public_pem.to_str().unwrap(),
    ]);
    KeyFiles {
        _dir: dir,
        private_pem,
        public_pem,
    }
}

/// Gateway keys above 4096 bits (paybind documents 2048 to 8192): the public key loads in SPKI
/// and PKCS#1 (`RSA PUBLIC KEY`) form, notifications signed by `openssl dgst` verify, and
/// paybind's SHA-256 and SHA-1 signatures verify with openssl.
#[test]
fn signatures_interoperate_with_openssl_6144_and_8192() {
    for (private, bits) in [
        (&include_bytes!("../fixtures/gateway-6144.pem")[..], 6144),
        (&include_bytes!("../fixtures/gateway-8192.pem")[..], 8192),
    ] {
        let keys = fixture_files(private);
        let public = PublicKey::from_file(&keys.public_pem).unwrap();
        assert_eq!(public.bits(), bits);
        let dir = keys.private_pem.parent().unwrap();
        let pkcs1 = dir.join("rsa-public.pem");
        openssl_ok(&[
            "rsa",
            "-in",
            keys.private_pem.to_str().unwrap(),
            "-RSAPublicKey_out",
            "-out",
            pkcs1.to_str().unwrap(),
        ]);
        assert_eq!(PublicKey::from_file(&pkcs1).unwrap(), public);
        for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha1] {
            check_paybind_signature_verifies_with_openssl(&keys, hash);
            check_openssl_notification_is_accepted(&keys, hash);
        }
    }
}
