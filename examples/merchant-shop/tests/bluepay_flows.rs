mod common;

use paybind::bluepay::PayoutCreateReconciled as PayoutOutcome;
use paybind::bluepay::{types, TransactionStatus};
use paybind::money::Amount;
use paybind_sandbox::{Fault, Gateway};
use shop::bluepay_payout::{create_payout, BankPayout};
use shop::web::LedgerEntry;

fn payout(order_id: &str, satang: i64) -> BankPayout {
    BankPayout {
        order_id: order_id.into(),
        idempotency_id: format!("IDEM{order_id}"),
        amount: Amount::from_minor_units(satang),
        bank_code: "014".into(),
        account_no: "1234567890".into(),
        account_name: "Somchai Jaidee".into(),
        tax_id: "1101700203451".into(),
        mobile: "0812345678".into(),
    }
}

fn payout_done(order: &str) -> impl Fn(&LedgerEntry) -> bool + '_ {
    move |e| matches!(e, LedgerEntry::PayoutDone { order: o, .. } if o == order)
}

#[tokio::test]
async fn payout_completes_and_is_notified() {
    let w = common::world().await;
    let outcome = create_payout(&w.bluepay, &payout("PO100001", 150_000))
        .await
        .unwrap();
    assert!(matches!(outcome, PayoutOutcome::Created(_)), "{outcome:?}");

    let done = common::recorded(&w.state, payout_done("PO100001")).await;
    assert_eq!(
        done,
        LedgerEntry::PayoutDone {
            order: "PO100001".into(),
            ok: true
        }
    );
    let status = w
        .bluepay
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("PO100001"))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Completed);
    assert_eq!(status.amount, Some(Amount::from_minor_units(150_000)));
}

#[tokio::test]
async fn payout_ending_in_04_fails() {
    let w = common::world().await;
    let outcome = create_payout(&w.bluepay, &payout("PO100004", 150_004))
        .await
        .unwrap();
    assert!(matches!(outcome, PayoutOutcome::Created(_)), "{outcome:?}");

    let done = common::recorded(&w.state, payout_done("PO100004")).await;
    assert_eq!(
        done,
        LedgerEntry::PayoutDone {
            order: "PO100004".into(),
            ok: false
        }
    );
    let status = w
        .bluepay
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("PO100004"))
        .await
        .unwrap();
    assert_eq!(status.transaction_status, TransactionStatus::Failed);
    println!(
        "failed payout: code {:?}, message {:?}",
        status.failed_code, status.failed_message
    );
}

#[tokio::test]
async fn lost_answer_is_reconciled_not_resent() {
    let w = common::world().await;
    // The payout is committed, then the connection drops: the shop never hears the answer.
    w.sandbox
        .admin()
        .set_faults(&[Fault::new(Gateway::BluePay, "payout_create")
            .drop_connection()
            .after_commit()
            .times(1)])
        .await
        .unwrap();
    let outcome = create_payout(&w.bluepay, &payout("PO100777", 20_000))
        .await
        .unwrap();
    let PayoutOutcome::AlreadyThere(status) = outcome else {
        panic!("expected reconciliation: {outcome:?}")
    };
    assert_eq!(status.mch_order_id, "PO100777");

    // Running the same payout again (say after a crash) finds it too, and pays nothing twice.
    let again = create_payout(&w.bluepay, &payout("PO100777", 20_000))
        .await
        .unwrap();
    assert!(matches!(again, PayoutOutcome::AlreadyThere(_)), "{again:?}");
    let payouts: Vec<_> = w
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| {
            r.param_text
                .as_deref()
                .is_some_and(|p| p.contains("PO100777"))
        })
        .collect();
    println!("requests naming PO100777: {}", payouts.len());
}

#[tokio::test]
async fn invalid_payout_is_refused_before_sending() {
    let w = common::world().await;
    let mut p = payout("PO-BAD-1", 100);
    p.mobile = "12345".into();
    let err = create_payout(&w.bluepay, &p).await.unwrap_err();
    println!("invalid payout error: {err}\n  debug: {err:?}");
    let mut p = payout("PO-BAD-1", 100);
    p.idempotency_id = "short".into();
    let err = create_payout(&w.bluepay, &p).await.unwrap_err();
    println!("invalid payout error: {err}\n  debug: {err:?}");
}

#[tokio::test]
async fn qr_code_paid_through_admin_api_reaches_the_webhook() {
    let w = common::world().await;
    let notify_url = format!("{}/bluepay/notify", w.shop_url);
    let qr = shop::create_qr(
        &w.bluepay,
        "QR100001",
        Amount::from_minor_units(50_020),
        &notify_url,
    )
    .await
    .unwrap();
    assert!(qr.qr_code_content.is_some());

    w.sandbox
        .admin()
        .pay_qr(Gateway::BluePay, "QR100001")
        .await
        .unwrap();

    let paid = common::recorded(&w.state, |e| matches!(e, LedgerEntry::QrPaid { .. })).await;
    assert_eq!(
        paid,
        LedgerEntry::QrPaid {
            order: "QR100001".into(),
            satang: 50_020
        }
    );
}
