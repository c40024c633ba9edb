//! The sandbox checks SGATE Payin's `x-auth-*` headers with its own reading of the docs: the
//! docs' Node-computed signature is accepted, anything unsigned, forged or signed with another
//! secret is refused with `notAllowed` saying why; both of its URLs serve the same API; and
//! faults apply to its operations.

use super::*;

use paybind::sgate_payin::signing::SignedHeaders;
use paybind::sgate_payin::{Config, Environment, Error, OrderStatus, Secret};
use paybind_sandbox::{Fault, Gateway, SandboxConfig};
use serde_json::json;

/// A raw GET of `path` (below `/api_v1`) with `headers`: its status and JSON body.
async fn raw_get(base: &str, path: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The five headers paybind's signer makes (used here only to build requests; the sandbox
/// checks them with its own code).
fn signed(
    secret: &str,
    key: &str,
    uri: &str,
    method: &str,
    timestamp: i64,
) -> Vec<(&'static str, String)> {
    SignedHeaders::sign(&Secret::new(secret), key, uri, method, timestamp)
        .pairs()
        .into_iter()
        .collect()
}

/// The docs' failure example's request, signed by the docs' own Node code (the spec's first
/// test vector): the sandbox, given that key and secret, accepts it.
#[tokio::test]
async fn the_docs_node_signature_is_accepted() {
    let vector = paybind::sgate_payin::spec()
        .document()
        .pointer("/info/x-signing/test-vectors/0")
        .unwrap()
        .clone();
    let text = |name: &str| vector[name].as_str().unwrap().to_string();
    let sandbox = Sandbox::start(SandboxConfig {
        sgate_payin_key: text("key"),
        sgate_payin_secret: text("secret"),
        sgate_payin_merchant_id: "M448726".into(),
        // The vector's timestamp is from 2023.
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    assert_eq!(text("uri"), "/merchants/M448726");
    let headers = [
        ("x-auth-signature", text("signature")),
        ("x-auth-key", text("key")),
        ("x-auth-timestamp", text("timestamp")),
        ("x-auth-sign-method", text("signMethod")),
        ("x-auth-sign-version", text("signVersion")),
    ];
    let (status, merchant) = raw_get(&sandbox.sgate_payin_url(), &text("uri"), &headers).await;
    assert_eq!(status, 200, "{merchant}");
    assert_eq!(merchant["id"], "M448726");
    // One byte off, refused.
    let mut forged = headers.clone();
    forged[0].1 = forged[0].1.replace('d', "e");
    let (status, refusal) = raw_get(&sandbox.sgate_payin_url(), &text("uri"), &forged).await;
    assert_eq!(status, 403);
    assert_eq!(refusal["code"], "notAllowed");
    assert_eq!(refusal["message"], "No access");
    assert_eq!(refusal["data"][0], "signature error");
    // The pairs the sandbox signed, as the docs' example shows them.
    assert_eq!(
        refusal["data"][1],
        json!({"uri": "/merchants/M448726", "key": text("key"), "timestamp": 1672991487,
               "signMethod": "HmacSHA256", "signVersion": "1", "method": "merchant.detail"})
    );
}

/// Unsigned, wrongly keyed, signed for another operation, with a wrong secret or out of the
/// clock window: each refused `notAllowed`, the log saying why and the signature not passed.
#[tokio::test]
async fn forged_unsigned_and_wrong_secret_requests_are_refused() {
    let sandbox = common::sandbox().await;
    let base = sandbox.sgate_payin_url();
    let (key, secret) = (sandbox.sgate_payin_key(), sandbox.sgate_payin_secret());
    let uri = format!("/merchants/{}", sandbox.sgate_payin_merchant_id());
    let now = chrono::Utc::now().timestamp();
    let why = |body: &Value| body["data"][0].as_str().unwrap().to_string();

    let (status, body) = raw_get(&base, &uri, &[]).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("notAllowed")));
    assert_eq!(why(&body), "x-auth-signature is missing");

    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            signed(secret, "another-key", &uri, "merchant.detail", now),
            "unknown x-auth-key",
        ),
        (
            signed("not the secret", key, &uri, "merchant.detail", now),
            "signature error",
        ),
        // A signature of another operation on the same path.
        (
            signed(secret, key, &uri, "merchant.addOrder", now),
            "signature error",
        ),
        (
            signed(
                secret,
                key,
                &format!("/api_v1{uri}"),
                "merchant.detail",
                now,
            ),
            "signature error: /api_v1",
        ),
        (
            signed(secret, key, &uri, "GET", now),
            "signature error: the method signed is the operation's name",
        ),
        (
            signed(secret, key, &uri, "merchant.detail", now - 3600),
            "x-auth-timestamp is 360",
        ),
    ];
    for (headers, expected) in cases {
        let (status, body) = raw_get(&base, &uri, &headers).await;
        assert_eq!(status, 403, "{expected}: {body}");
        assert!(why(&body).starts_with(expected), "{expected}: {body}");
        let logged = sandbox.requests().pop().unwrap();
        assert!(!logged.signature_ok);
        assert_eq!(logged.code, 403);
        assert!(
            logged.message.starts_with("notAllowed: No access"),
            "{}",
            logged.message
        );
        assert!(
            !logged.headers.values().any(|value| value == key),
            "the key is redacted"
        );
    }
    let mut method = signed(secret, key, &uri, "merchant.detail", now);
    method[3].1 = "HmacSHA1".into();
    let (status, body) = raw_get(&base, &uri, &method).await;
    assert_eq!(
        (status, why(&body)),
        (403, "x-auth-sign-method is not HmacSHA256".to_string())
    );

    // Through paybind's client: a wrong secret is SGATE's refusal, typed.
    let wrong = Config::new(
        Environment::Url(base.clone()),
        key,
        "not the secret",
        sandbox.sgate_payin_merchant_id(),
    );
    let error = Client::new(wrong)
        .unwrap()
        .merchant_detail()
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(paybind::sgate_payin::ResultCode::NotAllowed),
        "{error:?}"
    );
    // Another merchant's path with this key.
    let other = Config::new(Environment::Url(base), key, secret, "M999999");
    let error = Client::new(other)
        .unwrap()
        .merchant_detail()
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(paybind::sgate_payin::ResultCode::NotAllowed)
    );
}

/// The API at the root of Payin's own port (`{root}/api_v1`) is the same API with the same
/// state; a path below no operation is `notFound`.
#[tokio::test]
async fn the_root_port_serves_the_same_api() {
    let sandbox = common::sandbox().await;
    let created = client(&sandbox)
        .merchant_add_order(order("ROOT-1", "1.00", None))
        .await
        .unwrap();
    let root = sandbox.root_url(Gateway::SgatePayin);
    let at_root = Client::new(Config::new(
        Environment::Url(format!("{root}/api_v1")),
        sandbox.sgate_payin_key(),
        sandbox.sgate_payin_secret(),
        sandbox.sgate_payin_merchant_id(),
    ))
    .unwrap();
    let order = at_root.order_detail(&created.id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(
        sandbox.requests().pop().unwrap().path,
        format!("/api_v1/orders/{}", created.id)
    );
    let (status, body) = raw_get(&format!("{root}/api_v1"), "/nothing/here", &[]).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("notFound")));
}

/// The fault mechanism applies to Payin's operations: a refusal with a word code, a bare HTTP
/// status, a lost answer after the order was made; a numeric code is refused for Payin.
#[tokio::test]
async fn faults_apply_to_payin_operations() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let admin = sandbox.admin();
    admin
        .set_faults(&[Fault {
            error_code_text: Some("notAllowed".into()),
            times: Some(1),
            ..Fault::new(Gateway::SgatePayin, "merchant_detail")
        }])
        .await
        .unwrap();
    let error = client.merchant_detail().await.unwrap_err();
    assert_eq!(
        error.code(),
        Some(paybind::sgate_payin::ResultCode::NotAllowed)
    );
    client.merchant_detail().await.unwrap();

    admin
        .set_faults(&[Fault::new(Gateway::SgatePayin, "order_detail")
            .http_status(503)
            .times(1)])
        .await
        .unwrap();
    match client.order_detail("M1T1").await.unwrap_err() {
        Error::Http { status, .. } => assert_eq!(status, 503),
        other => panic!("{other:?}"),
    }

    // The order is made, its answer lost: the merchant finds it by looking.
    admin
        .set_faults(&[Fault::new(Gateway::SgatePayin, "merchant_add_order")
            .http_status(502)
            .after_commit()
            .times(1)])
        .await
        .unwrap();
    let error = client
        .merchant_add_order(order("LOST-1", "1.00", None))
        .await
        .unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    let objects = admin.objects().await.unwrap();
    let orders = objects["sgate-payin"]["objects"]["orders"]
        .as_array()
        .unwrap();
    assert!(orders.iter().any(|o| o["merchantOrderId"] == "LOST-1"));

    let numeric = admin
        .put(
            "faults",
            json!({"gateway": "sgate-payin", "operation": "order_detail", "error_code": 1213}),
        )
        .await
        .unwrap_err();
    assert!(numeric.to_string().contains("error_code_text"), "{numeric}");
}
