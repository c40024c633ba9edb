//! Issue 12, the specs against the docs: JT Check Payout Status, QR Create `mobile` as the docs
//! give it, the receive policy (only identity, money and status required) on every received
//! schema and every notification kind, JT token-apply `requestId` by length, the SGATE rapid
//! KWD/AED rule left to SGATE's customer check, JT 21010's text, the refund acknowledgement, and
//! the retryable flags the docs do not state.

use crate::common;
use crate::sgate_support;

use paybind::clock::FixedClock;
use paybind::envelope::{Error, HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use paybind::{bluepay, bluepay_jt, sgate};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Map, Value};

fn gateway_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap()
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap()
}

fn jt_client(sandbox: &Sandbox) -> bluepay_jt::Client {
    bluepay_jt::Client::new(
        sandbox
            .bluepay_jt_config()
            .clock(FixedClock(1_700_000_000_000)),
    )
    .unwrap()
}

// ------------------------------------------------------------------ JT Check Payout Status

#[tokio::test]
async fn jt_payout_status_finds_a_created_payout_and_answers_21006_for_an_unknown_one() {
    let sandbox = sandbox().await;
    let client = jt_client(&sandbox);
    let op = bluepay_jt::operations()
        .iter()
        .find(|o| o.id == "payout_status")
        .expect("payout_status is an operation of the JT spec");
    assert_eq!(op.path, "/open-api/disbursement/check");

    let create = json!({
        "mchOrderId": "JTPAYOUT000001", "idempotencyId": "JTIDEMP000001", "amount": 50020,
        "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"
    });
    client.call_json("payout_create", create).await.unwrap();
    let status = client
        .payout_status(
            bluepay_jt::types::PayoutStatusParam::builder().mch_order_id("JTPAYOUT000001"),
        )
        .await
        .unwrap();
    assert_eq!(status.mch_order_id, "JTPAYOUT000001");
    assert_eq!(status.amount.and_then(|a| a.minor_units()), Some(50020));
    let seen = sandbox.requests().pop().unwrap();
    assert_eq!(seen.operation, "payout_status");
    assert!(seen.signature_ok);

    let err = client
        .payout_status(
            bluepay_jt::types::PayoutStatusParam::builder().mch_order_id("NOSUCHPAYOUT01"),
        )
        .await
        .unwrap_err();
    match err {
        Error::Api(api) => assert_eq!(api.code, bluepay_jt::ResultCode::TransactionNotFound),
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------ BluePay QR Create mobile

#[tokio::test]
async fn bluepay_qr_create_sends_the_docs_own_mobile_example() {
    let sandbox = sandbox().await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let param = json!({
        "channelCode": "THAI_DYNAMIC_QR", "mchOrderId": "PC880001", "amount": 1000,
        "notifyUrl": "https://example.com/", "customerName": "Raja", "email": "raja@example.com",
        "mobile": "60128888888", "remark": "example", "expireSeconds": 300
    });
    client.call_json("qr_code_create", param).await.unwrap();
    let seen = sandbox.requests().pop().unwrap();
    assert_eq!(seen.operation, "qr_code_create");
    assert_eq!(seen.param["mobile"], "60128888888");
}

// ------------------------------------------------------------------ receive policy

/// Names a received schema may require (openapi/CONVENTIONS.md, "Receive policy"): the envelope,
/// what identifies the event or record, its money and its status, and the value an operation
/// exists to return.
fn may_be_required(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "code",
        "message",
        "event",
        "data",
        "eventName",
        "amount",
        "feeRefunded",
        "balance",
        "settledReturnTime",
        "settlementDate",
    ];
    const SUFFIXES: &[&str] = &["Id", "No", "Status", "Amount", "List", "Url"];
    EXACT.contains(&name) || SUFFIXES.iter().any(|s| name.ends_with(s) && name != *s)
}

fn received_required_violations(at: &str, schema: &Value, out: &mut Vec<String>) {
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        return; // a request schema: what paybind sends is strict
    }
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap();
        if !may_be_required(name) {
            out.push(format!("{at}.{name}"));
        }
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        received_required_violations(&format!("{at}.{name}"), property, out);
    }
    if let Some(items) = schema.get("items") {
        received_required_violations(&format!("{at}[]"), items, out);
    }
}

#[test]
fn every_received_schema_of_the_three_specs_requires_only_identity_money_and_status() {
    let mut checked = 0;
    for spec in [bluepay::spec(), bluepay_jt::spec(), sgate::spec()] {
        let doc = spec.document();
        let mut violations = Vec::new();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            checked += 1;
            received_required_violations(name, schema, &mut violations);
        }
        assert!(
            violations.is_empty(),
            "{}: required beyond the receive policy: {violations:?}",
            doc["info"]["title"]
        );
    }
    assert!(checked > 150, "{checked}");
}

/// Resolves a local `$ref`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(schema),
        None => schema,
    }
}

/// `value` with every property its schema does not require removed, recursively.
fn only_required(doc: &Value, schema: &Value, value: &Value) -> Value {
    let schema = resolve(doc, schema);
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut kept = Map::new();
    for (name, v) in object {
        if required.contains(&name.as_str()) {
            kept.insert(
                name.clone(),
                only_required(doc, &schema["properties"][name], v),
            );
        }
    }
    Value::Object(kept)
}

fn assert_minimal_notifications_delivered(
    doc: &Value,
    verify: impl Fn(&str) -> Result<String, String>,
) -> usize {
    let mut delivered = 0;
    for entry in doc["info"]["x-notifications"].as_array().unwrap() {
        let schema_name = entry["schema"].as_str().unwrap();
        let schema = &doc["components"]["schemas"][schema_name];
        let mut minimal = only_required(doc, schema, &schema["example"]);
        // A kind recognised by its fields (no eventName in the docs' example) keeps them.
        for field in entry["match-fields"].as_array().into_iter().flatten() {
            let field = field.as_str().unwrap();
            if let Some(v) = schema["example"].get(field) {
                minimal[field] = v.clone();
            }
        }
        assert!(
            minimal.as_object().unwrap().len() < schema["example"].as_object().unwrap().len(),
            "{schema_name}: the example has nothing optional to drop"
        );
        let variant = verify(&minimal.to_string()).unwrap_or_else(|e| panic!("{schema_name}: {e}"));
        let kind = entry["kind"].as_str().unwrap();
        assert!(
            variant.starts_with(&format!("{kind}(")),
            "{schema_name}: {variant}"
        );
        delivered += 1;
    }
    delivered
}

#[test]
fn a_verified_notification_reduced_to_its_required_fields_is_delivered() {
    let gateway = gateway_key();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let sign = |param: &str| json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});

    let jt = bluepay_jt::Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let n = assert_minimal_notifications_delivered(bluepay_jt::spec().document(), |param| {
        jt.verify(sign(param).to_string().as_bytes())
            .map(|n| format!("{n:?}"))
            .map_err(|e| e.to_string())
    });
    assert_eq!(n, 6);

    let bp = bluepay::Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let n = assert_minimal_notifications_delivered(bluepay::spec().document(), |param| {
        bp.verify(sign(param).to_string().as_bytes())
            .map(|n| format!("{n:?}"))
            .map_err(|e| e.to_string())
    });
    assert!(n >= 6, "{n}");
}

#[test]
fn a_jt_payment_notification_without_remark_is_delivered_with_remark_absent() {
    let gateway = gateway_key();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = bluepay_jt::Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    for param in [
        r#"{"eventName":"direct.debit.success","amount":50000,"mchOrderId":"ORDERNOREMARK1","transactionId":"CU4Y9920490660433920","transactionStatus":"COMPLETED"}"#,
        r#"{"eventName":"qrcode.payment.success","mchOrderId":"ORDERNOREMARK2","transactionId":"QR123456789","transactionStatus":"COMPLETED","totalAmount":2500}"#,
    ] {
        let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
        match verifier
            .verify(body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{param}: {e}"))
        {
            bluepay_jt::Notification::DirectDebitPayment(n) => {
                assert!(n.remark.is_none());
                assert!(n.channel_code.is_none() && n.create_time.is_none());
            }
            bluepay_jt::Notification::QrCodePayment(n) => {
                assert!(n.remark.is_none());
                assert_eq!(n.mch_order_id, "ORDERNOREMARK2");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_sgate_callback_reduced_to_its_required_fields_is_delivered() {
    let client = sgate_support::offline_client();
    let doc = sgate::spec().document();
    let kinds = doc["info"]["x-callbacks"].as_array().unwrap();
    assert!(!kinds.is_empty());
    for entry in kinds {
        let schema_name = entry["schema"].as_str().unwrap();
        let schema = &doc["components"]["schemas"][schema_name];
        let minimal = only_required(doc, schema, &schema["example"]);
        let (headers, body) = sgate_support::signed_callback("/cb", &minimal);
        let event = client
            .notifications()
            .verify(&headers, "/cb", &body)
            .unwrap_or_else(|e| panic!("{schema_name} {minimal}: {e}"));
        let kind = entry["kind"].as_str().unwrap();
        assert!(
            format!("{event:?}").starts_with(&format!("{kind}(")),
            "{schema_name}: {event:?}"
        );
    }
}

// ------------------------------------------------------------------ JT token-apply requestId

#[tokio::test]
async fn jt_token_apply_request_id_is_checked_by_length_only() {
    let sandbox = sandbox().await;
    let client = jt_client(&sandbox);
    let param = |request_id: &str| {
        json!({
            "requestId": request_id, "userId": "u0009", "channelCode": "BLUEPAY_DIRECT_DEBIT",
            "notifyUrl": "http://127.0.0.1:9/n", "redirectUrl": "http://127.0.0.1:9/r",
            "terminalType": "WEB"
        })
    };
    client
        .call_json("direct_debit_token_apply", param("req-2024_07-a"))
        .await
        .unwrap();
    assert_eq!(
        sandbox.requests().pop().unwrap().param["requestId"],
        "req-2024_07-a"
    );

    let before = sandbox.requests().len();
    let too_long = "r".repeat(33);
    match client
        .call_json("direct_debit_token_apply", param(&too_long))
        .await
    {
        Err(Error::Validation(v)) => assert_eq!(v.field, "requestId", "{v}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.requests().len(), before, "refused before sending");
}

// ------------------------------------------------------------------ SGATE rapid KWD/AED

#[tokio::test]
async fn sgate_rapid_kwd_payout_for_a_customer_with_an_address_on_file_is_sent_and_paid() {
    let sandbox = common::sandbox().await;
    let client = sgate::Client::new(sandbox.sgate_config()).unwrap();
    let bank = |customer: &str, payee: &str| {
        json!({
            "mercustomid": customer, "payeeuid": payee, "amount": 10.00, "currency": "KWD",
            "paymentmethod": "bankTransfer", "name_e": "Customer", "name_a": "Customer",
            "bankcode": "11558", "ibanaccount": "SA0000000000000000000001"
        })
    };
    // First payout: the address is sent and so goes on file.
    let mut first = bank("kwd-customer", "KWDRAPID1");
    first["address"] = json!("Kuwait City");
    client
        .call_json("payment_order_rapid", first)
        .await
        .unwrap();
    // Second payout: no address in the body; the customer has one on file.
    let order = client
        .call_json("payment_order_rapid", bank("kwd-customer", "KWDRAPID2"))
        .await
        .unwrap();
    assert_eq!(order["payeeuid"], "KWDRAPID2");
    assert_eq!(order["currency"], "KWD");

    // A new customer without address or swiftcode is not refused by paybind: SGATE decides.
    let before = sandbox.requests().len();
    let err = client
        .call_json("payment_order_rapid", bank("kwd-no-address", "KWDRAPID3"))
        .await
        .unwrap_err();
    assert!(!matches!(err, sgate::Error::Validation(_)), "{err:?}");
    assert_eq!(sandbox.requests().len(), before + 1, "sent to the gateway");
}

// ------------------------------------------------------------------ code tables

#[test]
fn jt_21010_reads_as_on_the_jt_code_page() {
    let code = bluepay_jt::ResultCode::from_code(21010);
    assert_eq!(code.message(), Some("Transaction amount exceeds the limit"));
    let csv =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/errors.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.contains("bluepay-jt")
            && l.contains("21010")
            && l.contains("Transaction amount exceeds the limit")),
        "schema/errors.csv carries the JT text"
    );
}

#[test]
fn the_refund_notification_decision_says_the_page_shows_the_acknowledgement() {
    let doc = bluepay::spec().document();
    let decision = doc["components"]["schemas"]["RefundNotification"]["x-decision"]
        .as_str()
        .unwrap();
    assert!(
        decision.contains(r#"{"code":10000,"message":"Success"}"#),
        "{decision}"
    );
    assert!(!decision.contains("cut off"), "{decision}");
    // And that is what paybind answers a refund notification with.
    let ack: Value = serde_json::from_str(bluepay::ACK_BODY).unwrap();
    assert_eq!(ack, json!({"code": 10000, "message": "Success"}));
}

/// Every code table entry of a spec, with the table's name.
fn code_entries(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        for entry in schema["x-codes"].as_array().into_iter().flatten() {
            out.push((name.clone(), entry.clone()));
        }
    }
    out
}

#[test]
fn every_retryable_flag_is_stated_by_the_docs_or_carries_a_decision() {
    let mut flagged = 0;
    for spec in [bluepay::spec(), bluepay_jt::spec(), sgate::spec()] {
        for (table, entry) in code_entries(spec.document()) {
            if entry["retryable"] != Value::Bool(true) {
                continue;
            }
            flagged += 1;
            let message = entry["message"].as_str().unwrap().to_lowercase();
            let docs_say_so = message.contains("retry") || message.contains("try again");
            let explained =
                entry.get("x-decision").is_some() || entry.get("x-unconfirmed").is_some();
            assert!(
                docs_say_so || explained,
                "{table} {}: retryable without a reason",
                entry["code"]
            );
        }
    }
    assert!(flagged > 10, "{flagged}");
    // The flags the issue named say explicitly that the docs are silent.
    let silent = |doc: &Value, table: &str, code: i64| {
        let (_, entry) = code_entries(doc)
            .into_iter()
            .find(|(t, e)| t == table && e["code"] == code)
            .unwrap_or_else(|| panic!("{table} {code}"));
        let decision = entry["x-decision"].as_str().unwrap_or_default().to_string();
        assert!(
            decision.contains("do not say"),
            "{table} {code}: {decision}"
        );
    };
    for doc in [bluepay::spec().document(), bluepay_jt::spec().document()] {
        silent(doc, "ResultCode", 21011);
        for code in [-10000, -10006, -10007] {
            silent(doc, "FailedCode", code);
        }
    }
    let sgate_doc = sgate::spec().document();
    silent(sgate_doc, "StatusCode", 1206);
    let (_, ua) = code_entries(sgate_doc)
        .into_iter()
        .find(|(_, e)| e["code"] == 1211)
        .unwrap();
    let decision = ua["x-decision"].as_str().unwrap();
    assert!(decision.contains("User-Agent") && decision.contains("not a documented statement"));
    // The flags still act: the generated tables keep them.
    assert!(bluepay_jt::ResultCode::from_code(21011).is_retryable());
    assert!(sgate::ResultCode::from_code(1206).is_retryable());
    assert!(!sgate::ResultCode::from_code(1211).is_retryable());
}

// ------------------------------------------------------------------ validation messages

#[tokio::test]
async fn a_request_is_refused_with_every_broken_rule_in_the_apis_words() {
    let sandbox = sandbox().await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let before = sandbox.requests().len();
    let err = client
        .call_json(
            "payout_create",
            json!({"mchOrderId": "x", "amount": -5, "payMethodCode": "BANK"}),
        )
        .await
        .unwrap_err();
    let Error::Validation(v) = err else {
        panic!("{err:?}")
    };
    let violations = v.violations();
    let reason_of = |field: &str| {
        violations
            .iter()
            .find(|x| x.field == field)
            .map(|x| x.reason.clone())
            .unwrap_or_else(|| panic!("no violation of {field}: {violations:?}"))
    };
    assert_eq!(reason_of("accountNo"), "is required");
    assert_eq!(reason_of("idempotencyId"), "is required");
    // The spec's `minimum: 0`, in its words (the Rust type does not repeat the bound).
    assert_eq!(reason_of("amount"), "must be at least 0");
    // BANK's conditional rule names what BANK needs.
    for needed in ["transferCode", "accountName"] {
        assert!(reason_of(needed).contains("when payMethodCode is \"BANK\""));
    }
    assert!(violations.iter().all(|x| !x.field.is_empty()));
    assert_eq!(
        (v.field.clone(), v.reason.clone()),
        (violations[0].field.clone(), violations[0].reason.clone())
    );
    let text = v.to_string();
    assert!(
        text.starts_with("invalid request: ") && !text.contains(": :"),
        "{text}"
    );
    assert_eq!(text.matches("; ").count(), violations.len() - 1, "{text}");
    assert_eq!(sandbox.requests().len(), before, "nothing sent");

    // A fractional amount: the field and the rule, not a type.
    let err = client
        .call_json(
            "payout_create",
            json!({"mchOrderId": "CCP20220428011068111", "idempotencyId": "IDP2022042801",
                   "amount": 1.5, "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN",
                   "accountNo": "0812345678"}),
        )
        .await
        .unwrap_err();
    let Error::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v.field, "amount");
    assert_eq!(
        v.reason,
        "must be a whole number of satang (minor units), e.g. 150 for THB 1.50"
    );
    assert_eq!(v.violations().len(), 1);
}
