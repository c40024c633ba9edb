//! Refunds: of a paid order only, at most what is left, pending until the outcome rules end
//! them; a completed refund changes the order's refund state and is called back (`refund`),
//! which paybind's `Callbacks` confirms through the order.

use super::*;

use paybind::sgate_payin::{CallbackKind, OrderRefundStatus, RefundStatus};

async fn paid_order(
    sandbox: &Sandbox,
    id: &str,
    amount: &str,
    notify: Option<&str>,
) -> types::CreatedOrder {
    let client = client(sandbox);
    let created = client
        .merchant_add_order(order(id, amount, notify))
        .await
        .unwrap();
    let started = client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "100"))
        .await
        .unwrap();
    pass_three_ds(&browser(), &started.redirect_url, true).await;
    created
}

fn refund(amount: &str) -> types::builder::OrderRefundParam {
    types::OrderRefundParam::builder()
        .amount(amount)
        .reason("Returned")
}

#[tokio::test]
async fn a_partial_then_full_refund_is_called_back_and_confirmed() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let created = paid_order(&sandbox, "REF-1", "30.00", Some(&merchant.url)).await;
    callback_with_attempts(&sandbox, &created.id, "payment", 1).await;

    let first = client
        .order_refund(&created.id, refund("10"))
        .await
        .unwrap();
    assert_eq!(first.status, RefundStatus::Pending);
    assert_eq!(
        client
            .order_detail(&created.id)
            .await
            .unwrap()
            .refund_status,
        Some(OrderRefundStatus::Processing)
    );
    // More than is left (30 paid, 10 being refunded): refused.
    let too_much = client
        .order_refund(&created.id, refund("20.01"))
        .await
        .unwrap_err();
    assert!(too_much.to_string().contains("invalidState"), "{too_much}");

    sandbox
        .admin()
        .advance_clock(Duration::from_secs(2))
        .await
        .unwrap();
    let partial = order_until(&client, &created.id, |o| {
        o.refund_status == Some(OrderRefundStatus::Partial)
    })
    .await;
    assert_eq!(partial.refund_times, Some(1));
    assert_eq!(
        client.refund_detail(&first.id).await.unwrap().status,
        RefundStatus::Success
    );
    // The refund callback, confirmed by the order's refund state, acknowledged.
    let callback = callback_with_attempts(&sandbox, &created.id, "refund", 1).await;
    assert_eq!(callback["status"], "delivered", "{callback}");
    assert!(merchant
        .queries()
        .iter()
        .any(|q| q.ends_with("&_type=refund")));
    let verified = client
        .notifications()
        .verify(&created.id, "refund")
        .await
        .unwrap();
    assert_eq!(verified.kind, CallbackKind::Refund);
    assert!(verified.is_confirmed());

    let rest = client
        .order_refund(&created.id, refund("20"))
        .await
        .unwrap();
    assert_eq!(rest.id, format!("{}_R2", created.id));
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(2))
        .await
        .unwrap();
    let full = order_until(&client, &created.id, |o| {
        o.refund_status == Some(OrderRefundStatus::Full)
    })
    .await;
    assert_eq!(full.refund_amount, Some("30".parse().unwrap()));
    assert_eq!(full.refund_times, Some(2));
    // The refund transaction is the order's third.
    let transaction = client
        .transaction_detail_for_merchant(&format!("{}_3", created.id))
        .await
        .unwrap();
    assert_eq!(
        transaction.type_,
        Some(paybind::sgate_payin::TransactionType::Refund)
    );
    assert_eq!(
        transaction.result,
        paybind::sgate_payin::TransactionResult::Approved
    );
}

/// The outcome rules decide refunds as for the other gateways: ending in 04 fails, in 99
/// waits for the admin API.
#[tokio::test]
async fn refunds_end_by_the_outcome_rules_and_the_admin_api() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = paid_order(&sandbox, "REF-2", "50.00", None).await;
    let failing = client
        .order_refund(&created.id, refund("1.04"))
        .await
        .unwrap();
    let waiting = client
        .order_refund(&created.id, refund("1.99"))
        .await
        .unwrap();
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(2))
        .await
        .unwrap();
    for _ in 0..500 {
        if client.refund_detail(&failing.id).await.unwrap().status == RefundStatus::Fail {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        client.refund_detail(&failing.id).await.unwrap().status,
        RefundStatus::Fail
    );
    assert_eq!(
        client.refund_detail(&waiting.id).await.unwrap().status,
        RefundStatus::Pending
    );
    sandbox
        .admin()
        .post(
            &format!("sgate-payin/refunds/{}/complete", waiting.id),
            Value::Null,
        )
        .await
        .unwrap();
    assert_eq!(
        client.refund_detail(&waiting.id).await.unwrap().status,
        RefundStatus::Success
    );
    let order = client.order_detail(&created.id).await.unwrap();
    assert_eq!(order.refund_status, Some(OrderRefundStatus::Partial));
    assert_eq!(order.refund_amount, Some("1.99".parse().unwrap()));
    let again = sandbox
        .admin()
        .post(
            &format!("sgate-payin/refunds/{}/fail", waiting.id),
            Value::Null,
        )
        .await
        .unwrap_err();
    assert!(again.to_string().contains("409"), "{again}");
}
