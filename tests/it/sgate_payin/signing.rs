//! SGATE Payin's signature against an independent oracle: the docs' own Node example
//! (tests/fixtures/sgate-payin/callMethod.node.js, run by `node`) signs what paybind put on the
//! wire, for operations of every kind (GET, POST and PUT; path parameters given, and the
//! merchant's from the config). `node` is required: the browser tests need it too, and CI
//! installs it.

use paybind::sgate_payin::signing::{
    encode_component, signature, string_to_sign, Secret, SignedHeaders, SIGN_METHOD, SIGN_VERSION,
};
use paybind::sgate_payin::{headers, types};
use serde_json::{json, Value};

use super::stub::{self, Stub, KEY, NOW, SECRET};
use super::{fixtures, run_node};

/// One input of the docs' `generator`.
struct Case {
    uri: String,
    key: String,
    timestamp: String,
    method: String,
    secret: String,
}

/// The signatures the docs' Node example computes for `cases`.
fn node_signatures(cases: &[Case]) -> Vec<String> {
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({ "uri": c.uri, "key": c.key, "timestamp": c.timestamp,
                    "method": c.method, "secret": c.secret })
        })
        .collect();
    let output = run_node("sign-with-docs-example.js", &Value::Array(input));
    let signatures: Vec<String> = serde_json::from_value(output).expect("a JSON list");
    assert_eq!(signatures.len(), cases.len());
    signatures
}

/// The fixture is the page's NODE block, byte for byte: the oracle is the docs' code.
#[test]
fn the_node_fixture_is_the_pages_code_block() {
    let page = std::fs::read_to_string(fixtures().join("callMethod.en.md")).unwrap();
    let start = page.find("```js [NODE]\n").expect("the page's Node block") + 13;
    let end = start + page[start..].find("\n```").expect("its end") + 1;
    let fixture = std::fs::read_to_string(fixtures().join("callMethod.node.js")).unwrap();
    assert_eq!(fixture, &page[start..end]);
    assert!(fixture.contains("crypto.createHmac('sha256', secret)"));
}

/// Requests of six operations, captured on the wire: each `x-auth-signature` is what the docs'
/// Node example computes from the request's own path (below `/api_v1`), key, timestamp and the
/// operation's docs name.
#[tokio::test]
async fn the_docs_node_example_signs_what_paybind_sends() {
    let stub = Stub::start().await;
    let client = stub.client();
    client.merchant_detail().await.unwrap();
    client
        .merchant_add_order(
            types::MerchantAddOrderParam::builder()
                .merchant_order_id("TEST1672491207")
                .name("test")
                .amount("12.02")
                .currency("SAR"),
        )
        .await
        .unwrap();
    client
        .order_detail("M448726T2022123112531745487632")
        .await
        .unwrap();
    client
        .order_refund(
            "M948164T2023072607034709567189",
            types::OrderRefundParam::builder()
                .amount("7")
                .reason("Return shipping fee"),
        )
        .await
        .unwrap();
    client
        .refund_detail("M948164T2023072607034709567189_R1")
        .await
        .unwrap();
    client
        .order_set_delivery_status(
            "M448726T2022123112531745487632",
            types::OrderSetDeliveryStatusParam::builder().value("delivering"),
        )
        .await
        .unwrap();
    let payer = headers::TransactionCompleteByStcpay {
        user_agent: "Mozilla/5.0 (payer's browser)".into(),
        x_auth_uuid: "a13382f5-4dcf-4ef5-9e81-33a836a610a9".into(),
        x_customer_ip: "124.126.202.12".into(),
    };
    client
        .transaction_complete_by_stcpay(
            "M104563T20230804011028111111_1",
            &payer,
            types::TransactionCompleteByStcpayParam::builder()
                .ticket("QnTkb04gg5RzB6fPKlfKH9AJgTW7PYQKCYnP0Wwdz0uiQZjSt8UjsHtBJbBBmTMc")
                .otp_value("12345"),
        )
        .await
        .unwrap();

    let hits = stub.hits();
    let methods: Vec<&str> = hits.iter().map(|h| h.method.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "GET", "POST", "GET", "PUT", "PUT"]);
    assert_eq!(
        hits[0].path, "/api_v1/merchants/M448726",
        "the configured merchant"
    );
    let cases: Vec<Case> = hits
        .iter()
        .map(|hit| {
            let op = stub::operation_of(&stub.root, hit).expect("an operation of the spec");
            assert_eq!(hit.header("x-auth-key"), KEY);
            assert_eq!(hit.header("x-auth-timestamp"), NOW.to_string());
            assert_eq!(hit.header("x-auth-sign-method"), "HmacSHA256");
            assert_eq!(hit.header("x-auth-sign-version"), "1");
            Case {
                uri: stub.uri(hit).to_string(),
                key: hit.header("x-auth-key").into(),
                timestamp: hit.header("x-auth-timestamp").into(),
                method: op.name.expect("an x-method").into(),
                secret: SECRET.into(),
            }
        })
        .collect();
    let sent: Vec<&str> = hits.iter().map(|h| h.header("x-auth-signature")).collect();
    assert_eq!(sent, node_signatures(&cases));
    // Not one signature for all: each covers its own path and operation.
    let distinct: std::collections::BTreeSet<&&str> = sent.iter().collect();
    assert_eq!(distinct.len(), sent.len());
}

/// The spec's test vectors (computed with the docs' Node code; the page prints no signature):
/// paybind's text and signature are theirs, and so are the Node example's here and now.
#[test]
fn the_specs_test_vectors_hold() {
    let vectors = paybind::sgate_payin::spec()
        .document()
        .pointer("/info/x-signing/test-vectors")
        .and_then(Value::as_array)
        .expect("info.x-signing.test-vectors");
    assert!(vectors.len() >= 2);
    let text = |v: &Value, key: &str| v[key].as_str().expect(key).to_string();
    let mut cases = Vec::new();
    for v in vectors {
        assert_eq!(text(v, "signMethod"), SIGN_METHOD);
        assert_eq!(text(v, "signVersion"), SIGN_VERSION);
        let timestamp: i64 = text(v, "timestamp").parse().unwrap();
        let secret = Secret::new(text(v, "secret"));
        let signed = string_to_sign(
            &text(v, "uri"),
            &text(v, "key"),
            timestamp,
            &text(v, "method"),
        );
        assert_eq!(signed, text(v, "string-to-sign"));
        assert_eq!(signature(&secret, &signed), text(v, "signature"));
        let headers = SignedHeaders::sign(
            &secret,
            &text(v, "key"),
            &text(v, "uri"),
            &text(v, "method"),
            timestamp,
        );
        assert_eq!(headers.signature, text(v, "signature"));
        cases.push(Case {
            uri: text(v, "uri"),
            key: text(v, "key"),
            timestamp: text(v, "timestamp"),
            method: text(v, "method"),
            secret: text(v, "secret"),
        });
    }
    let expected: Vec<String> = vectors.iter().map(|v| text(v, "signature")).collect();
    assert_eq!(node_signatures(&cases), expected);
}

/// Values outside letters and digits are encoded as the Node example's `encodeURIComponent`
/// does: spaces, `/`, `+`, `&`, `=`, `%`, the marks it keeps (`-_.!~*'()`) and non-ASCII text.
#[test]
fn values_are_encoded_as_encode_uri_component_does() {
    let odd = [
        (
            "/orders/M1_R2-x.y",
            "your key",
            "merchant.addOrder",
            "s3cret",
        ),
        ("/a b/c+d", "k&e=y%", "order.detail", "with space"),
        ("/marks/-_.!~*'()", "ké©y", "refund.detail", "秘密"),
    ];
    let cases: Vec<Case> = odd
        .iter()
        .map(|(uri, key, method, secret)| Case {
            uri: uri.to_string(),
            key: key.to_string(),
            timestamp: NOW.to_string(),
            method: method.to_string(),
            secret: secret.to_string(),
        })
        .collect();
    let paybind: Vec<String> = odd
        .iter()
        .map(|(uri, key, method, secret)| {
            signature(
                &Secret::new(*secret),
                &string_to_sign(uri, key, NOW, method),
            )
        })
        .collect();
    assert_eq!(paybind, node_signatures(&cases));
    assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
    assert_eq!(encode_component("a b/é"), "a%20b%2F%C3%A9");
}

/// A base URL with more path than `/api_v1` (a proxy, the sandbox's prefix): the signed `uri`
/// is still the path below it, so the signature is the one SGATE itself would expect.
#[tokio::test]
async fn the_uri_is_the_path_below_the_configured_root() {
    let stub = Stub::start_with("/sgate-payin/api_v1", |_| None).await;
    stub.client().merchant_detail().await.unwrap();
    let hit = &stub.hits()[0];
    assert_eq!(hit.path, "/sgate-payin/api_v1/merchants/M448726");
    // The spec's first test vector: the docs' failure example's request, with "your secret".
    assert_eq!(
        hit.header("x-auth-signature"),
        "daFE250/BIWoJGoZxFAsm6fWWyck1HxVpI6E/EXhYKQ="
    );
}

/// The secret never shows: not in the config's, the client's or the secret's `Debug`.
#[test]
fn the_secret_never_shows() {
    let config = stub::config("http://127.0.0.1:9/api_v1");
    let client = paybind::sgate_payin::Client::new(config.clone()).unwrap();
    for shown in [
        format!("{config:?}"),
        format!("{client:?}"),
        format!("{:?}", Secret::new(SECRET)),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("your secret"), "{shown}");
    }
    assert!(format!("{config:?}").contains("Secret(redacted)"));
}
