//! Every operation of the Payin spec, through paybind's generated client, against the sandbox:
//! what each answers, and what the order shows afterwards.

use super::*;

use paybind::money::Decimal2;
use paybind::sgate_payin::{
    AfterSaleStatus, DeliveryStatus, OrderRefundStatus, OrderStatus, PaymentMethod, RefundStatus,
    TransactionResult, TransactionType,
};

/// All fourteen operations, each called at least once.
#[tokio::test]
async fn every_operation_is_served() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);

    // merchant.detail: the sandbox's merchant.
    let merchant = client.merchant_detail().await.unwrap();
    assert_eq!(merchant.id, sandbox.sgate_payin_merchant_id());

    // merchant.addOrder: an order with its ticket, nothing the spec does not declare.
    let created = client
        .merchant_add_order(order("OPS-1", "12.02", None))
        .await
        .unwrap();
    assert!(
        created
            .id
            .starts_with(&format!("{}T", sandbox.sgate_payin_merchant_id())),
        "{}",
        created.id
    );
    assert_eq!(created.ticket.len(), 64);
    assert_eq!(created.status, OrderStatus::Pending);
    assert_eq!(created.amount, "12.02".parse::<Decimal2>().unwrap());
    assert!(created.extra.is_empty(), "{:?}", created.extra);

    // order.detail.
    let detail = client.order_detail(&created.id).await.unwrap();
    assert_eq!(detail.merchant_order_id.as_deref(), Some("OPS-1"));
    assert_eq!(detail.status, OrderStatus::Pending);
    assert_eq!(detail.ticket.as_deref(), Some(created.ticket.as_str()));
    assert!(detail.extra.is_empty(), "{:?}", detail.extra);

    // order.startByDirectMastercard: waits for 3DS at the redirect URL the sandbox serves.
    let started = client
        .order_start_by_direct_mastercard(
            &created.id,
            card(TEST_CARD, "100").return_url("https://merchant.example/return"),
        )
        .await
        .unwrap();
    assert_eq!(started.result, TransactionResult::NotYet);
    assert_eq!(started.id, format!("{}_1", created.id));
    assert!(
        started.redirect_url.starts_with(&format!(
            "{}/direct/mastercard?",
            sandbox.sgate_payin_url().trim_end_matches("/api_v1")
        )),
        "{}",
        started.redirect_url
    );
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Doing
    );
    let back = pass_three_ds(&browser(), &started.redirect_url, true).await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "https://merchant.example/return");

    // transaction.detailForMerchant: approved, the card masked.
    let transaction = client
        .transaction_detail_for_merchant(&started.id)
        .await
        .unwrap();
    assert_eq!(transaction.result, TransactionResult::Approved);
    assert_eq!(transaction.payment_method, Some(PaymentMethod::Mastercard));
    assert_eq!(transaction.type_, Some(TransactionType::Payment));
    let digest: Value = serde_json::from_str(transaction.payer_digest.as_deref().unwrap()).unwrap();
    assert_eq!(digest["number"], "512345xxxxxx0008");
    let paid = client.order_detail(&created.id).await.unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.success_payment_method.as_deref(), Some("mastercard"));
    assert!(paid.paid_at.is_some());

    // order.startByStcpay and transaction.completeByStcpay: the test wallet and its code.
    let wallet_order = client
        .merchant_add_order(order("OPS-2", "5.00", None))
        .await
        .unwrap();
    let waiting = client
        .order_start_by_stcpay(
            &wallet_order.id,
            &payer(),
            types::OrderStartByStcpayParam::builder()
                .ticket(wallet_order.ticket.clone())
                .mobile(format!("0{TEST_WALLET}")),
        )
        .await
        .unwrap();
    assert_eq!(waiting.result, TransactionResult::NotYet);
    let completed = client
        .transaction_complete_by_stcpay(
            &waiting.id,
            &payer_again(),
            types::TransactionCompleteByStcpayParam::builder()
                .ticket(wallet_order.ticket.clone())
                .otp_value(TEST_CODE),
        )
        .await
        .unwrap();
    assert_eq!(completed.result, TransactionResult::Approved);
    assert_eq!(completed.payment_method, Some(PaymentMethod::Stcpay));
    let wallet_transaction = client
        .transaction_detail_for_merchant(&waiting.id)
        .await
        .unwrap();
    assert_eq!(
        wallet_transaction.payer_digest.as_deref(),
        Some(r#"{"mobile":"******0713"}"#)
    );
    assert_eq!(
        wallet_transaction.device_id.as_deref(),
        Some("a13382f5-4dcf-4ef5-9e81-33a836a610a9")
    );
    assert_eq!(
        wallet_transaction.client_ip.as_deref(),
        Some("124.126.202.12")
    );
    assert_eq!(
        wallet_transaction.user_agent.as_deref(),
        Some("Mozilla/5.0 (payer's browser)")
    );

    // order.refund and refund.detail.
    let refund = client
        .order_refund(
            &created.id,
            types::OrderRefundParam::builder()
                .amount("2.02")
                .reason("Return shipping fee")
                .merchant_refund_id("R-OPS-1"),
        )
        .await
        .unwrap();
    assert_eq!(refund.id, format!("{}_R1", created.id));
    assert_eq!(refund.status, RefundStatus::Pending);
    assert_eq!(
        refund.origin_transaction_id.as_deref(),
        Some(started.id.as_str())
    );
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(2))
        .await
        .unwrap();
    let refunded = order_until(&client, &created.id, |o| {
        o.refund_status == Some(OrderRefundStatus::Partial)
    })
    .await;
    assert_eq!(refunded.refund_amount, Some("2.02".parse().unwrap()));
    let refund = client.refund_detail(&refund.id).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Success);
    assert!(refund.finished_at.is_some());

    // The logistics and after-sale PUTs: HTTP 200, and order.detail shows them.
    let shipment = |number: &str| {
        types::LogisticsParam::builder()
            .tracking_url(format!("https://tracking.example/{number}"))
            .tracking_number(number)
            .shipping_company("SMSA")
    };
    client
        .order_set_logistics(
            &created.id,
            types::OrderSetLogisticsParam::builder().value(shipment("DOM1")),
        )
        .await
        .unwrap();
    client
        .order_set_overseas_logistics(
            &created.id,
            types::OrderSetOverseasLogisticsParam::builder().value(shipment("INT1")),
        )
        .await
        .unwrap();
    client
        .order_set_delivery_status(
            &created.id,
            types::OrderSetDeliveryStatusParam::builder().value("delivering"),
        )
        .await
        .unwrap();
    client
        .order_set_after_sale_status(
            &created.id,
            types::OrderSetAfterSaleStatusParam::builder().value("applying"),
        )
        .await
        .unwrap();
    client
        .order_shipping_email(
            &created.id,
            types::OrderShippingEmailParam::builder()
                .title("Your order has shipped")
                .from_name("Example Shop")
                .from_address("shop@merchant.example")
                .recipient_address("payer@example.com")
                .content("Tracking number DOM1"),
        )
        .await
        .unwrap();
    let shipped = client.order_detail(&created.id).await.unwrap();
    let logistics: Value = serde_json::from_str(shipped.logistics.as_deref().unwrap()).unwrap();
    assert_eq!(logistics["trackingNumber"], "DOM1");
    assert_eq!(logistics["shippingCompany"], "SMSA");
    let overseas: Value =
        serde_json::from_str(shipped.overseas_logistics.as_deref().unwrap()).unwrap();
    assert_eq!(overseas["trackingURL"], "https://tracking.example/INT1");
    assert_eq!(shipped.delivery_status, Some(DeliveryStatus::Delivering));
    assert_eq!(shipped.after_sale_status, Some(AfterSaleStatus::Applying));
    // The shipping email has no member in order.detail; the admin API shows it.
    let held = sandbox
        .admin()
        .get(&format!("sgate-payin/orders/{}", created.id))
        .await
        .unwrap();
    assert_eq!(
        held["sandbox_shipping_email"]["title"],
        "Your order has shipped"
    );

    // Every operation of the spec was called, each answered 200.
    let mut called: Vec<String> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.gateway.id() == "sgate-payin" && r.code == 200)
        .map(|r| r.operation)
        .collect();
    called.sort();
    called.dedup();
    let mut all: Vec<&str> = paybind::sgate_payin::Operation::ALL
        .iter()
        .map(|o| o.id())
        .collect();
    all.sort_unstable();
    assert_eq!(called, all);
}

/// What the sandbox refuses, and with which code: an unknown order, a repeated merchant order
/// ID, an amount out of its currency's limits, paying a paid order, a wrong ticket.
#[tokio::test]
async fn business_refusals_carry_their_codes() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let code = |error: paybind::sgate_payin::Error| match error {
        paybind::sgate_payin::Error::Api(api) => api.code.code().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code(client.order_detail("M1T0").await.unwrap_err()),
        "notFound"
    );
    client
        .merchant_add_order(order("DUP", "1.00", None))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .merchant_add_order(order("DUP", "1.00", None))
                .await
                .unwrap_err()
        ),
        "duplicated"
    );
    // SAR: 0.1 to 10000 (info.x-currency-limits).
    assert_eq!(
        code(
            client
                .merchant_add_order(order("LOW", "0.09", None))
                .await
                .unwrap_err()
        ),
        "invalidParameter"
    );
    assert_eq!(
        code(
            client
                .merchant_add_order(order("HIGH", "10000.01", None))
                .await
                .unwrap_err()
        ),
        "invalidParameter"
    );
    client
        .merchant_add_order(order("EDGE", "10000", None))
        .await
        .unwrap();

    let created = client
        .merchant_add_order(order("PAID", "3.00", None))
        .await
        .unwrap();
    let wrong_ticket = client
        .order_start_by_stcpay(
            &created.id,
            &payer(),
            types::OrderStartByStcpayParam::builder()
                .ticket("not-the-ticket")
                .mobile(TEST_WALLET),
        )
        .await
        .unwrap_err();
    assert_eq!(code(wrong_ticket), "notAllowed");
    let started = client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "100"))
        .await
        .unwrap();
    pass_three_ds(&browser(), &started.redirect_url, true).await;
    let again = client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "100"))
        .await
        .unwrap_err();
    assert_eq!(code(again), "invalidState");
    // Refunding an unpaid order.
    let unpaid = client
        .merchant_add_order(order("UNPAID", "3.00", None))
        .await
        .unwrap();
    let refund = client
        .order_refund(
            &unpaid.id,
            types::OrderRefundParam::builder().amount("1").reason("r"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(refund), "invalidState");
}

/// An order not paid by its `expiredAt` (30 minutes by default) expires, on the sandbox clock.
#[tokio::test]
async fn an_unpaid_order_expires() {
    // The client signs with the real clock; the sandbox's moves half an hour.
    let sandbox = Sandbox::start(paybind_sandbox::SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("EXP", "1.00", None))
        .await
        .unwrap();
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(29 * 60))
        .await
        .unwrap();
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Pending
    );
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(2 * 60))
        .await
        .unwrap();
    let expired = client.order_detail(&created.id).await.unwrap();
    assert_eq!(expired.status, OrderStatus::Expired);
    assert!(client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "100"))
        .await
        .is_err());
}
