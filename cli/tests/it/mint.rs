//! bluepay mint-notification and sgate mint-callback: what they print verifies with openssl and
//! with `verify-notification` / `sgate verify`; one changed byte does not.

use super::*;

const PARAM: &str = r#"{"eventName":"qrcode.payment.success", "mchOrderId":"SHOP42","transactionId":"Q123","amount":50020,"transactionStatus":"COMPLETED"}"#;

fn mint_notification(extra: &[&str]) -> Output {
    let gateway = fixture("gateway-2048.pem");
    let mut args = vec!["bluepay", "mint-notification", "--private-key", s(&gateway)];
    args.extend_from_slice(extra);
    run(&args, &[], None)
}

/// `verify-notification` of `body` with the fixture gateway's public key.
fn verify_notification(dir: &Path, body: &[u8], extra: &[&str]) -> Output {
    let public = public_pem_of(&fixture("gateway-2048.pem"), dir);
    let file = dir.join("notify.json");
    std::fs::write(&file, body).unwrap();
    let mut args = vec![
        "bluepay",
        "verify-notification",
        "--public-key",
        s(&public),
        "--body",
        s(&file),
    ];
    args.extend_from_slice(extra);
    run(&args, &[], None)
}

#[test]
fn a_minted_notification_verifies_with_openssl_and_verify_notification() {
    let dir = tempfile::tempdir().unwrap();
    let public = public_pem_of(&fixture("gateway-2048.pem"), dir.path());
    for (hash, digest) in [("sha256", "-sha256"), ("sha1", "-sha1")] {
        let out = mint_notification(&["--hash", hash, "--param", PARAM]);
        assert_ok(&out);
        let body = stdout_json(&out);
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["param", "sign"]);
        assert_eq!(body["param"], PARAM, "the text is signed as given");
        let sign = body["sign"].as_str().unwrap();
        assert!(
            openssl_verifies(&public, digest, PARAM.as_bytes(), sign),
            "{hash}"
        );

        let verified = verify_notification(dir.path(), &out.stdout, &["--hash", hash]);
        assert_ok(&verified);
        let event = stdout_json(&verified);
        assert_eq!(event["kind"], "QrCodePayment");
        assert_eq!(event["event"]["mchOrderId"], "SHOP42");

        let forged = String::from_utf8(out.stdout.clone())
            .unwrap()
            .replace("50020", "90020");
        assert!(!openssl_verifies(&public, digest, forged.as_bytes(), sign));
        let refused = verify_notification(dir.path(), forged.as_bytes(), &["--hash", hash]);
        assert_eq!(code(&refused), 3);
        assert_eq!(stderr_error(&refused)["kind"], "signature_mismatch");
    }
    // The hash is part of what is verified.
    let sha1 = mint_notification(&["--hash", "sha1", "--param", PARAM]);
    assert_eq!(code(&verify_notification(dir.path(), &sha1.stdout, &[])), 3);
}

#[test]
fn a_minted_notification_from_a_file_types_as_a_bluepay_jt_event() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("param.json");
    std::fs::write(
        &file,
        r#"{"totalAmount":2500,"amount":2300,"mchOrderId":"JT1","transactionId":"QR1","transactionStatus":"COMPLETED"}"#,
    )
    .unwrap();
    let out = mint_notification(&["--param-file", s(&file)]);
    assert_ok(&out);
    let verified = verify_notification(dir.path(), &out.stdout, &["--api", "bluepay-jt"]);
    assert_ok(&verified);
    assert_eq!(stdout_json(&verified)["kind"], "QrCodePayment");
}

#[test]
fn a_param_that_is_not_a_json_object_exits_2_without_quoting_it() {
    for param in ["{secret-ish", "[\"secret-ish\"]"] {
        let out = mint_notification(&["--param", param]);
        assert_eq!(code(&out), 2);
        assert!(out.stdout.is_empty());
        let error = stderr_error(&out);
        assert_eq!(error["kind"], "json");
        assert!(!error.to_string().contains("secret-ish"), "{error}");
    }
}

const CALLBACK: &str = r#"{"event":"SALARY_STATUS_CHANGE","time":1718000000,"data":{"ticketid":"9","payeeuid":"SHOP-1","amount":18.75,"status":1,"custominfo":{"cardno":"5123450000000001","identity":"1012345678"}}}"#;
const API_KEY: &str = "cli-test-api-key";

/// `sgate mint-callback` of [`CALLBACK`] for `url`, with `extra` arguments.
fn mint_callback(dir: &Path, url: &str, extra: &[&str]) -> Output {
    let body = dir.join("callback.json");
    std::fs::write(&body, CALLBACK).unwrap();
    let system = fixture("sgate-system-2048.pem");
    let mut args = vec![
        "sgate",
        "mint-callback",
        "--private-key",
        s(&system),
        "--url",
        url,
        "--body-file",
        s(&body),
    ];
    args.extend_from_slice(extra);
    run(
        &args,
        &[("PAYBIND_SGATE_API_KEY", API_KEY.to_string())],
        None,
    )
}

/// `sgate verify` of a minted callback (its headers, `body` as the body) for `url`.
fn sgate_verify(dir: &Path, minted: &Value, url: &str, body: &str) -> Output {
    let file = dir.join("received.json");
    std::fs::write(&file, body).unwrap();
    let public = fixture("sgate-system-2048.pub.pem");
    let header = |name: &str| minted["headers"][name].as_str().unwrap().to_string();
    let (timestamp, nonce, signature) = (
        header("V-Timestamp"),
        header("V-Nonce-Str"),
        header("V-Signature"),
    );
    run(
        &[
            "sgate",
            "verify",
            "--public-key",
            s(&public),
            "--method",
            "POST",
            "--url",
            url,
            "--timestamp",
            &timestamp,
            "--nonce",
            &nonce,
            "--signature",
            &signature,
            "--body-file",
            s(&file),
        ],
        &[("PAYBIND_SGATE_API_KEY", API_KEY.to_string())],
        None,
    )
}

/// openssl's verdict: MD5 hex (`openssl dgst -md5`) of the signature object written here,
/// verified as MD5withRSA with the system public key.
fn openssl_accepts(dir: &Path, minted: &Value, url: &str, body: &str) -> bool {
    let q = |v: &str| serde_json::to_string(v).unwrap();
    let header = |name: &str| minted["headers"][name].as_str().unwrap().to_string();
    let object = format!(
        "{{\"api_key\":{},\"timestamp\":{},\"nonce_str\":{},\"url\":{},\"method\":\"POST\",\"body\":{}}}",
        q(API_KEY),
        header("V-Timestamp"),
        q(&header("V-Nonce-Str")),
        q(url),
        q(body)
    );
    let file = dir.join("object.json");
    std::fs::write(&file, object).unwrap();
    let md5 = openssl_ok(&["dgst", "-md5", "-r", s(&file)]);
    let md5 = md5.split_whitespace().next().unwrap();
    openssl_verifies(
        &fixture("sgate-system-2048.pub.pem"),
        "-md5",
        md5.as_bytes(),
        &header("V-Signature"),
    )
}

#[test]
fn a_minted_callback_verifies_with_openssl_and_sgate_verify() {
    let dir = tempfile::tempdir().unwrap();
    let merchant_public = fixture("sgate-merchant-2048.pub.pem");
    let out = mint_callback(
        dir.path(),
        "/sgate/callback",
        &["--encrypt-to", s(&merchant_public)],
    );
    assert_ok(&out);
    let minted = stdout_json(&out);
    let headers: Vec<&String> = minted["headers"].as_object().unwrap().keys().collect();
    assert_eq!(
        headers,
        [
            "V-Api-Key",
            "V-Api-Version",
            "V-Nonce-Str",
            "V-Signature",
            "V-Timestamp"
        ]
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(API_KEY),
        "the API KEY is never printed"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let timestamp: i64 = minted["headers"]["V-Timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((now - timestamp).abs() <= 5, "signed now");

    let body = minted["body"].as_str().unwrap();
    assert!(openssl_accepts(
        dir.path(),
        &minted,
        "/sgate/callback",
        body
    ));
    assert_ok(&sgate_verify(dir.path(), &minted, "/sgate/callback", body));

    // The sensitive members are ciphertext for the merchant key.
    assert!(
        !body.contains("5123450000000001") && !body.contains("1012345678"),
        "{body}"
    );
    let wire: Value = serde_json::from_str(body).unwrap();
    let cipher = unb64(wire["data"]["custominfo"]["cardno"].as_str().unwrap());
    let cipher_file = dir.path().join("cardno.bin");
    std::fs::write(&cipher_file, cipher).unwrap();
    let plain = openssl_ok(&[
        "pkeyutl",
        "-decrypt",
        "-inkey",
        s(&fixture("sgate-merchant-2048.pem")),
        "-pkeyopt",
        "rsa_padding_mode:pkcs1",
        "-in",
        s(&cipher_file),
    ]);
    assert_eq!(plain, "5123450000000001");

    // One changed byte of the body, or another path, is refused.
    let forged = body.replace("SHOP-1", "SHOP-2");
    assert!(!openssl_accepts(
        dir.path(),
        &minted,
        "/sgate/callback",
        &forged
    ));
    let refused = sgate_verify(dir.path(), &minted, "/sgate/callback", &forged);
    assert_eq!(code(&refused), 3);
    assert_eq!(stderr_error(&refused)["kind"], "signature_mismatch");
    assert_eq!(
        code(&sgate_verify(dir.path(), &minted, "/sgate/other", body)),
        3
    );
}

#[test]
fn without_encrypt_to_the_body_is_signed_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = mint_callback(dir.path(), "https://shop.example/hooks/cb?t=1", &[]);
    assert_ok(&out);
    let minted = stdout_json(&out);
    assert_eq!(minted["body"], CALLBACK);
    assert!(openssl_accepts(
        dir.path(),
        &minted,
        "/hooks/cb?t=1",
        CALLBACK
    ));
    assert_ok(&sgate_verify(
        dir.path(),
        &minted,
        "/hooks/cb?t=1",
        CALLBACK,
    ));
}

#[test]
fn a_bad_url_or_body_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = mint_callback(dir.path(), "sgate/callback", &[]);
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "usage");
    let body = dir.path().join("bad.json");
    std::fs::write(&body, "[\"secret-ish\"]").unwrap();
    let out = run(
        &[
            "sgate",
            "mint-callback",
            "--private-key",
            s(&fixture("sgate-system-2048.pem")),
            "--url",
            "/cb",
            "--body-file",
            s(&body),
        ],
        &[("PAYBIND_SGATE_API_KEY", API_KEY.to_string())],
        None,
    );
    assert_eq!(code(&out), 2);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "json");
    assert!(!error.to_string().contains("secret-ish"), "{error}");
}

#[test]
fn mint_help_shows_a_curl_example() {
    for args in [
        ["bluepay", "mint-notification", "--help"],
        ["sgate", "mint-callback", "--help"],
    ] {
        let out = run(&args, &[], None);
        assert_ok(&out);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("curl -X POST"), "{help}");
        assert!(help.contains(args[1]), "{help}");
    }
}
