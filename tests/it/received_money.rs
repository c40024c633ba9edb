//! Received money is read exactly at any scale the gateway sends (SGATE pays KWD in fils, three
//! decimal places) and at any size (16 or more significant digits survive serde's buffering of
//! a model that keeps unknown members); what paybind sends keeps the docs' two places.

use paybind::money::Decimal2;
use paybind::sgate::{self, Notification};
use serde_json::{json, Value};

use crate::sgate_support::{self, signature_text, system_sign};

/// An SGATE answer to `GET path`, signed now with the fixture system key, as raw HTTP.
fn signed_answer(path: &str, body: &str) -> Vec<u8> {
    let timestamp = chrono::Utc::now().timestamp();
    let nonce = "received-money-nonce";
    let signature = system_sign(signature_text(timestamp, nonce, path, "GET", body).as_bytes());
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         V-Timestamp: {timestamp}\r\nV-Nonce-Str: {nonce}\r\nV-Signature: {signature}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A client of a loopback gateway that answers every request with `answer`.
async fn client_answered_with(answer: Vec<u8>) -> sgate::Client {
    let (url, _) = crate::common::raw_server(answer).await;
    sgate::Client::new(sgate::Config::new(
        sgate::Environment::Url(url),
        sgate_support::API_KEY,
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .expect("client")
}

const BALANCES: &str = r#"{"code":200,"message":"success","requestId":"r1","data":[{"currency":"KWD","balance":1.234},{"currency":"SAR","balance":1000000000000000.01}]}"#;

#[tokio::test]
async fn a_kwd_answer_with_three_decimals_decodes_exactly_through_the_typed_call() {
    let answer = signed_answer("/openApi/v1/merchant/balance", BALANCES);
    let balances = client_answered_with(answer)
        .await
        .merchant_balance()
        .await
        .expect("a KWD balance is readable");
    let kwd = balances[0].balance.expect("KWD balance");
    assert_eq!(kwd.to_scaled(3), Some(1234));
    assert_eq!(kwd.to_string(), "1.234");
    assert_eq!(kwd.minor_units(), None, "not a whole number of hundredths");
    // 18 significant digits: serde buffers this model's members as f64s, and the f64 nearest
    // to 10^15 + 0.01 is 10^15; paybind hands the amount over as text.
    let sar = balances[1].balance.expect("SAR balance");
    assert_eq!(sar.minor_units(), Some(100_000_000_000_000_001));
}

#[tokio::test]
async fn a_kwd_answer_with_three_decimals_decodes_exactly_through_call_json() {
    let answer = signed_answer("/openApi/v1/merchant/balance", BALANCES);
    let data = client_answered_with(answer)
        .await
        .call_json("merchant_balance", Value::Null)
        .await
        .expect("a KWD balance is readable");
    // A serde_json::Value of the program's own configuration: an f64 spelt as written.
    assert_eq!(data[0]["balance"].to_string(), "1.234");
    let kwd: Decimal2 = serde_json::from_value(data[0]["balance"].clone()).unwrap();
    assert_eq!(kwd.to_scaled(3), Some(1234));
}

#[test]
fn a_kwd_callback_with_three_decimals_decodes_exactly() {
    let mut payload = sgate::spec()
        .schema("ReceivingTransNotificationCallback")
        .unwrap()["example"]
        .clone();
    payload["data"]["amount"] = json!(1.234);
    payload["data"]["currency"] = json!("KWD");
    let (headers, body) = sgate_support::signed_callback("/sgate/notify", &payload);
    let client = sgate_support::offline_client();
    match client
        .notifications()
        .verify(&headers, "/sgate/notify", &body)
    {
        Ok(Notification::ReceivingTransNotification(event)) => {
            let amount = event.data.amount.expect("amount");
            assert_eq!(amount.to_scaled(3), Some(1234));
            assert_eq!(serde_json::to_string(&amount).unwrap(), "1.234");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_sandbox_answers_a_kwd_balance_and_transfer_with_three_decimals() {
    let sandbox = sgate_support::sandbox().await;
    sandbox
        .admin()
        .put(
            "sgate/balance",
            json!({"currency": "KWD", "amount": "1000.125"}),
        )
        .await
        .expect("a KWD balance in fils");
    sandbox
        .admin()
        .post(
            "sgate/virtual-account/transfers",
            json!({"currency": "KWD", "amount": "1.234"}),
        )
        .await
        .expect("a KWD transfer in fils");
    let client = sgate_support::client(&sandbox);
    let balances = client.merchant_balance().await.expect("balance");
    let kwd = balances
        .iter()
        .find(|b| b.currency.as_ref().map(|c| c.as_str()) == Some("KWD"))
        .and_then(|b| b.balance)
        .expect("a KWD balance");
    assert_eq!(kwd.to_scaled(3), Some(1_001_359));
    assert_eq!(kwd.to_string(), "1001.359");
}

#[tokio::test]
async fn what_paybind_sends_keeps_two_decimal_places() {
    let client = sgate_support::offline_client();
    let received: Decimal2 = serde_json::from_str("1.234").unwrap();
    let err = client
        .payment_order_create(
            sgate::types::PaymentOrderCreateParam::builder()
                .mercustomid("u004")
                .payeeuid("P1")
                .amount(received)
                .currency("KWD")
                .paymentmethod("bankTransfer"),
        )
        .await
        .expect_err("three decimals are not sent");
    assert!(!err.may_have_been_sent());
    let text = err.to_string();
    assert!(
        text.contains("amount: must have at most 2 decimal places"),
        "{text}"
    );
}
