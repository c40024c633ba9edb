mod common;

use paybind::money::Decimal2;
use paybind::sgate::types;
use paybind::sgate::PaymentOrderCreateReconciled as OrderOutcome;
use paybind_sandbox::{Fault, Gateway};
use shop::sgate_payout::{create_sar_order, Payee};
use shop::web::LedgerEntry;

/// An existing customer: a documented sandbox test account, approved automatically. Answers
/// its `customid` once the shop has recorded the approval callback.
async fn approved_customer(w: &common::World, mercustomid: &str) -> String {
    let customer = w
        .sgate
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("Test Payee")
                .name_a("Test Payee")
                .mercustomid(mercustomid)
                .identity("1012345678")
                .bankcode("1174c")
                .cardno("5123450000000001")
                .ibanaccount("SA0000000000000000000001"),
        )
        .await
        .unwrap();
    let customid = customer.customid.clone().unwrap();
    common::recorded(&w.state, |e| {
        matches!(e, LedgerEntry::SgateCustomer { customid: c, status } if *c == customid && status == "Normal")
    })
    .await;
    customid
}

#[tokio::test]
async fn sgate_payout_to_approved_customer_calls_back() {
    let w = common::world().await;
    approved_customer(&w, "cust-0001").await;

    let outcome = create_sar_order(
        &w.sgate,
        &Payee {
            mercustomid: Some("cust-0001"),
            customid: None,
        },
        "SHOP-SA-0001",
        "18.75".parse::<Decimal2>().unwrap(),
    )
    .await
    .unwrap();
    let OrderOutcome::Created(order) = outcome else {
        panic!("a new order is created: {outcome:?}")
    };
    println!(
        "order {:?} status {:?} fee {:?}",
        order.ticketid, order.status, order.fee
    );

    let done = common::recorded(&w.state, |e| {
        matches!(e, LedgerEntry::SgateOrder { payeeuid, status } if payeeuid == "SHOP-SA-0001" && status != "Pending")
    })
    .await;
    assert_eq!(
        done,
        LedgerEntry::SgateOrder {
            payeeuid: "SHOP-SA-0001".into(),
            status: "Transferred".into()
        }
    );
}

#[tokio::test]
async fn sgate_order_without_customer_id_is_refused_locally() {
    let w = common::world().await;
    let err = create_sar_order(
        &w.sgate,
        &Payee::default(),
        "SHOP-SA-0002",
        "1.00".parse().unwrap(),
    )
    .await
    .unwrap_err();
    println!("no customer id: {err}\n  debug: {err:?}");
}

#[tokio::test]
async fn sgate_lost_answer_is_reconciled_not_paid_twice() {
    let w = common::world().await;
    let customid = approved_customer(&w, "cust-0003").await;
    // The order is committed, then the connection drops: the shop never hears the answer.
    w.sandbox
        .admin()
        .set_faults(&[Fault::new(Gateway::Sgate, "payment_order_create")
            .drop_connection()
            .after_commit()
            .times(1)])
        .await
        .unwrap();
    let payee = Payee {
        mercustomid: Some("cust-0003"),
        customid: None,
    };
    let amount: Decimal2 = "25.00".parse().unwrap();
    let outcome = create_sar_order(&w.sgate, &payee, "SHOP-SA-0003", amount)
        .await
        .unwrap();
    assert!(
        matches!(outcome, OrderOutcome::AlreadyThere(_)),
        "{outcome:?}"
    );

    // Running the same order again (say after a crash) finds it too.
    let again = create_sar_order(&w.sgate, &payee, "SHOP-SA-0003", amount)
        .await
        .unwrap();
    assert!(matches!(again, OrderOutcome::AlreadyThere(_)), "{again:?}");
    let orders = w
        .sgate
        .payment_order_list(|q| q.customids(&customid))
        .await
        .unwrap();
    let paid: Vec<_> = orders
        .iter()
        .filter(|o| o.payeeuid.as_deref() == Some("SHOP-SA-0003"))
        .collect();
    assert_eq!(paid.len(), 1, "one order, not two: {orders:?}");
}
