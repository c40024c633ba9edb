//! One error type for every gateway: it is `Send + Sync`, and an SGATE failure of a GET (whose
//! query takes the same pipeline as a body) reaches the caller in SGATE's own code table with
//! its code, message and request id kept; a request that cannot be sealed is a `Signing` error,
//! sent nowhere.

use paybind::codes::Code as _;
use paybind::error::SealError;
use paybind::sgate::{Client, Config, Environment, Error, ResultCode};
use serde_json::json;

use crate::sgate_support;

fn assert_send_sync<T: Send + Sync + 'static>() {}

#[tokio::test]
async fn one_error_type_is_send_sync_and_keeps_codes_across_tables() {
    assert_send_sync::<Error>();
    #[cfg(feature = "bluepay")]
    assert_send_sync::<paybind::bluepay::Error>();
    #[cfg(feature = "bluepay-jt")]
    assert_send_sync::<paybind::bluepay_jt::Error>();

    // `merchant_balance` is a GET: its answer is opened and typed in SGATE's table directly.
    let sandbox = sgate_support::sandbox().await;
    let fault = json!({"gateway": "sgate", "operation": "merchant_balance", "times": 1,
        "body": {"code": 1401, "message": "dup", "requestId": "r1"}});
    sandbox.admin().put("faults", fault).await.expect("fault");
    let err = sgate_support::client(&sandbox)
        .merchant_balance()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::from_code(1401)));
    let code = err.code().expect("a code");
    assert_eq!(code.code(), 1401);
    assert_eq!(code.name(), "DuplicatePayeeUid", "named by SGATE's table");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.message, "dup");
    assert_eq!(api.request_id.as_deref(), Some("r1"));
    assert!(err.may_have_been_sent());

    let sealed: Error = SealError::Header("V-Api-Key").into();
    assert!(!sealed.may_have_been_sent());
    assert_eq!(
        sealed.to_string(),
        "request not signed: V-Api-Key is not a valid header value"
    );
}

/// The same refusal on a real call: an API KEY that is not a valid header value stops the
/// request at the seal, before anything reaches the gateway.
#[tokio::test]
async fn an_api_key_that_is_not_a_header_value_is_a_signing_error_sent_nowhere() {
    let sandbox = sgate_support::sandbox().await;
    let client = Client::new(Config::new(
        Environment::Url(sandbox.sgate_url()),
        "test-api-key\n0001",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .expect("client");
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, Error::Signing(SealError::Header("V-Api-Key"))),
        "{err:?}"
    );
    assert!(!err.may_have_been_sent());
    assert_eq!(err.code(), None);
    assert_eq!(
        err.to_string(),
        "request not signed: V-Api-Key is not a valid header value"
    );
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}
