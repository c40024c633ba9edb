//! Authentication rules: 21001, 21002, 21003, 21008 and 21009.

use super::*;

/// A request signed by hand, to send what the client would refuse to.
async fn raw(sandbox: &Sandbox, path: &str, app_id: &str, param: &Value) -> Value {
    let text = param.to_string();
    let sign = RsaSigner::new(&sandbox.keys().bluepay_merchant, HashAlgorithm::Sha256)
        .sign_base64(text.as_bytes());
    reqwest::Client::new()
        .post(format!("{}{path}", sandbox.bluepay_url()))
        .json(&json!({"appId": app_id, "param": text, "sign": sign}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn authentication_rules_give_21001_21002_21003_21008_21009() {
    let sandbox = common::sandbox().await;
    let app = sandbox.bluepay_app_id().to_string();
    // 21001: signed with another key.
    let other = common::key("gateway-2048.pem");
    let wrong_key = Client::new(paybind::bluepay::Config::new(
        paybind::bluepay::Environment::Url(sandbox.bluepay_url()),
        &app,
        other.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    assert_eq!(
        code(
            wrong_key
                .balance_inquiry(types::BalanceInquiryParam::builder())
                .await
        ),
        21001
    );
    // 21003: unknown app id.
    let wrong_app = Client::new(paybind::bluepay::Config::new(
        paybind::bluepay::Environment::Url(sandbox.bluepay_url()),
        "0000",
        sandbox.keys().bluepay_merchant.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    assert_eq!(
        code(
            wrong_app
                .balance_inquiry(types::BalanceInquiryParam::builder())
                .await
        ),
        21003
    );
    // 21002: a param the schema refuses (the client would not send it).
    let answer = raw(
        &sandbox,
        "/open-api/qr/detail",
        &app,
        &json!({"mchOrderId": "NOT-ALNUM", "timestamp": now_ms()}),
    )
    .await;
    assert_eq!(answer["code"], 21002, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("mchOrderId"),
        "{answer}"
    );
    let answer = raw(
        &sandbox,
        "/open-api/account/balance",
        &app,
        &json!({"timestamp": now_ms(), "surprise": 1}),
    )
    .await;
    assert_eq!(answer["code"], 21002, "{answer}");
    // 21008: no timestamp; 21009: too old (seconds and milliseconds both read).
    let answer = raw(&sandbox, "/open-api/account/balance", &app, &json!({})).await;
    assert_eq!(answer["code"], 21008, "{answer}");
    let answer = raw(
        &sandbox,
        "/open-api/account/balance",
        &app,
        &json!({"timestamp": now_ms() - 3_600_000}),
    )
    .await;
    assert_eq!(answer["code"], 21009, "{answer}");
    let answer = raw(
        &sandbox,
        "/open-api/account/balance",
        &app,
        &json!({"timestamp": now_ms() / 1000}),
    )
    .await;
    assert_eq!(answer["code"], 10000, "{answer}");
    let stale = Client::new(
        sandbox
            .bluepay_config()
            .clock(paybind::clock::FixedClock(1_700_000_000_000)),
    )
    .unwrap();
    assert_eq!(
        code(
            stale
                .balance_inquiry(types::BalanceInquiryParam::builder())
                .await
        ),
        21009
    );
    // Every request was logged with its signature verdict.
    let log = sandbox.requests();
    assert!(log.iter().any(|r| !r.signature_ok && r.code == 21001));
    assert!(log
        .iter()
        .filter(|r| r.code == 21002)
        .all(|r| r.signature_ok));
}
