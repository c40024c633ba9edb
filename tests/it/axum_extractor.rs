//! The axum extractor verifies before the handler runs: a genuine notification reaches the
//! handler typed, a tampered one is answered 401 without reaching it.

use std::sync::{Arc, Mutex};

use axum::extract::FromRef;
use axum::routing::post;
use paybind::bluepay::{Notification, Notifications, VerifiedNotification, ACK_BODY};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use serde_json::json;

#[derive(Clone)]
struct AppState {
    verifier: Notifications,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FromRef<AppState> for Notifications {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn notify(
    axum::extract::State(state): axum::extract::State<AppState>,
    VerifiedNotification(event): VerifiedNotification,
) -> &'static str {
    if let Notification::WebPayPayment(paid) = event {
        state.seen.lock().unwrap().push(paid.transaction_id.clone());
    }
    ACK_BODY
}

#[tokio::test]
async fn the_extractor_verifies_before_the_handler() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let state = AppState {
        verifier: Notifications::new(gateway.public_key(), HashAlgorithm::Sha256),
        seen: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/notify", post(notify))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let param = r#"{"eventName":"order.payment.success","mchOrderId":"mchOrderId123","channelCode":"WECHAT_URL","transactionId":"C123456789xx","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let sign = RsaSigner::new(&gateway, HashAlgorithm::Sha256).sign_base64(param.as_bytes());
    let http = reqwest::Client::new();

    let genuine = http
        .post(&url)
        .body(json!({"param": param, "sign": sign}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(genuine.status(), 200);
    assert_eq!(genuine.text().await.unwrap(), ACK_BODY);

    let forged = param.replace("2300", "230000");
    let refused = http
        .post(&url)
        .body(json!({"param": forged, "sign": sign}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    assert_eq!(
        *state.seen.lock().unwrap(),
        vec!["C123456789xx".to_string()]
    );
}

/// A BluePay notification's signature covers `param` only, not the URL, so the extractor works
/// wherever the router is mounted: nested under `/hooks`, a genuine notification reaches the
/// handler and a forged one is answered 401.
#[tokio::test]
async fn the_extractor_verifies_under_a_nested_router() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let state = AppState {
        verifier: Notifications::new(gateway.public_key(), HashAlgorithm::Sha256),
        seen: Arc::default(),
    };
    let app = axum::Router::new().nest(
        "/hooks",
        axum::Router::new()
            .route("/bluepay/notify", post(notify))
            .with_state(state.clone()),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/hooks/bluepay/notify",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let param = r#"{"eventName":"order.payment.success","mchOrderId":"mchOrderId456","channelCode":"WECHAT_URL","transactionId":"C987654321xx","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let sign = RsaSigner::new(&gateway, HashAlgorithm::Sha256).sign_base64(param.as_bytes());
    let http = reqwest::Client::new();
    let send = |param: String| {
        http.post(&url)
            .body(json!({"param": param, "sign": sign}).to_string())
            .send()
    };

    let genuine = send(param.to_string()).await.unwrap();
    assert_eq!(genuine.status(), 200);
    assert_eq!(genuine.text().await.unwrap(), ACK_BODY);
    let forged = send(param.replace("2300", "230000")).await.unwrap();
    assert_eq!(forged.status(), 401);
    assert_eq!(
        *state.seen.lock().unwrap(),
        vec!["C987654321xx".to_string()]
    );
}
