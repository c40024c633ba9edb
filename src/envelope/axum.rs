//! The axum support of the envelope gateways: each gateway's `VerifiedNotification` extractor
//! (`paybind::bluepay::VerifiedNotification`, `paybind::bluepay_jt::VerifiedNotification`), as
//! SGATE's is its own, and the [`Rejection`] they share.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use paybind::bluepay::{Notification, Notifications, VerifiedNotification, ACK_BODY};
//!
//! async fn notify(VerifiedNotification(event): VerifiedNotification) -> &'static str {
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
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::NotificationError;

/// A gateway's notification verifier (each envelope gateway's `Notifications`).
pub(crate) trait VerifyNotification {
    /// The typed event.
    type Event;
    /// Verifies the body and types the event.
    fn verify(&self, body: &[u8]) -> Result<Self::Event, NotificationError>;
}

/// Why the extractor refused a request. The response never echoes the body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The body could not be read.
    Body,
    /// Verification failed (forged, tampered, or not a notification).
    Refused(NotificationError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Body => (StatusCode::BAD_REQUEST, "unreadable body").into_response(),
            Rejection::Refused(NotificationError::BadSignature(_)) => {
                (StatusCode::UNAUTHORIZED, "signature rejected").into_response()
            }
            Rejection::Refused(_) => {
                (StatusCode::BAD_REQUEST, "not a valid notification").into_response()
            }
        }
    }
}

/// Reads the request's body and verifies it with `verifier`: the work of every envelope
/// gateway's extractor.
pub(crate) async fn verify_request<S, V>(
    request: Request,
    state: &S,
    verifier: &V,
) -> Result<V::Event, Rejection>
where
    S: Send + Sync,
    V: VerifyNotification,
{
    let body = Bytes::from_request(request, state)
        .await
        .map_err(|_| Rejection::Body)?;
    verifier.verify(&body).map_err(Rejection::Refused)
}
