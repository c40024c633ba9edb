//! bluepay sign / verify-notification.

use super::*;

#[test]
fn bluepay_sign_output_verifies_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let private = fixture("merchant-2048.pem");
    let public = public_pem_of(&private, dir.path());
    // Spacing, key order and Thai text must survive exactly: the text is signed as given.
    let param = r#"{"mchOrderId": "PC880001",  "amount":1000,"remark":"ค่าส่ง example","timestamp":1676017834369}"#;
    for (hash, digest) in [("sha256", "-sha256"), ("sha1", "-sha1")] {
        let out = run(
            &[
                "bluepay",
                "sign",
                "--private-key",
                s(&private),
                "--app-id",
                "c9b002aef1d7496c9df078d937896605",
                "--hash",
                hash,
                "--param",
                param,
            ],
            &[],
            None,
        );
        assert_ok(&out);
        let envelope = stdout_json(&out);
        let keys: Vec<&String> = envelope.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["appId", "param", "sign"]);
        assert_eq!(envelope["appId"], "c9b002aef1d7496c9df078d937896605");
        assert_eq!(envelope["param"], param);
        let sign = envelope["sign"].as_str().unwrap();
        assert!(
            openssl_verifies(&public, digest, param.as_bytes(), sign),
            "{hash}"
        );
        let mut changed = param.as_bytes().to_vec();
        changed[3] ^= 1;
        assert!(!openssl_verifies(&public, digest, &changed, sign));
    }

    // --param-file: the file's bytes exactly, trailing newline included.
    let file = dir.path().join("param.json");
    std::fs::write(&file, "{\"a\":1}\n").unwrap();
    let out = run(
        &[
            "bluepay",
            "sign",
            "--private-key",
            s(&private),
            "--app-id",
            "x",
            "--param-file",
            s(&file),
        ],
        &[],
        None,
    );
    assert_ok(&out);
    let envelope = stdout_json(&out);
    assert_eq!(envelope["param"], "{\"a\":1}\n");
    assert!(openssl_verifies(
        &public,
        "-sha256",
        b"{\"a\":1}\n",
        envelope["sign"].as_str().unwrap()
    ));

    // Input errors exit 2 and print nothing on stdout.
    for (args, kind) in [
        (vec!["--param", "{not json"], "json"),
        (vec!["--param", "[1,2]"], "json"),
    ] {
        let mut full = vec![
            "bluepay",
            "sign",
            "--private-key",
            s(&private),
            "--app-id",
            "x",
        ];
        full.extend(args);
        let out = run(&full, &[], None);
        assert_eq!(code(&out), 2);
        assert!(out.stdout.is_empty());
        assert_eq!(stderr_error(&out)["kind"], kind);
    }
    let out = run(
        &[
            "bluepay",
            "sign",
            "--private-key",
            s(&dir.path().join("missing.pem")),
            "--app-id",
            "x",
            "--param",
            "{}",
        ],
        &[],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "key");
}

/// A notification body whose param openssl signed with `private` (SHA-256).
fn openssl_signed_notification(private: &Path, param: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let msg = dir.path().join("param");
    let sig = dir.path().join("sig");
    std::fs::write(&msg, param).unwrap();
    openssl_ok(&[
        "dgst",
        "-sha256",
        "-sign",
        s(private),
        "-out",
        s(&sig),
        s(&msg),
    ]);
    let sign = b64(&std::fs::read(&sig).unwrap());
    json!({"param": param, "sign": sign})
        .to_string()
        .into_bytes()
}

#[test]
fn bluepay_verify_notification_types_openssl_signed_bodies_and_exits_3_on_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = fixture("gateway-2048.pem");
    let public = public_pem_of(&gateway, dir.path());
    let param = r#"{"eventName":"qrcode.payment.success","mchOrderId":"PC880001","channelCode":"THAI_DYNAMIC_QR","transactionId":"QR123456789","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let body = openssl_signed_notification(&gateway, param);
    let body_file = dir.path().join("notify.json");
    std::fs::write(&body_file, &body).unwrap();

    // From a file, and from stdin.
    let by_file = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--body",
            s(&body_file),
        ],
        &[],
        None,
    );
    assert_ok(&by_file);
    let by_stdin = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(&body),
    );
    assert_ok(&by_stdin);
    assert_eq!(by_file.stdout, by_stdin.stdout);
    let event = stdout_json(&by_file);
    assert_eq!(event["kind"], "QrCodePayment");
    assert_eq!(event["event"]["transactionId"], "QR123456789");
    assert_eq!(event["event"]["mchOrderId"], "PC880001");
    assert_eq!(event["event"]["amount"], 2300);

    // One satang more: the signature no longer covers it.
    let tampered: Value = serde_json::from_slice(&body).unwrap();
    let tampered = json!({
        "param": tampered["param"].as_str().unwrap().replace("2300", "2301"),
        "sign": tampered["sign"],
    })
    .to_string();
    let out = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(tampered.as_bytes()),
    );
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty(), "a tampered event was printed");
    assert_eq!(stderr_error(&out)["kind"], "signature_mismatch");

    // The right body with the wrong hash, or the wrong key: also 3.
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--hash",
            "sha1",
        ],
        &[],
        Some(&body),
    );
    assert_eq!(code(&out), 3);
    let merchant_public = public_pem_of(&fixture("merchant-2048.pem"), dir.path());
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&merchant_public),
        ],
        &[],
        Some(&body),
    );
    assert_eq!(code(&out), 3);

    // Not a notification at all: an input error.
    let out = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(b"hello"),
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "body");

    // A JT notification typed with JT's kinds.
    let jt = r#"{"eventName":"ticket.status.closed","ticketNo":"202510201745349298","ticketStatus":"Closed","transactionStatus":"COMPLETED","customerServiceReply":"refunded"}"#;
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--api",
            "bluepay-jt",
        ],
        &[],
        Some(&openssl_signed_notification(&gateway, jt)),
    );
    assert_ok(&out);
    let event = stdout_json(&out);
    assert_eq!(event["kind"], "TicketResult");
    assert_eq!(event["event"]["ticketNo"], "202510201745349298");
}
