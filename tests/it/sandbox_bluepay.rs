//! The sandbox as BluePay and BluePay JT: every rule of the envelope gateways gives its
//! documented code, money moves through lifecycles, notifications are signed and delivered.

use crate::common;

use paybind::bluepay::{self, types, Client, Notification};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::money::Amount;
use paybind::sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.bluepay_config()).expect("client")
}

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

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn code<T: std::fmt::Debug>(result: Result<T, bluepay::Error>) -> i64 {
    match result {
        Err(e) => e
            .code()
            .map(|c| c.code())
            .unwrap_or_else(|| panic!("{e:?}")),
        Ok(v) => panic!("expected a gateway code, got {v:?}"),
    }
}

fn qr(mch: &str, amount: i64, notify: &str) -> types::builder::QrCodeCreateParam {
    types::QrCodeCreateParam::builder()
        .channel_code("THAI_DYNAMIC_QR")
        .mch_order_id(mch)
        .amount(Amount::from_minor_units(amount))
        .notify_url(notify)
}

fn payout(mch: &str, idem: &str, amount: i64) -> Value {
    json!({
        "mchOrderId": mch, "idempotencyId": idem, "amount": amount, "payMethodCode": "PROMPTPAY",
        "promptpayAccountType": "MSISDN", "accountNo": "0812345678"
    })
}

async fn paid_qr(sandbox: &Sandbox, client: &Client, mch: &str, amount: i64) -> String {
    let created = client
        .qr_code_create(qr(mch, amount, "http://127.0.0.1:9/notify"))
        .await
        .expect("qr");
    sandbox
        .admin()
        .post(&format!("bluepay/orders/{mch}/pay"), json!({}))
        .await
        .expect("pay");
    created.transaction_id.expect("transaction id").to_string()
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
        &other,
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
        &sandbox.keys().bluepay_merchant,
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

#[tokio::test]
async fn duplicates_unknown_transactions_and_balance() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    client
        .qr_code_create(qr("DUP1", 1000, "http://127.0.0.1:9/n"))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .qr_code_create(qr("DUP1", 1000, "http://127.0.0.1:9/n"))
                .await
        ),
        21007
    );
    // mchOrderId is unique across order kinds.
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("DUP1", "IDEM000000001", 100))
                .await
        ),
        21007
    );
    client
        .call_json("payout_create", payout("PAYOUT1", "IDEM000000001", 100))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("PAYOUT2", "IDEM000000001", 100))
                .await
        ),
        21015
    );
    assert_eq!(
        code(
            client
                .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("NOPE"))
                .await
        ),
        21006
    );
    assert_eq!(
        code(
            client
                .payout_status(types::PayoutStatusParam::builder().mch_order_id("NOPE"))
                .await
        ),
        21006
    );
    // Balance THB 10,000.00 minus the pending payout of 1.00; more than that is refused.
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap();
    assert_eq!(balance.balance.minor_units(), 999_900);
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("PAYOUT3", "IDEM000000003", 999_901))
                .await
        ),
        21014
    );
}

#[tokio::test]
async fn payouts_complete_or_fail_by_amount_and_notify() {
    let sandbox = common::sandbox().await;
    let receiver = common::Receiver::start(0).await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"bluepay_payout_notify_url": receiver.url("/payout")}),
        )
        .await
        .unwrap();
    let client = client(&sandbox);
    client
        .call_json("payout_create", payout("OK0001", "IDEM00000000A", 5000))
        .await
        .unwrap();
    client
        .call_json("payout_create", payout("FAIL0001", "IDEM00000000B", 5004))
        .await
        .unwrap();
    client
        .call_json("payout_create", payout("WAIT0001", "IDEM00000000C", 5099))
        .await
        .unwrap();
    let verifier = client.notifications().unwrap().clone();
    common::eventually(10, || (receiver.processed().len() == 2).then_some(())).await;
    let mut events = Vec::new();
    for hit in receiver.processed() {
        match verifier.verify_notification(&hit.body).expect("genuine") {
            Notification::Payout(p) => events.push((
                p.mch_order_id.to_string(),
                p.event_name.to_string(),
                p.failed_code.map(|c| c.code()),
            )),
            other => panic!("{other:?}"),
        }
    }
    events.sort();
    assert_eq!(
        events,
        [
            (
                "FAIL0001".to_string(),
                "disbursement.failed".to_string(),
                Some(-10004)
            ),
            (
                "OK0001".to_string(),
                "disbursement.success".to_string(),
                None
            ),
        ]
    );
    let status = client
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("WAIT0001"))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        bluepay::TransactionStatus::Pending
    );
    // The failed payout's money came back; the pending one is still held.
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap();
    assert_eq!(balance.balance.minor_units(), 1_000_000 - 5000 - 5099);
    // An admin call decides the pending one.
    sandbox
        .admin()
        .post(
            "bluepay/orders/WAIT0001/fail",
            json!({"failed_code": -10001}),
        )
        .await
        .unwrap();
    let status = client
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("WAIT0001"))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        bluepay::TransactionStatus::Failed
    );
    assert_eq!(status.failed_code.map(|c| c.code()), Some(-10001));
}

#[tokio::test]
async fn a_qr_payment_is_notified_until_acknowledged_with_every_attempt_recorded() {
    let sandbox = common::sandbox().await;
    let verifier = client(&sandbox).notifications().unwrap().clone();
    // Fails twice, then verifies and acknowledges.
    let receiver = common::Receiver::start_with(
        2,
        std::sync::Arc::new(move |hit: &common::Hit| {
            verifier.verify_notification(&hit.body).is_ok()
        }),
    )
    .await;
    let client = client(&sandbox);
    client
        .qr_code_create(qr("QRPAY1", 2300, &receiver.url("/bluepay/notify")))
        .await
        .unwrap();
    sandbox
        .admin()
        .post("bluepay/orders/QRPAY1/pay", json!({}))
        .await
        .unwrap();
    let notification = common::settled_notification(&sandbox, "qrcode.payment.success").await;
    assert_eq!(notification["status"], "delivered", "{notification}");
    let attempts = notification["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{notification}");
    assert_eq!(attempts[0]["http_status"], 503);
    assert_eq!(attempts[1]["http_status"], 503);
    assert_eq!(attempts[2]["http_status"], 200);
    assert_eq!(attempts[2]["acknowledged"], true);
    // Backoff: the second pause is longer than the first.
    let at: Vec<i64> = attempts
        .iter()
        .map(|a| a["at_ms"].as_i64().unwrap())
        .collect();
    assert!(at[1] - at[0] >= 50 && at[2] - at[1] >= 100, "{at:?}");
    assert_eq!(receiver.hits().len(), 3);
    assert_eq!(receiver.processed().len(), 1);
    // The admin API lists the same record.
    let listed = sandbox
        .admin()
        .get("notifications?status=delivered")
        .await
        .unwrap();
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == notification["id"]));
    // The one processed notification is the genuine, typed payment.
    let event = client
        .notifications()
        .unwrap()
        .verify_notification(&receiver.processed()[0].body)
        .unwrap();
    let Notification::QrCodePayment(paid) = event else {
        panic!("{event:?}")
    };
    assert_eq!(paid.amount.minor_units(), 2300);
    assert_eq!(paid.mch_order_id.as_deref(), Some("QRPAY1"));
    let detail = client
        .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("QRPAY1"))
        .await
        .unwrap();
    assert_eq!(
        detail.transaction_status,
        Some(bluepay::TransactionStatus::Completed)
    );
    assert_eq!(detail.qr_status, Some(bluepay::QrStatus::Inactive));
}

#[tokio::test]
async fn a_receiver_that_never_acknowledges_gets_a_bounded_number_of_attempts() {
    let sandbox = common::sandbox().await;
    let receiver = common::Receiver::start(usize::MAX).await;
    let client = client(&sandbox);
    client
        .qr_code_create(qr("QRNEVER", 100, &receiver.url("/n")))
        .await
        .unwrap();
    sandbox
        .admin()
        .post("bluepay/orders/QRNEVER/fail", json!({}))
        .await
        .unwrap();
    let n = common::settled_notification(&sandbox, "qrcode.payment.failed").await;
    assert_eq!(n["status"], "failed");
    assert_eq!(n["attempts"].as_array().unwrap().len(), 5);
    // A notify URL off this machine is never called.
    client
        .qr_code_create(qr("QREXT", 100, "https://merchant.example/notify"))
        .await
        .unwrap();
    sandbox
        .admin()
        .post("bluepay/orders/QREXT/pay", json!({}))
        .await
        .unwrap();
    let n = common::settled_notification(&sandbox, "qrcode.payment.success").await;
    assert_eq!(n["status"], "undeliverable");
    assert!(n["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("loopback"));
}

#[tokio::test]
async fn refund_rules_21401_to_21409() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let refund = |id: &str, original: &str, amount: i64| {
        types::RefundCreateParam::builder()
            .mch_refund_order_id(id)
            .original_transaction_id(original)
            .refund_amount(Amount::from_minor_units(amount))
            .refund_callback_url("http://127.0.0.1:9/refund")
    };
    let paid = paid_qr(&sandbox, &client, "RQR1", 10_000).await;
    // 21006 unknown original, 21408 original not completed, 21402 a payout is not refundable.
    assert_eq!(
        code(client.refund_create(refund("RF0", "C999", 100)).await),
        21006
    );
    let pending = client
        .qr_code_create(qr("RQR2", 500, "http://127.0.0.1:9/n"))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .refund_create(refund(
                    "RF0",
                    pending.transaction_id.as_deref().unwrap(),
                    100
                ))
                .await
        ),
        21408
    );
    let out = client
        .call_json("payout_create", payout("RPAY1", "IDEM0000000R1", 100))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .refund_create(refund("RF0", out["transactionId"].as_str().unwrap(), 100))
                .await
        ),
        21402
    );
    // 21406 amount invalid.
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 10_001)).await),
        21406
    );
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 0)).await),
        21406
    );
    // 21405 / 21404: what the channel supports.
    sandbox
        .admin()
        .put(
            "channels/bluepay/THAI_DYNAMIC_QR",
            json!({"partial_refund": false}),
        )
        .await
        .unwrap();
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 100)).await),
        21405
    );
    sandbox
        .admin()
        .put(
            "channels/bluepay/THAI_DYNAMIC_QR",
            json!({"partial_refund": true, "full_refund": false}),
        )
        .await
        .unwrap();
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 10_000)).await),
        21404
    );
    sandbox
        .admin()
        .put(
            "channels/bluepay/THAI_DYNAMIC_QR",
            json!({"full_refund": true}),
        )
        .await
        .unwrap();
    // A refund ending in 99 stays pending: 21401 for the same id, 21409 for another.
    let first = client
        .refund_create(refund("RF1", &paid, 199))
        .await
        .unwrap();
    assert_eq!(first.refund_status, Some(bluepay::RefundStatus::Pending));
    assert_eq!(
        code(client.refund_create(refund("RF1", &paid, 199)).await),
        21401
    );
    assert_eq!(
        code(client.refund_create(refund("RF2", &paid, 100)).await),
        21409
    );
    sandbox
        .admin()
        .post("bluepay/refunds/RF1/complete", json!({}))
        .await
        .unwrap();
    // 21407: a finished refund's id again.
    assert_eq!(
        code(client.refund_create(refund("RF1", &paid, 100)).await),
        21407
    );
    let listed = client
        .refund_payments(
            types::RefundPaymentsParam::builder()
                .original_transaction_id(Some(paid.parse().unwrap())),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].refund_amount.map(|a| a.minor_units()), Some(199));
    // The remaining amount can still be refunded; more cannot.
    assert_eq!(
        code(client.refund_create(refund("RF3", &paid, 9_802)).await),
        21406
    );
    // 21403: 61 days later on the sandbox clock.
    sandbox
        .admin()
        .post("clock/advance", json!({"days": 61}))
        .await
        .unwrap();
    assert_eq!(
        code(client.refund_create(refund("RF4", &paid, 100)).await),
        21403
    );
}

#[tokio::test]
async fn void_rules_21500_to_21505() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let void = |id: &str, original: &str| {
        types::PaymentVoidParam::builder()
            .mch_void_order_id(id)
            .original_transaction_id(original)
    };
    assert_eq!(code(client.payment_void(void("V1", "C404")).await), 21006);
    let pending = client
        .qr_code_create(qr("VQR0", 500, "http://127.0.0.1:9/n"))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .payment_void(void("V1", pending.transaction_id.as_deref().unwrap()))
                .await
        ),
        21500
    );
    let a = paid_qr(&sandbox, &client, "VQR1", 1000).await;
    let voided = client.payment_void(void("V1", &a)).await.unwrap();
    assert!(voided.void_transaction_id.is_some());
    assert_eq!(code(client.payment_void(void("V1", &a)).await), 21505);
    assert_eq!(code(client.payment_void(void("V2", &a)).await), 21504);
    // A refunded payment cannot be reversed.
    let b = paid_qr(&sandbox, &client, "VQR2", 1000).await;
    client
        .refund_create(
            types::RefundCreateParam::builder()
                .mch_refund_order_id("VRF1")
                .original_transaction_id(b.clone())
                .refund_amount(Amount::from_minor_units(100))
                .refund_callback_url("http://127.0.0.1:9/r"),
        )
        .await
        .unwrap();
    assert_eq!(code(client.payment_void(void("V3", &b)).await), 21501);
    // Settled.
    let c = paid_qr(&sandbox, &client, "VQR3", 1000).await;
    sandbox
        .admin()
        .post(&format!("bluepay/transactions/{c}/settle"), json!({}))
        .await
        .unwrap();
    assert_eq!(code(client.payment_void(void("V4", &c)).await), 21502);
    // Over the day.
    let d = paid_qr(&sandbox, &client, "VQR4", 1000).await;
    sandbox
        .admin()
        .post("clock/advance", json!({"days": 1}))
        .await
        .unwrap();
    assert_eq!(code(client.payment_void(void("V5", &d)).await), 21503);
}

#[tokio::test]
async fn jt_direct_debit_authorization_debit_and_ticket() {
    let sandbox = common::sandbox().await;
    let verifier = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config())
        .unwrap()
        .notifications()
        .unwrap()
        .clone();
    let receiver = common::Receiver::start_with(
        0,
        std::sync::Arc::new(move |hit: &common::Hit| {
            verifier.verify_notification(&hit.body).is_ok()
        }),
    )
    .await;
    let jt = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let apply = jt
        .call_json(
            "direct_debit_token_apply",
            json!({"userId": "u0009", "requestId": "REQ1", "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "terminalType": "WEB", "notifyUrl": receiver.url("/auth"), "redirectUrl": "https://merchant.example/back"}),
        )
        .await
        .unwrap();
    assert!(apply["authUrl"]
        .as_str()
        .unwrap()
        .contains("/direct-debit/REQ1/authorize"));
    let token = sandbox
        .admin()
        .post("bluepay-jt/direct-debit/REQ1/authorize", json!({}))
        .await
        .unwrap();
    let pay_token = token["payToken"].as_str().unwrap().to_string();
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let tokens = jt
        .call_json("direct_debit_token_query", json!({"userId": "u0009"}))
        .await
        .unwrap();
    assert_eq!(tokens["tokenList"][0]["tokenStatus"], "ACTIVED");
    // Debit with the token: completes after the delay, notified.
    let debit = jt
        .call_json(
            "direct_debit_pay",
            json!({"mchOrderId": "DD1", "amount": 50000, "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "payToken": pay_token, "notifyUrl": receiver.url("/debit")}),
        )
        .await
        .unwrap();
    assert_eq!(debit["transactionStatus"], "PENDING");
    common::eventually(10, || (receiver.processed().len() >= 2).then_some(())).await;
    let detail = jt
        .call_json("direct_debit_detail", json!({"mchOrderId": "DD1"}))
        .await
        .unwrap();
    assert_eq!(detail["transactionStatus"], "COMPLETED");
    // An unknown token: 21710 on JT.
    let err = jt
        .call_json(
            "direct_debit_pay",
            json!({"mchOrderId": "DD2", "amount": 100, "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "payToken": "TKNOPE", "notifyUrl": receiver.url("/debit")}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(21710));
    // A ticket, answered by customer service.
    let ticket = jt
        .call_json(
            "ticket_add",
            json!({"requestId": "T1", "mchOrderId": "DD1", "amount": 50000, "ticketType": 1, "payerType": 1,
                   "courierMobile": "0611111111", "transactionDate": "2025-10-29", "notifyUrl": receiver.url("/ticket"),
                   "problemDescription": "stuck", "proofImage": ["bluepay/onboard/extern/a.jpg"]}),
        )
        .await
        .unwrap();
    let ticket_no = ticket["ticketNo"].as_str().unwrap().to_string();
    sandbox
        .admin()
        .post(
            &format!("bluepay-jt/tickets/{ticket_no}/status"),
            json!({"ticketStatus": "CLOSED", "reply": "refunded"}),
        )
        .await
        .unwrap();
    let result = jt
        .call_json("ticket_result_query", json!({"ticketNo": ticket_no}))
        .await
        .unwrap();
    assert_eq!(result["ticketStatus"], "CLOSED");
    common::eventually(10, || (receiver.processed().len() >= 3).then_some(())).await;
    let kinds: Vec<String> = receiver
        .processed()
        .iter()
        .map(|h| {
            format!(
                "{:?}",
                jt.notifications()
                    .unwrap()
                    .verify_notification(&h.body)
                    .unwrap()
            )
        })
        .map(|d| d.split('(').next().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "DirectDebitAuthorization",
            "DirectDebitPayment",
            "TicketResult"
        ]
    );
    // The report of today's payments is served as a file.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let param: paybind::bluepay_jt::types::ReportDownloadParam =
        serde_json::from_value(json!({"countryCode": "TH", "transDate": today, "transType": 2}))
            .unwrap();
    let mut out = Vec::new();
    jt.download_report(param, &mut out).await.unwrap();
    assert!(String::from_utf8(out).unwrap().contains("DD1"));
}

/// The operations whose request example names a transaction the sandbox does not hold (the
/// examples' ids do not match each other), and the documented code they answer: 21006
/// `TransactionNotFound`.
const EXAMPLES_REFUSED: &[(&str, i64)] = &[
    ("payout_status", 21006),
    ("refund_create", 21006),
    ("refund_payments", 21006),
    ("payment_void", 21006),
    ("direct_debit_token_cancel", 21006),
    ("direct_debit_pay", 21006),
    ("direct_debit_pay_detail", 21006),
];

/// Every BluePay operation, called with its spec request example, is sent valid and signed,
/// and what it answers is what the spec says: the `data` the client returns validates against
/// the operation's response schema (the independent `jsonschema` crate), or the answer is a
/// documented business code that the example's ids explain (listed here by operation).
#[tokio::test]
async fn every_operation_answers_its_example_as_the_spec_says() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let bp = client(&sandbox);
    let doc = bluepay::spec().document();
    let mut answered = Vec::new();
    let mut refused = Vec::new();
    for op in bluepay::operations() {
        let example = common::request_example(bluepay::spec(), op);
        let answer = bp.call_json(op.id, example).await;
        let seen = sandbox.requests().pop().unwrap();
        assert_eq!(seen.operation, op.id);
        assert!(seen.signature_ok, "{}", op.id);
        let schema = op.body_schema.unwrap();
        let errors = common::schema_errors(doc, schema, &seen.param);
        assert!(errors.is_empty(), "{}: {errors:?}", op.id);
        match answer {
            Ok(data) => {
                let response = op.response_schema.unwrap();
                let errors = common::response_data_errors(doc, response, &data);
                assert!(errors.is_empty(), "{}: {data}: {errors:?}", op.id);
                answered.push(op.id);
            }
            Err(e) => {
                let code = e
                    .code()
                    .unwrap_or_else(|| panic!("{}: not a gateway answer: {e}", op.id));
                assert_eq!(code.code(), seen.code, "{}", op.id);
                refused.push((op.id, seen.code));
            }
        }
    }
    assert_eq!(refused, EXAMPLES_REFUSED, "answered: {answered:?}");
    assert_eq!(answered.len() + refused.len(), bluepay::operations().len());
}
