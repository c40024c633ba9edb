//! The loopback HTTP server: one accept loop, one router. Gateways are served under their path
//! prefix (`/bluepay`, `/bluepay-jt`, `/sgate`, `/sgate-payin`), the admin API under `/admin`.
//! Every request must name this machine as its host (no DNS rebinding) and come from no foreign
//! web page; admin calls must also carry the run's token. Operations are found in each spec's
//! operation table, so an operation added to a YAML is routed without new code here.

use std::sync::Arc;

use axum::{Extension, Router};
use hyper_util::rt::TokioIo;

use super::admin;
use super::base::gateway::Gateway;
use super::base::http::{DropSignal, MAX_BODY};
use super::base::shared::Shared;
use super::dashboard;
use super::gateways;

/// The router of the whole sandbox.
pub fn router(shared: Arc<Shared>) -> Router {
    admin::routes(shared.clone())
        .merge(dashboard::routes())
        .fallback(gateways::by_prefix)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            admin::guard::same_machine,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// The router of one gateway at the root of its own port (production paths, no admin API).
pub fn gateway_router(shared: Arc<Shared>, gateway: Gateway) -> Router {
    Router::new()
        .fallback(gateways::at_root)
        .layer(Extension(gateway))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            admin::guard::same_machine,
        ))
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
            Err(error) => {
                tracing::debug!(error = %error, "accept failed");
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
                    if let Err(error) = result {
                        tracing::trace!(error = %error, "connection ended");
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
