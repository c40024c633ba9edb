//! Issue 24: BluePay's and JT's payouts carry a payee's bank account number, name, tax id and
//! mobile, and JT's tickets a payer's mobile; the specs mark them `x-sensitive`, so the
//! redaction SGATE's members get applies to them: the typed models hold `Sensitive` (never in
//! `Debug`, `"[redacted]"` when serialised outside the pipeline), an error's `raw_body()`,
//! `Display` and `Debug` show them redacted, and the sandbox's admin API (request log, objects,
//! orders) masks them. The wire still carries them (inside the signed param), as the docs say.

use crate::common;

use paybind::{bluepay, bluepay_jt};
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

const ACCOUNT_NO: &str = "4471139025";
const ACCOUNT_NAME: &str = "Somchai Jaidee";
const TAX_ID: &str = "3101700203451";
const MOBILE: &str = "0867771234";
const PAYER_MOBILE: &str = "0611119876";
const SECRETS: &[&str] = &[ACCOUNT_NO, ACCOUNT_NAME, TAX_ID, MOBILE, PAYER_MOBILE];

/// What the sandbox's admin API shows of a sensitive member.
const MASK: &str = "•••• (sensitive)";

fn shows_none(text: &str) -> bool {
    !SECRETS.iter().any(|secret| text.contains(secret))
}

fn payout() -> Value {
    json!({
        "mchOrderId": "PAYEE0000001", "idempotencyId": "PAYEE0000001IDEM", "amount": 10_000,
        "payMethodCode": "BANK", "transferCode": "004", "accountNo": ACCOUNT_NO,
        "accountName": ACCOUNT_NAME, "accountType": "INDIVIDUAL", "accountTaxId": TAX_ID,
        "mobile": MOBILE,
    })
}

#[test]
fn the_marks_are_in_both_specs_and_the_models_hold_sensitive() {
    let payee = ["accountName", "accountNo", "accountTaxId", "mobile"];
    assert_eq!(bluepay::SENSITIVE_MEMBERS, payee);
    let mut jt = payee.to_vec();
    jt.push("payerMobile");
    assert_eq!(bluepay_jt::SENSITIVE_MEMBERS, jt);

    let model: bluepay::types::PayoutCreateParam = serde_json::from_value(payout()).unwrap();
    assert_eq!(model.account_no.expose(), ACCOUNT_NO);
    let shown = format!("{model:?} {}", serde_json::to_string(&model).unwrap());
    assert!(shows_none(&shown), "{shown}");
    let model: bluepay_jt::types::PayoutCreateParam = serde_json::from_value(payout()).unwrap();
    assert!(shows_none(&format!("{model:?}")), "{model:?}");
    let ticket: bluepay_jt::types::TicketAddParam = serde_json::from_value(json!({
        "requestId": "REDACT0001", "mchOrderId": "ORDER20260001", "amount": 100000,
        "ticketType": 1, "payerType": 2, "courierMobile": "0611111111",
        "payerMobile": PAYER_MOBILE, "transactionDate": "2025-10-29",
        "notifyUrl": "https://merchant.example/jt/ticket", "problemDescription": "stuck",
        "proofImage": ["bluepay/onboard/extern/a.jpg"]
    }))
    .unwrap();
    let shown = format!("{ticket:?} {}", serde_json::to_string(&ticket).unwrap());
    assert!(shows_none(&shown), "{shown}");
    assert!(
        shown.contains("0611111111"),
        "the courier's mobile is not marked: {shown}"
    );
}

/// A gateway answer that echoes the payee (a refusal with the param in `data`).
fn echoing_refusal() -> Value {
    json!({"body": {"code": 21014, "message": "Merchant balance insufficient", "data": payout()}})
}

#[tokio::test]
async fn an_error_keeps_the_answer_with_the_payee_redacted() {
    let sandbox = common::sandbox().await;
    common::fault_once(&sandbox, "bluepay", "payout_create", echoing_refusal()).await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let param: bluepay::types::PayoutCreateParam = serde_json::from_value(payout()).unwrap();
    let err = client.payout_create(param).await.unwrap_err();
    assert!(matches!(&err, bluepay::Error::Api(_)), "{err:?}");
    let kept: Value = serde_json::from_slice(err.raw_body().expect("kept")).unwrap();
    for member in ["accountNo", "accountName", "accountTaxId", "mobile"] {
        assert_eq!(kept["data"][member], "[redacted]", "{member}");
    }
    assert_eq!(
        kept["data"]["mchOrderId"], "PAYEE0000001",
        "the rest as received"
    );
    let shown = format!("{err} {err:?}");
    assert!(shows_none(&shown), "{shown}");
    // The bytes as received stay behind `expose`.
    let raw = err.raw().unwrap().expose();
    assert!(String::from_utf8_lossy(raw).contains(ACCOUNT_NO));
}

/// Every entry of the admin API's request log for `operation`, as JSON text.
async fn logged(sandbox: &Sandbox, operation: &str) -> Vec<Value> {
    let path = format!("requests?operation={operation}");
    let list = sandbox.admin().get(&path).await.expect("the request log");
    list.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_sandbox_admin_api_masks_the_payee() {
    let sandbox = common::sandbox().await;
    sandbox
        .admin()
        .put("bluepay/balance", json!({"amount": 1_000_000}))
        .await
        .unwrap();
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let param: bluepay::types::PayoutCreateParam = serde_json::from_value(payout()).unwrap();
    client.payout_create(param).await.expect("the payout");

    // The wire carried the payee as the docs say (the in-process record is exact).
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.param["accountNo"], ACCOUNT_NO);

    let entries = logged(&sandbox, "payout_create").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    for member in ["accountNo", "accountName", "accountTaxId", "mobile"] {
        assert_eq!(entry["param"][member], MASK, "{member}");
    }
    assert_eq!(entry["param"]["mchOrderId"], "PAYEE0000001");
    let text = entry["param_text"].as_str().unwrap();
    let param_text: Value = serde_json::from_str(text).expect("still the param's JSON");
    assert_eq!(param_text, entry["param"]);
    assert!(entry["body"].as_str().unwrap().contains("\"appId\""));
    assert!(shows_none(&entry.to_string()), "{entry}");

    let order = sandbox
        .admin()
        .get("bluepay/orders/PAYEE0000001")
        .await
        .unwrap();
    assert!(shows_none(&order.to_string()), "{order}");
    let objects = sandbox.admin().get("objects").await.unwrap();
    assert!(objects.to_string().contains("PAYEE0000001"));
    assert!(shows_none(&objects.to_string()), "{objects}");
}

#[tokio::test]
async fn the_sandbox_admin_api_masks_a_jt_payer() {
    let sandbox = common::sandbox().await;
    let client = bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let _ = client
        .ticket_add(
            bluepay_jt::types::TicketAddParam::builder()
                .request_id("REDACT0001")
                .mch_order_id("ORDER20260001")
                .amount(100_000)
                .ticket_type(1)
                .payer_type(2)
                .courier_mobile("0611111111")
                .payer_mobile(PAYER_MOBILE)
                .transaction_date("2025-10-29")
                .notify_url("https://merchant.example/jt/ticket")
                .problem_description("stuck")
                .proof_image(["bluepay/onboard/extern/a.jpg"]),
        )
        .await;
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.param["payerMobile"], PAYER_MOBILE);
    let entries = logged(&sandbox, "ticket_add").await;
    assert_eq!(entries[0]["param"]["payerMobile"], MASK);
    assert!(shows_none(&entries[0].to_string()), "{}", entries[0]);
    let objects = sandbox.admin().get("objects").await.unwrap();
    assert!(shows_none(&objects.to_string()), "{objects}");
}
