//! The gateways' front door. A request is routed by its path prefix to its gateway, opened by
//! its signing family's wire layer, run by the business layer in one transaction, and answered
//! by the wire layer again. This is the only place where wire and business meet.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::base::faults;
use super::base::gateway::Gateway;
use super::base::http::{not_found, Answer, Call, DropSignal};
use super::base::shared::Shared;
use super::wire;
use super::{bluepay, sgate, sgate_payin};

/// The fallback route: `/{gateway}/{operation path}`.
pub async fn by_prefix(
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
        Some((gateway_id, remainder)) => (gateway_id, format!("/{remainder}")),
        None => (trimmed, "/".to_string()),
    };
    let Some(gateway) = Gateway::from_id(prefix) else {
        return not_found(path);
    };
    let path_and_query = path_and_query(&uri);
    let call = Call {
        method: &method,
        rest: &rest,
        path_and_query: &path_and_query,
        headers: &headers,
        body,
    };
    deliver(serve(&shared, gateway, &call).await, &drop_signal).await
}

/// A gateway at the root of its own port: paths exactly as in production (SGATE's signed
/// path is `/openApi/v1/...`, as a client written for SGATE signs it).
pub async fn at_root(
    State(shared): State<Arc<Shared>>,
    Extension(drop_signal): Extension<DropSignal>,
    Extension(gateway): Extension<Gateway>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = path_and_query(&uri);
    let call = Call {
        method: &method,
        rest: uri.path(),
        path_and_query: &path_and_query,
        headers: &headers,
        body,
    };
    deliver(serve(&shared, gateway, &call).await, &drop_signal).await
}

fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|value| value.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string())
}

/// The response, or a connection closed without one (fault injection).
async fn deliver(answer: Answer, drop_signal: &DropSignal) -> Response {
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

/// One call to `gateway`.
async fn serve(shared: &Shared, gateway: Gateway, call: &Call<'_>) -> Answer {
    match gateway {
        Gateway::Sgate => return serve_sgate(shared, call).await,
        Gateway::SgatePayin => return serve_sgate_payin(shared, call).await,
        Gateway::BluePay | Gateway::BluePayJt => {}
    }
    if call.method == Method::GET {
        if let Some(file) = call.rest.strip_prefix("/files/") {
            return bluepay::settlement::serve_file(shared, gateway, file).into();
        }
    }
    let opened = match wire::envelope::open(shared, gateway, call).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let context = bluepay::records::RequestContext {
        shared,
        gateway,
        now: shared.now_ms(),
        bad_signature: opened.bad_signature,
    };
    let result =
        shared.with_tx(|tx| bluepay::dispatch(&context, tx, opened.operation, &opened.param));
    shared.wake.notify_one();
    let answer = wire::envelope::answer(shared, opened.log, result);
    faults::after_commit(opened.fault.as_ref(), answer).await
}

async fn serve_sgate(shared: &Shared, call: &Call<'_>) -> Answer {
    let opened = match wire::sgate::open(shared, call).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let now = shared.now_ms();
    let result =
        shared.with_tx(|tx| sgate::dispatch(shared, tx, opened.operation, &opened.incoming, now));
    shared.wake.notify_one();
    let fault = opened.fault.clone();
    let answer = wire::sgate::answer(shared, opened, result);
    faults::after_commit(fault.as_ref(), answer).await
}

/// SGATE Payin: its API below `/api_v1`, the sandbox's cashier and 3DS pages beside it (at
/// the paths of the payment links and of the `redirectURL`).
async fn serve_sgate_payin(shared: &Shared, call: &Call<'_>) -> Answer {
    if !call.rest.starts_with(wire::sgate_payin::auth::API_ROOT) {
        return sgate_payin::cashier::serve(shared, call).await;
    }
    let opened = match wire::sgate_payin::open(shared, call).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let now = shared.now_ms();
    let result = shared
        .with_tx(|tx| sgate_payin::dispatch(shared, tx, opened.operation, &opened.incoming, now));
    shared.wake.notify_one();
    let fault = opened.fault.clone();
    let answer = wire::sgate_payin::answer(shared, opened, result);
    faults::after_commit(fault.as_ref(), answer).await
}
