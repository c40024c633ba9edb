//! The axum extractor of SGATE Payin's callbacks: [`CheckedCallback`], a callback whose order
//! was looked up over the signed API with the [`Callbacks`] in the router's state.
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::get, Router};
//! use paybind::sgate_payin::{Ack, CheckedCallback};
//!
//! async fn on_callback(CheckedCallback(callback): CheckedCallback) -> Result<Ack, StatusCode> {
//!     // Act on `callback.order` (once per order), then acknowledge; an unconfirmed callback
//!     // is answered with an error so that SGATE asks again later.
//!     callback.ack().ok_or(StatusCode::CONFLICT)
//! }
//!
//! # fn app(client: paybind::sgate_payin::Client) -> Router {
//! // The order's notificationURL: https://shop.example/hooks/sgate-payin
//! Router::new()
//!     .route("/hooks/sgate-payin", get(on_callback))
//!     .with_state(client.notifications())
//! # }
//! ```

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::callbacks::{Ack, CallbackError, Callbacks, VerifiedCallback};
use super::Error;

/// A callback checked against its order, as SGATE's API states it (see [`Callbacks`]). Whether
/// it is confirmed is [`VerifiedCallback::is_confirmed`]; answer a confirmed one with
/// [`VerifiedCallback::ack`]. A callback that cannot be checked is answered for you with an
/// error status, and SGATE sends it again.
#[derive(Debug, Clone)]
pub struct CheckedCallback(pub VerifiedCallback);

impl IntoResponse for Ack {
    /// HTTP 200, `text/plain`, the body `COMPLETED::{ORDER_ID}`.
    fn into_response(self) -> Response {
        (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            self.body(),
        )
            .into_response()
    }
}

/// Why the extractor refused a callback. The response never echoes the query.
#[derive(Debug)]
pub struct Rejection(pub CallbackError);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            CallbackError::Parameter { .. } | CallbackError::UnknownType => StatusCode::BAD_REQUEST,
            CallbackError::Lookup(error) => match **error {
                // An ID that is not one: asking again will not help.
                Error::Validation(_) => StatusCode::BAD_REQUEST,
                // SGATE answered, refusing: no order to act on.
                Error::Api(_) => StatusCode::BAD_GATEWAY,
                // SGATE could not be asked (or its answer not read): ask again later.
                _ => StatusCode::SERVICE_UNAVAILABLE,
            },
            CallbackError::OrderMismatch => StatusCode::BAD_GATEWAY,
        };
        (status, self.0.to_string()).into_response()
    }
}

impl<S> FromRequestParts<S> for CheckedCallback
where
    S: Send + Sync,
    Callbacks: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let callbacks = Callbacks::from_ref(state);
        let query = parts.uri.query().unwrap_or_default();
        callbacks
            .verify_query(query)
            .await
            .map(CheckedCallback)
            .map_err(Rejection)
    }
}
