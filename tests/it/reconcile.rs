//! The generated `<operation>_reconciled` methods (`x-reconcile` in the spec) against the
//! sandbox's faults: an answer lost after the gateway committed is found, a request dropped
//! before it committed is sent again, a duplicate is found — and the gateway ends up with the
//! order exactly once each time.

use paybind::bluepay;
use paybind::reconcile::Reconciled;
use paybind::sgate;
use paybind_sandbox::Sandbox;
use serde_json::json;

use crate::{common, sgate_support};

/// How many `operation` requests the sandbox ran to success (the answer may then have been
/// lost to a fault): each is one order the gateway has.
fn created(sandbox: &Sandbox, operation: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|request| request.operation == operation)
        .filter(|request| request.code == 10000 || request.code == 200)
        .count()
}

#[tokio::test]
async fn an_answer_lost_after_the_commit_is_found_not_sent_again() {
    let sandbox = common::sandbox().await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let drop_after = json!({"drop_connection": true, "after_commit": true});
    common::fault_once(&sandbox, "bluepay", "payout_create", drop_after).await;
    let outcome = client
        .payout_create_reconciled(common::bluepay_payout("RC0001"))
        .await
        .unwrap();
    let Reconciled::AlreadyThere(found) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(found.mch_order_id, "RC0001");
    assert_eq!(created(&sandbox, "payout_create"), 1, "sent once");
}

#[tokio::test]
async fn a_request_dropped_before_the_commit_is_sent_again_once() {
    let sandbox = common::sandbox().await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    common::fault_once(
        &sandbox,
        "bluepay",
        "payout_create",
        json!({"drop_connection": true}),
    )
    .await;
    let outcome = client
        .payout_create_reconciled(common::bluepay_payout("RC0002"))
        .await
        .unwrap();
    assert!(matches!(outcome, Reconciled::Resent(_)), "{outcome:?}");
    assert_eq!(
        created(&sandbox, "payout_create"),
        1,
        "the gateway has it once"
    );
}

#[tokio::test]
async fn a_duplicate_is_found_and_an_answer_is_the_outcome() {
    let sandbox = common::sandbox().await;
    let client = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let first = client
        .payout_create_reconciled(common::bluepay_payout("RC0003"))
        .await
        .unwrap();
    assert!(matches!(first, Reconciled::Created(_)), "{first:?}");
    let again = client
        .payout_create_reconciled(common::bluepay_payout("RC0003"))
        .await
        .unwrap();
    assert!(matches!(again, Reconciled::AlreadyThere(_)), "{again:?}");
    assert_eq!(created(&sandbox, "payout_create"), 1);
    // A refusal that is not a duplicate is the caller's to handle: no lookup, no resend.
    common::fault_once(
        &sandbox,
        "bluepay",
        "payout_create",
        json!({"error_code": 21014}),
    )
    .await;
    let refused = client
        .payout_create_reconciled(common::bluepay_payout("RC0004"))
        .await
        .unwrap_err();
    assert_eq!(refused.code().map(|c| c.code()), Some(21014));
}

#[tokio::test]
async fn sgate_payment_orders_reconcile_through_the_get_status_query() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(sgate_support::bank_customer(
            "rc-u1",
            "5123450000000001",
            "SA0000000000000000000001",
        ))
        .await
        .expect("customer");
    sandbox
        .admin()
        .post("sgate/customers/rc-u1/approve", json!({}))
        .await
        .expect("approved");
    let order = |uid: &str| sgate_support::payment_order("rc-u1", uid, "10.00");
    let drop_after = json!({"drop_connection": true, "after_commit": true});
    common::fault_once(&sandbox, "sgate", "payment_order_create", drop_after).await;
    let outcome = client
        .payment_order_create_reconciled(order("RC-SG-1"))
        .await
        .unwrap();
    let Reconciled::AlreadyThere(found) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(found.payeeuid.as_deref(), Some("RC-SG-1"));
    assert_eq!(created(&sandbox, "payment_order_create"), 1);
    let _: sgate::Error = client
        .payment_order_create(order("RC-SG-1"))
        .await
        .expect_err("the gateway has it: a plain repeat is refused as a duplicate");
}
