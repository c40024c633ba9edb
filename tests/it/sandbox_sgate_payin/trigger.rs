//! `payin_order.paid`: one admin call pays an SGATE Payin order as a payer would on the
//! cashier, so a merchant's callback handler can be tested without driving the cashier's
//! pages. The order, its transaction and the callback are what a real payment leaves.

use super::*;

use paybind::sgate_payin::{OrderStatus, TransactionResult};
use paybind_sandbox::{Gateway, SandboxError, Trigger, TriggerEvent};

fn paid() -> Trigger {
    Trigger::new(Gateway::SgatePayin, TriggerEvent::PayinOrderPaid)
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
    let again = sandbox
        .admin()
        .trigger(paid().with("id", created.id.as_str()))
        .await
        .unwrap_err();
    assert!(
        matches!(again, SandboxError::Admin { status, .. } if (400..500).contains(&status)),
        "{again}"
    );
    assert_eq!(callbacks_of(&sandbox, &created.id, "payment").len(), 1);
}

#[tokio::test]
async fn a_triggered_payment_refuses_what_the_api_would() {
    let sandbox = common::sandbox().await;
    let unknown = sandbox
        .admin()
        .trigger(paid().with("id", "M100001T0"))
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, SandboxError::Admin { status: 404, .. }),
        "{unknown}"
    );
    let not_money = sandbox
        .admin()
        .trigger(paid().with("amount", "twelve"))
        .await
        .unwrap_err();
    let text = not_money.to_string();
    assert!(
        text.contains("HTTP 400") && text.contains("amount"),
        "{text}"
    );
    assert!(!text.contains("twelve"), "never quotes the value: {text}");
    // Over the currency's limit: the order rule of `merchant_add_order`.
    let too_much = sandbox
        .admin()
        .trigger(paid().with("amount", "99999999.00"))
        .await
        .unwrap_err();
    assert!(
        matches!(too_much, SandboxError::Admin { status, .. } if (400..500).contains(&status)),
        "{too_much}"
    );
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
}
