//! Duplicates, unknown transactions and the balance; payouts that complete or fail by amount
//! and are notified.

use super::*;

#[tokio::test]
async fn duplicates_unknown_transactions_and_balance() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    client
        .qr_code_create(qr("DUP1", 1000, "http://127.0.0.1:9/n"))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .qr_code_create(qr("DUP1", 1000, "http://127.0.0.1:9/n"))
                .await
        ),
        21007
    );
    // mchOrderId is unique across order kinds.
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("DUP1", "IDEM000000001", 100))
                .await
        ),
        21007
    );
    client
        .call_json("payout_create", payout("PAYOUT1", "IDEM000000001", 100))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("PAYOUT2", "IDEM000000001", 100))
                .await
        ),
        21015
    );
    assert_eq!(
        code(
            client
                .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("NOPE"))
                .await
        ),
        21006
    );
    assert_eq!(
        code(
            client
                .payout_status(types::PayoutStatusParam::builder().mch_order_id("NOPE"))
                .await
        ),
        21006
    );
    // Balance THB 10,000.00 minus the pending payout of 1.00; more than that is refused.
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap();
    assert_eq!(balance.balance.minor_units(), Some(999_900));
    assert_eq!(
        code(
            client
                .call_json("payout_create", payout("PAYOUT3", "IDEM000000003", 999_901))
                .await
        ),
        21014
    );
}

#[tokio::test]
async fn payouts_complete_or_fail_by_amount_and_notify() {
    let sandbox = common::sandbox().await;
    let receiver = common::Receiver::start(0).await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"bluepay_payout_notify_url": receiver.url("/payout")}),
        )
        .await
        .unwrap();
    let client = client(&sandbox);
    client
        .call_json("payout_create", payout("OK0001", "IDEM00000000A", 5000))
        .await
        .unwrap();
    client
        .call_json("payout_create", payout("FAIL0001", "IDEM00000000B", 5004))
        .await
        .unwrap();
    client
        .call_json("payout_create", payout("WAIT0001", "IDEM00000000C", 5099))
        .await
        .unwrap();
    let verifier = client.notifications().clone();
    common::eventually(10, || (receiver.processed().len() == 2).then_some(())).await;
    let mut events = Vec::new();
    for hit in receiver.processed() {
        match verifier.verify(&hit.body).expect("genuine") {
            Notification::Payout(p) => events.push((
                p.mch_order_id.to_string(),
                p.event_name.to_string(),
                p.failed_code.map(|c| c.code()),
            )),
            other => panic!("{other:?}"),
        }
    }
    events.sort();
    assert_eq!(
        events,
        [
            (
                "FAIL0001".to_string(),
                "disbursement.failed".to_string(),
                Some(-10004)
            ),
            (
                "OK0001".to_string(),
                "disbursement.success".to_string(),
                None
            ),
        ]
    );
    let status = client
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("WAIT0001"))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        bluepay::TransactionStatus::Pending
    );
    // The failed payout's money came back; the pending one is still held.
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap();
    assert_eq!(balance.balance.minor_units(), Some(1_000_000 - 5000 - 5099));
    // An admin call decides the pending one.
    sandbox
        .admin()
        .fail_payout(
            Gateway::BluePay,
            "WAIT0001",
            &Failure {
                failed_code: Some(-10001),
                ..Failure::default()
            },
        )
        .await
        .unwrap();
    let status = client
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("WAIT0001"))
        .await
        .unwrap();
    assert_eq!(
        status.transaction_status,
        bluepay::TransactionStatus::Failed
    );
    assert_eq!(status.failed_code.map(|c| c.code()), Some(-10001));
}
