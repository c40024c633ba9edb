//! Telling a repeated BluePay / JT notification from a new one (issue 11, item 3): their
//! notifications carry no timestamp or nonce, so `event_key()` names an event by the fields
//! that identify it and `SeenEvents` remembers the ones handled. Bodies are signed with the
//! fixture gateway key and verified as a merchant would.

use base64::Engine as _;
use paybind::bluepay::{self, HashAlgorithm, Notification, SeenEvents};
use paybind::bluepay_jt;
use paybind::envelope::RsaSigner;
use serde_json::{json, Value};

use crate::common;

/// A notification body `{param, sign}` signed by the fixture gateway key.
fn signed(param: &Value) -> Vec<u8> {
    let text = param.to_string();
    let signer = RsaSigner::new(&common::key("gateway-2048.pem"), HashAlgorithm::Sha256);
    let sign = base64::engine::general_purpose::STANDARD.encode(signer.sign_bytes(text.as_bytes()));
    json!({"param": text, "sign": sign})
        .to_string()
        .into_bytes()
}

fn bluepay_verifier() -> bluepay::Notifications {
    let key = common::key("gateway-2048.pem").public_key();
    bluepay::Notifications::new(key, HashAlgorithm::Sha256)
}

fn jt_verifier() -> bluepay_jt::Notifications {
    let key = common::key("gateway-2048.pem").public_key();
    bluepay_jt::Notifications::new(key, HashAlgorithm::Sha256)
}

fn payout(status: &str, return_time: &str) -> Value {
    let event = if status == "FAILED" {
        "disbursement.failed"
    } else {
        "disbursement.success"
    };
    json!({
        "eventName": event, "mchOrderId": "PAYOUT0001", "transactionId": "D1656505190221611008",
        "amount": 3000, "transactionStatus": status, "createTime": "2024-06-01 10:00:00",
        "returnTime": return_time
    })
}

#[test]
fn a_replayed_notification_is_seen_and_another_state_is_new() {
    let verifier = bluepay_verifier();
    let seen = SeenEvents::new(100);
    let body = signed(&payout("SUCCESS", "2024-06-01 10:01:00"));
    let event = verifier.verify_notification(&body).unwrap();
    assert!(matches!(event, Notification::Payout(_)), "{event:?}");
    let key = event.event_key();
    assert!(seen.first_time(&key), "the first delivery is handled");

    // The identical signed body again (a retry, or a replay by whoever saw it).
    let replay = verifier.verify_notification(&body).unwrap();
    assert_eq!(replay.event_key(), key);
    assert!(
        !seen.first_time(&replay.event_key()),
        "a replay is reported as seen"
    );

    // Delivered again with a fresh time: still the same event.
    let restamped = verifier
        .verify_notification(&signed(&payout("SUCCESS", "2024-06-01 10:09:00")))
        .unwrap();
    assert!(!seen.first_time(&restamped.event_key()));

    // Another status of the same order is another event.
    let failed = verifier
        .verify_notification(&signed(&payout("FAILED", "2024-06-01 10:01:00")))
        .unwrap();
    assert_ne!(failed.event_key(), key);
    assert!(seen.first_time(&failed.event_key()));
    assert_eq!(seen.len(), 2);
    assert!(
        key.as_str().contains("\"mchOrderId\":\"PAYOUT0001\""),
        "{key}"
    );
}

#[test]
fn jt_tickets_refunds_and_gateways_are_keyed_apart() {
    let jt = jt_verifier();
    let ticket = |event: &str, status: &str| {
        json!({"eventName": event, "ticketId": "202510201745349298", "ticketStatus": status,
               "transactionStatus": "COMPLETED", "customerServiceReply": ""})
    };
    let processing = jt
        .verify_notification(&signed(&ticket("ticket.status.processing", "Processing")))
        .unwrap()
        .event_key();
    let closed = jt
        .verify_notification(&signed(&ticket("ticket.status.closed", "Closed")))
        .unwrap()
        .event_key();
    assert_ne!(processing, closed, "a ticket's next status is a new event");

    // The same direct-debit payment fields from BluePay and from JT: two events.
    let debit = json!({"eventName": "direct.debit.success", "mchOrderId": "DD1",
                       "transactionId": "T1", "amount": 100, "transactionStatus": "SUCCESS"});
    let from_bluepay = bluepay_verifier()
        .verify_notification(&signed(&debit))
        .unwrap()
        .event_key();
    let from_jt = jt.verify_notification(&signed(&debit)).unwrap().event_key();
    assert_ne!(from_bluepay, from_jt);

    // A refund: the refund's ids and status identify it, not the payment's.
    let refund = |status: &str, event: &str| {
        json!({"eventName": event, "mchRefundOrderId": "R1", "refundTransactionId": "RT1",
               "originalTransactionId": "T1", "refundAmount": 100, "feeRefunded": 0,
               "refundStatus": status})
    };
    let verifier = bluepay_verifier();
    let succeeded = verifier
        .verify_notification(&signed(&refund("SUCCESS", "payment.refund.success")))
        .unwrap()
        .event_key();
    let cancelled = verifier
        .verify_notification(&signed(&refund("CANCEL", "payment.refund.cancel")))
        .unwrap()
        .event_key();
    assert_ne!(succeeded, cancelled);
}

#[tokio::test]
async fn a_notification_the_sandbox_delivers_twice_has_one_key() {
    // The merchant endpoint answers the first delivery 503: the sandbox delivers it again.
    let receiver = common::Receiver::start(1).await;
    let sandbox = common::sandbox().await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"bluepay_payout_notify_url": receiver.url("/payout")}),
        )
        .await
        .unwrap();
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let payout = json!({
        "mchOrderId": "TWICE0001", "idempotencyId": "TWICE0001I", "amount": 100,
        "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"
    });
    client.call_json("payout_create", payout).await.unwrap();
    let hits = common::eventually(15, || {
        let hits = receiver.hits();
        (hits.len() >= 2).then_some(hits)
    })
    .await;
    let verifier = client.notifications().unwrap();
    let seen = SeenEvents::new(10);
    let first = verifier.verify_notification(&hits[0].body).unwrap();
    let second = verifier.verify_notification(&hits[1].body).unwrap();
    assert!(seen.first_time(&first.event_key()));
    assert!(
        !seen.first_time(&second.event_key()),
        "the second delivery is the same event"
    );
}
