//! The dashboard: a web page at `/` that shows what the sandbox saw and did — requests with the
//! signature check's verdict, notifications with every delivery attempt, each gateway's objects
//! and balance — and drives it through the admin API (pay, authorize, approve, complete,
//! settle, advance the clock, rules, faults, resend).
//!
//! # Stack
//!
//! One static HTML page, one stylesheet and one plain JavaScript file, embedded in the binary
//! with `include_str!` and served from here. The page polls the admin JSON API once a second
//! (`fetch`, same origin) and renders with DOM calls — `textContent`, never `innerHTML` with
//! data — so nothing the sandbox received can run as script. Chosen because it needs no build
//! step, no npm in the Rust build, no new crate and no template engine: the admin API already
//! renders everything as JSON, and the page is a view of it that a Rust team can read in one
//! sitting. Polling rather than server-sent events keeps one code path for the first load and
//! the updates, and costs nothing measurable on loopback.
//!
//! # Protection
//!
//! The page holds no data; every datum comes from the admin API with the run's token
//! (`Authorization: Bearer`). `/` is served only with `?token=<the run's token>` (the URL that
//! [`crate::Sandbox::dashboard_url`] returns and `paybind sandbox` prints); the page
//! reads the token from its own address. The server's guard refuses foreign `Host` and
//! `Origin` on every route, the sandbox listens on 127.0.0.1 only, and the answers here forbid
//! framing, inline script, foreign connections and the `Referer` header (the token is in the
//! address).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::admin::guard::same_bytes;
use crate::base::shared::Shared;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// The page's own script and style only; data from the same origin; never in a frame.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The dashboard routes: `/` (with the token), its two assets and an empty icon.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(index))
        .route(
            "/dashboard/app.js",
            get(|| async { page(APP_JS, "text/javascript") }),
        )
        .route(
            "/dashboard/app.css",
            get(|| async { page(APP_CSS, "text/css") }),
        )
        // No icon: an empty answer keeps the browser from logging a 404.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn index(State(shared): State<Arc<Shared>>, Query(query): Query<TokenQuery>) -> Response {
    let expected = shared.admin_token.as_bytes();
    let given = query.token.as_deref().unwrap_or("").as_bytes();
    if !same_bytes(given, expected) {
        let mut response = page(
            "<!doctype html><meta charset=utf-8><title>paybind sandbox</title>\
             <p>Open the dashboard with the address <code>paybind sandbox</code> printed \
             (it carries this run's token).</p>",
            "text/html; charset=utf-8",
        );
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    }
    page(INDEX_HTML, "text/html; charset=utf-8")
}

/// `text` with its type and the headers every dashboard answer carries.
fn page(text: &'static str, content_type: &'static str) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
