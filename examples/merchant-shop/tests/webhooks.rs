//! The webhooks without a gateway: notifications and callbacks minted by `paybind::testing`
//! (the `testing` feature, a dev-dependency), sent to the router with tower's `oneshot`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use paybind::bluepay::{SeenEvents, ACK_BODY};
use paybind::testing::{self, JsonText};
use shop::web::{app, AppState, LedgerEntry};
use tower::ServiceExt as _;

/// The webhooks' state with the verifiers that accept what `paybind::testing` mints.
fn state() -> AppState {
    AppState {
        bluepay: testing::bluepay::verifier(),
        sgate: testing::sgate::notifications(),
        seen: Arc::new(SeenEvents::new(100)),
        ledger: Arc::default(),
    }
}

async fn post(app: &Router, body: Vec<u8>) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(
            Request::post("/bluepay/notify")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn verified_qr_payment_is_recorded_once() {
    let state = state();
    let app = app(state.clone());
    let body = testing::bluepay::notification(serde_json::json!({
        "eventName": "qrcode.payment.success", "mchOrderId": "SHOP42",
        "transactionId": "Q123", "amount": 50020, "transactionStatus": "COMPLETED",
    }))
    .unwrap();

    assert_eq!(
        post(&app, body.clone()).await,
        (StatusCode::OK, ACK_BODY.to_string())
    );
    assert_eq!(
        post(&app, body.clone()).await.0,
        StatusCode::OK,
        "a repeat is acknowledged"
    );
    assert_eq!(
        *state.ledger.lock().unwrap(),
        vec![LedgerEntry::QrPaid {
            order: "SHOP42".into(),
            satang: 50020
        }],
        "handled once"
    );

    let forged = String::from_utf8(body).unwrap().replace("50020", "90020");
    assert_eq!(
        post(&app, forged.into_bytes()).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sgate_callback_verified_and_behind_a_prefix() {
    let state = state();
    let body = JsonText(
        r#"{"event":"SALARY_STATUS_CHANGE","time":1718000000,"data":{"ticketid":"9","payeeuid":"SHOP-1","amount":18.75,"status":1}}"#,
    );

    let plain = app(state.clone());
    let callback = testing::sgate::callback("/sgate/callback", body).unwrap();
    let answer = plain
        .oneshot(callback.into_request::<Body>())
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        state.ledger.lock().unwrap().last(),
        Some(&LedgerEntry::SgateOrder {
            payeeuid: "SHOP-1".into(),
            status: "Transferred".into()
        })
    );

    // The same routes mounted under /hooks, SGATE configured with .../hooks/sgate/callback.
    let nested = Router::new().nest("/hooks", app(state.clone()));
    let callback = testing::sgate::callback("/hooks/sgate/callback", body).unwrap();
    let answer = nested
        .oneshot(callback.into_request::<Body>())
        .await
        .unwrap();
    let status = answer.status();
    let text = axum::body::to_bytes(answer.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "nested under /hooks: {}",
        String::from_utf8_lossy(&text)
    );
}

#[tokio::test]
async fn unrecorded_payment_is_refused_and_handled_when_delivered_again() {
    let state = state();
    let app = app(state.clone());
    let body = testing::bluepay::notification(serde_json::json!({
        "eventName": "qrcode.payment.success", "mchOrderId": "SHOP43",
        "transactionId": "Q124", "amount": 1500, "transactionStatus": "COMPLETED",
    }))
    .unwrap();

    // The ledger cannot be written (a handler panicked holding it).
    let ledger = state.ledger.clone();
    std::thread::spawn(move || {
        let _held = ledger.lock().unwrap();
        panic!("poisons the ledger");
    })
    .join()
    .unwrap_err();
    assert_eq!(
        post(&app, body.clone()).await.0,
        StatusCode::INTERNAL_SERVER_ERROR,
        "not acknowledged: BluePay delivers it again"
    );

    // Written again: the next delivery is handled, not skipped as seen.
    state.ledger.clear_poison();
    let response = app
        .oneshot(
            Request::post("/bluepay/notify")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "the acknowledgement is JSON"
    );
    assert_eq!(
        *state.ledger.lock().unwrap(),
        vec![LedgerEntry::QrPaid {
            order: "SHOP43".into(),
            satang: 1500
        }]
    );
}
