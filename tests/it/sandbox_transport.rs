//! The sandbox's transport, both ways: a fault injected after the gateway committed (the
//! payout exists, its answer is lost) and the sandbox's own HTTP client, which delivers
//! notifications and follows no redirect.

use std::sync::atomic::Ordering;
use std::time::Duration;

use paybind::bluepay::{types, Client, Error, ResultCode};
use serde_json::{json, Value};

use crate::common::{self, raw_server};

fn payout(mch: &str, amount: i64) -> Value {
    json!({
        "mchOrderId": mch, "idempotencyId": format!("IDEMP{mch}"), "amount": amount,
        "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"
    })
}

async fn fault(sandbox: &paybind_sandbox::Sandbox, fault: Value) {
    sandbox
        .admin()
        .put("faults", fault)
        .await
        .expect("fault set");
}

#[tokio::test]
async fn a_fault_after_commit_loses_the_answer_and_keeps_the_payout() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config().timeout(Duration::from_millis(400))).unwrap();
    let status = |mch: &'static str| {
        let client = client.clone();
        async move {
            client
                .payout_status(types::PayoutStatusParam::builder().mch_order_id(mch))
                .await
        }
    };
    let cases = [
        ("AFTER1", json!({"drop_connection": true})),
        ("AFTER2", json!({"http_status": 502})),
        ("AFTER3", json!({"latency_ms": 1200})),
    ];
    for (mch, kind) in cases {
        let mut set = kind.clone();
        set["gateway"] = json!("bluepay");
        set["operation"] = json!("payout_create");
        set["after_commit"] = json!(true);
        set["times"] = json!(1);
        fault(&sandbox, set).await;
        let err = client
            .call_json("payout_create", payout(mch, 100))
            .await
            .unwrap_err();
        assert!(err.may_have_been_sent(), "{mch}: {err:?}");
        // The gateway committed: the status query finds it, a repeat is refused.
        let found = status(mch).await.expect("the payout exists");
        assert_eq!(found.mch_order_id, mch);
        let again = client
            .call_json("payout_create", payout(mch, 100))
            .await
            .unwrap_err();
        assert_eq!(
            again.code(),
            Some(ResultCode::DuplicateMchOrderId),
            "{kind}"
        );
    }
    // The same faults before the commit leave nothing behind.
    fault(
        &sandbox,
        json!({"gateway": "bluepay", "operation": "payout_create", "drop_connection": true, "times": 1}),
    )
    .await;
    let err = client
        .call_json("payout_create", payout("BEFORE1", 100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let err = status("BEFORE1").await.unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::TransactionNotFound));
    let orders = sandbox.admin().get("objects").await.unwrap();
    let payouts: Vec<&str> = orders["bluepay"]["objects"]["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["mchOrderId"].as_str())
        .collect();
    assert_eq!(payouts, ["AFTER1", "AFTER2", "AFTER3"]);
}

#[tokio::test]
async fn notifications_follow_no_redirect() {
    let (elsewhere, elsewhere_hits) = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n{\"code\":10000,\"message\":\"Success\"}"
            .to_vec(),
    )
    .await;
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {elsewhere}/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let (merchant, merchant_hits) = raw_server(redirect.into_bytes()).await;
    let sandbox = common::sandbox().await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"bluepay_payout_notify_url": format!("{merchant}/notify")}),
        )
        .await
        .unwrap();
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    client
        .call_json("payout_create", payout("REDIRECTED1", 100))
        .await
        .unwrap();
    // Every attempt (five, see common::config) meets the 307 and is given up; had one followed
    // it, the other server's acknowledgement would have made it "delivered".
    let notification = common::settled_notification(&sandbox, "disbursement.success").await;
    assert_eq!(notification["status"], "failed", "{notification}");
    let attempts = notification["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 5, "{notification}");
    assert!(attempts
        .iter()
        .all(|a| a["http_status"] == 307 && a["acknowledged"] == false));
    assert_eq!(merchant_hits.load(Ordering::SeqCst), 5);
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the signed notification went where the 307 pointed"
    );
}
