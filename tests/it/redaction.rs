//! Issue 11, item 5: what an error keeps of an answer shows no sensitive value. The members the
//! spec marks `x-sensitive` and those the answer's own `sensitiveFields` names are redacted in
//! `raw_body()`, `Display`, `Debug` and the command line's JSON; the API KEY SGATE echoes in
//! `V-Api-Key` is not in `Debug`, nor is the `ApiKey` a client is given. The bytes as received
//! stay behind `RawBody::expose`.

use paybind::sgate::Error;
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::sgate_support::{self, encrypt_for_merchant, API_KEY};

/// A value SGATE's docs do not name sensitive, but this answer's `sensitiveFields` does.
const ONLY_THE_ANSWER_SAYS: &str = "SA4420000001234567891234";

async fn fault(sandbox: &Sandbox, operation: &str, fault: Value) {
    let mut f = json!({"gateway": "sgate", "operation": operation, "times": 1});
    f.as_object_mut()
        .unwrap()
        .extend(fault.as_object().unwrap().clone());
    sandbox.admin().put("faults", f).await.expect("fault");
}

/// An error answer (1401) whose `data` carries sensitive members: `cardno` (marked in the spec
/// and named by the answer), `stcaccount` (marked in the spec only), `ibanaccount` (named by the
/// answer only), and `identity` empty ("none").
fn error_answer(cardno: &str, stcaccount: &str) -> Value {
    json!({"body": {"code": 1401, "message": "payeeuid exists", "requestId": "R1",
        "data": {"custominfo": {"cardno": cardno, "stcaccount": stcaccount, "identity": "",
            "ibanaccount": ONLY_THE_ANSWER_SAYS, "name_e": "usera"}},
        "sensitiveFields": {"custominfo": ["cardno", "ibanaccount"]}}})
}

#[tokio::test]
async fn an_error_keeps_the_answer_with_its_sensitive_members_redacted() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let cardno = encrypt_for_merchant("5123450000000001");
    let stcaccount = encrypt_for_merchant("+966512345678");
    fault(
        &sandbox,
        "merchant_balance",
        error_answer(&cardno, &stcaccount),
    )
    .await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Api(_)), "{err:?}");
    assert_eq!(err.code().map(|c| c.code()), Some(1401));

    let shown: Value = serde_json::from_slice(err.raw_body().expect("kept")).unwrap();
    let info = &shown["data"]["custominfo"];
    assert_eq!(info["cardno"], "[redacted]");
    assert_eq!(
        info["stcaccount"], "[redacted]",
        "marked x-sensitive in the spec"
    );
    assert_eq!(
        info["ibanaccount"], "[redacted]",
        "named by sensitiveFields"
    );
    assert_eq!(
        info["identity"], "",
        "an empty member says 'none' and stays"
    );
    assert_eq!(info["name_e"], "usera");
    assert_eq!(shown["requestId"], "R1");
    for output in [format!("{err}"), format!("{err:?}"), shown.to_string()] {
        for secret in [&cardno, &stcaccount, ONLY_THE_ANSWER_SAYS] {
            assert!(!output.contains(secret), "{secret} in {output}");
        }
    }

    // Asked for explicitly, the bytes as received.
    let raw = err.raw().expect("kept");
    assert!(raw.is_redacted());
    let received: Value = serde_json::from_slice(raw.expose()).unwrap();
    assert_eq!(received["data"]["custominfo"]["cardno"], cardno.as_str());
    assert_eq!(
        received["data"]["custominfo"]["ibanaccount"],
        ONLY_THE_ANSWER_SAYS
    );
}

#[tokio::test]
async fn a_refused_answer_keeps_no_api_key_in_debug() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    fault(
        &sandbox,
        "merchant_balance",
        json!({"bad_signature": "corrupt"}),
    )
    .await;
    let err = client.merchant_balance().await.unwrap_err();
    let Error::BadSignature { response, .. } = &err else {
        panic!("{err:?}")
    };
    // The header is kept (readable on purpose), but shown by no output.
    let echoed = response
        .headers
        .get("v-api-key")
        .expect("SGATE echoes V-Api-Key");
    assert_eq!(echoed, API_KEY);
    assert!(echoed.is_sensitive());
    for output in [format!("{err}"), format!("{err:?}")] {
        assert!(!output.contains(API_KEY), "{output}");
    }
}

#[tokio::test]
async fn a_decode_error_never_quotes_a_decrypted_value() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    // The answer's plan names `created_at` (a number in the model): decrypted, it is text the
    // model refuses — serde's message would quote the plaintext.
    let secret = "5123450000000001";
    fault(
        &sandbox,
        "customer_detail",
        json!({"body": {"code": 200, "message": "ok", "requestId": "R2",
            "data": {"created_at": encrypt_for_merchant(secret)},
            "sensitiveFields": ["created_at"]}}),
    )
    .await;
    let err = client
        .customer_detail(|q| q.mercustomid("u1"))
        .await
        .unwrap_err();
    let Error::Decode { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        reason.starts_with("data.created_at: invalid type, expected"),
        "{reason}"
    );
    for output in [format!("{err}"), format!("{err:?}")] {
        assert!(!output.contains(secret), "{output}");
    }
}

#[test]
fn secrets_stay_out_of_debug() {
    assert_eq!(
        format!("{:?}", paybind::sgate::ApiKey::new("k-123")),
        "ApiKey(redacted)"
    );
    // A nonce is no secret: it is shown.
    assert_eq!(
        format!("{:?}", paybind::sgate::FixedNonce("n".into())),
        "FixedNonce(\"n\")"
    );
}
