//! HTTP answers and handler errors shared by every layer: a JSON response, a 404, the "close
//! the connection" answer of fault injection, and the failure a handler stops with.

use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::gateway::{code_message, Gateway};
use super::store::StoreError;
use paybind::operations::GatewayOperation;

/// The sandbox's own HTTP client, for notification delivery and [`crate::Admin`]. Like
/// paybind's gateway clients it follows no redirect: a signed notification goes to the URL the
/// merchant named and nowhere a 3xx points (the 3xx is recorded as an unacknowledged attempt).
pub fn http_client(timeout: Option<std::time::Duration>) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("paybind-sandbox/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    match timeout {
        Some(timeout) => builder.timeout(timeout).connect_timeout(timeout),
        None => builder,
    }
    .build()
}

/// Lets a handler close its connection without answering (fault injection).
#[derive(Clone, Debug, Default)]
pub struct DropSignal(pub Arc<tokio::sync::Notify>);

/// What a gateway handler produced.
pub enum Answer {
    /// An HTTP response.
    Response(Response),
    /// Close the connection without a response.
    Drop,
}

impl From<Response> for Answer {
    fn from(response: Response) -> Self {
        Answer::Response(response)
    }
}

/// One request to a gateway, as the front door hands it to the wire layer.
pub struct Call<'a> {
    /// The method.
    pub method: &'a axum::http::Method,
    /// The operation's path (after the gateway's prefix).
    pub rest: &'a str,
    /// The path and query exactly as received (SGATE signs it).
    pub path_and_query: &'a str,
    /// The headers.
    pub headers: &'a axum::http::HeaderMap,
    /// The body.
    pub body: axum::body::Bytes,
}

impl Call<'_> {
    /// The operation of `gateway` this call's method and path name: the one place a request
    /// becomes an operation. `None` for any other request, which the caller refuses (404).
    pub fn operation(&self, gateway: Gateway) -> Option<GatewayOperation> {
        let row = gateway
            .operations()
            .iter()
            .find(|row| row.method == self.method.as_str() && row.path == self.rest)?;
        gateway.operation(row.id)
    }

    /// What came before [`Call::rest`] in the path: `/sgate-payin` under the base URL, empty
    /// on a gateway's own port.
    pub fn prefix(&self) -> &str {
        let path = self
            .path_and_query
            .split_once('?')
            .map_or(self.path_and_query, |(path, _)| path);
        path.strip_suffix(self.rest).unwrap_or("")
    }

    /// The URL of the gateway's root as this request reached it (`http://{Host}{prefix}`):
    /// where the sandbox's own pages for the gateway are, on whichever port was called. The
    /// `Host` was checked to be this machine before any gateway code runs.
    pub fn root_url(&self) -> String {
        let host = self
            .headers
            .get(axum::http::header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("127.0.0.1");
        format!("http://{host}{}", self.prefix())
    }
}

/// The values of the `{NAME}` segments of a path template in `path`, when `path` fits the
/// template segment by segment (`/orders/{ORDER_ID}` and `/orders/M1T2`: `ORDER_ID` =
/// `M1T2`); `None` otherwise. A value is never empty.
pub fn path_values(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let mut values = Vec::new();
    let mut given = path.split('/');
    for expected in template.split('/') {
        let segment = given.next()?;
        match expected
            .strip_prefix('{')
            .and_then(|name| name.strip_suffix('}'))
        {
            Some(name) if !segment.is_empty() => {
                values.push((name.to_string(), segment.to_string()))
            }
            Some(_) => return None,
            None if expected == segment => {}
            None => return None,
        }
    }
    given.next().is_none().then_some(values)
}

/// Largest request body accepted (the SGATE upload allows 2048 KB files).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// 404 with a short text.
pub fn not_found(path: &str) -> Response {
    let shown: String = path.chars().take(200).collect();
    (
        StatusCode::NOT_FOUND,
        format!("the sandbox serves no operation at {shown}"),
    )
        .into_response()
}

/// A JSON response with a status.
pub fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A failure answered with a gateway code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// The code.
    pub code: i64,
    /// The message.
    pub message: String,
}

impl Fail {
    /// A failure with the documented message of `code` and an optional detail.
    pub fn new(gateway: Gateway, code: i64, detail: impl AsRef<str>) -> Self {
        let base = code_message(gateway, code);
        let detail = detail.as_ref();
        let message = if detail.is_empty() {
            base.to_string()
        } else {
            format!("{base}: {detail}")
        };
        Self { code, message }
    }

    /// A storage failure: the gateway's general error.
    pub fn internal(gateway: Gateway, error: &StoreError) -> Self {
        let code = match gateway {
            Gateway::Sgate => 1000,
            Gateway::BluePay | Gateway::BluePayJt => 21000,
            // SGATE Payin answers with words (its own refusal, `wire::sgate_payin`); this number
            // is only the log's.
            Gateway::SgatePayin => 500,
        };
        tracing::warn!(error = %error, "sandbox storage failed");
        Self::new(gateway, code, "sandbox storage error")
    }
}

/// Why a handler stopped: a gateway code, or the store.
#[derive(Debug)]
pub enum HandlerError {
    /// Answer with this code.
    Fail(Fail),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for HandlerError {
    fn from(error: StoreError) -> Self {
        HandlerError::Store(error)
    }
}

impl From<Fail> for HandlerError {
    fn from(fail: Fail) -> Self {
        HandlerError::Fail(fail)
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerError::Fail(fail) => write!(f, "{} {}", fail.code, fail.message),
            HandlerError::Store(error) => write!(f, "{error}"),
        }
    }
}

/// What a business handler returns: the answer's data, or why it stopped.
pub type HandlerResult = Result<Value, HandlerError>;

impl HandlerError {
    /// A refused admin action, its HTTP status as the code (404: no such record, 409: final
    /// already, 400: bad input).
    pub fn admin(status: i64, message: impl Into<String>) -> Self {
        HandlerError::Fail(Fail {
            code: status,
            message: message.into(),
        })
    }
}
