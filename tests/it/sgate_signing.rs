//! SGATE signing and field encryption against the docs' worked example and against independent
//! implementations: Python's `json.dumps(..., separators=(",",":"), ensure_ascii=False)` +
//! `hashlib.md5`, and `openssl dgst -md5 -sign/-verify` and `openssl pkeyutl` (PKCS#1 v1.5).

use crate::common;
use crate::sgate_support;

use std::path::Path;
use std::process::Command;

use crate::sgate_support::{fixture, merchant_private, system_public, API_KEY};
use base64::Engine as _;
use paybind::keys::PrivateKey;
use paybind::sgate::crypto::{decrypt_field, encrypt_field};
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data, verify_digest};
use paybind::sgate::types;

#[test]
fn docs_worked_example_digest() {
    let data = signature_data(
        "xxxxxxxxxxxxxx",
        1686647706,
        "TIj5tZ3gM6FbprYlKNR2",
        "/openApi/v1/payee/custom/list",
        "GET",
        "",
    );
    assert_eq!(
        data,
        r#"{"api_key":"xxxxxxxxxxxxxx","timestamp":1686647706,"nonce_str":"TIj5tZ3gM6FbprYlKNR2","url":"/openApi/v1/payee/custom/list","method":"GET","body":""}"#
    );
    assert_eq!(digest_hex(&data), "8a5908e27626d79d73dc14bd9ba00e72");
}

/// The virtual-account page's worked example prints another page's digest; the one its inputs
/// give is recomputed here by Python as well as by paybind.
#[test]
fn virtual_account_example_digest_is_the_recomputed_one() {
    let (api_key, ts, nonce, url) = (
        "xxxxxxxxxxxxxx",
        1686647706,
        "TIj5tZ3gM6FbprYlKNR2",
        "/openApi/v1/virtualAccount/receivingTrans/list",
    );
    let data = signature_data(api_key, ts, nonce, url, "GET", "");
    let dir = tempfile::tempdir().unwrap();
    let (py_data, py_digest) = python_digest(dir.path(), api_key, ts, nonce, url, "GET", b"");
    assert_eq!(data, py_data);
    assert_eq!(digest_hex(&data), py_digest);
    assert_eq!(py_digest, "eb673f07b46354966afdcaaddf9692e4");
}

#[test]
fn slashes_and_non_ascii_are_not_escaped() {
    let body = r#"{"name_a":"محمد","name_e":"张三/李四","q":"a\"b"}"#;
    let data = signature_data("k", 1, "n", "/openApi/v1/x?a=%2F", "POST", body);
    assert!(data.contains("张三/李四"), "{data}");
    assert!(data.contains("محمد"), "{data}");
    assert!(data.contains(r#"\"name_a\""#), "{data}");
    assert!(!data.contains("\\/"), "{data}");
    assert!(!data.contains("\\u"), "{data}");
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Python's reading of the signature object and its MD5, from the same inputs.
fn python_digest(
    dir: &Path,
    api_key: &str,
    ts: i64,
    nonce: &str,
    url: &str,
    method: &str,
    body: &[u8],
) -> (String, String) {
    let body_file = dir.join("body.txt");
    std::fs::write(&body_file, body).unwrap();
    let script = r#"
import hashlib, json, sys
api_key, ts, nonce, url, method, body_file = sys.argv[1:]
body = open(body_file, encoding="utf-8").read()
obj = {"api_key": api_key, "timestamp": int(ts), "nonce_str": nonce, "url": url, "method": method, "body": body}
s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
sys.stdout.buffer.write(s.encode("utf-8") + b"\n" + hashlib.md5(s.encode("utf-8")).hexdigest().encode())
"#;
    let out = run(Command::new("python3").args([
        "-c",
        script,
        api_key,
        &ts.to_string(),
        nonce,
        url,
        method,
        body_file.to_str().unwrap(),
    ]));
    let text = String::from_utf8(out).unwrap();
    let (data, digest) = text.rsplit_once('\n').unwrap();
    (data.to_string(), digest.to_string())
}

#[tokio::test]
async fn post_with_slash_arabic_and_chinese_signs_like_python_and_openssl() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("Zhang/San 张三 \"Z\"")
                .name_a("محمد/علي")
                .mercustomid("u/001")
                .identity("1012345678")
                .stcaccount("512345678"),
        )
        .await
        .expect("created");
    let sent = sgate_support::last(&sandbox);
    assert!(sent.signature_ok, "the sandbox's own check accepts it");
    assert!(sgate_support::independently_signed(&sent));
    let body = sent.body.clone();
    assert!(body.contains("محمد/علي") && body.contains("张三"), "{body}");

    let dir = tempfile::tempdir().unwrap();
    let header = |name: &str| sent.headers[name].clone();
    let ts: i64 = header("v-timestamp").parse().unwrap();
    let nonce = header("v-nonce-str");
    let (py_data, py_digest) = python_digest(
        dir.path(),
        API_KEY,
        ts,
        &nonce,
        &sent.path,
        "POST",
        sent.body.as_bytes(),
    );
    let ours = signature_data(API_KEY, ts, &nonce, &sent.path, "POST", &body);
    assert_eq!(ours, py_data);
    assert_eq!(digest_hex(&ours), py_digest);

    // openssl signs the same digest to the same bytes (PKCS#1 v1.5 is deterministic) ...
    let digest_file = dir.path().join("digest.txt");
    std::fs::write(&digest_file, py_digest.as_bytes()).unwrap();
    let openssl_sig = common::openssl_out(&[
        "dgst",
        "-md5",
        "-sign",
        &fixture("sgate-merchant-2048.pem"),
        digest_file.to_str().unwrap(),
    ]);
    let header_sig = base64::engine::general_purpose::STANDARD
        .decode(header("v-signature"))
        .unwrap();
    assert_eq!(header_sig.len(), 256);
    assert_eq!(header("v-signature").len(), 344);
    assert_eq!(openssl_sig, header_sig);

    // ... and verifies the header paybind sent.
    let sig_file = dir.path().join("sig.bin");
    std::fs::write(&sig_file, &header_sig).unwrap();
    let verified = common::openssl_out(&[
        "dgst",
        "-md5",
        "-verify",
        &fixture("sgate-merchant-2048.pub.pem"),
        "-signature",
        sig_file.to_str().unwrap(),
        digest_file.to_str().unwrap(),
    ]);
    assert_eq!(String::from_utf8_lossy(&verified).trim(), "Verified OK");
}

#[test]
fn control_characters_escape_like_python() {
    let dir = tempfile::tempdir().unwrap();
    let body = "{\"t\":\"tab\\there\",\"raw\":\"\u{1}\u{1f}\u{7f}\u{2028}\"}";
    let (py_data, py_digest) = python_digest(
        dir.path(),
        API_KEY,
        1719400798,
        "n0nce",
        "/openApi/v1/otp/sendOtp",
        "POST",
        body.as_bytes(),
    );
    let ours = signature_data(
        API_KEY,
        1719400798,
        "n0nce",
        "/openApi/v1/otp/sendOtp",
        "POST",
        body,
    );
    assert_eq!(ours, py_data);
    assert_eq!(digest_hex(&ours), py_digest);
}

#[test]
fn sign_and_verify_round_trip_and_reject_other_digests() {
    let key = merchant_private();
    let digest = digest_hex("x");
    let signature = sign_digest(&key, &digest);
    assert!(verify_digest(&key.public_key(), &digest, &signature).is_ok());
    assert!(verify_digest(&key.public_key(), &digest_hex("y"), &signature).is_err());
    assert!(verify_digest(&system_public(), &digest, &signature).is_err());
    assert!(verify_digest(&key.public_key(), &digest, "not base64!").is_err());
}

fn pkeyutl(args: &[&str], input: &[u8], dir: &Path) -> Vec<u8> {
    let input_file = dir.join("in.bin");
    std::fs::write(&input_file, input).unwrap();
    let mut full = vec!["pkeyutl"];
    full.extend_from_slice(args);
    full.extend_from_slice(&[
        "-pkeyopt",
        "rsa_padding_mode:pkcs1",
        "-in",
        input_file.to_str().unwrap(),
    ]);
    common::openssl_out(&full)
}

fn long_plaintext() -> String {
    // 3 blocks: more than 2 × 245 bytes, with multi-byte characters across block edges.
    let text = "5123450000000001/محمد/张三-".repeat(20);
    assert!(text.len() > 490, "{}", text.len());
    text
}

#[test]
fn paybind_encryption_decrypts_with_openssl_blockwise() {
    let dir = tempfile::tempdir().unwrap();
    for plain in ["5123450000000001".to_string(), long_plaintext()] {
        let encoded = encrypt_field(&system_public(), &plain).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap();
        let blocks = plain.len().div_ceil(245);
        assert_eq!(bytes.len(), blocks * 256);
        if blocks == 1 {
            assert_eq!(encoded.len(), 344);
        }
        let mut decrypted = Vec::new();
        for block in bytes.chunks(256) {
            decrypted.extend(pkeyutl(
                &["-decrypt", "-inkey", &fixture("sgate-system-2048.pem")],
                block,
                dir.path(),
            ));
        }
        assert_eq!(String::from_utf8(decrypted).unwrap(), plain);
    }
}

#[test]
fn openssl_encryption_decrypts_with_paybind_blockwise() {
    let dir = tempfile::tempdir().unwrap();
    for plain in ["+966512345678".to_string(), long_plaintext()] {
        let mut cipher = Vec::new();
        for chunk in plain.as_bytes().chunks(245) {
            cipher.extend(pkeyutl(
                &[
                    "-encrypt",
                    "-pubin",
                    "-inkey",
                    &fixture("sgate-merchant-2048.pub.pem"),
                ],
                chunk,
                dir.path(),
            ));
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(&cipher);
        let decrypted = decrypt_field(&merchant_private(), &encoded).unwrap();
        assert_eq!(decrypted.expose(), plain);
        assert_eq!(format!("{decrypted:?}"), "Sensitive(redacted)");
    }
}

#[test]
fn decryption_failures_are_errors_without_the_value() {
    const CARD: &str = "5123450000000001";
    let key = merchant_private();
    // Undecryptable: nothing was decrypted.
    for bad in [
        "",
        "!!!",
        "AAAA",
        &encrypt_field(&system_public(), CARD).unwrap(),
    ] {
        let err = decrypt_field(&key, bad).unwrap_err();
        assert!(!format!("{err} {err:?}").contains(CARD), "{err:?}");
    }
    // Decrypted, in part or whole, with the right key (openssl's blocks), then invalid: the
    // card number was in the plaintext when the error was made, and is not in the error.
    let dir = tempfile::tempdir().unwrap();
    let pem = fixture("sgate-merchant-2048.pem");
    let block = |plain: &[u8]| pkeyutl(&["-encrypt", "-inkey", &pem], plain, dir.path());
    let card = block(CARD.as_bytes());
    let b64 = |blocks: &[&[u8]]| base64::engine::general_purpose::STANDARD.encode(blocks.concat());
    let corrupt = vec![0x5a; card.len()];
    for (why, encoded) in [
        ("a corrupt second block", b64(&[&card, &corrupt])),
        (
            "a second block of bytes that are not UTF-8",
            b64(&[&card, &block(b"\xff\xfe")]),
        ),
        (
            "non-UTF-8 after the number",
            b64(&[&block(&[CARD.as_bytes(), b"\xff"].concat())]),
        ),
    ] {
        let err = decrypt_field(&key, &encoded).unwrap_err();
        assert!(!format!("{err} {err:?}").contains(CARD), "{why}: {err:?}");
    }
    // The valid block alone is the number: the cases above did decrypt it.
    assert_eq!(decrypt_field(&key, &b64(&[&card])).unwrap().expose(), CARD);
}

/// The same round trips with a 4096-bit key (blocks of 501 plaintext bytes, 512 cipher bytes).
#[test]
fn field_encryption_round_trips_with_openssl_at_4096_bits() {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("key.pem");
    std::fs::write(&private_pem, include_str!("../fixtures/merchant-4096.pem")).unwrap();
    let private_pem = private_pem.to_str().unwrap();
    let key = PrivateKey::from_file(private_pem).unwrap();
    let plain = long_plaintext().repeat(2);
    assert!(plain.len() > 1002, "three blocks of 501 bytes");

    let encoded = encrypt_field(&key.public_key(), &plain).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&encoded)
        .unwrap();
    assert_eq!(bytes.len(), plain.len().div_ceil(501) * 512);
    let mut decrypted = Vec::new();
    for block in bytes.chunks(512) {
        decrypted.extend(pkeyutl(
            &["-decrypt", "-inkey", private_pem],
            block,
            dir.path(),
        ));
    }
    assert_eq!(String::from_utf8(decrypted).unwrap(), plain);

    let mut cipher = Vec::new();
    for chunk in plain.as_bytes().chunks(501) {
        cipher.extend(pkeyutl(
            &["-encrypt", "-inkey", private_pem],
            chunk,
            dir.path(),
        ));
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(&cipher);
    assert_eq!(decrypt_field(&key, &encoded).unwrap().expose(), plain);
}
