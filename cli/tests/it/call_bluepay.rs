//! call: BluePay and BluePay JT against a local envelope gateway.

use super::*;

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";

fn bluepay_env(base_url: &str, key: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_BLUEPAY_URL", base_url.to_string()),
        ("PAYBIND_BLUEPAY_APP_ID", APP_ID.to_string()),
        ("PAYBIND_BLUEPAY_PRIVATE_KEY_FILE", s(key).to_string()),
        (
            "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE",
            s(&fixture("gateway-2048.pub.pem")).to_string(),
        ),
    ]
}

fn balance_answer() -> Value {
    json!({"code": 10000, "message": "Success", "data": {"balance": "10000.00"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_bluepay_sends_valid_params_and_refuses_invalid_ones() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let env = bluepay_env(&server.base_url, &merchant);
    let data = json!({
        "mchOrderId": "PC880001",
        "transactionId": "C1051669624201385891",
        "qrCodeContent": "00020101021230830016A000000677010112",
        "channelCode": "THAI_DYNAMIC_QR"
    });
    server.reply(
        "qr_code_create",
        json!({"code": 10000, "message": "Success", "data": data}),
    );
    server.reply("balance_inquiry", balance_answer());

    // A valid param: signed, accepted, `data` printed.
    let param = json!({
        "channelCode": "THAI_DYNAMIC_QR",
        "mchOrderId": "PC880001",
        "amount": 1000,
        "notifyUrl": "https://merchant.example/notify"
    });
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out), data);
    let sent = server.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].operation, "qr_code_create");
    assert!(sent[0].signature_ok);
    for (name, value) in param.as_object().unwrap() {
        assert_eq!(&sent[0].param[name], value, "{name}");
    }
    assert!(sent[0].param["timestamp"].is_i64(), "timestamp stamped");

    // The same from a file, and with --pretty.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("param.json");
    std::fs::write(&file, "{}").unwrap();
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "balance_inquiry",
            "--param-file",
            s(&file),
            "--pretty",
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n  "));
    assert_eq!(server.received().len(), 2);

    // A dynamic QR code without an amount breaks the spec's rule: exit 2, nothing sent.
    let invalid = json!({
        "channelCode": "THAI_DYNAMIC_QR",
        "mchOrderId": "PC880002",
        "notifyUrl": "https://merchant.example/notify"
    });
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &invalid.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["field"], "amount");
    assert_eq!(error["sent"], false);
    // A field of the wrong type, and JSON that is not JSON: also 2.
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            r#"{"mchOrderId": 5}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "validation");
    // Issue 12: every broken rule of the request at once, in the API's words, never a Rust type.
    for (param, field, words) in [
        (
            r#"{"mchOrderId":"x","amount":-5,"payMethodCode":"BANK"}"#,
            "accountNo",
            "is required",
        ),
        (
            r#"{"mchOrderId":"CCP20220428011068111","idempotencyId":"IDP2022042801","amount":1.5,"payMethodCode":"PROMPTPAY","promptpayAccountType":"MSISDN","accountNo":"0812345678"}"#,
            "amount",
            "must be a whole number of satang (minor units), e.g. 150 for THB 1.50",
        ),
    ] {
        let out = run_async(
            args(&["call", "bluepay", "payout_create", "--param", param]),
            env.clone(),
        )
        .await;
        assert_eq!(code(&out), 2);
        let error = stderr_error(&out);
        let message = error["message"].as_str().unwrap();
        for internal in ["Wire", "untagged", "enum", ": :", "missing field"] {
            assert!(!message.contains(internal), "{message}");
        }
        let violations = error["violations"].as_array().unwrap();
        assert!(
            violations
                .iter()
                .any(|v| v["field"] == field && v["reason"].as_str().unwrap().contains(words)),
            "{violations:?}"
        );
        assert!(
            violations.iter().all(|v| v["field"] != ""),
            "{violations:?}"
        );
    }
    let out = run_async(
        args(&["call", "bluepay", "qr_code_create", "--param", "{"]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "json");
    let out = run_async(args(&["call", "bluepay", "no_such_operation"]), env.clone()).await;
    assert_eq!(code(&out), 2);
    assert_eq!(
        server.received().len(),
        2,
        "an invalid call reached the gateway"
    );

    // A gateway error code: exit 1 with the code, typed.
    server.reply(
        "qr_code_create",
        json!({"code": 21007, "message": "Duplicate mchOrderId", "data": null}),
    );
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "api");
    assert_eq!(error["code"], 21007);
    assert_eq!(error["sent"], true);
    assert!(error["raw_body"].as_str().unwrap().contains("21007"));

    // Signed with a key BluePay does not know: its "sign error" (21001), exit 1.
    let other = fixture("gateway-2048.pem");
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry"]),
        bluepay_env(&server.base_url, &other),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["code"], 21001);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("PRIVATE KEY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reads_a_config_file_and_reports_missing_settings() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha1,
    )
    .await;
    server.reply("balance_inquiry", balance_answer());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&merchant, dir.path().join("merchant.pem")).unwrap();
    std::fs::copy(
        fixture("gateway-2048.pub.pem"),
        dir.path().join("gateway.pub.pem"),
    )
    .unwrap();
    let config = dir.path().join("paybind.toml");
    std::fs::write(
        &config,
        format!(
            "timeout = 10\n[bluepay]\nurl = \"{}\"\napp_id = \"{APP_ID}\"\nprivate_key_file = \"merchant.pem\"\npublic_key_file = \"gateway.pub.pem\"\nhash = \"sha1\"\n",
            server.base_url
        ),
    )
    .unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&config)]),
        vec![],
    )
    .await;
    assert_ok(&out);
    assert!(
        server.received()[0].signature_ok,
        "SHA-1 from the config file"
    );

    // PAYBIND_CONFIG, with an environment variable winning over the file.
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry"]),
        vec![
            ("PAYBIND_CONFIG", s(&config).to_string()),
            ("PAYBIND_BLUEPAY_APP_ID", "another-app".to_string()),
        ],
    )
    .await;
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stderr_error(&out)["code"], 21003);

    // Nothing configured: exit 2 naming the variable, nothing sent.
    let out = run_async(args(&["call", "bluepay", "balance_inquiry"]), vec![]).await;
    assert_eq!(code(&out), 2);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "config");
    assert_eq!(error["variable"], "PAYBIND_BLUEPAY_URL");

    // A broken config file names the line, never quotes it.
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[bluepay]\napi_key = \"s3cret-value\"\nurl = \n").unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&broken)]),
        vec![],
    )
    .await;
    assert_eq!(code(&out), 2);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret-value"));
    // A value of the wrong type is not quoted either (serde's message would).
    let typed = dir.path().join("typed.toml");
    std::fs::write(&typed, "[sgate]\napi_key = 98765432123456\n").unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&typed)]),
        vec![],
    )
    .await;
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid type"), "{stderr}");
    assert!(!stderr.contains("98765432123456"), "{stderr}");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_bluepay_jt_downloads_the_report_to_a_file() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay_jt::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.serve_file("/files/report.csv.gpg", file.clone());
    server.reply(
        "report_download",
        json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/report.csv.gpg", server.base_url)}}),
    );
    let param = paybind::bluepay_jt::spec()
        .document()
        .pointer("/paths/~1open-api~1report~1download/post/requestBody/content/application~1json/example")
        .cloned()
        .unwrap();
    let env = vec![
        ("PAYBIND_BLUEPAY_JT_URL", server.base_url.clone()),
        ("PAYBIND_BLUEPAY_JT_APP_ID", APP_ID.to_string()),
        (
            "PAYBIND_BLUEPAY_JT_PRIVATE_KEY_FILE",
            s(&merchant).to_string(),
        ),
        (
            "PAYBIND_BLUEPAY_JT_PUBLIC_KEY_FILE",
            s(&fixture("gateway-2048.pub.pem")).to_string(),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.csv.gpg");
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
            "--out",
            s(&target),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    // Piped: no progress bar, nothing but nothing on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    assert_eq!(report["bytes"], file.len());
    assert_eq!(std::fs::read(&target).unwrap(), file);

    // Without --out: the link.
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(stdout_json(&out)["downloadUrl"]
        .as_str()
        .unwrap()
        .ends_with("/files/report.csv.gpg"));

    // A missing file: exit 1, no partial file left.
    server.reply(
        "report_download",
        json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/missing", server.base_url)}}),
    );
    let missing = dir.path().join("missing.gpg");
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
            "--out",
            s(&missing),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["status"], 404);
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // --out on an operation that is not a download is a usage error.
    let out = run_async(
        args(&["call", "bluepay-jt", "qr_code_detail", "--out", s(&missing)]),
        env,
    )
    .await;
    assert_eq!(code(&out), 2);
}

/// Issue 24: a BluePay payout's payee is `x-sensitive`. An answer that echoes it (a refusal with
/// the param in `data`) is printed with the payee redacted in the error's `raw_body`, with or
/// without --reveal (which reveals a success's members, never an error's kept body).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_bluepay_shows_no_payee_in_an_error() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let env = bluepay_env(&server.base_url, &merchant);
    let payout = json!({
        "mchOrderId": "CLIPAYEE0001", "idempotencyId": "CLIPAYEE0001IDEM", "amount": 10000,
        "payMethodCode": "BANK", "transferCode": "004", "accountNo": "4471139025",
        "accountName": "Somchai Jaidee", "accountType": "INDIVIDUAL",
        "accountTaxId": "3101700203451", "mobile": "0867771234"
    });
    server.reply(
        "payout_create",
        json!({"code": 21014, "message": "Merchant balance insufficient", "data": payout}),
    );
    for reveal in [false, true] {
        let mut call = vec!["call", "bluepay", "payout_create"];
        if reveal {
            call.push("--reveal");
        }
        let param = payout.to_string();
        call.extend(["--param", &param]);
        let out = run_async(args(&call), env.clone()).await;
        assert_eq!(code(&out), 1);
        let error = stderr_error(&out);
        assert_eq!(error["code"], 21014);
        let raw: Value = serde_json::from_str(error["raw_body"].as_str().unwrap()).unwrap();
        for member in ["accountNo", "accountName", "accountTaxId", "mobile"] {
            assert_eq!(raw["data"][member], "[redacted]", "{member}");
        }
        assert_eq!(raw["data"]["mchOrderId"], "CLIPAYEE0001");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for secret in ["4471139025", "Somchai", "3101700203451", "0867771234"] {
            assert!(!stderr.contains(secret), "{secret} in {stderr}");
        }
    }
    // The gateway received the payee, inside the signed param.
    assert_eq!(server.received()[0].param["accountNo"], "4471139025");
}
