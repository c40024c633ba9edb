//! The optional axum extractor for SGATE callbacks, over real HTTP on 127.0.0.1.

use crate::sgate_support::{merchant_private, signed_callback, system_public, API_KEY};
use axum::http::StatusCode;
use paybind::sgate::callbacks::VerifiedCallback;
use paybind::sgate::{CallbackVerifier, Notification};

async fn on_callback(VerifiedCallback(event): VerifiedCallback) -> (StatusCode, String) {
    let kind = match event {
        Notification::SalaryStatusChange(e) => {
            let cardno = e.data.custominfo.and_then(|info| info.cardno);
            format!(
                "salary {}",
                cardno.map(|c| c.expose().to_string()).unwrap_or_default()
            )
        }
        other => format!("{other:?}"),
    };
    (StatusCode::OK, kind)
}

#[tokio::test]
async fn extractor_accepts_signed_callbacks_and_refuses_others() {
    let verifier = CallbackVerifier::new(API_KEY, system_public(), merchant_private());
    let app = axum::Router::new()
        .route("/sgate/notify", axum::routing::post(on_callback))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    let example = paybind::sgate::spec()
        .schema("SalaryStatusChangeCallback")
        .unwrap()["example"]
        .clone();
    let (headers, body) = signed_callback("/sgate/notify", &example);
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/sgate/notify");
    let answer = http
        .post(&url)
        .headers(headers.clone())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "salary 5123450000000001");

    let mut tampered = body;
    tampered[5] ^= 0x01;
    let answer = http
        .post(&url)
        .headers(headers)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
}
