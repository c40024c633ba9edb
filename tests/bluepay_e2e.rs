//! Every BluePay operation end to end over real HTTP against a local gateway that verifies the
//! signature with the merchant public key and validates `param` with an independent validator.

mod common;

use std::time::Duration;

use common::{EnvelopeServer, Reply};
use paybind::bluepay::{self, types, Client, Config, Environment, ResultCode, TimestampUnit};
use paybind::clock::FixedClock;
use paybind::envelope::{Error, HashAlgorithm};
use paybind::keys::PrivateKey;
use paybind::money::Amount;
use serde_json::{json, Value};

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";
const NOW_MS: i64 = 1_700_000_000_123;

fn merchant_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("fixtures/merchant-2048.pem")).expect("fixture key")
}

async fn setup() -> (EnvelopeServer, Client) {
    let key = merchant_key();
    let server = EnvelopeServer::start(
        bluepay::spec().document(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let config = Config::new(Environment::Url(server.base_url.clone()), APP_ID, &key)
        .clock(FixedClock(NOW_MS));
    (server, Client::new(config).expect("client"))
}

fn request_example(op: &paybind::spec::Operation) -> Value {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    bluepay::spec()
        .document()
        .pointer(&format!(
            "/paths/{path}/post/requestBody/content/application~1json/example"
        ))
        .cloned()
        .unwrap_or_else(|| panic!("{} has no request example", op.id))
}

#[tokio::test]
async fn every_operation_round_trips_over_http() {
    let (server, client) = setup().await;
    let covered = common::check_every_operation(
        &server,
        bluepay::spec(),
        bluepay::operations(),
        APP_ID,
        async |id, param| {
            client
                .call_json(id, param)
                .await
                .map_err(|e| format!("{e:?}"))
        },
    )
    .await;
    assert_eq!(covered.len(), 17, "{covered:?}");
}

#[tokio::test]
async fn timestamp_comes_from_the_clock_in_the_chosen_unit() {
    let (server, client) = setup().await;
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(server.recorded()[0].param, json!({"timestamp": NOW_MS}));

    let key = merchant_key();
    let seconds = Client::new(
        Config::new(Environment::Url(server.base_url.clone()), APP_ID, &key)
            .clock(FixedClock(NOW_MS))
            .timestamp_unit(TimestampUnit::Seconds),
    )
    .expect("client");
    seconds
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(
        server.recorded()[1].param,
        json!({"timestamp": NOW_MS / 1000})
    );
}

#[tokio::test]
async fn typed_call_returns_typed_data() {
    let (server, client) = setup().await;
    server.script(
        "balance_inquiry",
        Reply::Json(json!({"code":10000,"message":"Success","data":{"balance":"10000.25"}})),
    );
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("balance");
    assert_eq!(balance.balance.minor_units(), 1_000_025);

    let qr = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("PC880001")
                .amount(Amount::from_minor_units(1000))
                .notify_url("https://merchant.example/notify"),
        )
        .await
        .expect("qr");
    let sent = &server.recorded()[1];
    assert_eq!(sent.param["amount"], 1000);
    assert_eq!(sent.param["mchOrderId"], "PC880001");
    assert_eq!(
        serde_json::to_value(&qr).unwrap(),
        common::without_nulls(&server.default_data("qr_code_create"))
    );
}

#[tokio::test]
async fn gateway_codes_become_typed_errors_with_the_raw_body() {
    let (server, client) = setup().await;
    let body = json!({"code": 21014, "message": "Merchant balance insufficient", "data": null});
    server.script("balance_inquiry", Reply::Json(body.clone()));
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

    server.script(
        "balance_inquiry",
        Reply::Json(json!({"code": 21000, "message": "Server error, Please try again later."})),
    );
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::GeneralError));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_unknown_code_is_kept() {
    let (server, client) = setup().await;
    server.script(
        "balance_inquiry",
        Reply::Json(json!({"code": "29999", "message": "brand new"})),
    );
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
    let (server, client) = setup().await;
    server.script(
        "balance_inquiry",
        Reply::Raw(503, b"upstream busy".to_vec()),
    );
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    match &err {
        Error::Http { status, raw } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(&raw[..], b"upstream busy");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());

    server.script(
        "balance_inquiry",
        Reply::Raw(200, b"<html>oops</html>".to_vec()),
    );
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { raw, .. } => assert_eq!(&raw[..], b"<html>oops</html>"),
        other => panic!("{other:?}"),
    }

    // Success code whose data does not fit the model.
    server.script(
        "balance_inquiry",
        Reply::Json(json!({"code": 10000, "message": "Success", "data": {"balance": 12}})),
    );
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn a_timeout_says_the_request_may_have_been_sent() {
    let (server, _) = setup().await;
    let key = merchant_key();
    let client = Client::new(
        Config::new(Environment::Url(server.base_url.clone()), APP_ID, &key)
            .timeout(Duration::from_millis(200)),
    )
    .expect("client");
    server.script("balance_inquiry", Reply::Delay(Duration::from_secs(3)));
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
            &merchant_key(),
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
    let (server, client) = setup().await;

    let err = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("ORD-1")
                .amount(Amount::from_minor_units(1000))
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
                .amount(Amount::from_minor_units(1000))
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

    assert!(server.recorded().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn added_fields_and_enum_values_are_kept() {
    let (server, client) = setup().await;
    server.script(
        "payout_status",
        Reply::Json(json!({"code":10000,"message":"Success","data":{
            "mchOrderId":"MCHORDERIDC00001","transactionId":"D1656505190221611008","amount":3000,
            "transactionStatus":"REVERSED","createTime":"2023-05-04 11:43:08",
            "failedCode":-10099,"brandNewField":{"x":1}}})),
    );
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
    let (server, _) = setup().await;
    let other = PrivateKey::from_text(include_str!("fixtures/gateway-2048.pem")).unwrap();
    let client = Client::new(Config::new(
        Environment::Url(server.base_url.clone()),
        APP_ID,
        &other,
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
    let server = EnvelopeServer::start(
        bluepay::spec().document(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha1,
    )
    .await;
    let client = Client::new(
        Config::new(Environment::Url(server.base_url.clone()), APP_ID, &key)
            .hash(HashAlgorithm::Sha1, &key),
    )
    .unwrap();
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("sha1 accepted");
    assert!(server.recorded()[0].signature_ok);
}

#[test]
fn secrets_never_print() {
    let key = merchant_key();
    let client = Client::new(Config::new(
        Environment::Url("http://127.0.0.1:9".into()),
        APP_ID,
        &key,
    ))
    .unwrap();
    let pem = include_str!("fixtures/merchant-2048.pem");
    let secret_line = pem.lines().nth(5).unwrap();
    for text in [format!("{client:?}"), format!("{key:?}")] {
        assert!(!text.contains(secret_line), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
    }
    assert_eq!(format!("{key:?}"), "PrivateKey(RSA-2048, redacted)");
}

#[test]
fn environments_without_a_documented_host_are_a_config_error() {
    let err = Client::new(Config::new(Environment::Sandbox, APP_ID, &merchant_key())).unwrap_err();
    assert!(err.to_string().contains("Environment::Url"), "{err}");
}
