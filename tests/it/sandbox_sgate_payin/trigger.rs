//! `payin_order.paid`: one admin call pays an SGATE Payin order as a payer would on the
//! cashier, so a merchant's callback handler can be tested without driving the cashier's
//! pages. The order, its transaction and the callback are what a real payment leaves.
//! `payin_refund.completed` and `.failed` end a refund as the gateway would, without waiting
//! for the outcome rules' delay.

use super::*;

use paybind::sgate_payin::{
    CallbackKind, OrderRefundStatus, OrderStatus, RefundStatus, TransactionResult,
};
use paybind_sandbox::{Gateway, SandboxError, Trigger, TriggerEvent};

fn paid() -> Trigger {
    Trigger::new(Gateway::SgatePayin, TriggerEvent::PayinOrderPaid)
}

fn refunded() -> Trigger {
    Trigger::new(Gateway::SgatePayin, TriggerEvent::PayinRefundCompleted)
}

fn refund_failed() -> Trigger {
    Trigger::new(Gateway::SgatePayin, TriggerEvent::PayinRefundFailed)
}

/// The trigger is refused with a 4xx status (`exact`, when given).
async fn assert_refused(sandbox: &Sandbox, trigger: Trigger, exact: Option<u16>) {
    let error = sandbox.admin().trigger(trigger).await.unwrap_err();
    let SandboxError::Admin { status, .. } = error else {
        panic!("not an admin refusal: {error}");
    };
    assert!((400..500).contains(&status), "{error}");
    if let Some(exact) = exact {
        assert_eq!(status, exact, "{error}");
    }
}

/// The trigger with `amount` set to words is HTTP 400 naming `amount`, never quoting it.
async fn assert_amount_refused_by_name(sandbox: &Sandbox, trigger: Trigger, words: &str) {
    let error = sandbox
        .admin()
        .trigger(trigger.with("amount", words))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("HTTP 400") && text.contains("amount"),
        "{text}"
    );
    assert!(!text.contains(words), "never quotes the value: {text}");
}

#[tokio::test]
async fn a_triggered_payment_pays_a_new_order_and_calls_the_merchant_back() {
    let sandbox = common::sandbox().await;
    let merchant = Merchant::start(&sandbox).await;
    let outcome = sandbox
        .admin()
        .trigger(
            paid()
                .with("merchantOrderId", "SHOP-77")
                .with("amount", "25.50")
                .with("notificationURL", merchant.url.as_str()),
        )
        .await
        .unwrap();
    let id = outcome.object["id"].as_str().unwrap().to_string();
    assert_eq!(outcome.created, [format!("order {id}")]);
    assert_eq!(outcome.object["status"], "paid");
    assert_eq!(outcome.object["merchantOrderId"], "SHOP-77");
    assert_eq!(outcome.notifications.len(), 1, "{outcome:?}");

    // Through the API, as the merchant sees it: paid by the test card.
    let order = client(&sandbox).order_detail(&id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.amount.to_string(), "25.50");
    assert_eq!(order.success_payment_method.as_deref(), Some("mastercard"));
    let transaction = client(&sandbox)
        .transaction_detail_for_merchant(&format!("{id}_1"))
        .await
        .unwrap();
    assert_eq!(transaction.result, TransactionResult::Approved);

    // The merchant's endpoint got the unsigned GET, confirmed it through the API, and
    // acknowledged it.
    let callback = callback_with_attempts(&sandbox, &id, "payment", 1).await;
    assert_eq!(callback["status"], "delivered", "{callback}");
    assert_eq!(
        merchant.queries(),
        [format!("shop=1&_orderId={id}&_type=payment")]
    );
}

#[tokio::test]
async fn a_triggered_payment_pays_an_existing_order_once() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let created = client
        .merchant_add_order(order("SHOP-78", "12.02", Some(&merchant.url)))
        .await
        .unwrap();
    let outcome = sandbox
        .admin()
        .trigger(paid().with("id", created.id.as_str()))
        .await
        .unwrap();
    assert!(outcome.created.is_empty(), "{outcome:?}");
    assert_eq!(outcome.object["id"], created.id.as_str());
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Paid
    );
    callback_with_attempts(&sandbox, &created.id, "payment", 1).await;
    // Paid already: refused, and no second callback is queued.
    assert_refused(&sandbox, paid().with("id", created.id.as_str()), None).await;
    assert_eq!(callbacks_of(&sandbox, &created.id, "payment").len(), 1);
}

#[tokio::test]
async fn a_triggered_payment_refuses_what_the_api_would() {
    let sandbox = common::sandbox().await;
    assert_refused(&sandbox, paid().with("id", "M100001T0"), Some(404)).await;
    assert_amount_refused_by_name(&sandbox, paid(), "twelve").await;
    // Over the currency's limit: the order rule of `merchant_add_order`.
    assert_refused(&sandbox, paid().with("amount", "99999999.00"), None).await;
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_triggered_refund_of_a_new_paid_order_is_called_back_and_confirmed() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let outcome = sandbox
        .admin()
        .trigger(
            refunded()
                .with("merchantOrderId", "SHOP-90")
                .with("amount", "4.00")
                .with("reason", "Returned")
                .with("notificationURL", merchant.url.as_str()),
        )
        .await
        .unwrap();
    let refund_id = outcome.object["id"].as_str().unwrap().to_string();
    let order_id = outcome.object["orderId"].as_str().unwrap().to_string();
    assert_eq!(
        outcome.created,
        [format!("order {order_id}"), format!("refund {refund_id}")]
    );
    // The order was paid first (its payment callback), then refunded (its refund callback).
    assert_eq!(outcome.notifications.len(), 2, "{outcome:?}");

    // Through the API: the refund of SAR 4.00 of the default SAR 10.00 is done, at once.
    let refund = client.refund_detail(&refund_id).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Success);
    assert_eq!(refund.amount.to_string(), "4.00");
    let order = client.order_detail(&order_id).await.unwrap();
    assert_eq!(order.merchant_order_id.as_deref(), Some("SHOP-90"));
    assert_eq!(order.refund_status, Some(OrderRefundStatus::Partial));
    assert_eq!(order.refund_times, Some(1));

    // The merchant's endpoint got the refund callback; paybind confirms it through the order.
    let callback = callback_with_attempts(&sandbox, &order_id, "refund", 1).await;
    assert_eq!(callback["status"], "delivered", "{callback}");
    assert!(merchant
        .queries()
        .contains(&format!("shop=1&_orderId={order_id}&_type=refund")));
    let verified = client
        .notifications()
        .verify(&order_id, "refund")
        .await
        .unwrap();
    assert_eq!(verified.kind, CallbackKind::Refund);
    assert!(verified.is_confirmed());
}

#[tokio::test]
async fn a_triggered_refund_ends_the_pending_refund_it_names_once() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let paid = sandbox
        .admin()
        .trigger(
            paid()
                .with("amount", "30.00")
                .with("notificationURL", merchant.url.as_str()),
        )
        .await
        .unwrap();
    let order_id = paid.object["id"].as_str().unwrap().to_string();
    let pending = client
        .order_refund(
            &order_id,
            types::OrderRefundParam::builder()
                .amount("10")
                .reason("Returned"),
        )
        .await
        .unwrap();
    assert_eq!(pending.status, RefundStatus::Pending);

    let outcome = sandbox
        .admin()
        .trigger(refund_failed().with("id", pending.id.as_str()))
        .await
        .unwrap();
    assert!(outcome.created.is_empty(), "{outcome:?}");
    // A failed refund is not called back.
    assert!(outcome.notifications.is_empty(), "{outcome:?}");
    assert_eq!(
        client.refund_detail(&pending.id).await.unwrap().status,
        RefundStatus::Fail
    );
    let order = client.order_detail(&order_id).await.unwrap();
    assert_eq!(order.refund_status, Some(OrderRefundStatus::Fail));
    assert_eq!(order.refund_times, Some(0));
    assert!(callbacks_of(&sandbox, &order_id, "refund").is_empty());

    // Final already: neither event ends it again; and the rules' own outcome, due later,
    // leaves it as the trigger ended it.
    for event in [refunded(), refund_failed()] {
        assert_refused(&sandbox, event.with("id", pending.id.as_str()), Some(409)).await;
    }
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        client.refund_detail(&pending.id).await.unwrap().status,
        RefundStatus::Fail
    );

    // Of the same order by `orderId`: all that is refundable unless `amount` is given.
    let rest = sandbox
        .admin()
        .trigger(refunded().with("orderId", order_id.as_str()))
        .await
        .unwrap();
    assert_eq!(rest.created, [format!("refund {order_id}_R2")]);
    let rest_id = rest.object["id"].as_str().unwrap();
    let refund = client.refund_detail(rest_id).await.unwrap();
    assert_eq!(refund.amount.to_string(), "30.00");
    assert_eq!(refund.status, RefundStatus::Success);
    let order = client.order_detail(&order_id).await.unwrap();
    assert_eq!(order.refund_status, Some(OrderRefundStatus::Full));
}

#[tokio::test]
async fn a_triggered_refund_refuses_what_the_api_would() {
    let sandbox = common::sandbox().await;
    assert_refused(&sandbox, refunded().with("id", "M100001T0_R1"), Some(404)).await;
    // An order that is not paid is not refunded; nothing is made or sent.
    let unpaid = client(&sandbox)
        .merchant_add_order(order("SHOP-91", "12.00", None))
        .await
        .unwrap();
    assert_refused(
        &sandbox,
        refunded().with("orderId", unpaid.id.as_str()),
        None,
    )
    .await;
    assert_amount_refused_by_name(&sandbox, refunded(), "four").await;
    // More than was paid (the default order is SAR 10.00).
    assert_refused(&sandbox, refunded().with("amount", "10.01"), None).await;
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
}

/// `VerifiedCallback::event_key`: made of the order as the API answers it (the spec's
/// `event-key` of `info.x-callbacks`), so a retried callback keys as before and a second
/// refund of the same order as a new event; `SeenEvents::handle_once` then handles each once.
#[tokio::test]
async fn callbacks_are_keyed_by_the_verified_order_so_each_event_is_handled_once() {
    use paybind::sgate_payin::SeenEvents;
    let sandbox = common::sandbox().await;
    let callbacks = client(&sandbox).notifications();
    let paid = sandbox
        .admin()
        .trigger(paid().with("amount", "30.00"))
        .await
        .unwrap();
    let id = paid.object["id"].as_str().unwrap().to_string();
    let refund = |amount: &str| {
        refunded()
            .with("orderId", id.as_str())
            .with("amount", amount)
    };

    let payment = callbacks.verify(&id, "payment").await.unwrap().event_key();
    assert_eq!(
        payment.as_str(),
        format!(r#"["sgate-payin","Payment",{{"id":"{id}","status":"paid"}}]"#)
    );
    sandbox.admin().trigger(refund("10.00")).await.unwrap();
    let first_refund = callbacks.verify(&id, "refund").await.unwrap().event_key();
    let first_again = callbacks.verify(&id, "refund").await.unwrap().event_key();
    sandbox.admin().trigger(refund("5.00")).await.unwrap();
    let second_refund = callbacks.verify(&id, "refund").await.unwrap().event_key();
    // A payment callback retried after the refunds is still the same payment.
    let payment_again = callbacks.verify(&id, "payment").await.unwrap().event_key();

    assert_eq!(payment_again, payment);
    assert_eq!(first_again, first_refund);
    assert_ne!(first_refund, payment);
    assert_ne!(second_refund, first_refund);
    assert!(
        second_refund.as_str().contains(r#""refundTimes":2"#),
        "{second_refund}"
    );

    let seen = SeenEvents::new(100);
    let mut handled = Vec::new();
    for key in [
        &payment,
        &first_refund,
        &payment_again,
        &first_again,
        &second_refund,
    ] {
        assert!(seen.handle_once(key, || {
            handled.push(key.clone());
            true
        }));
    }
    assert_eq!(handled, [payment, first_refund, second_refund]);
}
