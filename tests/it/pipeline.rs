//! The generated clients used directly (`Client::generated()`) take the same pipeline stages
//! through progenitor's hooks: a request is prepared (stamped, validated) and sealed, an answer
//! is opened before progenitor parses it, and one that does not open is never parsed.

use crate::common;

use paybind::bluepay::{types, Client};
use serde_json::json;

#[tokio::test]
async fn generated_envelope_call_is_stamped_signed_and_unwrapped() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    let answer = client
        .generated()
        .balance_inquiry()
        .body(types::BalanceInquiryParam::builder())
        .send()
        .await
        .expect("the hooks seal the request and open the answer");
    assert_eq!(answer.code.code(), paybind::envelope::SUCCESS_CODE);
    let sent = sandbox.requests().pop().unwrap();
    assert!(sent.signature_ok, "{sent:?}");
    assert!(sent.param["timestamp"].is_i64(), "stamped: {}", sent.param);
    assert!(
        !sent.headers.contains_key("api-version"),
        "{:?}",
        sent.headers
    );
}

#[tokio::test]
async fn generated_envelope_call_refuses_a_business_failure_unparsed() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    let fault = json!({"gateway": "bluepay", "operation": "balance_inquiry", "error_code": 10001, "times": 1});
    sandbox.admin().put("faults", fault).await.unwrap();
    let err = client
        .generated()
        .balance_inquiry()
        .body(types::BalanceInquiryParam::builder())
        .send()
        .await
        .unwrap_err();
    // No status is invented: the body refuses to be read, with the reason.
    assert!(
        matches!(&err, progenitor_client::Error::ResponseBodyError(_)),
        "{err:?}"
    );
    let mut chain = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = cause {
        chain += &format!("{e}; ");
        cause = e.source();
    }
    assert!(chain.contains("gateway error 10001"), "{chain}");
}

#[cfg(feature = "sgate")]
#[tokio::test]
async fn generated_sgate_call_with_a_forged_answer_is_never_parsed() {
    let sandbox = crate::sgate_support::sandbox().await;
    let client = crate::sgate_support::client(&sandbox);
    let fault = json!({"gateway": "sgate", "operation": "merchant_balance", "bad_signature": "corrupt", "times": 1});
    sandbox.admin().put("faults", fault).await.unwrap();
    let err = client
        .generated()
        .merchant_balance()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, progenitor_client::Error::ResponseBodyError(_)),
        "{err:?}"
    );
    // The same call through the facade is the typed error, from the same hooks' slot.
    sandbox
        .admin()
        .put(
            "faults",
            json!({"gateway": "sgate", "operation": "merchant_balance", "bad_signature": "corrupt", "times": 1}),
        )
        .await
        .unwrap();
    assert!(matches!(
        client.merchant_balance().await,
        Err(paybind::sgate::Error::BadSignature { .. })
    ));
}
