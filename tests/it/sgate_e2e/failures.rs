//! Failures a client must survive: tampered answers, wrong keys, business failures, HTTP faults
//! and a refused connection.

use super::*;

#[tokio::test]
async fn tampered_answers_are_rejected_before_parsing() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    for spoil in [
        json!({"tamper_body": true}),
        json!({"bad_signature": "wrong_timestamp"}),
        json!({"bad_signature": "corrupt"}),
    ] {
        fault(&sandbox, "merchant_balance", spoil.clone()).await;
        let err = client.merchant_balance().await.unwrap_err();
        match &err {
            Error::BadSignature { reason, response } => {
                assert_eq!(*reason, SignatureError::Mismatch, "{spoil}");
                assert_eq!(response.status, 200);
                assert!(!response.body.is_empty());
            }
            other => panic!("{spoil}: {other:?}"),
        }
        assert!(!err.is_retryable());
        assert!(err.raw_body().is_some());
    }
    fault(
        &sandbox,
        "merchant_balance",
        json!({"bad_signature": "missing"}),
    )
    .await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::BadSignature {
                reason: SignatureError::MissingHeader("V-Signature"),
                ..
            }
        ),
        "{err:?}"
    );
    // The documented empty signature maps to the authentication error, never to success.
    fault(
        &sandbox,
        "merchant_balance",
        json!({"bad_signature": "empty"}),
    )
    .await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Authentication { .. }), "{err:?}");

    // Undecryptable sensitive member: typed error naming it.
    client
        .customer_create(bank_customer("u1", "5123459999999999", "1234567892"))
        .await
        .unwrap();
    fault(&sandbox, "customer_detail", json!({"bad_ciphertext": true})).await;
    let err = client
        .customer_detail(|q| q.mercustomid("u1"))
        .await
        .unwrap_err();
    match &err {
        Error::Decryption { field, .. } => assert_eq!(field, "data.cardno"),
        other => panic!("{other:?}"),
    }

    // One member decrypts (paybind holds its plaintext), the next one does not: the error
    // names the failing member and shows the good member's plaintext nowhere — not in
    // Display, Debug, nor the kept body; the body shows its sensitive members redacted, and
    // gives the answer as received only when asked (`expose`).
    let cardno = sgate_support::encrypt_for_merchant(plain_value("cardno"));
    let broken = "bm90IGNpcGhlcnRleHQ=";
    fault(
        &sandbox,
        "customer_detail",
        json!({"body": {"code":200,"message":"ok","data":{"cardno":cardno,"identity":broken},"sensitiveFields":["cardno","identity"]}}),
    )
    .await;
    let err = client
        .customer_detail(|q| q.mercustomid("u1"))
        .await
        .unwrap_err();
    match &err {
        Error::Decryption { field, .. } => assert_eq!(field, "data.identity"),
        other => panic!("{other:?}"),
    }
    let raw = String::from_utf8_lossy(err.raw_body().expect("the answer is kept")).into_owned();
    assert!(!raw.contains(broken) && raw.contains("[redacted]"), "{raw}");
    let received = err.raw().unwrap().expose();
    assert!(String::from_utf8_lossy(received).contains(broken));
    for shown in [format!("{err}"), format!("{err:?}"), raw] {
        assert!(!shown.contains(plain_value("cardno")), "{shown}");
    }
}

#[tokio::test]
async fn wrong_keys_fail_closed() {
    let sandbox = sgate_support::sandbox().await;
    // A client with the wrong API KEY: the gateway answers 1201 with an empty signature.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        "wrong-key",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    );
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    // Unsigned: its claimed code (1201) is kept as raw bytes only, never read as a fact.
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1201"));
    assert!(matches!(err, Error::Authentication { .. }));
    // Signed with another merchant key: 1213, unsigned.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        API_KEY,
        crate::common::key("gateway-2048.pem"),
        sgate_support::system_public(),
    );
    let err = paybind::sgate::Client::new(config)
        .unwrap()
        .merchant_balance()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1213"));
    // A client that trusts another system key rejects genuine answers.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        API_KEY,
        sgate_support::merchant_private(),
        sgate_support::merchant_private().public_key(),
    );
    let client = paybind::sgate::Client::new(config).unwrap();
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::BadSignature { .. })
    ));
}

#[tokio::test]
async fn business_failures_and_http_faults_are_typed() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    fault(
        &sandbox,
        "payment_order_create",
        json!({"body": {"code":1402,"message":"Insufficient balance","data":{},"sensitiveFields":{},"requestId":"R1"}}),
    )
    .await;
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::InsufficientBalance));
    match &err {
        Error::Api(api) => {
            assert_eq!(api.request_id.as_deref(), Some("R1"));
            assert_eq!(api.message, "Insufficient balance");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.raw_body().unwrap().starts_with(b"{\"code\":1402"));
    // The sandbox's own answer for an unknown customer.
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::DataNotExist));

    fault(
        &sandbox,
        "payment_order_create",
        json!({"error_code": 1212}),
    )
    .await;
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert!(err.is_retryable());

    fault(&sandbox, "merchant_balance", json!({"http_status": 503})).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.raw_body(), Some(&b"sandbox fault: HTTP 503"[..]));

    // Decrypted, then not the documented shape: the kept body is the answer as received, its
    // member still encrypted — and shown redacted.
    let cardno = sgate_support::encrypt_for_merchant(plain_value("cardno"));
    fault(
        &sandbox,
        "customer_detail",
        json!({"body": {"code":200,"message":"ok","data":{"cardno":cardno,"status":"not a code"},"sensitiveFields":["cardno"]}}),
    )
    .await;
    let err = client
        .customer_detail(|q| q.customid("1"))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    let raw = String::from_utf8_lossy(err.raw().unwrap().expose()).into_owned();
    assert!(raw.contains(&format!("\"cardno\":\"{cardno}\"")), "{raw}");
    let shown = String::from_utf8_lossy(err.raw_body().unwrap()).into_owned();
    assert!(shown.contains("\"cardno\":\"[redacted]\""), "{shown}");
    assert!(!raw.contains(plain_value("cardno")), "{raw}");
    assert!(!format!("{err:?} {err}").contains(plain_value("cardno")));
    // Signed but not JSON: kept as received.
    use base64::Engine as _;
    let html = base64::engine::general_purpose::STANDARD.encode(b"<html>");
    fault(&sandbox, "merchant_balance", json!({"file_base64": html})).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.raw_body(), Some(&b"<html>"[..]));
    // Signed but not the documented shape.
    fault(
        &sandbox,
        "merchant_balance",
        json!({"body": {"code":200,"message":"ok","data":{"not":"a list"}}}),
    )
    .await;
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::Decode { .. })
    ));
}

#[tokio::test]
async fn connection_refused_is_not_sent_and_retryable() {
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url("http://127.0.0.1:9".into()),
        API_KEY,
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    )
    .connect_retries(1);
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    assert!(!err.may_have_been_sent(), "{err:?}");
    assert!(err.is_retryable());
}
