//! The shop's payment webhooks.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use paybind::bluepay::{self, Notification, SeenEvents, ACK_BODY};
use paybind::sgate::{self, Notifications};

/// What the webhooks recorded; a real shop writes its orders table here.
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerEntry {
    QrPaid { order: String, satang: i64 },
    QrFailed { order: String },
    PayoutDone { order: String, ok: bool },
    SgateOrder { payeeuid: String, status: String },
    SgateCustomer { customid: String, status: String },
}

#[derive(Clone)]
pub struct AppState {
    pub bluepay: bluepay::Notifications,
    pub sgate: Notifications,
    pub seen: Arc<SeenEvents>,
    pub ledger: Arc<Mutex<Vec<LedgerEntry>>>,
}

impl AppState {
    pub fn new(bluepay: &bluepay::Client, sgate: &sgate::Client) -> Self {
        AppState {
            bluepay: bluepay
                .notifications()
                .expect("the BluePay config has the gateway public key")
                .clone(),
            sgate: sgate.notifications().clone(),
            seen: Arc::new(SeenEvents::new(100_000)),
            ledger: Arc::default(),
        }
    }
}

impl FromRef<AppState> for bluepay::Notifications {
    fn from_ref(state: &AppState) -> Self {
        state.bluepay.clone()
    }
}

impl FromRef<AppState> for Notifications {
    fn from_ref(state: &AppState) -> Self {
        state.sgate.clone()
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/bluepay/notify", post(bluepay_notify))
        .route("/sgate/callback", post(sgate_callback))
        .with_state(state)
}

fn record(state: &AppState, entry: LedgerEntry) -> Result<(), String> {
    state.ledger.lock().map_err(|e| e.to_string())?.push(entry);
    Ok(())
}

fn ack() -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        ACK_BODY,
    )
        .into_response()
}

async fn bluepay_notify(
    State(state): State<AppState>,
    bluepay::VerifiedNotification(event): bluepay::VerifiedNotification,
) -> Response {
    let key = event.event_key();
    if !state.seen.first_time(&key) {
        return ack(); // delivered again: already handled
    }
    let entry = match &event {
        Notification::QrCodePayment(paid) => {
            let order = paid.mch_order_id.clone().unwrap_or_default();
            match paid.transaction_status {
                bluepay::TransactionStatus::Completed => match paid.amount.minor_units() {
                    Some(satang) => LedgerEntry::QrPaid { order, satang },
                    // BluePay pays whole satang; anything finer is for a person to look at.
                    None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                },
                _ => LedgerEntry::QrFailed { order },
            }
        }
        Notification::Payout(payout) => LedgerEntry::PayoutDone {
            order: payout.mch_order_id.clone(),
            ok: payout.transaction_status == bluepay::TransactionStatus::Completed,
        },
        _ => return ack(), // not ours to handle
    };
    match record(&state, entry) {
        Ok(()) => ack(),
        Err(_) => {
            state.seen.forget(&key);
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn sgate_callback(
    State(state): State<AppState>,
    sgate::VerifiedNotification(event): sgate::VerifiedNotification,
) -> StatusCode {
    let entry = match event {
        sgate::Notification::SalaryStatusChange(cb) => LedgerEntry::SgateOrder {
            payeeuid: cb.data.payeeuid.unwrap_or_default(),
            status: cb.data.status.map(|s| format!("{s:?}")).unwrap_or_default(),
        },
        sgate::Notification::CustomStatusChange(cb) => LedgerEntry::SgateCustomer {
            customid: cb.data.customid.unwrap_or_default(),
            status: cb.data.status.map(|s| format!("{s:?}")).unwrap_or_default(),
        },
        _ => return StatusCode::OK,
    };
    match record(&state, entry) {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use paybind::testing::{self, JsonText};
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
}
