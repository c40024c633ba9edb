//! The loopback HTTP server: one accept loop, one router. Gateways are served under their path
//! prefix (`/bluepay`, `/bluepay-jt`, `/sgate`), the admin API under `/admin`. Operations are
//! found in each spec's operation table, so an operation added to a YAML is routed without new
//! code here.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;

use super::state::{Gateway, Shared};

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
    fn from(r: Response) -> Self {
        Answer::Response(r)
    }
}

/// Largest request body accepted (the SGATE upload allows 2048 KB files).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The router of the whole sandbox.
pub fn router(shared: Arc<Shared>) -> Router {
    super::admin::routes()
        .fallback(gateway)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// Serves `listener` until `stop` turns true.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
                continue;
            }
        };
        let (stream, _) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let drop_signal = DropSignal::default();
        let service = hyper_util::service::TowerToHyperService::new(
            router.clone().layer(Extension(drop_signal.clone())),
        );
        let mut stop = stop.clone();
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                result = connection => {
                    if let Err(e) = result {
                        tracing::trace!(error = %e, "connection ended");
                    }
                }
                _ = drop_signal.0.notified() => {}
                _ = stop.changed() => {}
            }
        });
        while connections.try_join_next().is_some() {}
    }
    connections.abort_all();
}

async fn gateway(
    State(shared): State<Arc<Shared>>,
    Extension(drop_signal): Extension<DropSignal>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let trimmed = path.trim_start_matches('/');
    let (prefix, rest) = match trimmed.split_once('/') {
        Some((p, r)) => (p, format!("/{r}")),
        None => (trimmed, "/".to_string()),
    };
    let Some(gw) = Gateway::from_name(prefix) else {
        return not_found(path);
    };
    let path_and_query = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.to_string());
    let answer = match gw {
        Gateway::Sgate => {
            super::sgate::handle(&shared, &method, &rest, &path_and_query, &headers, body).await
        }
        _ => {
            if method == Method::GET {
                if let Some(file) = rest.strip_prefix("/files/") {
                    return super::envelope::serve_file(&shared, gw, file);
                }
            }
            super::envelope::handle(&shared, gw, &method, &rest, &path_and_query, &headers, body)
                .await
        }
    };
    match answer {
        Answer::Response(response) => response,
        Answer::Drop => {
            drop_signal.0.notify_one();
            // The connection task drops this future with the connection.
            std::future::pending::<()>().await;
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

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
