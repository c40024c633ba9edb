//! Telling a repeated BluePay / JT notification from a new one (issue 11, item 3): their
//! notifications carry no timestamp or nonce, so `event_key()` names an event by the fields
//! that identify it and `SeenEvents` remembers the ones handled. Bodies are signed with the
//! fixture gateway key and verified as a merchant would.

use base64::Engine as _;
use paybind::bluepay::{self, EventKey, HashAlgorithm, Notification, SeenEvents};
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
    let event = verifier.verify(&body).unwrap();
    assert!(matches!(event, Notification::Payout(_)), "{event:?}");
    let key = event.event_key();
    assert!(seen.first_time(&key), "the first delivery is handled");

    // The identical signed body again (a retry, or a replay by whoever saw it).
    let replay = verifier.verify(&body).unwrap();
    assert_eq!(replay.event_key(), key);
    assert!(
        !seen.first_time(&replay.event_key()),
        "a replay is reported as seen"
    );

    // Delivered again with a fresh time: still the same event.
    let restamped = verifier
        .verify(&signed(&payout("SUCCESS", "2024-06-01 10:09:00")))
        .unwrap();
    assert!(!seen.first_time(&restamped.event_key()));

    // Another status of the same order is another event.
    let failed = verifier
        .verify(&signed(&payout("FAILED", "2024-06-01 10:01:00")))
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
        .verify(&signed(&ticket("ticket.status.processing", "Processing")))
        .unwrap()
        .event_key();
    let closed = jt
        .verify(&signed(&ticket("ticket.status.closed", "Closed")))
        .unwrap()
        .event_key();
    assert_ne!(processing, closed, "a ticket's next status is a new event");

    // The same direct-debit payment fields from BluePay and from JT: two events.
    let debit = json!({"eventName": "direct.debit.success", "mchOrderId": "DD1",
                       "transactionId": "T1", "amount": 100, "transactionStatus": "SUCCESS"});
    let from_bluepay = bluepay_verifier()
        .verify(&signed(&debit))
        .unwrap()
        .event_key();
    let from_jt = jt.verify(&signed(&debit)).unwrap().event_key();
    assert_ne!(from_bluepay, from_jt);

    // A refund: the refund's ids and status identify it, not the payment's.
    let refund = |status: &str, event: &str| {
        json!({"eventName": event, "mchRefundOrderId": "R1", "refundTransactionId": "RT1",
               "originalTransactionId": "T1", "refundAmount": 100, "feeRefunded": 0,
               "refundStatus": status})
    };
    let verifier = bluepay_verifier();
    let succeeded = verifier
        .verify(&signed(&refund("SUCCESS", "payment.refund.success")))
        .unwrap()
        .event_key();
    let cancelled = verifier
        .verify(&signed(&refund("CANCEL", "payment.refund.cancel")))
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
    let verifier = client.notifications();
    let seen = SeenEvents::new(10);
    let first = verifier.verify(&hits[0].body).unwrap();
    let second = verifier.verify(&hits[1].body).unwrap();
    assert!(seen.first_time(&first.event_key()));
    assert!(
        !seen.first_time(&second.event_key()),
        "the second delivery is the same event"
    );
}

/// The key of a verified BluePay notification whose param is `param`.
fn bluepay_key(param: Value) -> EventKey {
    bluepay_verifier()
        .verify(&signed(&param))
        .unwrap()
        .event_key()
}

/// The key of a verified BluePay JT notification whose param is `param`.
fn jt_key(param: Value) -> EventKey {
    jt_verifier().verify(&signed(&param)).unwrap().event_key()
}

#[test]
fn keys_name_ids_and_state_not_times() {
    let payout = |status: &str, time: &str| {
        bluepay_key(
            json!({"eventName": "disbursement.success", "mchOrderId": "M1",
            "transactionId": "D1", "amount": 1000, "transactionStatus": status,
            "returnTime": time}),
        )
    };
    let first = payout("SUCCESS", "2024-01-01 10:00:00");
    assert_eq!(
        first.as_str(),
        r#"["bluepay","Payout",{"eventName":"disbursement.success","mchOrderId":"M1","transactionId":"D1","transactionStatus":"SUCCESS"}]"#
    );
    assert_eq!(first, payout("SUCCESS", "2024-01-01 10:05:00"));
    assert_ne!(first, payout("FAILED", "2024-01-01 10:00:00"));

    // The same fields from the other gateway: its id is the only difference.
    let debit = json!({"eventName": "direct.debit.success", "mchOrderId": "M1",
        "transactionId": "D1", "amount": 1000, "transactionStatus": "SUCCESS"});
    let from_bluepay = bluepay_key(debit.clone());
    let from_jt = jt_key(debit);
    assert_ne!(from_bluepay, from_jt, "another gateway's event");
    assert_eq!(
        from_jt.as_str(),
        from_bluepay
            .as_str()
            .replacen(r#"["bluepay","#, r#"["bluepay-jt","#, 1)
    );

    // Values that would need escaping cannot run into the next field: joined without escaping,
    // both would read `"mchOrderId":"a","transactionId":"b","transactionId":"c"`.
    let settled = |order: &str, transaction: &str| {
        jt_key(
            json!({"eventName": "settle.payment.success", "mchOrderId": order,
            "transactionId": transaction, "settledReturnTime": "2022-11-28 22:10:10"}),
        )
    };
    let injected = settled("a\",\"transactionId\":\"b", "c");
    assert!(injected.as_str().starts_with(r#"["bluepay-jt","Settled","#));
    assert_ne!(injected, settled("a", "b\",\"transactionId\":\"c"));
    assert_eq!(injected, settled("a\",\"transactionId\":\"b", "c"));
}

#[test]
fn an_unrecognised_kind_is_keyed_by_every_field() {
    let unknown = |y: &str| bluepay_key(json!({"eventName": "future.event", "x": 1, "y": y}));
    let a = unknown("p");
    assert!(
        a.as_str().starts_with(r#"["bluepay","Unrecognized","#),
        "{a}"
    );
    assert_eq!(a, unknown("p"));
    assert_ne!(a, unknown("q"));
}

#[test]
fn seen_events_are_bounded_and_can_be_forgotten() {
    let settled = |order: &str| {
        jt_key(
            json!({"eventName": "settle.payment.success", "mchOrderId": order,
            "transactionId": "T1", "settledReturnTime": "2022-11-28 22:10:10"}),
        )
    };
    let seen = SeenEvents::new(1);
    let a = settled("a");
    let b = settled("b");
    assert_ne!(a, b);
    assert!(seen.first_time(&a));
    assert!(!seen.first_time(&a));
    assert!(seen.first_time(&b));
    assert!(!seen.contains(&a) && seen.len() == 1);
    seen.forget(&b);
    assert!(seen.is_empty());
}

/// `handle_once`: the handler runs for a new event only; a failed handling is forgotten so the
/// next delivery runs it again; a delivery of a handled event is acknowledged without running.
#[test]
fn handle_once_runs_new_events_and_forgets_failures() {
    let key = jt_key(
        json!({"eventName": "settle.payment.success", "mchOrderId": "a",
        "transactionId": "T1", "settledReturnTime": "2022-11-28 22:10:10"}),
    );
    let seen = SeenEvents::new(10);
    let runs = std::cell::Cell::new(0);
    let handler = |ok: bool| {
        runs.set(runs.get() + 1);
        ok
    };
    assert!(
        !seen.handle_once(&key, || handler(false)),
        "failed: not acknowledged"
    );
    assert!(!seen.contains(&key), "a failure is forgotten");
    assert!(
        seen.handle_once(&key, || handler(true)),
        "handled on the next delivery"
    );
    assert!(
        seen.handle_once(&key, || handler(true)),
        "a delivery again is acknowledged"
    );
    assert_eq!(runs.get(), 2, "not run for the event already handled");
}

/// SGATE callbacks have keys too (issue 22 item 7): the event, the object's id, status and
/// `updated_at` (the spec's `event-key`), not the callback's `time` nor the signature, which a
/// retry stamps anew.
#[cfg(all(feature = "sgate", feature = "testing"))]
#[test]
fn sgate_callbacks_are_keyed_by_order_status_and_change_time() {
    use paybind::sgate;
    use paybind::testing::sgate as kit;

    let order = |status: i64, updated_at: i64, time: i64| {
        json!({"event": "SALARY_STATUS_CHANGE", "time": time, "data": {
            "ticketid": "17d59", "payeeuid": "PAY1", "currency": "KWD", "amount": "18.755",
            "status": status, "updated_at": updated_at}})
    };
    let key = |event: Value| -> sgate::EventKey {
        let callback = kit::callback("/sgate/callback", event).expect("minted");
        let verified = kit::notifications()
            .verify(&callback.headers, callback.path(), &callback.body)
            .expect("genuine");
        verified.event_key()
    };
    let first = key(order(1, 1_719_400_798, 1_719_400_800));
    assert_eq!(
        first.as_str(),
        r#"["sgate","SalaryStatusChange",{"data.status":1,"data.ticketid":"17d59","data.updated_at":1719400798,"event":"SALARY_STATUS_CHANGE"}]"#
    );
    assert_eq!(
        first,
        key(order(1, 1_719_400_798, 1_719_400_805)),
        "a retry"
    );
    assert_ne!(
        first,
        key(order(2, 1_719_400_798, 1_719_400_800)),
        "another status"
    );
    assert_ne!(
        first,
        key(order(1, 1_719_400_900, 1_719_400_905)),
        "another change"
    );

    let seen = sgate::SeenEvents::new(10);
    assert!(seen.first_time(&first));
    assert!(!seen.first_time(&key(order(1, 1_719_400_798, 1_719_400_805))));

    let transfer = |uuid: &str| {
        key(
            json!({"event": "RECEIVING_TRANS_NOTIFICATION", "time": 1, "data": {
            "uuid": uuid, "amount": 50, "currency": "SAR"}}),
        )
    };
    assert_eq!(transfer("U1"), transfer("U1"));
    assert_ne!(transfer("U1"), transfer("U2"));
}
