//! SGATE Payin on the wire: a request below `/api_v1` is routed by its method and path
//! template, its `x-auth-*` headers checked (`auth`), faults applied, its path, header and
//! body parameters checked against the spec; an answer is the record itself (HTTP 200, no
//! envelope, not signed) or a refusal (`refusal`). Card data never reaches the request log:
//! the body is logged with the spec's `x-sensitive` members redacted. What the operation does
//! is the business layer's (`sandbox::sgate_payin`); how callbacks travel is `callback`.

pub mod auth;
pub mod callback;
pub mod refusal;

use axum::http::StatusCode;
use axum::response::IntoResponse as _;
use serde_json::{Map, Value};

use crate::base::faults::{self, Fault};
use crate::base::gateway::Gateway;
use crate::base::http::{json_response, path_values, Answer, Call};
use crate::base::log::LoggedRequest;
use crate::base::shared::Shared;
use auth::API_ROOT;
use paybind::sgate_payin::Operation;
use refusal::{Code, PayinError, Refusal};

const GATEWAY: Gateway = Gateway::SgatePayin;

/// A request's parameters, checked against the spec.
#[derive(Debug)]
pub struct Incoming {
    /// The path parameters by name (`ORDER_ID`).
    pub path: Map<String, Value>,
    /// The operation's header parameters that were sent, by their lower-case names.
    pub headers: Map<String, Value>,
    /// The JSON body (`null` for an operation without one).
    pub body: Value,
    /// The URL of the Payin root as the request reached it (where the sandbox's pages are).
    pub root_url: String,
}

impl Incoming {
    /// A request the sandbox makes of itself (a trigger, fixtures): the path parameter `name`,
    /// `body` (checked against the spec by the caller), no headers.
    pub fn made_here(name: &str, value: &str, body: Value, root_url: String) -> Self {
        Self {
            path: Map::from_iter([(name.to_string(), Value::String(value.to_string()))]),
            headers: Map::new(),
            body,
            root_url,
        }
    }

    /// A path parameter's value ("" when absent: the route always has it).
    pub fn path(&self, name: &str) -> &str {
        self.path.get(name).and_then(Value::as_str).unwrap_or("")
    }

    /// A header parameter's value ("" when not sent).
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(Value::as_str).unwrap_or("")
    }
}

/// What an operation answers on success.
pub enum Reply {
    /// The record, as JSON.
    Json(Value),
    /// HTTP 200 without a body (the logistics and after-sale PUTs).
    Empty,
}

/// A request that passed the checks.
pub struct Opened {
    /// The operation it calls.
    pub operation: Operation,
    /// Its parameters.
    pub incoming: Incoming,
    /// Its log entry, written when it is answered.
    pub log: LoggedRequest,
    /// The fault taken for it, if any.
    pub fault: Option<Fault>,
}

/// The operation `method` calls on `uri` (below `/api_v1`) and its path parameters.
fn route(method: &str, uri: &str) -> Option<(Operation, Vec<(String, String)>)> {
    Operation::ALL.iter().find_map(|&operation| {
        (operation.method() == method)
            .then(|| path_values(operation.path(), uri))
            .flatten()
            .map(|values| (operation, values))
    })
}

/// Checks one SGATE Payin request. `Err` is the answer already.
pub async fn open(shared: &Shared, call: &Call<'_>) -> Result<Opened, Answer> {
    let uri = call
        .rest
        .strip_prefix(API_ROOT)
        .filter(|uri| uri.starts_with('/'));
    let Some((operation, path)) = uri.and_then(|uri| route(call.method.as_str(), uri)) else {
        let why = format!("no operation at {} {}", call.method, call.rest);
        return Err(Refusal::new(Code::NotFound, why).response().into());
    };
    let uri = uri.unwrap_or_default();
    let mut log = LoggedRequest::new(GATEWAY, call, operation.id());
    log.keep_redacted_json(&call.body, paybind::sgate_payin::SENSITIVE_MEMBERS);
    let name = operation.spec().name.unwrap_or(operation.id());
    if let Err(refusal) = auth::authenticate(shared, call.headers, uri, name) {
        return Err(refuse(shared, log, &refusal));
    }
    log.signature_ok = true;
    let fault = faults::take_for(shared, GATEWAY, operation.id(), &mut log);
    if let Some(fault) = &fault {
        if let Some(answer) = apply_fault(shared, fault, &mut log).await {
            return Err(answer);
        }
    }
    match read_request(operation, path, call) {
        Ok(incoming) => Ok(Opened {
            operation,
            incoming,
            log,
            fault,
        }),
        Err(refusal) => Err(refuse(shared, log, &refusal)),
    }
}

/// The path, header and body parameters of a request to `operation`, checked.
fn read_request(
    operation: Operation,
    path: Vec<(String, String)>,
    call: &Call<'_>,
) -> Result<Incoming, Refusal> {
    let spec = paybind::sgate_payin::spec();
    let (method, template) = (operation.method(), operation.path());
    let invalid = |error: paybind::spec::ValidationError| {
        Refusal::new(Code::InvalidParameter, error.to_string())
    };
    spec.validate_parameters(method, template, "path", &path)
        .map_err(invalid)?;
    let headers: Vec<(String, String)> = operation
        .spec()
        .headers
        .iter()
        .filter_map(|name| {
            let value = call.headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    spec.validate_parameters(method, template, "header", &headers)
        .map_err(invalid)?;
    let body = match operation.spec().body_schema {
        Some(schema) => {
            let body: Value = serde_json::from_slice(&call.body)
                .map_err(|_| Refusal::new(Code::InvalidParameter, "the body is not JSON"))?;
            spec.validate(schema, &body).map_err(invalid)?;
            body
        }
        None => Value::Null,
    };
    let object = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect()
    };
    Ok(Incoming {
        path: object(path),
        headers: object(headers),
        body,
        root_url: call.root_url(),
    })
}

/// The answer to an opened request, logged.
pub fn answer(shared: &Shared, opened: Opened, result: Result<Reply, PayinError>) -> Answer {
    let Opened { mut log, .. } = opened;
    match result {
        Ok(reply) => {
            log.code = 200;
            shared.log_request(log);
            match reply {
                Reply::Json(record) => json_response(StatusCode::OK, &record),
                Reply::Empty => StatusCode::OK.into_response(),
            }
            .into()
        }
        Err(PayinError::Refused(refusal)) => refuse(shared, log, &refusal),
        Err(PayinError::Store(error)) => {
            tracing::warn!(error = %error, "sandbox storage failed");
            let refusal = Refusal::new(Code::InternalError, "");
            refuse(shared, log, &refusal)
        }
    }
}

/// A refusal, logged.
fn refuse(shared: &Shared, mut log: LoggedRequest, refusal: &Refusal) -> Answer {
    log.code = i64::from(refusal.status.as_u16());
    log.message = refusal.logged();
    shared.log_request(log);
    refusal.response().into()
}

/// The faults that replace Payin's answer: transport faults, a refusal with a given code, a
/// cut JSON body, a canned body (HTTP 200). `None`: go on.
async fn apply_fault(shared: &Shared, fault: &Fault, log: &mut LoggedRequest) -> Option<Answer> {
    if let Some(answer) = faults::transport_fault(shared, fault, log).await {
        return Some(answer);
    }
    // A cut body wins over a code, as for the other gateways.
    if let Some(code) = fault
        .error_code_text
        .as_deref()
        .filter(|_| !fault.malformed_json)
    {
        let refusal = Refusal::injected(code, fault.error_message.as_deref());
        return Some(refuse(shared, log.clone(), &refusal));
    }
    let body = if fault.malformed_json {
        b"{\"id\":\"M1".to_vec()
    } else {
        fault.body.as_ref()?.to_string().into_bytes()
    };
    log.code = 200;
    shared.log_request(log.clone());
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    Some(response.into())
}
