//! The typed admin client: its methods reach their endpoints with typed arguments and read
//! typed answers; every admin endpoint that takes a body refuses a bad one with HTTP 400,
//! serde's path of the member and the rule (a typo in a fault is named).

use std::time::Duration;

use paybind_sandbox::{Failure, Fault, Gateway, OutcomeRule, SandboxError, VaTransfer};
use serde_json::{json, Value};

use crate::common;

#[tokio::test]
async fn typed_faults_rules_clock_and_actions() {
    let sandbox = common::sandbox().await;
    let admin = sandbox.admin();
    let sgate = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    let set = admin
        .set_faults(&[Fault::new(Gateway::Sgate, "merchant_balance")
            .http_status(503)
            .times(1)])
        .await
        .unwrap();
    assert_eq!(set[0].http_status, Some(503));
    assert_eq!(admin.faults().await.unwrap().len(), 1);
    assert!(
        sgate.merchant_balance().await.is_err(),
        "the fault answers 503"
    );
    sgate.merchant_balance().await.expect("once only");

    let rules = admin
        .set_rules(&[OutcomeRule {
            kind: Some("payout".into()),
            outcome: "pending".into(),
            ..OutcomeRule::default()
        }])
        .await
        .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(admin.rules().await.unwrap().rules, rules);

    let clock = admin.advance_clock(Duration::from_secs(90)).await.unwrap();
    assert_eq!(clock.offset_ms, 90_000);
    assert_eq!(admin.move_clock(-90_000).await.unwrap().offset_ms, 0);

    // A payout kept pending by the rule, failed by the typed action with its code.
    let bluepay = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    bluepay
        .call_json(
            "payout_create",
            json!({"mchOrderId": "ACPO1", "idempotencyId": "ACPO1-IDEMPOTENT", "amount": 700,
                   "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"}),
        )
        .await
        .unwrap();
    let failed = admin
        .fail_payout(
            Gateway::BluePay,
            "ACPO1",
            &Failure {
                failed_code: Some(-10003),
                failed_message: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(failed["failedCode"], -10003);
    assert_eq!(admin.balance(Gateway::BluePay).await.unwrap(), 1_000_000);

    // SGATE: a transfer credits the balance.
    admin.set_sgate_balance("SAR", "10.00").await.unwrap();
    admin
        .receive_transfer(&VaTransfer {
            amount: json!("2.50"),
            ..VaTransfer::default()
        })
        .await
        .unwrap();
    assert_eq!(admin.sgate_balances().await.unwrap()["SAR"], "12.50");
    let requests = admin.requests().await.unwrap();
    assert!(requests.iter().any(|r| r.operation == "payout_create"));
}

/// `method path body` and the member the refusal must name.
fn bad_bodies() -> Vec<(reqwest::Method, &'static str, Value, &'static str)> {
    use reqwest::Method;
    vec![
        (
            Method::PUT,
            "faults",
            json!({"gateway": "bluepay", "operation": "*", "drop_conection": true}),
            "drop_conection",
        ),
        (
            Method::PUT,
            "faults",
            json!([{"gateway": "bluepay", "operation": "*"}, {"gateway": "sgate", "operation": "*", "latency_ms": "slow"}]),
            "[1].latency_ms",
        ),
        (
            Method::PUT,
            "rules",
            json!([{"outcome": "failed", "amount_ends": "04"}]),
            "[0].amount_ends",
        ),
        (Method::POST, "clock/advance", json!({"secs": 5}), "secs"),
        (
            Method::PUT,
            "settings",
            json!({"sgate_callback": "http://127.0.0.1:9/"}),
            "sgate_callback",
        ),
        (
            Method::PUT,
            "channels/bluepay/THAI_DYNAMIC_QR",
            json!({"partial_refunds": false}),
            "partial_refunds",
        ),
        (
            Method::PUT,
            "bluepay/balance",
            json!({"amount": "lots"}),
            "amount",
        ),
        (
            Method::POST,
            "bluepay/orders/NOPE/fail",
            json!({"failed_cod": -10001}),
            "failed_cod",
        ),
        (
            Method::POST,
            "bluepay-jt/tickets/NOPE/status",
            json!({"ticketStatus": "DONE"}),
            "ticketStatus",
        ),
        (
            Method::PUT,
            "sgate/balance",
            json!({"currency": "SAR", "amont": "1.00"}),
            "amont",
        ),
        (
            Method::POST,
            "sgate/virtual-account/transfers",
            json!({"amount": "1.00", "acount": "SA"}),
            "acount",
        ),
        (
            Method::POST,
            "trigger",
            json!({"gateway": "bluepay", "event": "qr.paid", "override": {}}),
            "override",
        ),
    ]
}

#[tokio::test]
async fn a_bad_body_is_refused_with_400_naming_the_member_and_the_rule() {
    let sandbox = common::sandbox().await;
    let http = reqwest::Client::new();
    for (method, path, body, member) in bad_bodies() {
        let answer = http
            .request(method.clone(), format!("{}/{path}", sandbox.admin_url()))
            .bearer_auth(sandbox.admin_token())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{method} {path}");
        let refusal: Value = answer.json().await.unwrap();
        assert_eq!(refusal["field"], member, "{method} {path}: {refusal}");
        let why = refusal["error"].as_str().unwrap();
        assert!(why.starts_with(&format!("{member}: ")), "{why}");
        assert!(
            why.contains("unknown field")
                || why.contains("invalid type")
                || why.contains("unknown variant"),
            "serde's rule: {why}"
        );
    }
    // Through the client: the typo of the issue, named with what a fault may say.
    let err = sandbox
        .admin()
        .put(
            "faults",
            json!({"gateway": "bluepay", "operation": "*", "drop_conection": true}),
        )
        .await
        .unwrap_err();
    let SandboxError::Admin { status, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(status, 400);
    assert!(
        message.starts_with("drop_conection: unknown field `drop_conection`, expected one of"),
        "{message}"
    );
    assert!(message.contains("`drop_connection`"), "{message}");
    // Nothing was applied.
    assert!(sandbox.admin().faults().await.unwrap().is_empty());
    assert_eq!(sandbox.admin().clock().await.unwrap().offset_ms, 0);
}

/// `POST …/{complete|fail}` ends a pending SGATE order or Payin refund; any other action is an
/// unknown path (404), asked of no record.
#[tokio::test]
async fn an_ending_other_than_complete_or_fail_is_404() {
    let sandbox = common::sandbox().await;
    let http = reqwest::Client::new();
    for path in [
        "sgate/orders/NOSUCH/explode",
        "sgate-payin/refunds/NOSUCH/explode",
    ] {
        let answer = http
            .post(format!("{}/{path}", sandbox.admin_url()))
            .bearer_auth(sandbox.admin_token())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        let refusal: Value = answer.json().await.unwrap();
        assert_eq!(refusal["error"], "action is complete or fail", "{path}");
    }
}
