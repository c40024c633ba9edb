//! SGATE Payin's client over real loopback HTTP (the stand-in API of `stub`): path and header
//! parameters checked against the spec before anything is sent, the configured merchant in
//! `{MERCHANT_ID}`, answers that are the record, failures by HTTP status with a string code,
//! card data kept out of `Debug` and errors, and `call_json`'s one flat object.

use paybind::sgate_payin::{headers, types, ResultCode};
use paybind::sgate_payin::{Client, Error};
use serde_json::json;

use super::stub::{Stub, MERCHANT_ID};

const ORDER: &str = "M448726T2022123112531745487632";
const CARD: &str = "5123450000000008";

fn payer() -> headers::OrderStartByStcpay {
    headers::OrderStartByStcpay {
        user_agent: "Mozilla/5.0 (payer's browser)".into(),
        x_auth_uuid: "a13382f5-4dcf-4ef5-9e81-33a836a610a9".into(),
        x_customer_ip: "124.126.202.12".into(),
    }
}

fn card() -> types::builder::OrderStartByDirectMastercardParam {
    types::OrderStartByDirectMastercardParam::builder()
        .card_number(CARD)
        .expiry_month("01")
        .expiry_year("39")
        .name_on_card("SGate_Sandbox")
        .security_code("100")
        .return_url("https://merchant.example/return")
}

/// The configured merchant fills `{MERCHANT_ID}`; the answer is the record itself.
#[tokio::test]
async fn the_merchant_is_the_configured_one_and_the_answer_the_record() {
    let stub = Stub::start().await;
    let merchant = stub.client().merchant_detail().await.unwrap();
    assert_eq!(merchant.id, "M226746", "the docs' example answer, decoded");
    let order = stub
        .client()
        .merchant_add_order(
            types::MerchantAddOrderParam::builder()
                .merchant_order_id("TEST1672491207")
                .name("test")
                .amount("12.02")
                .currency("SAR")
                .notification_url("https://merchant.example/notify"),
        )
        .await
        .unwrap();
    assert_eq!(order.id, "M448726T2022123112531745487632");
    let hits = stub.hits();
    assert_eq!(hits[0].path, format!("/api_v1/merchants/{MERCHANT_ID}"));
    assert_eq!(
        hits[1].path,
        format!("/api_v1/merchants/{MERCHANT_ID}/orders")
    );
    assert_eq!(hits[1].header("content-type"), "application/json");
    assert_eq!(
        hits[1].json(),
        json!({"amount": "12.02", "currency": "SAR", "merchantOrderId": "TEST1672491207",
               "name": "test", "notificationURL": "https://merchant.example/notify"})
    );
}

/// A path ID that is not one (it would change the signed path) and a payer header out of its
/// pattern are refused before anything is sent, each named.
#[tokio::test]
async fn path_and_header_parameters_are_checked_before_sending() {
    let stub = Stub::start().await;
    let client = stub.client();
    for id in ["../merchants/M448726", "M1?x=1", "", "M1/refunds"] {
        match client.order_detail(id).await.unwrap_err() {
            Error::Validation(e) => {
                assert_eq!(e.field, "ORDER_ID", "{id:?}");
                assert!(!e.to_string().contains("merchants"), "{e}");
            }
            other => panic!("{id:?}: {other:?}"),
        }
    }
    let mut bad = payer();
    bad.x_auth_uuid = "not-a-uuid".into();
    let stcpay = types::OrderStartByStcpayParam::builder()
        .ticket("QnTkb04gg5RzB6fPKlfKH9AJgTW7PYQKCYnP0Wwdz0uiQZjSt8UjsHtBJbBBmTMc")
        .mobile("0548220713");
    match client
        .order_start_by_stcpay(ORDER, &bad, stcpay.clone())
        .await
        .unwrap_err()
    {
        Error::Validation(e) => assert_eq!(e.field, "x-auth-uuid"),
        other => panic!("{other:?}"),
    }
    assert!(stub.hits().is_empty(), "nothing was sent");

    // Valid, they are sent: the payer's User-Agent instead of paybind's.
    client
        .order_start_by_stcpay(ORDER, &payer(), stcpay)
        .await
        .unwrap();
    let hit = &stub.hits()[0];
    assert_eq!(
        hit.path,
        format!("/api_v1/orders/{ORDER}/payment/stcpay/transactions")
    );
    assert_eq!(hit.header("user-agent"), "Mozilla/5.0 (payer's browser)");
    assert_eq!(
        hit.header("x-auth-uuid"),
        "a13382f5-4dcf-4ef5-9e81-33a836a610a9"
    );
    assert_eq!(hit.header("x-customer-ip"), "124.126.202.12");
}

/// An operation whose success has no documented body: HTTP 200 is the answer, its body unread.
#[tokio::test]
async fn a_put_without_an_answer_body_succeeds_on_its_status() {
    let stub = Stub::start_with("/api_v1", |hit| {
        (hit.method == "PUT").then(|| (200, "not even JSON".to_string()))
    })
    .await;
    stub.client()
        .order_set_logistics(
            ORDER,
            types::OrderSetLogisticsParam::builder().value(
                types::LogisticsParam::builder()
                    .tracking_url("https://tracking.example/TEST123345234")
                    .tracking_number("TEST123345234"),
            ),
        )
        .await
        .unwrap();
    let hit = &stub.hits()[0];
    assert_eq!(hit.path, format!("/api_v1/orders/{ORDER}/logistics"));
    assert_eq!(
        hit.json(),
        json!({"value": {"trackingNumber": "TEST123345234",
                         "trackingURL": "https://tracking.example/TEST123345234"}})
    );
}

/// A 4xx with a code is SGATE's refusal (a known outcome, its string code typed); a 5xx is a
/// fault whose outcome is unknown.
#[tokio::test]
async fn failures_are_told_by_their_status() {
    let stub = Stub::start_with("/api_v1", |hit| {
        Some(if hit.path.ends_with("/refunds") {
            (
                500,
                r#"{"code":"internalError","message":"Server busy"}"#.into(),
            )
        } else {
            (
                403,
                r#"{"code":"notAllowed","message":"No access","data":["signature error"]}"#.into(),
            )
        })
    })
    .await;
    let client = stub.client();
    let refused = client.order_detail(ORDER).await.unwrap_err();
    assert_eq!(refused.code(), Some(ResultCode::NotAllowed));
    assert!(!refused.outcome_unknown());
    assert!(!refused.is_retryable());
    match &refused {
        Error::Api(api) => assert_eq!(api.message, "No access"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        refused.to_string(),
        "gateway error notAllowed (No access): No access"
    );

    let fault = client
        .order_refund(
            ORDER,
            types::OrderRefundParam::builder()
                .amount("1.00")
                .reason("test"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(fault, Error::Http { status, .. } if status == 500),
        "{fault:?}"
    );
    assert!(fault.outcome_unknown());
    // A refund is not de-duplicated: not worth resending blindly.
    assert!(!fault.is_retryable());
}

/// Card number and security code go to SGATE as the docs ask (plain JSON over TLS), and
/// nowhere else: not in the param's `Debug`, not in an error, not in the answer kept for it.
#[tokio::test]
async fn card_data_is_sent_and_never_shown() {
    let stub = Stub::start_with("/api_v1", |_| {
        Some((
            400,
            format!(r#"{{"code":"badCard","message":"Declined","data":{{"cardNumber":"{CARD}","securityCode":"100"}}}}"#),
        ))
    })
    .await;
    let param = card();
    assert!(!format!("{param:?}").contains(CARD));
    let error = stub
        .client()
        .order_start_by_direct_mastercard(ORDER, param)
        .await
        .unwrap_err();
    let hit = &stub.hits()[0];
    assert_eq!(hit.json()["cardNumber"], CARD);
    assert_eq!(hit.json()["securityCode"], "100");
    for shown in [
        format!("{error:?}"),
        error.to_string(),
        String::from_utf8_lossy(error.raw_body().unwrap()).into_owned(),
    ] {
        assert!(!shown.contains(CARD), "{shown}");
        assert!(!shown.contains("\"100\""), "{shown}");
    }
    assert_eq!(error.code(), Some(ResultCode::Unknown("badCard".into())));

    let typed: types::OrderStartByDirectMastercardParam =
        serde_json::from_value(json!({"cardNumber": CARD, "expiryMonth": "01",
            "expiryYear": "39", "nameOnCard": "X", "securityCode": "100"}))
        .unwrap();
    assert!(!format!("{typed:?}").contains(CARD));
    assert!(!serde_json::to_string(&typed).unwrap().contains(CARD));
}

/// `call_json` takes one flat object: path parameters by name, header parameters by name, the
/// body's members; it sends what the typed method sends.
#[tokio::test]
async fn call_json_takes_parameters_and_body_in_one_object() {
    let stub = Stub::start().await;
    let client = stub.client();
    let answer = client
        .call_json(
            "order_refund",
            json!({"ORDER_ID": "M948164T2023072607034709567189", "amount": "7",
                   "reason": "Return shipping fee"}),
        )
        .await
        .unwrap();
    assert_eq!(answer["id"], "M948164T2023072607034709567189_R1");
    let answer = client
        .call_json(
            "order_start_by_stcpay",
            json!({"ORDER_ID": ORDER, "user-agent": "UA", "x-customer-ip": "10.0.0.1",
                   "x-auth-uuid": "a13382f5-4dcf-4ef5-9e81-33a836a610a9",
                   "ticket": "T", "mobile": "548220713"}),
        )
        .await
        .unwrap();
    assert_eq!(answer["result"], "Not_Yet");
    let hits = stub.hits();
    assert_eq!(
        hits[0].path,
        "/api_v1/orders/M948164T2023072607034709567189/refunds"
    );
    assert_eq!(
        hits[0].json(),
        json!({"amount": "7.00", "reason": "Return shipping fee"})
    );
    assert_eq!(hits[1].header("user-agent"), "UA");
    assert_eq!(
        hits[1].json(),
        json!({"mobile": "548220713", "ticket": "T"})
    );

    // What cannot be sent is refused, named, before anything is: a missing path parameter, a
    // member an operation without a body does not take, an unknown operation.
    let missing = client
        .call_json("order_detail", json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, Error::Validation(e) if e.field == "ORDER_ID"),
        "{missing:?}"
    );
    let extra = client
        .call_json("order_detail", json!({"ORDER_ID": ORDER, "amount": "1"}))
        .await
        .unwrap_err();
    assert!(
        matches!(&extra, Error::Validation(e) if e.field == "amount"),
        "{extra:?}"
    );
    let unknown = client.call_json("order_pay", json!({})).await.unwrap_err();
    assert!(matches!(&unknown, Error::Validation(e) if e.field == "operationId"));
    assert_eq!(stub.hits().len(), 2);
}

/// `config_from_env()` reads the variables the command line reads: URL (with `/api_v1`), key,
/// secret and merchant ID; a missing one is named, never shown.
#[tokio::test]
async fn the_config_comes_from_the_environment() {
    const NAMES: [&str; 4] = ["URL", "KEY", "SECRET", "MERCHANT_ID"];
    let set =
        |name: &str, value: &str| std::env::set_var(format!("PAYBIND_SGATE_PAYIN_{name}"), value);
    for name in NAMES {
        std::env::remove_var(format!("PAYBIND_SGATE_PAYIN_{name}"));
    }
    let stub = Stub::start().await;
    set("URL", &stub.base_url);
    set("KEY", super::stub::KEY);
    set("SECRET", super::stub::SECRET);
    match paybind::sgate_payin::config_from_env().unwrap_err() {
        paybind::config::ConfigError::Variable { variable, .. } => {
            assert_eq!(variable, "PAYBIND_SGATE_PAYIN_MERCHANT_ID")
        }
        other => panic!("{other:?}"),
    }
    set("MERCHANT_ID", "M000001");
    let config = paybind::sgate_payin::config_from_env().unwrap();
    assert!(!format!("{config:?}").contains(super::stub::SECRET));
    Client::new(config)
        .unwrap()
        .merchant_detail()
        .await
        .unwrap();
    assert_eq!(stub.hits()[0].path, "/api_v1/merchants/M000001");
    for name in NAMES {
        std::env::remove_var(format!("PAYBIND_SGATE_PAYIN_{name}"));
    }
}
