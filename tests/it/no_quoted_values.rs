//! No error text quotes a value from the network or the user (issue item 5): a decode,
//! validation or money error names the field and the rule. The value may be a card number
//! given in the wrong member, or a member SGATE sent encrypted. What an error keeps of an
//! answer as received (`RawBody`, a notification's signed `param`) is the raw answer, shown with
//! its sensitive members redacted; it is left out of what is checked here.

use paybind::envelope::HashAlgorithm;
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::{common, sgate_support};

/// A value no paybind message contains: a card number behind a marker.
const SECRET: &str = "§5123450000000001";

/// `Display` and `Debug` of an error, without the debug text of the answer it keeps as received.
fn shown<C: paybind::codes::Code>(err: &paybind::error::Error<C>) -> String {
    let mut debug = format!("{err:?}");
    if let Some(raw) = err.raw() {
        debug = debug.replace(&format!("{raw:?}"), "RawBody(..)");
    }
    format!("{err}\n{debug}")
}

fn assert_not_quoted(text: &str, value: &str) {
    assert!(!text.contains(value), "the value is quoted: {text}");
    assert!(!text.contains('§'), "part of the value is quoted: {text}");
}

async fn fault(sandbox: &Sandbox, gateway: &str, operation: &str, body: Value) {
    let fault = json!({"gateway": gateway, "operation": operation, "times": 1, "body": body});
    sandbox.admin().put("faults", fault).await.expect("fault");
}

/// Each shape of serde's messages that quotes its input loses the value, wherever it stands.
#[test]
fn without_value_cuts_every_shape_that_quotes_input() {
    let cases = [
        (
            "unknown variant `§5123450000000001`, expected one of `SAR`, `KWD`",
            "unknown variant, expected one of `SAR`, `KWD`",
        ),
        (
            "data.status: invalid type: string \"§5123450000000001\", expected i32 at line 1 column 9",
            "data.status: invalid type, expected i32 at line 1 column 9",
        ),
        (
            "invalid value: string \"§a, expected b\", expected a date",
            "invalid value, expected a date",
        ),
        (
            "invalid length 16, expected a tuple of 2",
            "invalid length, expected a tuple of 2",
        ),
        (
            "unknown variant `§5123450000000001`, there are no variants",
            "unknown variant, there are no variants",
        ),
        (
            "amount must be a decimal number such as 18.75, got \"§5123450000000001\"",
            "amount must be a decimal number such as 18.75",
        ),
        ("invalid type: string \"§5123450000000001", "invalid type"),
        // A custom message that quotes nothing keeps its words.
        (
            "expected the statement file, got a JSON envelope",
            "expected the statement file, got a JSON envelope",
        ),
        // Field names and serde_json's syntax messages quote nothing of a value.
        ("missing field `amount`", "missing field `amount`"),
        (
            "invalid number at line 1 column 4",
            "invalid number at line 1 column 4",
        ),
    ];
    for (message, cut) in cases {
        assert_eq!(paybind::spec::without_value(message), cut, "{message}");
    }
}

/// BluePay's `code` given as text that is not a number: the decode error names the rule.
#[tokio::test]
async fn an_answer_code_that_is_not_a_number_is_not_quoted() {
    let sandbox = sgate_support::sandbox().await;
    let client = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let body = json!({"code": SECRET, "message": "Success", "data": {}});
    fault(&sandbox, "bluepay", "balance_inquiry", body).await;
    let err = client
        .balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, paybind::envelope::Error::Decode { .. }),
        "{err:?}"
    );
    let text = shown(&err);
    assert_not_quoted(&text, SECRET);
    assert!(text.contains("code is not an integer"), "{text}");
}

/// A member of a verified SGATE answer with the wrong type: the error names its path and the
/// type expected, not what was sent.
#[tokio::test]
async fn an_answer_member_of_the_wrong_type_is_named_not_quoted() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    // A card number as a JSON number where the model has text.
    let body = json!({"code": 200, "message": "ok", "data": {"customid": 5123450000000001_u64}});
    fault(&sandbox, "sgate", "customer_detail", body).await;
    let err = client
        .customer_detail(|q| q.customid("1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, paybind::sgate::Error::Decode { .. }),
        "{err:?}"
    );
    let text = shown(&err);
    assert_not_quoted(&text, "5123450000000001");
    assert!(text.contains("data.customid: invalid type"), "{text}");
}

/// SGATE sends `balance` encrypted and it decrypts to text that is no amount: the error names
/// the member and the amount rule; the plaintext is nowhere, the kept body shows it redacted.
///
/// Fails while `AmountError` (src/money.rs) quotes its input *and* nothing cuts it; paybind
/// cuts a custom message's `, got …` in every decode reason.
#[tokio::test]
async fn a_sensitive_member_that_decrypts_to_no_amount_is_not_quoted() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let plaintext = "§secret-plaintext-4111";
    let balance = sgate_support::encrypt_for_merchant(plaintext);
    let body = json!({"code": 200, "message": "ok",
        "data": [{"currency": "SAR", "balance": balance}], "sensitiveFields": ["balance"]});
    fault(&sandbox, "sgate", "merchant_balance", body).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, paybind::sgate::Error::Decode { .. }),
        "{err:?}"
    );
    for text in [format!("{err}"), format!("{err:?}")] {
        assert_not_quoted(&text, plaintext);
        assert!(text.contains("data[0].balance"), "the field: {text}");
        assert!(text.contains("decimal number"), "the rule: {text}");
    }
    let raw = String::from_utf8_lossy(err.raw_body().unwrap()).into_owned();
    assert!(raw.contains(r#""balance":"[redacted]""#), "{raw}");
}

/// A verified SGATE callback whose member has the wrong type.
#[test]
fn a_callback_member_of_the_wrong_type_is_not_quoted() {
    let client = sgate_support::offline_client();
    let mut payload = paybind::sgate::spec()
        .schema("SalaryStatusChangeCallback")
        .unwrap()["example"]
        .clone();
    payload["data"]["status"] = json!(SECRET);
    let (headers, body) = sgate_support::signed_callback("/sgate/notify", &payload);
    let err = client
        .notifications()
        .verify(&headers, "/sgate/notify", &body)
        .unwrap_err();
    assert!(
        matches!(&err, paybind::sgate::NotificationError::BadPayload(_)),
        "{err:?}"
    );
    assert_not_quoted(&format!("{err}\n{err:?}"), SECRET);
}

/// A verified BluePay notification whose member has the wrong type: the reason quotes
/// nothing (the signed `param` itself is kept as received).
#[test]
fn a_notification_member_of_the_wrong_type_is_not_quoted() {
    use base64::Engine as _;
    let param = json!({"eventName": "disbursement.success", "mchOrderId": "M1",
        "transactionId": "D1", "amount": SECRET, "transactionStatus": "COMPLETED",
        "createTime": "2023-03-02 09:25:12", "returnTime": "2023-03-02 09:25:12"})
    .to_string();
    let key = common::key("gateway-2048.pem");
    let signer = paybind::envelope::RsaSigner::new(&key, HashAlgorithm::Sha256);
    let sign =
        base64::engine::general_purpose::STANDARD.encode(signer.sign_bytes(param.as_bytes()));
    let body = json!({"param": param, "sign": sign}).to_string();
    let verifier = paybind::bluepay::Notifications::new(key.public_key(), HashAlgorithm::Sha256);
    let err = verifier.verify(body.as_bytes()).unwrap_err();
    let paybind::envelope::NotificationError::BadParam { reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert_not_quoted(&format!("{err}\n{reason:?}"), SECRET);
}

/// A closed enum given a value it does not list, in a body and in a query: the rule lists the
/// allowed values, not the one given.
#[tokio::test]
async fn an_unknown_enum_value_in_a_request_is_not_echoed() {
    let client = sgate_support::offline_client();
    let err = client
        .call_json(
            "payment_order_create",
            json!({"mercustomid": "u004", "payeeuid": "P1", "amount": 18.75,
                   "currency": SECRET, "paymentmethod": "bankTransfer"}),
        )
        .await
        .unwrap_err();
    let paybind::sgate::Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.field, "currency");
    assert!(v.reason.starts_with("must be one of"), "{v}");
    assert_not_quoted(&shown(&err), SECRET);

    let err = client
        .call_json("customer_list", json!({"status": 5123450000000001_u64}))
        .await
        .unwrap_err();
    let paybind::sgate::Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.field, "status");
    assert_not_quoted(&shown(&err), "5123450000000001");
}

/// `call_json` with an operation id that is not one: the id is the caller's text.
#[tokio::test]
async fn an_unknown_operation_is_not_echoed() {
    let client = sgate_support::offline_client();
    for err in [
        client.call_json(SECRET, json!({})).await.unwrap_err(),
        client.call_json(SECRET, json!({})).await.unwrap_err(),
    ] {
        let paybind::sgate::Error::Validation(v) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(v.field, "operationId");
        assert_not_quoted(&shown(&err), SECRET);
    }
}
