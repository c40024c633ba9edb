//! Every BluePay operation end to end over real HTTP against the sandbox, which verifies the
//! signature with the merchant public key and validates `param`; the tests check each param
//! again with an independent validator (`jsonschema`), and use the sandbox's fault injection
//! for the answers a real gateway gives only on a bad day.

use crate::common;

use std::time::Duration;

use paybind::bluepay::{self, types, Client, Config, Environment, ResultCode, TimestampUnit};
use paybind::clock::FixedClock;
use paybind::envelope::{Error, HashAlgorithm};
use paybind::keys::PrivateKey;
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";
const NOW_MS: i64 = 1_700_000_000_123;

fn merchant_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("../fixtures/merchant-2048.pem")).expect("fixture key")
}

/// The sandbox (no timestamp window: the tests use fixed clocks and the docs' examples) and a
/// client on it with a fixed clock.
async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig {
        bluepay_app_id: APP_ID.into(),
        timestamp_window: None,
        ..common::config()
    })
    .await
    .expect("sandbox");
    let config = sandbox.bluepay_config().clock(FixedClock(NOW_MS));
    (sandbox, Client::new(config).expect("client"))
}

/// Makes the next call of `operation` answer with `body` exactly.
async fn script(sandbox: &Sandbox, operation: &str, fault: Value) {
    let mut f = json!({"gateway": "bluepay", "operation": operation, "times": 1});
    f.as_object_mut()
        .unwrap()
        .extend(fault.as_object().unwrap().clone());
    sandbox.admin().put("faults", f).await.expect("fault");
}

fn request_example(op: &paybind::spec::Operation) -> Value {
    common::request_example(bluepay::spec(), op)
}

#[tokio::test]
async fn every_operation_reaches_the_gateway_signed_and_valid() {
    let (sandbox, client) = setup().await;
    // The signatures are checked by openssl too, not only by paybind's verifier in the sandbox.
    let dir = tempfile::tempdir().unwrap();
    let public = common::openssl_public_pem(dir.path(), "merchant-2048.pem");
    let mut covered = Vec::new();
    for op in bluepay::operations() {
        let example = request_example(op);
        let result = client.call_json(op.id, example.clone()).await;
        let seen = sandbox.requests().pop().expect("request logged");
        assert_eq!(seen.operation, op.id);
        assert!(seen.signature_ok, "{}: signature rejected", op.id);
        assert_eq!(
            seen.param, example,
            "{}: param differs from the docs' example",
            op.id
        );
        let errors = common::schema_errors(
            bluepay::spec().document(),
            op.body_schema.unwrap(),
            &seen.param,
        );
        assert!(errors.is_empty(), "{}: {errors:?}", op.id);
        assert_eq!(
            serde_json::from_str::<Value>(seen.param_text.as_deref().unwrap()).unwrap(),
            example
        );
        assert!(
            seen.body.contains(&format!("\"appId\":\"{APP_ID}\"")),
            "{}",
            seen.body
        );
        let (param, sign) = common::envelope_param_and_sign(&seen.body);
        assert_eq!(
            Some(param.as_slice()),
            seen.param_text.as_deref().map(str::as_bytes)
        );
        assert!(
            common::openssl_verifies(dir.path(), &public, &param, &sign),
            "{}: openssl dgst -sha256 -verify refuses the signature sent",
            op.id
        );
        // The answer is data the model reads, or a business code of the stateful gateway
        // (the examples refer to orders this sandbox has not seen) — never an envelope error.
        match result {
            Ok(_) => {}
            Err(Error::Api(api)) => assert!(
                ![21001, 21002, 21003, 21008, 21009].contains(&api.code.code()),
                "{}: {:?}",
                op.id,
                api
            ),
            Err(other) => panic!("{}: {other:?}", op.id),
        }
        covered.push(op.id);
    }
    assert_eq!(covered.len(), 17, "{covered:?}");
    // The oracle can say no: one changed byte of the last param is refused.
    let (mut param, sign) =
        common::envelope_param_and_sign(&sandbox.requests().pop().unwrap().body);
    param[2] ^= 1;
    assert!(!common::openssl_verifies(
        dir.path(),
        &public,
        &param,
        &sign
    ));
}

#[tokio::test]
async fn timestamp_comes_from_the_clock_in_the_chosen_unit() {
    let (sandbox, client) = setup().await;
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(sandbox.requests()[0].param, json!({"timestamp": NOW_MS}));

    let seconds = Client::new(
        sandbox
            .bluepay_config()
            .clock(FixedClock(NOW_MS))
            .timestamp_unit(TimestampUnit::Seconds),
    )
    .expect("client");
    seconds
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(
        sandbox.requests()[1].param,
        json!({"timestamp": NOW_MS / 1000})
    );
}

#[tokio::test]
async fn typed_call_returns_typed_data() {
    let (sandbox, client) = setup().await;
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(balance.balance.minor_units(), Some(1_000_000));

    let qr = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("PC880001")
                .amount(1000)
                .notify_url("https://merchant.example/notify"),
        )
        .await
        .expect("qr");
    let sent = &sandbox.requests()[1];
    assert_eq!(sent.param["amount"], 1000);
    assert_eq!(sent.param["mchOrderId"], "PC880001");
    assert_eq!(qr.mch_order_id.as_deref(), Some("PC880001"));
    assert_eq!(
        qr.transaction_status,
        Some(bluepay::TransactionStatus::Pending)
    );
    assert_eq!(qr.qr_status, Some(bluepay::QrStatus::Active));
    assert!(qr.qr_code_content.is_some() && qr.transaction_id.is_some());
    // What the model kept is exactly what the gateway sent (nothing dropped, nothing added).
    let detail = client
        .call_json("qr_code_detail", json!({"mchOrderId": "PC880001"}))
        .await
        .unwrap();
    assert_eq!(
        detail["transactionId"],
        serde_json::to_value(&qr.transaction_id).unwrap()
    );
}

#[tokio::test]
async fn gateway_codes_become_typed_errors_with_the_raw_body() {
    let (sandbox, client) = setup().await;
    let body = json!({"code": 21014, "message": "Merchant balance insufficient", "data": null});
    script(&sandbox, "balance_inquiry", json!({"error_code": 21014})).await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::BalanceInsufficient));
    assert!(!err.is_retryable());
    assert!(err.may_have_been_sent());
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.message, "Merchant balance insufficient");
    assert_eq!(serde_json::from_slice::<Value>(&api.raw).unwrap(), body);

    script(
        &sandbox,
        "balance_inquiry",
        json!({"body": {"code": 21000, "message": "Server error, Please try again later."}}),
    )
    .await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::GeneralError));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_unknown_code_is_kept() {
    let (sandbox, client) = setup().await;
    script(
        &sandbox,
        "balance_inquiry",
        json!({"body": {"code": "29999", "message": "brand new"}}),
    )
    .await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::Unknown(29999)));
    assert_eq!(err.code().unwrap().message(), None);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn http_errors_and_garbage_are_distinct_variants() {
    let (sandbox, client) = setup().await;
    script(&sandbox, "balance_inquiry", json!({"http_status": 503})).await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    match &err {
        Error::Http { status, raw, .. } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(&raw[..], b"sandbox fault: HTTP 503");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());

    script(&sandbox, "balance_inquiry", json!({"malformed_json": true})).await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { raw, .. } => assert!(raw.starts_with(b"{\"code\":10000"), "{raw:?}"),
        other => panic!("{other:?}"),
    }

    // Success code whose data does not fit the model.
    script(
        &sandbox,
        "balance_inquiry",
        json!({"body": {"code": 10000, "message": "Success", "data": {"balance": 12}}}),
    )
    .await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn a_timeout_says_the_request_may_have_been_sent() {
    let (sandbox, _) = setup().await;
    let client =
        Client::new(sandbox.bluepay_config().timeout(Duration::from_millis(200))).expect("client");
    script(&sandbox, "balance_inquiry", json!({"latency_ms": 3000})).await;
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.may_have_been_sent());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_refused_connection_was_never_sent() {
    // Bind and drop a port so nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(
        Config::new(
            Environment::Url(format!("http://127.0.0.1:{port}")),
            APP_ID,
            merchant_key(),
            crate::common::bluepay_gateway_public(),
        )
        .connect_retries(1),
    )
    .expect("client");
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn invalid_params_are_refused_before_sending() {
    let (sandbox, client) = setup().await;

    let err = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("ORD-1")
                .amount(1000)
                .notify_url("https://merchant.example/notify"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Validation(v) => assert_eq!(v.field, "mchOrderId", "{v}"),
        other => panic!("{other:?}"),
    }
    assert!(!err.may_have_been_sent());

    let err = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .amount(1000)
                .notify_url("https://merchant.example/notify"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Validation(v) => assert_eq!(v.field, "mchOrderId", "{v}"),
        other => panic!("{other:?}"),
    }

    // A documented conditional rule: a BANK payout needs a transferCode.
    let mut payout = request_example(
        bluepay::operations()
            .iter()
            .find(|o| o.id == "payout_create")
            .unwrap(),
    );
    payout["payMethodCode"] = json!("BANK");
    payout
        .as_object_mut()
        .unwrap()
        .remove("promptpayAccountType");
    let err = client.call_json("payout_create", payout).await.unwrap_err();
    match &err {
        Error::Validation(v) => assert_eq!(v.field, "transferCode", "{v}"),
        other => panic!("{other:?}"),
    }

    // A field the spec does not know is refused, not silently sent.
    let err = client
        .call_json("balance_inquiry", json!({"timestamp": 1, "surprise": true}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");

    assert!(sandbox.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn added_fields_and_enum_values_are_kept() {
    let (sandbox, client) = setup().await;
    script(
        &sandbox,
        "payout_status",
        json!({"body": {"code":10000,"message":"Success","data":{
            "mchOrderId":"MCHORDERIDC00001","transactionId":"D1656505190221611008","amount":3000,
            "transactionStatus":"REVERSED","createTime":"2023-05-04 11:43:08",
            "failedCode":-10099,"brandNewField":{"x":1}}}}),
    )
    .await;
    let status = client
        .payout_status(types::PayoutStatusParam::builder().mch_order_id("MCHORDERIDC00001"))
        .await
        .expect("status");
    assert_eq!(
        status.transaction_status,
        bluepay::TransactionStatus::Unknown("REVERSED".into())
    );
    assert_eq!(
        status.failed_code,
        Some(bluepay::FailedCode::Unknown(-10099))
    );
    assert_eq!(status.extra["brandNewField"], json!({"x":1}));
}

#[tokio::test]
async fn a_wrong_key_is_reported_as_the_gateways_sign_error() {
    let (sandbox, _) = setup().await;
    let other = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let client = Client::new(Config::new(
        Environment::Url(sandbox.bluepay_url()),
        APP_ID,
        other.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::SignError));
}

#[tokio::test]
async fn sha1_is_selectable() {
    let key = merchant_key();
    let sandbox = Sandbox::start(SandboxConfig {
        envelope_hash: HashAlgorithm::Sha1,
        ..common::config()
    })
    .await
    .unwrap();
    let client = Client::new(
        Config::new(
            Environment::Url(sandbox.bluepay_url()),
            sandbox.bluepay_app_id(),
            key.clone(),
            crate::common::bluepay_gateway_public(),
        )
        .hash(HashAlgorithm::Sha1),
    )
    .unwrap();
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("sha1 accepted");
    assert!(sandbox.requests()[0].signature_ok);
    // A SHA-256 signature is refused by a SHA-1 gateway.
    let sha256 = Client::new(Config::new(
        Environment::Url(sandbox.bluepay_url()),
        sandbox.bluepay_app_id(),
        key.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    let err = sha256
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::SignError));
}

#[test]
fn secrets_never_print() {
    let key = merchant_key();
    let client = Client::new(Config::new(
        Environment::Url("http://127.0.0.1:9".into()),
        APP_ID,
        key.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    let pem = include_str!("../fixtures/merchant-2048.pem");
    let secret_line = pem.lines().nth(5).unwrap();
    for text in [format!("{client:?}"), format!("{key:?}")] {
        assert!(!text.contains(secret_line), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
    }
    assert_eq!(format!("{key:?}"), "PrivateKey(RSA-2048, redacted)");
}

#[test]
fn environments_without_a_documented_host_are_a_config_error() {
    let err = Client::new(Config::new(
        Environment::Sandbox,
        APP_ID,
        merchant_key(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("Environment::Url"), "{err}");
}
