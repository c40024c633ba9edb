//! The sandbox runs on developers' machines (issue 11): its admin API answers only with the
//! run's token and JSON bodies, no route answers a foreign `Host` (DNS rebinding) or `Origin`,
//! an extreme admin clock gives typed answers instead of panics, and the request log stays
//! small whatever the requests weigh.

use crate::common;

use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

/// A raw request to the sandbox (the admin client would add the token).
fn raw(sandbox: &Sandbox, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new().request(method, format!("{}{path}", sandbox.base_url()))
}

/// The code the sandbox logged for the last request to `operation`, if any.
fn logged_code(sandbox: &Sandbox, operation: &str) -> Option<i64> {
    sandbox
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.operation == operation)
        .map(|r| r.code)
}

/// Moves the sandbox clock back to real time (in two steps from `i64::MIN`).
async fn reset_clock(sandbox: &Sandbox) {
    loop {
        let offset = sandbox.admin().clock().await.unwrap().offset_ms;
        if offset == 0 {
            return;
        }
        let step = offset.checked_neg().unwrap_or(i64::MAX);
        sandbox.admin().move_clock(step).await.unwrap();
    }
}

#[tokio::test]
async fn admin_calls_need_the_run_token() {
    let sandbox = common::sandbox().await;
    let token = sandbox.admin_token().to_string();
    assert!(token.len() >= 32, "a token worth guessing: {token:?}");
    let other = common::sandbox().await;
    assert_ne!(token, other.admin_token(), "one token per run");

    let clock = |auth: Option<String>| {
        let mut request = raw(&sandbox, reqwest::Method::GET, "/admin/clock");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    assert_eq!(clock(None).await.unwrap().status(), 401);
    assert_eq!(
        clock(Some("Bearer not-the-token".into()))
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        clock(Some(format!("Bearer {}", other.admin_token())))
            .await
            .unwrap()
            .status(),
        401,
        "another run's token"
    );
    let answer = clock(Some(format!("Bearer {token}"))).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.json::<Value>().await.unwrap()["now_ms"].is_i64());
    // Refused calls change nothing: the clock did not move without the token.
    let moved = raw(&sandbox, reqwest::Method::POST, "/admin/clock/advance")
        .json(&json!({"days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 401);
    assert_eq!(sandbox.admin().clock().await.unwrap().offset_ms, 0);
    // The library's admin client carries it.
    sandbox
        .admin()
        .advance_clock(std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(sandbox.admin().clock().await.unwrap().offset_ms, 5000);
    // The request log never shows it.
    assert!(!format!("{:?}", sandbox.admin()).contains(&token));
}

#[tokio::test]
async fn foreign_hosts_and_origins_are_refused_on_every_route() {
    let sandbox = common::sandbox().await;
    let bearer = format!("Bearer {}", sandbox.admin_token());
    let port = sandbox.base_url().rsplit(':').next().unwrap().to_string();
    for path in ["/admin/clock", "/bluepay/open-api/account/balance"] {
        // DNS rebinding: the page's own name arrives as Host.
        for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
            let answer = raw(&sandbox, reqwest::Method::GET, path)
                .header("host", host)
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 421, "{path} with Host {host}");
        }
        // A cross-site request carries its page's origin.
        for origin in ["http://evil.example", "null", "http://localhost:1"] {
            let answer = raw(&sandbox, reqwest::Method::GET, path)
                .header("origin", origin)
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 403, "{path} with Origin {origin}");
        }
    }
    // This machine's names, and the sandbox's own origin, pass.
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let answer = raw(&sandbox, reqwest::Method::GET, "/admin/clock")
            .header("host", &host)
            .header("origin", format!("http://{host}"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "Host {host}");
    }
}

#[tokio::test]
async fn admin_bodies_must_be_json() {
    let sandbox = common::sandbox().await;
    let bearer = format!("Bearer {}", sandbox.admin_token());
    // What an HTML form (or a fetch without preflight) can send.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let answer = raw(&sandbox, reqwest::Method::POST, "/admin/clock/advance")
            .header("authorization", &bearer)
            .header("content-type", content_type)
            .body(r#"{"days": 30}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 415, "{content_type}");
    }
    let answer = raw(&sandbox, reqwest::Method::POST, "/admin/clock/advance")
        .header("authorization", &bearer)
        .body(r#"{"days": 30}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 415, "no content type");
    assert_eq!(sandbox.admin().clock().await.unwrap().offset_ms, 0);
    let answer = raw(&sandbox, reqwest::Method::POST, "/admin/clock/advance")
        .header("authorization", &bearer)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"days": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(sandbox.admin().clock().await.unwrap().offset_ms, 86_400_000);
}

#[tokio::test]
async fn an_extreme_clock_gets_typed_answers() {
    let sandbox = common::sandbox().await;
    let bluepay = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let sgate = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    for ms in [i64::MIN, i64::MAX] {
        sandbox.admin().move_clock(ms).await.unwrap();
        // Outside the timestamp window, by a distance no i64 holds.
        assert!(bluepay
            .call_json("balance_inquiry", json!({}))
            .await
            .is_err());
        assert_eq!(
            logged_code(&sandbox, "balance_inquiry"),
            Some(21009),
            "{ms}"
        );
        // A signed param with the largest timestamp: the distance to the clock overflows i64.
        let param = json!({ "timestamp": i64::MAX }).to_string();
        let sign = RsaSigner::new(&sandbox.keys().bluepay_merchant, HashAlgorithm::Sha256)
            .sign_base64(param.as_bytes());
        let answer: Value = reqwest::Client::new()
            .post(format!(
                "{}/open-api/account/balance",
                sandbox.bluepay_url()
            ))
            .json(&json!({"appId": sandbox.bluepay_app_id(), "param": param, "sign": sign}))
            .send()
            .await
            .expect("an answer, not a dropped connection")
            .json()
            .await
            .unwrap();
        let expected = if ms == i64::MIN { 21009 } else { 10000 };
        assert_eq!(answer["code"], expected, "{ms}: {answer}");
        assert!(sgate.merchant_balance().await.is_err());
        assert_eq!(
            logged_code(&sandbox, "merchant_balance"),
            Some(1204),
            "{ms}"
        );
        reset_clock(&sandbox).await;
    }

    // Without a window the operations run at the end of time: expiry and dates saturate.
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let bluepay = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    for (n, ms) in [i64::MAX, i64::MIN].into_iter().enumerate() {
        sandbox.admin().move_clock(ms).await.unwrap();
        let qr = json!({"channelCode": "THAI_DYNAMIC_QR", "mchOrderId": format!("END{n}"),
                        "amount": 1000, "notifyUrl": "http://127.0.0.1:9/n"});
        let _ = bluepay.call_json("qr_code_create", qr).await;
        assert_eq!(logged_code(&sandbox, "qr_code_create"), Some(10000), "{ms}");
        sandbox
            .admin()
            .pay_qr(paybind_sandbox::Gateway::BluePay, &format!("END{n}"))
            .await
            .unwrap();
        let refund = json!({"mchRefundOrderId": format!("ENDR{n}"),
            "originalTransactionId": sandbox.admin().get(&format!("bluepay/orders/END{n}")).await.unwrap()["transactionId"],
            "refundAmount": 100, "refundCallbackUrl": "http://127.0.0.1:9/r"});
        let _ = bluepay.call_json("refund_create", refund).await;
        assert!(logged_code(&sandbox, "refund_create").is_some(), "{ms}");
        reset_clock(&sandbox).await;
    }
    bluepay
        .call_json("balance_inquiry", json!({}))
        .await
        .expect("still serving");
}

#[tokio::test]
async fn the_request_log_keeps_a_bounded_size() {
    let sandbox = common::sandbox().await;
    let http = reqwest::Client::new();
    let mega = "x".repeat(1 << 20);
    // Ten 1 MiB envelopes (a param of 1 MiB) and ten 1 MiB SGATE bodies, all unauthenticated.
    let envelope = json!({"appId": sandbox.bluepay_app_id(), "param": format!("{{\"pad\":\"{mega}\"}}"), "sign": "AAAA"})
        .to_string();
    let sgate_body = json!({ "pad": mega }).to_string();
    for _ in 0..10 {
        http.post(format!(
            "{}/open-api/account/balance",
            sandbox.bluepay_url()
        ))
        .header("content-type", "application/json")
        .body(envelope.clone())
        .send()
        .await
        .unwrap();
        http.post(format!(
            "{}/openApi/v1/payee/custom/create",
            sandbox.sgate_url()
        ))
        .header("content-type", "application/json")
        .body(sgate_body.clone())
        .send()
        .await
        .unwrap();
    }
    let log = sandbox.requests();
    assert_eq!(log.len(), 20);
    let mut total = 0;
    for entry in &log {
        assert!(entry.body_bytes > 1 << 20, "the full size is recorded");
        let stored = serde_json::to_vec(entry).unwrap().len();
        assert!(
            stored <= 24 * 1024,
            "{} keeps {stored} bytes",
            entry.operation
        );
        total += stored;
    }
    assert!(
        total <= 20 * 24 * 1024,
        "{total} bytes for 20 MiB of requests"
    );
    // What is kept still says what arrived and why it was refused.
    let first = &log[0];
    assert_eq!(first.operation, "balance_inquiry");
    assert_eq!(first.code, 21001);
    assert!(first.message.contains("ignature"), "{}", first.message);
    assert!(first
        .param_text
        .as_deref()
        .unwrap()
        .starts_with("{\"pad\":\"xxx"));
}
