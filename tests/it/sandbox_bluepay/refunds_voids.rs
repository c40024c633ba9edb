//! Refund rules 21401 to 21409 and void rules 21500 to 21505.

use super::*;

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
            .refund_amount(amount)
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
        .set_channel(
            Gateway::BluePay,
            "THAI_DYNAMIC_QR",
            &ChannelCapabilities {
                partial_refund: Some(false),
                ..ChannelCapabilities::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 100)).await),
        21405
    );
    sandbox
        .admin()
        .set_channel(
            Gateway::BluePay,
            "THAI_DYNAMIC_QR",
            &ChannelCapabilities {
                partial_refund: Some(true),
                full_refund: Some(false),
                ..ChannelCapabilities::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        code(client.refund_create(refund("RF0", &paid, 10_000)).await),
        21404
    );
    sandbox
        .admin()
        .set_channel(
            Gateway::BluePay,
            "THAI_DYNAMIC_QR",
            &ChannelCapabilities {
                full_refund: Some(true),
                ..ChannelCapabilities::default()
            },
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
        .complete_refund(Gateway::BluePay, "RF1")
        .await
        .unwrap();
    // 21407: a finished refund's id again.
    assert_eq!(
        code(client.refund_create(refund("RF1", &paid, 100)).await),
        21407
    );
    let listed = client
        .refund_payments(types::RefundPaymentsParam::builder().original_transaction_id(&paid))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].refund_amount.and_then(|a| a.minor_units()),
        Some(199)
    );
    // The remaining amount can still be refunded; more cannot.
    assert_eq!(
        code(client.refund_create(refund("RF3", &paid, 9_802)).await),
        21406
    );
    // 21403: 61 days later on the sandbox clock.
    sandbox
        .admin()
        .advance_clock(std::time::Duration::from_secs(61 * 86_400))
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
                .refund_amount(100)
                .refund_callback_url("http://127.0.0.1:9/r"),
        )
        .await
        .unwrap();
    assert_eq!(code(client.payment_void(void("V3", &b)).await), 21501);
    // Settled.
    let c = paid_qr(&sandbox, &client, "VQR3", 1000).await;
    sandbox.admin().settle(Gateway::BluePay, &c).await.unwrap();
    assert_eq!(code(client.payment_void(void("V4", &c)).await), 21502);
    // Over the day.
    let d = paid_qr(&sandbox, &client, "VQR4", 1000).await;
    sandbox
        .admin()
        .advance_clock(std::time::Duration::from_secs(86_400))
        .await
        .unwrap();
    assert_eq!(code(client.payment_void(void("V5", &d)).await), 21503);
}
