//! call: SGATE against a local signing SGATE.

use super::*;

fn sgate_env(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_SGATE_URL", base_url.to_string()),
        ("PAYBIND_SGATE_API_KEY", sgate_gateway::API_KEY.to_string()),
        (
            "PAYBIND_SGATE_PRIVATE_KEY_FILE",
            s(&fixture("sgate-merchant-2048.pem")).to_string(),
        ),
        (
            "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
            s(&fixture("sgate-system-2048.pub.pem")).to_string(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sgate_get_post_and_statement() {
    use sgate_gateway::Reply;
    let server = sgate_gateway::Sgate::start().await;
    let env = sgate_env(&server.base_url);

    // GET without parameters.
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), env.clone()).await;
    assert_ok(&out);
    assert_eq!(
        stdout_json(&out),
        json!([{"currency": "SAR", "balance": 999999}])
    );
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.url, "/openApi/v1/merchant/balance");

    // GET with a query: the sensitive filter is encrypted, the answer's member decrypted.
    server.reply(
        "/openApi/v1/payee/custom/list",
        Reply::Json(
            200,
            json!({"code": 200, "message": "ok", "data": [{"customid": "12ad4", "mercustomid": "u004",
                "cardno": sgate_gateway::for_merchant("5123450000000001")}],
                "sensitiveFields": ["cardno"], "requestId": "R1"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"pagesize": 50, "cardno": "5123450000000001"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    let sent = server.last();
    assert!(sent.signature_ok, "the signature covers the encoded query");
    assert!(sent.url.contains("pagesize=50"), "{}", sent.url);
    assert!(
        !sent.url.contains("5123450000000001"),
        "cardno sent in clear"
    );
    assert_eq!(sent.cardno.as_deref(), Some("5123450000000001"));
    // Issue 24: the decrypted card number is masked unless --reveal is given.
    let customers = stdout_json(&out);
    assert_eq!(customers[0]["cardno"], "[redacted]", "{customers}");
    assert_eq!(customers[0]["customid"], "12ad4");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("5123450000000001"));
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--reveal",
            "--param",
            r#"{"pagesize": 50, "cardno": "5123450000000001"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    let customers = stdout_json(&out);
    assert_eq!(customers[0]["cardno"], "5123450000000001", "{customers}");
    assert_eq!(customers[0]["customid"], "12ad4");

    // A query value the spec refuses: exit 2, nothing sent.
    let before = server.received().len();
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"pagesize": 500}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["field"], "pagesize");
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"colour": "red"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(server.received().len(), before);

    // POST: the param is the body.
    let order = json!({
        "mercustomid": "u004",
        "payeeuid": "TEST1234567aa12sd2",
        "amount": 2002,
        "currency": "SAR",
        "paymentmethod": "bankTransfer"
    });
    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(
            200,
            json!({"code": 200, "message": "ok", "data": {"ticketid": "17d59", "payeeuid": "TEST1234567aa12sd2", "status": 0},
                "sensitiveFields": {}, "requestId": "R2"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "payment_order_create",
            "--param",
            &order.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["ticketid"], "17d59");
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.method, "POST");
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["payeeuid"], "TEST1234567aa12sd2");

    // A business failure: exit 1 with SGATE's code.
    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(
            200,
            json!({"code": 1402, "message": "Insufficient balance", "data": {}, "sensitiveFields": {}, "requestId": "R3"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "payment_order_create",
            "--param",
            &order.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "api");
    assert_eq!(error["code"], 1402);
    assert_eq!(error["request_id"], "R3");

    // A damaged answer: exit 3, nothing on stdout.
    server.tamper(true);
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), env.clone()).await;
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr_error(&out)["kind"], "signature_mismatch");
    server.tamper(false);

    // A wrong merchant key: SGATE cannot authenticate the request (exit 1).
    let mut wrong = env.clone();
    wrong[2].1 = s(&fixture("merchant-2048.pem")).to_string();
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), wrong).await;
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["kind"], "authentication");

    // The statement streams into --out (quietly: stderr is not a terminal).
    let file = "date,amount\n2024-06-26,18.75\n".repeat(10_000);
    server.reply("/openApi/v1/payee/statement", Reply::File(file.clone()));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("statement.xlsx");
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "statement_download",
            "--param",
            r#"{"day":"2024-06-26"}"#,
            "--out",
            s(&target),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = stdout_json(&out);
    assert_eq!(written["bytes"], file.len());
    assert_eq!(written["content_verified"], true);
    assert_eq!(written["file_name"], "GCCRECO_Test_M1_20240626.xlsx");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), file);
    assert_eq!(
        server.last().url,
        "/openApi/v1/payee/statement?day=2024-06-26"
    );

    // A damaged file: exit 3, and nothing is left behind.
    server.tamper(true);
    let damaged = dir.path().join("damaged.xlsx");
    let out = run_async(
        args(&["call", "sgate", "statement_download", "--out", s(&damaged)]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 3);
    assert!(!damaged.exists());
    server.tamper(false);

    // Not ready yet (HTTP 202): exit 1, no file.
    server.reply(
        "/openApi/v1/payee/statement",
        Reply::Json(202, json!({"code":1502,"message":"Reconciliation file is being processed.","data":{},"sensitiveFields":{},"requestId":"ABC"})),
    );
    let later = dir.path().join("later.xlsx");
    let out = run_async(
        args(&["call", "sgate", "statement_download", "--out", s(&later)]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "not_ready");
    assert_eq!(error["code"], 1502);
    assert!(!later.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // The statement needs --out; the upload is not a JSON operation. Nothing sent.
    let before = server.received().len();
    let out = run_async(args(&["call", "sgate", "statement_download"]), env.clone()).await;
    assert_eq!(code(&out), 2);
    let out = run_async(args(&["call", "sgate", "customer_file_upload"]), env).await;
    assert_eq!(code(&out), 2);
    assert_eq!(server.received().len(), before);
}
