//! The request pipeline's stages, seen from outside: a request is prepared (stamped, validated)
//! and sealed, an answer opened before anything in it is parsed, and one that does not open is
//! the typed error — with one way in for every call (there is no second, generated client).

use crate::common;

use paybind::bluepay::{types, Client};
use serde_json::json;

#[tokio::test]
async fn an_envelope_call_is_stamped_signed_and_unwrapped() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("sealed, sent and opened");
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
async fn an_envelope_business_failure_is_the_typed_error() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    let fault = json!({"gateway": "bluepay", "operation": "balance_inquiry", "error_code": 10001, "times": 1});
    sandbox.admin().put("faults", fault).await.unwrap();
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(10001), "{err:?}");
    assert!(err.to_string().contains("10001"), "{err}");
}

#[cfg(feature = "sgate")]
#[tokio::test]
async fn an_sgate_get_with_a_forged_answer_is_never_parsed() {
    let sandbox = crate::sgate_support::sandbox().await;
    let client = crate::sgate_support::client(&sandbox);
    let fault = json!({"gateway": "sgate", "operation": "merchant_balance", "bad_signature": "corrupt", "times": 1});
    sandbox.admin().put("faults", fault).await.unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, paybind::sgate::Error::BadSignature { .. }),
        "{err:?}"
    );
}

/// The param text a BluePay JT `direct_debit_token_apply` with `param` signed, as the sandbox
/// logged it; the client's clock is fixed at 1 700 000 000 000 ms.
#[cfg(feature = "bluepay-jt")]
async fn signed_jt_param(sandbox: &paybind_sandbox::Sandbox, param: serde_json::Value) -> String {
    let config = sandbox
        .bluepay_jt_config()
        .clock(paybind::clock::FixedClock(1_700_000_000_000));
    let client = paybind::bluepay_jt::Client::new(config).unwrap();
    // The answer does not matter (the sandbox's window may refuse the 2023 clock): the param is
    // logged as received before anything is checked.
    let _ = client.call_json("direct_debit_token_apply", param).await;
    let logged = sandbox.requests().pop().expect("the request arrived");
    assert_eq!(logged.operation, "direct_debit_token_apply");
    logged.param_text.expect("the param text is logged")
}

/// An envelope request is stamped with `timestamp` where the model orders it (by name, inside
/// the param, so the signed bytes are the model's order); a timestamp the caller gives is kept,
/// a `null` one replaced.
#[cfg(feature = "bluepay-jt")]
#[tokio::test]
async fn the_timestamp_is_stamped_where_the_model_orders_it() {
    let sandbox = common::sandbox().await;
    let param = |timestamp: Option<serde_json::Value>| {
        let mut param = json!({});
        if let Some(timestamp) = timestamp {
            param["timestamp"] = timestamp;
        }
        for (name, value) in [
            ("channelCode", "BLUEPAY_DIRECT_DEBIT"),
            ("notifyUrl", "https://merchant.example/notify"),
            ("redirectUrl", "https://merchant.example/back"),
            ("requestId", "REQ0001"),
            ("terminalType", "WEB"),
            ("userId", "u0009"),
        ] {
            param[name] = json!(value);
        }
        param
    };
    let expected = |timestamp: &str| {
        format!(
            r#"{{"channelCode":"BLUEPAY_DIRECT_DEBIT","notifyUrl":"https://merchant.example/notify","redirectUrl":"https://merchant.example/back","requestId":"REQ0001","terminalType":"WEB","timestamp":{timestamp},"userId":"u0009"}}"#
        )
    };
    // Stamped between terminalType and userId, as the model orders its members.
    assert_eq!(
        signed_jt_param(&sandbox, param(None)).await,
        expected("1700000000000")
    );
    // A `null` (given first) is replaced, in the model's place.
    assert_eq!(
        signed_jt_param(&sandbox, param(Some(serde_json::Value::Null))).await,
        expected("1700000000000")
    );
    // A timestamp the caller gives is kept.
    let given = signed_jt_param(&sandbox, param(Some(json!(1_726_139_239)))).await;
    let given: serde_json::Value = serde_json::from_str(&given).unwrap();
    assert_eq!(given["timestamp"], 1_726_139_239, "{given}");
}
