//! Notification delivery: retried until acknowledged, every attempt recorded, and bounded.

use super::*;

#[tokio::test]
async fn a_qr_payment_is_notified_until_acknowledged_with_every_attempt_recorded() {
    let sandbox = common::sandbox().await;
    let verifier = client(&sandbox).notifications().clone();
    // Fails twice, then verifies and acknowledges.
    let receiver = common::Receiver::start_with(
        2,
        std::sync::Arc::new(move |hit: &common::Hit| verifier.verify(&hit.body).is_ok()),
    )
    .await;
    let client = client(&sandbox);
    client
        .qr_code_create(qr("QRPAY1", 2300, &receiver.url("/bluepay/notify")))
        .await
        .unwrap();
    sandbox
        .admin()
        .pay_qr(Gateway::BluePay, "QRPAY1")
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
        .verify(&receiver.processed()[0].body)
        .unwrap();
    let Notification::QrCodePayment(paid) = event else {
        panic!("{event:?}")
    };
    assert_eq!(paid.amount.minor_units(), Some(2300));
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
        .fail_qr(Gateway::BluePay, "QRNEVER", &Failure::default())
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
        .pay_qr(Gateway::BluePay, "QREXT")
        .await
        .unwrap();
    let n = common::settled_notification(&sandbox, "qrcode.payment.success").await;
    assert_eq!(n["status"], "undeliverable");
    assert!(n["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("loopback"));
}
