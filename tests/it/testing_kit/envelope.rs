//! BluePay and BluePay JT notifications minted by `paybind::testing`.

use paybind::bluepay::{self, types, Notification, NotificationError};
use paybind::envelope::HashAlgorithm;
use paybind::money::Amount;
use paybind::testing::{self, keys, JsonText, MintError};
use paybind_test_support::openssl_verifies_digest;
use serde_json::{json, Map, Value};

use super::{public_pem, unb64};

fn qr_paid() -> Value {
    json!({
        "eventName": "qrcode.payment.success", "mchOrderId": "SHOP42", "channelCode": "THAI_DYNAMIC_QR",
        "transactionId": "Q123", "amount": 50020, "transactionStatus": "COMPLETED",
        "createTime": "2026-01-05 10:00:00", "returnTime": "2026-01-05 10:00:09",
    })
}

/// The `param` text and the decoded `sign` of a body.
fn param_and_sign(body: &[u8]) -> (String, Vec<u8>) {
    let envelope: Map<String, Value> = serde_json::from_slice(body).expect("a JSON object");
    assert_eq!(envelope.len(), 2, "{envelope:?}");
    let param = envelope["param"].as_str().expect("param").to_string();
    let sign = unb64(envelope["sign"].as_str().expect("sign"));
    (param, sign)
}

/// openssl verifies the signature over `param` with the test gateway public key.
fn openssl_accepts(body: &[u8], digest: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let public = public_pem(dir.path(), "gateway", &keys::bluepay_gateway().public_key());
    let (param, sign) = param_and_sign(body);
    openssl_verifies_digest(dir.path(), &public, digest, param.as_bytes(), &sign)
}

/// `body` with the byte at `at` of its `param` text changed (the envelope stays valid JSON).
fn tampered(body: &[u8], at: usize) -> Vec<u8> {
    let envelope: Value = serde_json::from_slice(body).unwrap();
    let mut param = envelope["param"].as_str().unwrap().as_bytes().to_vec();
    param[at] = if param[at] == b'5' { b'6' } else { b'5' };
    let param = String::from_utf8(param).unwrap();
    serde_json::to_vec(&json!({ "param": param, "sign": envelope["sign"] })).unwrap()
}

#[test]
fn a_minted_notification_verifies_with_openssl_and_the_verifier_and_types() {
    let body = testing::bluepay::notification(qr_paid()).unwrap();
    assert!(openssl_accepts(&body, "-sha256"));
    match testing::bluepay::verifier().verify(&body).unwrap() {
        Notification::QrCodePayment(paid) => {
            assert_eq!(paid.mch_order_id.as_deref(), Some("SHOP42"));
            assert_eq!(paid.amount, Amount::from_minor_units(50020));
        }
        other => panic!("{other:?}"),
    }
    // The signature covers the param exactly as sent.
    let (param, _) = param_and_sign(&body);
    assert_eq!(serde_json::from_str::<Value>(&param).unwrap(), qr_paid());
}

#[test]
fn one_changed_byte_of_param_or_sign_is_refused() {
    let body = testing::bluepay::notification(qr_paid()).unwrap();
    let verifier = testing::bluepay::verifier();
    let (param, _) = param_and_sign(&body);
    let at = param.find("50020").unwrap();
    let forged = tampered(&body, at);
    assert!(!openssl_accepts(&forged, "-sha256"));
    assert!(matches!(
        verifier.verify(&forged),
        Err(NotificationError::BadSignature(_))
    ));

    let mut envelope: Value = serde_json::from_slice(&body).unwrap();
    let mut sign = unb64(envelope["sign"].as_str().unwrap());
    sign[100] ^= 0x01;
    envelope["sign"] = json!(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        sign
    ));
    let forged = serde_json::to_vec(&envelope).unwrap();
    assert!(!openssl_accepts(&forged, "-sha256"));
    assert!(matches!(
        verifier.verify(&forged),
        Err(NotificationError::BadSignature(_))
    ));
}

#[test]
fn a_typed_event_mints_to_what_verifies_as_the_same_event() {
    let paid: types::QrCodePaymentNotification = serde_json::from_value(qr_paid()).unwrap();
    let variant = Notification::QrCodePayment(paid.clone());
    for body in [
        testing::bluepay::notification(&paid).unwrap(),
        testing::bluepay::notification(&variant).unwrap(),
        testing::bluepay::notification(variant.clone()).unwrap(),
    ] {
        assert!(openssl_accepts(&body, "-sha256"));
        assert_eq!(testing::bluepay::verifier().verify(&body).unwrap(), variant);
    }
    let built: types::PayoutNotification = types::PayoutNotification::builder()
        .event_name(bluepay::PayoutEventName::DisbursementFailed)
        .mch_order_id("PAYOUT7")
        .transaction_id("T7")
        .amount(Amount::from_minor_units(1999))
        .transaction_status(bluepay::TransactionStatus::Failed)
        .extra(Map::new())
        .try_into()
        .unwrap();
    let body = testing::bluepay::notification(&built).unwrap();
    assert_eq!(
        testing::bluepay::verifier().verify(&body).unwrap(),
        Notification::Payout(built)
    );
    // A kind the gateway does not know is minted as it is, and stays unrecognised.
    let unknown = Notification::Unrecognized(
        json!({"eventName": "something.new", "x": 1})
            .as_object()
            .unwrap()
            .clone(),
    );
    let body = testing::bluepay::notification(&unknown).unwrap();
    assert_eq!(testing::bluepay::verifier().verify(&body).unwrap(), unknown);
}

#[test]
fn a_typed_event_the_verifier_would_not_recognise_is_refused() {
    let mut payout: types::PayoutNotification = types::PayoutNotification::builder()
        .event_name(bluepay::PayoutEventName::DisbursementSuccess)
        .mch_order_id("PAYOUT8")
        .transaction_id("T8")
        .amount(Amount::from_minor_units(100))
        .transaction_status(bluepay::TransactionStatus::Completed)
        .extra(Map::new())
        .try_into()
        .unwrap();
    payout.event_name = bluepay::PayoutEventName::Unknown("disbursement.later".into());
    assert_eq!(
        testing::bluepay::notification(&payout),
        Err(MintError::Unrecognized { kind: "Payout" })
    );
}

#[test]
fn json_text_is_signed_byte_for_byte() {
    // Spacing, member order and an amount's spelling a `Value` would not keep.
    let text = r#"{ "transactionStatus":"COMPLETED", "amount":500.5,"transactionId":"Q9", "eventName":"qrcode.payment.success" }"#;
    let body = testing::bluepay::notification(JsonText(text)).unwrap();
    assert_eq!(param_and_sign(&body).0, text);
    assert!(openssl_accepts(&body, "-sha256"));
    let verified = testing::bluepay::verifier()
        .verifier()
        .verify_envelope(&body)
        .unwrap();
    assert_eq!(verified.text, text);
}

#[test]
fn what_is_not_a_json_object_is_refused_without_quoting_it() {
    assert_eq!(
        testing::bluepay::notification(json!(["secret-ish"])),
        Err(MintError::NotAnObject)
    );
    assert_eq!(
        testing::bluepay::notification(JsonText("\"secret-ish\"")),
        Err(MintError::NotAnObject)
    );
    let error = testing::bluepay::notification(JsonText("{\"a\": secret-ish}")).unwrap_err();
    assert!(matches!(error, MintError::NotJson(_)), "{error:?}");
    assert!(!error.to_string().contains("secret-ish"), "{error}");
    assert!(!format!("{error:?}").contains("secret-ish"), "{error:?}");
}

#[test]
fn sha1_signs_for_a_config_that_expects_it() {
    let signer =
        testing::bluepay::NotificationSigner::new(&keys::bluepay_gateway(), HashAlgorithm::Sha1);
    assert_eq!(signer.hash(), HashAlgorithm::Sha1);
    let body = signer.notification(qr_paid()).unwrap();
    assert!(openssl_accepts(&body, "-sha1"));
    assert!(!openssl_accepts(&body, "-sha256"));
    let sha1 =
        bluepay::Notifications::new(keys::bluepay_gateway().public_key(), HashAlgorithm::Sha1);
    assert!(sha1.verify(&body).is_ok());
    assert!(
        testing::bluepay::verifier().verify(&body).is_err(),
        "the default is SHA-256"
    );
    let shown = format!("{signer:?}");
    assert!(
        shown.contains("Sha1") && shown.contains("redacted"),
        "{shown}"
    );
}

#[test]
fn the_test_config_gives_a_client_whose_verifier_accepts_minted_notifications() {
    let client = bluepay::Client::new(testing::bluepay::config("http://127.0.0.1:9")).unwrap();
    let body = testing::bluepay::notification(qr_paid()).unwrap();
    let verifier = client.notifications();
    assert!(matches!(
        verifier.verify(&body),
        Ok(Notification::QrCodePayment(_))
    ));
}

#[cfg(feature = "bluepay-jt")]
#[test]
fn bluepay_jt_notifications_mint_and_type_as_jt_events() {
    use paybind::bluepay_jt;
    let param = json!({
        "totalAmount": 100000, "mchOrderId": "JT1", "transactionId": "JTQ1",
        "transactionStatus": "COMPLETED",
    });
    let body = testing::bluepay_jt::notification(&param).unwrap();
    assert!(openssl_accepts(&body, "-sha256"));
    let event = testing::bluepay_jt::verifier().verify(&body).unwrap();
    assert!(
        matches!(event, bluepay_jt::Notification::QrCodePayment(_)),
        "{event:?}"
    );
    let again = testing::bluepay_jt::notification(&event).unwrap();
    assert_eq!(
        testing::bluepay_jt::verifier().verify(&again).unwrap(),
        event
    );
    let client =
        bluepay_jt::Client::new(testing::bluepay_jt::config("http://127.0.0.1:9")).unwrap();
    assert!(client.notifications().verify(&body).is_ok());
    let forged = tampered(&body, param_and_sign(&body).0.find("100000").unwrap());
    assert!(testing::bluepay_jt::verifier().verify(&forged).is_err());
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn the_axum_extractor_accepts_a_minted_notification_and_refuses_a_changed_one() {
    use axum::routing::post;
    async fn notify(bluepay::VerifiedNotification(event): bluepay::VerifiedNotification) -> String {
        match event {
            Notification::QrCodePayment(paid) => paid.transaction_id,
            other => format!("{other:?}"),
        }
    }
    let app = axum::Router::new()
        .route("/bluepay/notify", post(notify))
        .with_state(testing::bluepay::verifier());
    let url = format!("http://{}/bluepay/notify", super::serve(app).await);
    let http = reqwest::Client::new();
    let body = testing::bluepay::notification(qr_paid()).unwrap();
    let answer = http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "Q123");
    let forged = tampered(&body, param_and_sign(&body).0.find("50020").unwrap());
    let answer = http.post(&url).body(forged).send().await.unwrap();
    assert_eq!(answer.status(), 401);
}
