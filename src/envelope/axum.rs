//! An axum extractor that verifies a notification before the handler runs.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use paybind::bluepay::{Notification, Notifications, ACK_BODY};
//! use paybind::envelope::axum::Verified;
//!
//! async fn notify(Verified(event): Verified<Notifications>) -> &'static str {
//!     if let Notification::QrCodePayment(paid) = event {
//!         println!("{} paid {}", paid.transaction_id, paid.amount);
//!     }
//!     ACK_BODY
//! }
//!
//! # fn app(verifier: Notifications) -> Router {
//! Router::new().route("/bluepay/notify", post(notify)).with_state(verifier)
//! # }
//! ```

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::NotifyError;

/// A gateway's notification verifier (each envelope gateway's `Notifications`).
pub trait VerifyNotification {
    /// The typed event.
    type Event;
    /// Verifies the body and types the event.
    fn verify(&self, body: &[u8]) -> Result<Self::Event, NotifyError>;
}

/// A notification whose signature verified; the handler receives the typed event.
#[derive(Debug, Clone)]
pub struct Verified<V: VerifyNotification>(pub V::Event);

/// Why the extractor refused a request. The response never echoes the body.
#[derive(Debug)]
pub enum Rejection {
    /// The body could not be read.
    Body,
    /// Verification failed (forged, tampered, or not a notification).
    Refused(NotifyError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Body => (StatusCode::BAD_REQUEST, "unreadable body").into_response(),
            Rejection::Refused(NotifyError::BadSignature(_)) => {
                (StatusCode::UNAUTHORIZED, "signature rejected").into_response()
            }
            Rejection::Refused(_) => {
                (StatusCode::BAD_REQUEST, "not a valid notification").into_response()
            }
        }
    }
}

impl<S, V> FromRequest<S> for Verified<V>
where
    S: Send + Sync,
    V: VerifyNotification + FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| Rejection::Body)?;
        V::from_ref(state)
            .verify(&body)
            .map(Verified)
            .map_err(Rejection::Refused)
    }
}
