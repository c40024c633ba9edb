mod common;

use paybind::money::Decimal2;
use paybind::sgate::types;
use shop::sgate_payout::{create_sar_order, Payee};
use shop::web::LedgerEntry;

#[tokio::test]
async fn sgate_payout_to_approved_customer_calls_back() {
    let w = common::world().await;
    // An existing customer: a documented sandbox test account, approved automatically.
    let customer = w
        .sgate
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("Test Payee")
                .name_a("Test Payee")
                .mercustomid("cust-0001")
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

    let order = create_sar_order(
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
