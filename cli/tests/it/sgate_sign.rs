//! sgate sign / verify.

use super::*;

#[test]
fn sgate_sign_reproduces_the_docs_worked_digest_and_openssl_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let private = fixture("sgate-merchant-2048.pem");
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--api-key",
            "xxxxxxxxxxxxxx",
            "--method",
            "GET",
            "--url",
            "/openApi/v1/payee/custom/list",
            "--timestamp",
            "1686647706",
            "--nonce",
            "TIj5tZ3gM6FbprYlKNR2",
        ],
        &[],
        None,
    );
    assert_ok(&out);
    let signed = stdout_json(&out);
    assert_eq!(signed["md5"], "8a5908e27626d79d73dc14bd9ba00e72");
    assert_eq!(
        signed["signature_data"],
        r#"{"api_key":"<API KEY, not shown>","timestamp":1686647706,"nonce_str":"TIj5tZ3gM6FbprYlKNR2","url":"/openApi/v1/payee/custom/list","method":"GET","body":""}"#
    );
    // The API KEY is a secret: printed nowhere, though the signature is over it.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("xxxxxxxxxxxxxx"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("xxxxxxxxxxxxxx"));
    let headers = signed["headers"].as_object().unwrap();
    // A JSON object: its members in serde_json's order (sorted; paybind does not switch on
    // `preserve_order` for the programs it is built into).
    let mut names: Vec<&String> = headers.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "V-Api-Key",
            "V-Api-Version",
            "V-Nonce-Str",
            "V-Signature",
            "V-Timestamp",
        ]
    );
    assert_eq!(headers["V-Api-Key"], "<API KEY, not shown>");
    assert_eq!(headers["V-Api-Version"], "1");
    assert_eq!(headers["V-Timestamp"], "1686647706");
    assert_eq!(headers["V-Nonce-Str"], "TIj5tZ3gM6FbprYlKNR2");
    // MD5withRSA over the hex digest text, as openssl computes it.
    assert!(openssl_verifies(
        &fixture("sgate-merchant-2048.pub.pem"),
        "-md5",
        b"8a5908e27626d79d73dc14bd9ba00e72",
        headers["V-Signature"].as_str().unwrap()
    ));

    // Default timestamp and nonce: now, and 32 letters and digits; a POST body is signed.
    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"payeeuid":"PAY1","note":"a/b"}"#).unwrap();
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--method",
            "post",
            "--url",
            "/openApi/v1/payee/payCustomTicket/create",
            "--body-file",
            s(&body),
        ],
        &[("PAYBIND_SGATE_API_KEY", "key-from-env".to_string())],
        None,
    );
    assert_ok(&out);
    let signed = stdout_json(&out);
    let data: Value = serde_json::from_str(signed["signature_data"].as_str().unwrap()).unwrap();
    assert_eq!(data["api_key"], "<API KEY, not shown>");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("key-from-env"));
    assert_eq!(data["method"], "POST");
    assert_eq!(data["body"], r#"{"payeeuid":"PAY1","note":"a/b"}"#);
    assert!(signed["signature_data"].as_str().unwrap().contains("a/b"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((data["timestamp"].as_i64().unwrap() - now).abs() < 60);
    let nonce = signed["headers"]["V-Nonce-Str"].as_str().unwrap();
    assert_eq!(nonce.len(), 32);
    assert!(nonce.chars().all(|c| c.is_ascii_alphanumeric()));

    // A whole URL is not what SGATE signs.
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--api-key",
            "k",
            "--method",
            "GET",
            "--url",
            "https://vbank.sgate.sa/openApi/v1/merchant/balance",
        ],
        &[],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "usage");
}

#[test]
fn sgate_verify_exits_0_or_3() {
    let dir = tempfile::tempdir().unwrap();
    // Something SGATE signed: sign with the system key, verify with its public half.
    let system = fixture("sgate-system-2048.pem");
    let system_public = fixture("sgate-system-2048.pub.pem");
    let body = r#"{"code":200,"message":"success","data":{"status":3}}"#;
    let body_file = dir.path().join("callback.json");
    std::fs::write(&body_file, body).unwrap();
    let signed = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&system),
            "--api-key",
            "test-api-key-0001",
            "--method",
            "POST",
            "--url",
            "/sgate/callback?x=1",
            "--timestamp",
            "1719411600",
            "--nonce",
            "srv7nonce9ABCDEFGHIJ",
            "--body-file",
            s(&body_file),
        ],
        &[],
        None,
    );
    assert_ok(&signed);
    let signature = stdout_json(&signed)["headers"]["V-Signature"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = |body: &[u8], signature: &str, extra: &[&str]| {
        let mut args = vec![
            "sgate",
            "verify",
            "--public-key",
            s(&system_public),
            "--api-key",
            "test-api-key-0001",
            "--method",
            "POST",
            "--url",
            "/sgate/callback?x=1",
            "--timestamp",
            "1719411600",
            "--nonce",
            "srv7nonce9ABCDEFGHIJ",
            "--signature",
            signature,
        ];
        args.extend_from_slice(extra);
        run(&args, &[], Some(body))
    };

    let ok = verify(body.as_bytes(), &signature, &[]);
    assert_ok(&ok);
    let verified = stdout_json(&ok);
    assert_eq!(verified["verified"], true);
    assert_eq!(
        verified["md5"],
        stdout_json(&signed)["md5"],
        "verify recomputes the same digest"
    );
    let by_file = verify(b"", &signature, &["--body-file", s(&body_file)]);
    assert_ok(&by_file);

    let tampered = verify(body.replace('3', "4").as_bytes(), &signature, &[]);
    assert_eq!(code(&tampered), 3);
    assert!(tampered.stdout.is_empty());
    let error = stderr_error(&tampered);
    assert_eq!(error["kind"], "signature_mismatch");
    // The API KEY is signed over but never echoed, on stderr either.
    assert!(!String::from_utf8_lossy(&tampered.stderr).contains("test-api-key-0001"));
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("test-api-key-0001"));
    assert!(error["signature_data"]
        .as_str()
        .unwrap()
        .contains("\"status\\\":4"));

    let garbage = verify(body.as_bytes(), "not base64!", &[]);
    assert_eq!(code(&garbage), 3);

    // The merchant's key is not SGATE's.
    let mut args = vec!["sgate", "verify", "--public-key"];
    let merchant_public = fixture("sgate-merchant-2048.pub.pem");
    args.push(s(&merchant_public));
    args.extend_from_slice(&[
        "--api-key",
        "test-api-key-0001",
        "--method",
        "POST",
        "--url",
        "/sgate/callback?x=1",
        "--timestamp",
        "1719411600",
        "--nonce",
        "srv7nonce9ABCDEFGHIJ",
        "--signature",
        &signature,
    ]);
    let wrong_key = run(&args, &[], Some(body.as_bytes()));
    assert_eq!(code(&wrong_key), 3);
}
