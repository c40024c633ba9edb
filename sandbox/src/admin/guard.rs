//! Who may talk to the sandbox. A web page must not drive a developer's sandbox: through DNS
//! rebinding (its own domain resolving to 127.0.0.1) it still sends its own name as `Host`,
//! and a cross-site request carries its `Origin`; both are refused on every route. Admin calls
//! also need the run's token, and send JSON only (a form a page posts is refused unread).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::reply::refuse;
use crate::base::shared::Shared;

/// The names of this machine a request may use.
const LOOPBACK_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

/// Every route: `Host` names this machine; an `Origin`, if any, is the sandbox itself.
pub async fn same_machine(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(loopback_host) else {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "the sandbox answers requests for 127.0.0.1 or localhost only",
        )
        .into_response();
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = ["http://", "https://"]
            .iter()
            .any(|scheme| origin.as_bytes() == format!("{scheme}{host}").as_bytes());
        if !same {
            return refuse(
                StatusCode::FORBIDDEN,
                "requests from other origins are refused",
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// `host[:port]` when its host is a loopback name.
fn loopback_host(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?.to_ascii_lowercase();
    let name = match text.rsplit_once(':') {
        Some((name, port))
            if !name.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit()) =>
        {
            name
        }
        _ => text.as_str(),
    };
    LOOPBACK_NAMES.contains(&name).then_some(text.clone())
}

/// Admin routes: the run's token, and a JSON body when there is a body.
pub async fn admin_only(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if !has_token(headers, &shared.admin_token) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "the admin API needs the token the sandbox printed at start (Authorization: Bearer ...)",
        )
        .into_response();
    }
    if has_body(headers) && !is_json(headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "admin bodies are JSON (Content-Type: application/json)",
        )
        .into_response();
    }
    next.run(request).await
}

fn has_token(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.strip_prefix("Bearer "))
        .is_some_and(|given| same_bytes(given.trim().as_bytes(), token.as_bytes()))
}

/// Compares in time that does not depend on where the bytes differ.
pub fn same_bytes(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |difference, (left_byte, right_byte)| {
                difference | (left_byte ^ right_byte)
            })
            == 0
}

fn has_body(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    length.is_some_and(|bytes| bytes > 0) || headers.contains_key(header::TRANSFER_ENCODING)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}
