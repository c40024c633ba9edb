//! `Error::outcome_unknown()`: true exactly when the gateway may have acted and paybind does not
//! know whether it did. Each case is made for real against the sandbox (or a closed port) and
//! the predicate checked, so a variant moved to the wrong side fails here.

use std::time::Duration;

use paybind::bluepay::{self, Client, Config, Environment};
use paybind::keys::PrivateKey;
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::{common, sgate_support};

/// A BluePay client of the sandbox with a short timeout.
fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.bluepay_config().timeout(Duration::from_millis(700))).expect("client")
}

/// What `payout_create` says with `fault` in place: (outcome unknown, the error's `Debug`).
async fn payout_outcome(sandbox: &Sandbox, id: &str, fault_body: Value) -> (bool, String) {
    common::fault_once(sandbox, "bluepay", "payout_create", fault_body).await;
    let error = client(sandbox)
        .payout_create(common::bluepay_payout(id))
        .await
        .expect_err("the fault makes it fail");
    (error.outcome_unknown(), format!("{error:?}"))
}

#[tokio::test]
async fn an_answer_is_a_known_outcome_even_a_refusal() {
    let sandbox = common::sandbox().await;
    let (unknown, error) = payout_outcome(&sandbox, "OU0001", json!({"error_code": 21014})).await;
    assert!(error.starts_with("Api("), "{error}");
    assert!(!unknown, "a refusal is an answer: {error}");
    let (unknown, error) = payout_outcome(&sandbox, "OU0002", json!({"http_status": 400})).await;
    assert!(error.starts_with("Http"), "{error}");
    assert!(!unknown, "a 4xx is a refusal: {error}");
}

#[tokio::test]
async fn nothing_sent_is_a_known_outcome() {
    let sandbox = common::sandbox().await;
    let invalid = common::bluepay_payout("OU0003").amount(-5);
    let error = client(&sandbox).payout_create(invalid).await.unwrap_err();
    assert!(matches!(error, bluepay::Error::Validation(_)), "{error:?}");
    assert!(!error.outcome_unknown());

    // A port nobody listens on: the connection was never established.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let key = PrivateKey::from_file(common::fixture("merchant-2048.pem")).unwrap();
    let config = Config::new(
        Environment::Url(closed),
        "app",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(0);
    let error = Client::new(config)
        .unwrap()
        .payout_create(common::bluepay_payout("OU0004"))
        .await
        .unwrap_err();
    assert!(!error.may_have_been_sent(), "{error:?}");
    assert!(!error.outcome_unknown(), "{error:?}");
}

#[tokio::test]
async fn no_answer_or_an_unreadable_one_is_unknown() {
    let sandbox = common::sandbox().await;
    for (id, fault_body, variant) in [
        ("OU0005", json!({"http_status": 503}), "Http"),
        ("OU0006", json!({"drop_connection": true}), "Transport"),
        (
            "OU0007",
            json!({"drop_connection": true, "after_commit": true}),
            "Transport",
        ),
        ("OU0008", json!({"latency_ms": 2000}), "Timeout"),
        ("OU0009", json!({"malformed_json": true}), "Decode"),
    ] {
        let (unknown, error) = payout_outcome(&sandbox, id, fault_body).await;
        assert!(error.starts_with(variant), "{id}: {error}");
        assert!(unknown, "{id}: {error}");
    }
}

#[tokio::test]
async fn an_sgate_answer_that_does_not_verify_is_unknown_an_unsigned_refusal_is_known() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    common::fault_once(
        &sandbox,
        "sgate",
        "merchant_balance",
        json!({"bad_signature": "corrupt"}),
    )
    .await;
    let error = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(error, paybind::sgate::Error::BadSignature { .. }),
        "{error:?}"
    );
    assert!(error.outcome_unknown());

    common::fault_once(
        &sandbox,
        "sgate",
        "merchant_balance",
        json!({"bad_signature": "empty"}),
    )
    .await;
    let error = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(error, paybind::sgate::Error::Authentication { .. }),
        "{error:?}"
    );
    assert!(!error.outcome_unknown());
}
