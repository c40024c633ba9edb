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
    use paybind::envelope::{HashAlgorithm, RsaSigner};
    use paybind::keys::PrivateKey;
    use tower::ServiceExt as _;

    /// What BluePay would POST: `{param, sign}`, `sign` over the exact `param` text.
    fn signed_notification(gateway_key: &PrivateKey, param: serde_json::Value) -> String {
        let param = param.to_string();
        let sign = RsaSigner::new(gateway_key, HashAlgorithm::Sha256).sign_base64(param.as_bytes());
        serde_json::json!({ "param": param, "sign": sign }).to_string()
    }

    async fn post(app: &Router, body: String) -> (StatusCode, String) {
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
        let gateway_key = PrivateKey::generate(2048).unwrap();
        let state = AppState {
            bluepay: bluepay::Notifications::new(gateway_key.public_key(), HashAlgorithm::Sha256),
            // The SGATE route is not exercised here, but the state needs a verifier.
            sgate: Notifications::new("unused", gateway_key.public_key(), gateway_key.clone()),
            seen: Arc::new(SeenEvents::new(100)),
            ledger: Arc::default(),
        };
        let app = app(state.clone());
        let body = signed_notification(
            &gateway_key,
            serde_json::json!({
                "eventName": "qrcode.payment.success", "mchOrderId": "SHOP42",
                "transactionId": "Q123", "amount": 50020, "transactionStatus": "COMPLETED",
            }),
        );

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

        let forged = body.replace("50020", "90020");
        assert_eq!(post(&app, forged).await.0, StatusCode::UNAUTHORIZED);
    }

    /// What SGATE would POST: the `V-*` headers signed over key, time, nonce, path and body.
    fn signed_sgate_callback(
        api_key: &str,
        system_key: &PrivateKey,
        path: &str,
        body: &str,
    ) -> Request<Body> {
        use paybind::sgate::signing::*;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let (timestamp, nonce) = (now.as_secs() as i64, "n0nce0123456789abcdef");
        let data = signature_data(api_key, timestamp, nonce, path, "POST", body);
        Request::post(path)
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(HEADER_NONCE, nonce)
            .header(
                HEADER_SIGNATURE,
                sign_digest(system_key, &digest_hex(&data)),
            )
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    #[tokio::test]
    async fn sgate_callback_verified_and_behind_a_prefix() {
        let key = PrivateKey::generate(2048).unwrap();
        let state = AppState {
            bluepay: bluepay::Notifications::new(key.public_key(), HashAlgorithm::Sha256),
            sgate: Notifications::new("api-key", key.public_key(), key.clone()),
            seen: Arc::new(SeenEvents::new(100)),
            ledger: Arc::default(),
        };
        let body = r#"{"event":"SALARY_STATUS_CHANGE","time":1718000000,"data":{"ticketid":"9","payeeuid":"SHOP-1","amount":18.75,"status":1}}"#;

        let plain = app(state.clone());
        let answer = plain
            .oneshot(signed_sgate_callback(
                "api-key",
                &key,
                "/sgate/callback",
                body,
            ))
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
        let answer = nested
            .oneshot(signed_sgate_callback(
                "api-key",
                &key,
                "/hooks/sgate/callback",
                body,
            ))
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
