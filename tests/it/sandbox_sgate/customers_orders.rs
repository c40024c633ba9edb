//! Customers through review and payment orders through payout, with their callbacks; rapid
//! orders.

use super::*;

#[tokio::test]
async fn customers_go_through_review_and_orders_through_payout_with_callbacks() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let verifier = client.notifications().clone();
    let receiver = common::Receiver::start_with(
        0,
        std::sync::Arc::new(move |hit: &common::Hit| {
            verifier.verify(&hit.headers, &hit.path, &hit.body).is_ok()
        }),
    )
    .await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"sgate_callback_url": receiver.url("/sgate/callback?m=1")}),
        )
        .await
        .unwrap();

    // A test account: reviewed automatically (Normal), callback with decrypted members.
    let test = client
        .customer_create(bank_customer(
            "u001",
            "5123450000000001",
            "SA0000000000000000000001",
        ))
        .await
        .unwrap();
    assert_eq!(test.status, Some(CustomerStatus::Pending));
    assert_eq!(test.identity.as_ref().unwrap().expose(), "1012345678");
    assert_eq!(test.bankname.as_deref(), Some("Riyad Bank"));
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let hit = &receiver.processed()[0];
    match client
        .notifications()
        .verify(&hit.headers, &hit.path, &hit.body)
        .unwrap()
    {
        Notification::CustomStatusChange(event) => {
            assert_eq!(event.data.status, Some(CustomerStatus::Normal));
            assert_eq!(
                event.data.cardno.as_ref().unwrap().expose(),
                "5123450000000001"
            );
        }
        other => panic!("{other:?}"),
    }
    // The wire carried ciphertext, not the card number.
    assert!(!String::from_utf8_lossy(&hit.body).contains("5123450000000001"));

    // An ordinary customer: Incomplete until the ID photo, then Pending until approved.
    let plain = client
        .customer_create(bank_customer(
            "u002",
            "5123459999999999",
            "SA1111111111111111111111",
        ))
        .await
        .unwrap();
    assert_eq!(plain.status, Some(CustomerStatus::Incomplete));
    assert_eq!(
        code(
            client
                .payment_order_create(payment_order("u002", "PAY0001", "10.00"))
                .await
        ),
        1300
    );
    let png = b"\x89PNG\r\n\x1a\nfake".to_vec();
    let uploaded = client
        .customer_file_upload()
        .mercustomid("u002")
        .file(
            types::CustomerFileUploadParamType::Identitypic,
            "id.png",
            png,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status, Some(CustomerStatus::Pending));
    assert!(uploaded
        .identitypic
        .as_ref()
        .unwrap()
        .expose()
        .ends_with("identitypic.png"));
    sandbox.admin().approve_customer("u002").await.unwrap();
    let detail = client
        .customer_detail(|q| q.mercustomid("u002"))
        .await
        .unwrap();
    assert_eq!(detail.status, Some(CustomerStatus::Normal));

    // Its payout waits for an admin decision; the balance is held meanwhile.
    let created = client
        .payment_order_create(payment_order("u002", "PAY0001", "18.75"))
        .await
        .unwrap();
    assert_eq!(created.status, Some(PaymentOrderStatus::Pending));
    assert_eq!(created.fee, Some(Decimal2::from_minor_units(94)));
    assert_eq!(created.realamount, Some(Decimal2::from_minor_units(1781)));
    assert_eq!(
        created
            .custominfo
            .as_ref()
            .unwrap()
            .cardno
            .as_ref()
            .unwrap()
            .expose(),
        "5123459999999999"
    );
    let balances = client.merchant_balance().await.unwrap();
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(100_000_000 - 1875))
    );
    sandbox.admin().complete_order("PAY0001").await.unwrap();
    let done = client
        .payment_order_detail(|q| q.payeeuid("PAY0001"))
        .await
        .unwrap();
    assert_eq!(done.status, Some(PaymentOrderStatus::Transferred));

    // A test account whose payment result is Error: automatic, money back.
    client
        .customer_create(bank_customer(
            "u003",
            "5123450000000003",
            "SA0000000000000000000003",
        ))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/u003", 1).await;
    client
        .payment_order_create(payment_order("u003", "PAY0002", "50.00"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/orders/PAY0002", 2).await;
    let balances = client.merchant_balance().await.unwrap();
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(100_000_000 - 1875))
    );
    common::eventually(10, || {
        (common::notifications_for(&sandbox, "SALARY_STATUS_CHANGE")
            .iter()
            .filter(|n| n["status"] == "delivered")
            .count()
            == 2)
            .then_some(())
    })
    .await;
    let orders = client.payment_order_list(|q| q.status(2i64)).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].payeeuid.as_deref(), Some("PAY0002"));

    // Business codes.
    assert_eq!(
        code(
            client
                .customer_create(bank_customer(
                    "u001",
                    "5123450000000001",
                    "SA0000000000000000000001"
                ))
                .await
        ),
        1302
    );
    assert_eq!(
        code(
            client
                .payment_order_create(payment_order("u001", "PAY0001", "1.00"))
                .await
        ),
        1401
    );
    assert_eq!(
        code(
            client
                .payment_order_create(payment_order("nobody", "PAY0009", "1.00"))
                .await
        ),
        1101
    );
    sandbox.admin().set_sgate_balance("SAR", "5").await.unwrap();
    assert_eq!(
        code(
            client
                .payment_order_create(payment_order("u001", "PAY0010", "5.01"))
                .await
        ),
        1402
    );
    assert_eq!(
        code(
            client
                .payment_order_create(
                    payment_order("u001", "PAY0011", "1.00").paymentmethod("STCPay")
                )
                .await
        ),
        1403
    );
}

#[tokio::test]
async fn rapid_orders_approve_the_customer_and_pay_by_test_account() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let rapid = client
        .payment_order_rapid(
            types::PaymentOrderRapidParam::builder()
                .mercustomid("u0043")
                .payeeuid("RAPID1")
                .amount("33.33")
                .currency("SAR")
                .paymentmethod("STCPay")
                .stcaccount("0512345678"),
        )
        .await
        .unwrap();
    assert_eq!(rapid.trantype.as_ref().map(|t| t.as_str()), Some("rapid"));
    let info = rapid.custominfo.unwrap();
    assert_eq!(info.status, Some(CustomerStatus::Normal));
    assert_eq!(info.stcaccount.unwrap().expose(), "0512345678");
    wait_status(&sandbox, "sgate/orders/RAPID1", 1).await;
}
