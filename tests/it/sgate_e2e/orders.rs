//! Payment orders, and the conditional rules that stop a request before it is sent.

use super::*;

#[tokio::test]
async fn payment_orders_create_list_detail_rapid() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(bank_customer("u004", "5123450000000001", "1234567892"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/u004", 1).await;
    let order = client
        .payment_order_create(order_param())
        .await
        .expect("create");
    let sent = last(&sandbox);
    assert!(independently_signed(&sent));
    assert_eq!(
        json_of(&sent),
        json!({"amount":2002,"currency":"SAR","mercustomid":"u004","payeeuid":"TEST1234567aa12sd2","paymentmethod":"bankTransfer"})
    );
    // Amounts exact, custominfo decrypted (object-shaped sensitiveFields).
    assert!(order.ticketid.is_some());
    assert_eq!(order.amount, Some(Decimal2::from_minor_units(200_200)));
    assert_eq!(order.fee, Some(Decimal2::from_minor_units(10_010)));
    assert_eq!(order.realamount, Some(Decimal2::from_minor_units(190_190)));
    let info = order.custominfo.as_ref().expect("custominfo");
    assert_eq!(info.cardno.as_ref().unwrap().expose(), "5123450000000001");
    assert_eq!(info.signpic.as_ref().unwrap().expose(), "");
    assert_eq!(
        order.status,
        Some(paybind::sgate::PaymentOrderStatus::Pending)
    );

    let orders = client
        .payment_order_list(|q| q.payeeuid("TEST1234567aa12sd2"))
        .await
        .expect("list");
    assert_eq!(orders[0].fee, Some(Decimal2::from_minor_units(10_010)));
    let detail = client
        .payment_order_detail(|q| q.payeeuid("TEST1234567aa12sd2"))
        .await
        .expect("detail");
    assert_eq!(detail.ticketid, order.ticketid);

    let rapid = client
        .payment_order_rapid(
            types::PaymentOrderRapidParam::builder()
                .mercustomid("u0043")
                .payeeuid("payeeuid1")
                .amount("33.33")
                .currency("SAR")
                .paymentmethod("STCPay")
                .stcaccount("512345678"),
        )
        .await
        .expect("rapid");
    let sent = last(&sandbox);
    assert_eq!(json_of(&sent)["amount"], json!(33.33));
    assert_eq!(decrypted(&sent, "stcaccount").as_deref(), Some("512345678"));
    assert_eq!(rapid.trantype.as_ref().map(|t| t.as_str()), Some("rapid"));
    let info = rapid.custominfo.as_ref().unwrap();
    assert_eq!(info.identity.as_ref().unwrap().expose(), "");
    assert_eq!(info.stcaccount.as_ref().unwrap().expose(), "512345678");
}

#[tokio::test]
async fn conditional_rules_stop_the_request_and_name_the_field() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    // STCPay pays SAR only.
    let err = client
        .payment_order_create(order_param().currency("KWD").paymentmethod("STCPay"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "currency"),
        "{err}"
    );
    assert!(!err.may_have_been_sent());
    // One of customid / mercustomid.
    let err = client
        .payment_order_create(order_param().mercustomid_option(None::<&str>))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "customid"),
        "{err}"
    );
    // Rapid: bankTransfer needs names, bank and IBAN. (KWD/AED's address-or-swiftcode rule is about
    // the customer record, which SGATE checks: see fidelity.rs.)
    let rapid = || {
        types::PaymentOrderRapidParam::builder()
            .mercustomid("u1")
            .payeeuid("p1")
            .amount("1")
            .paymentmethod("bankTransfer")
            .name_e("a")
            .name_a("a")
            .bankcode("30011")
            .ibanaccount("KW81CBKU0000000000001234560101")
    };
    let err = client
        .payment_order_rapid(rapid().currency("SAR").ibanaccount_option(None::<&str>))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "ibanaccount"),
        "{err}"
    );
    // Format of a sensitive member is checked on the plaintext.
    let err = client
        .payment_order_rapid(rapid().currency("SAR").cardno("12ab"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "cardno"),
        "{err}"
    );
    // A bank account is bankcode + cardno + ibanaccount together.
    let err = client
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("a")
                .name_a("a")
                .mercustomid("u9")
                .identity("1012345678")
                .cardno("5123450000000001"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Validation(e) => {
            assert_eq!(e.field, "bankcode");
            assert!(e.reason.contains("when cardno is given"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // GET: operation-level rule, parameter bounds.
    let err = client.customer_detail(|q| q).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "customid"),
        "{err}"
    );
    let err = client
        .customer_list(|q| q.pagesize(101u64))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "pagesize"),
        "{err}"
    );
    let err = client
        .customer_list(|q| q.stcaccount("12345"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "stcaccount"),
        "{err}"
    );
    let err = client.customer_list(|q| q.pageno(0u64)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "pageno"),
        "{err}"
    );
    assert!(sandbox.requests().is_empty(), "nothing was sent");
    // Amounts keep two decimals at most.
    assert!("1.005".parse::<Decimal2>().is_err());
}
