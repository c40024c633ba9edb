//! The axum extractor of SGATE's callbacks: [`VerifiedNotification`], as BluePay's and BluePay
//! JT's are theirs.
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::post, Router};
//! use paybind::sgate::{Notifications, VerifiedNotification};
//!
//! async fn on_callback(VerifiedNotification(event): VerifiedNotification) -> StatusCode {
//!     println!("{event:?}");
//!     StatusCode::OK
//! }
//!
//! # fn app(client: paybind::sgate::Client) -> Router {
//! // SGATE calls https://shop.example/hooks/sgate/callback.
//! let callbacks = Router::new()
//!     .route("/sgate/callback", post(on_callback))
//!     .with_state(client.notifications().clone());
//! Router::new().nest("/hooks", callbacks)
//! # }
//! ```

use axum::extract::{FromRef, FromRequest, OriginalUri, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Notification, NotificationError, Notifications};

/// Callbacks are small JSON documents; a larger body is refused unread.
const MAX_BODY: usize = 1024 * 1024;

/// A callback whose signature verified, typed, its sensitive members decrypted, verified with
/// the [`Notifications`] in the router's state. Answer it with HTTP 200; a refused one is
/// answered for you with an error status, and SGATE sends a genuine one again.
///
/// It verifies the path the request arrived with before any `Router::nest` stripped a prefix
/// (axum's `OriginalUri`), so the router may be mounted anywhere. Behind a proxy that rewrites
/// the path, set [`Notifications::public_path`].
#[derive(Debug, Clone)]
pub struct VerifiedNotification(pub Notification);

/// The acknowledgement of a verified callback, as an axum response: HTTP 200 with no body, as
/// SGATE expects ([`ACK_STATUS`](super::ACK_STATUS)). Anything else makes SGATE retry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ack;

impl IntoResponse for Ack {
    fn into_response(self) -> Response {
        StatusCode::OK.into_response()
    }
}

/// Why the extractor refused a request. The response never echoes the body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The body could not be read, or is larger than a callback can be.
    Body,
    /// Verification failed (forged, tampered, replayed, stale, or not a callback).
    Refused(NotificationError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Body => (StatusCode::PAYLOAD_TOO_LARGE, "unreadable body").into_response(),
            Rejection::Refused(error) => {
                (StatusCode::UNAUTHORIZED, error.to_string()).into_response()
            }
        }
    }
}

impl<S> FromRequest<S> for VerifiedNotification
where
    S: Send + Sync,
    Notifications: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Notifications::from_ref(state);
        let (parts, body) = request.into_parts();
        // `Router::nest` strips its prefix from `parts.uri`; SGATE signed the full path.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let path = uri
            .path_and_query()
            .map_or_else(|| uri.path(), |path| path.as_str());
        let bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| Rejection::Body)?;
        verifier
            .verify(&parts.headers, path, &bytes)
            .map(VerifiedNotification)
            .map_err(Rejection::Refused)
    }
}
