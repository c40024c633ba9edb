//! The optional axum extractor for SGATE callbacks, over real HTTP on 127.0.0.1.

use crate::sgate_support::{merchant_private, signed_callback, system_public, API_KEY};
use axum::http::StatusCode;
use paybind::sgate::VerifiedNotification;
use paybind::sgate::{Notification, NotificationError, Notifications};

async fn on_callback(VerifiedNotification(event): VerifiedNotification) -> (StatusCode, String) {
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
    let verifier = Notifications::new(API_KEY, system_public(), merchant_private());
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

/// Serves `app` on 127.0.0.1 and returns its address.
async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    addr
}

/// POSTs a callback; the answer's status and text.
async fn post(url: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> (u16, String) {
    let answer = reqwest::Client::new()
        .post(url)
        .headers(headers.clone())
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

fn salary_example() -> serde_json::Value {
    paybind::sgate::spec()
        .schema("SalaryStatusChangeCallback")
        .unwrap()["example"]
        .clone()
}

fn callback_app(verifier: Notifications) -> axum::Router {
    axum::Router::new()
        .route("/sgate/callback", axum::routing::post(on_callback))
        .with_state(verifier)
}

/// The callback with one body byte changed is refused with 401, naming the path verified.
async fn tampered_is_refused_naming(
    url: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    path: &str,
) {
    let mut tampered = body.to_vec();
    tampered[5] ^= 0x01;
    let (status, text) = post(url, headers, &tampered).await;
    assert_eq!(status, 401);
    assert!(
        text.contains(&format!("does not verify for path {path} ")),
        "{text}"
    );
}

/// `Router::nest` strips `/hooks` from the URI the extractor sees; SGATE signed
/// `/hooks/sgate/callback`, and that is what is verified.
#[tokio::test]
async fn nested_router_verifies_the_path_sgate_signed() {
    let verifier = Notifications::new(API_KEY, system_public(), merchant_private());
    let app = axum::Router::new().nest("/hooks", callback_app(verifier));
    let url = format!("http://{}/hooks/sgate/callback", serve(app).await);

    let (headers, body) = signed_callback("/hooks/sgate/callback", &salary_example());
    assert_eq!(
        post(&url, &headers, &body).await,
        (200, "salary 5123450000000001".to_string())
    );

    tampered_is_refused_naming(&url, &headers, &body, "/hooks/sgate/callback").await;

    // Signed for the path the nested router sees, not the one SGATE called: refused.
    let (headers, body) = signed_callback("/sgate/callback", &salary_example());
    let (status, text) = post(&url, &headers, &body).await;
    assert_eq!(status, 401);
    assert_eq!(
        text,
        "callback signature does not verify for path /hooks/sgate/callback with the system \
         public key"
    );
}

/// A proxy forwards https://shop.example/pay/hooks/sgate/callback to the service as
/// `/sgate/callback`: with `public_path` the callback SGATE signed for the public path passes;
/// without it, it is refused and the error names the path that was verified.
#[tokio::test]
async fn public_path_verifies_behind_a_path_rewriting_proxy() {
    let verifier = Notifications::new(API_KEY, system_public(), merchant_private());
    let plain = serve(callback_app(verifier.clone())).await;
    let behind_proxy = serve(callback_app(
        verifier.public_path("/pay/hooks/sgate/callback"),
    ))
    .await;
    let whole_url = serve(callback_app(
        Notifications::new(API_KEY, system_public(), merchant_private())
            .public_path("https://shop.example/pay/hooks/sgate/callback"),
    ))
    .await;
    let (headers, body) = signed_callback("/pay/hooks/sgate/callback", &salary_example());

    for addr in [behind_proxy, whole_url] {
        let url = format!("http://{addr}/sgate/callback");
        assert_eq!(
            post(&url, &headers, &body).await,
            (200, "salary 5123450000000001".to_string())
        );
        tampered_is_refused_naming(&url, &headers, &body, "/pay/hooks/sgate/callback").await;
        // Signed for the rewritten path: not what SGATE signs, refused.
        let (local_headers, local_body) = signed_callback("/sgate/callback", &salary_example());
        assert_eq!(post(&url, &local_headers, &local_body).await.0, 401);
    }

    let url = format!("http://{plain}/sgate/callback");
    let (status, text) = post(&url, &headers, &body).await;
    assert_eq!(status, 401);
    assert_eq!(
        text,
        "callback signature does not verify for path /sgate/callback with the system public key"
    );
}

/// The error names the path verified (also without axum) but never its query, which may carry
/// a merchant's token; neither does the verifier's `Debug`.
#[test]
fn refusal_names_the_verified_path_but_not_its_query() {
    let verifier = Notifications::new(API_KEY, system_public(), merchant_private());
    let (headers, body) = signed_callback("/cb?token=s3cret", &salary_example());
    assert!(verifier.verify(&headers, "/cb?token=s3cret", &body).is_ok());
    assert_eq!(
        verifier.verify(&headers, "/other?token=s3cret", &body),
        Err(NotificationError::SignatureMismatch {
            path: "/other?…".to_string()
        })
    );

    let pinned = verifier.public_path("/cb?token=s3cret");
    assert!(pinned.verify(&headers, "/rewritten", &body).is_ok());
    let mut tampered = body.clone();
    tampered[5] ^= 0x01;
    let err = pinned
        .verify(&headers, "/rewritten", &tampered)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "callback signature does not verify for path /cb?… with the system public key"
    );
    assert!(!format!("{pinned:?}").contains("s3cret"), "{pinned:?}");
}
