//! BluePay and BluePay JT on the wire: the `{appId, param, sign}` envelope checked as the
//! gateway checks it (app id, signature over `param`, the operation's schema, the timestamp),
//! faults applied, and the `{code, message, data}` answer written and logged. What the
//! operation does is the business layer's (`sandbox::bluepay`).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::base::faults::{self, Fault};
use crate::base::gateway::{code_message, Gateway};
use crate::base::http::{
    json_response, not_found, Answer, Call, Fail, HandlerError, HandlerResult,
};
use crate::base::log::LoggedRequest;
use crate::base::shared::Shared;
use crate::wire::signature_reason::{why_not, Hash};
use paybind::operations::GatewayOperation;

/// A request that passed the envelope's checks.
pub struct Opened {
    /// The operation it calls.
    pub operation: GatewayOperation,
    /// The param, parsed.
    pub param: Value,
    /// Its log entry, written when it is answered.
    pub log: LoggedRequest,
    /// A fault asks that the notifications it triggers be signed wrongly.
    pub bad_signature: bool,
    /// The fault taken for it, if any (one `after_commit` acts once it is answered).
    pub fault: Option<Fault>,
}

/// Checks one request to an envelope gateway. `Err` is the answer already (a refusal, a fault,
/// or a 404 for a path no operation has).
pub async fn open(shared: &Shared, gateway: Gateway, call: &Call<'_>) -> Result<Opened, Answer> {
    let Some(operation) = call.operation(gateway) else {
        return Err(not_found(call.path_and_query).into());
    };
    let operation_spec = operation.spec();
    let mut log = LoggedRequest::new(gateway, call, operation_spec.id);
    let param = match authenticate(shared, gateway, &call.body, &mut log) {
        Ok(param) => param,
        Err(fail) => return Err(refuse(shared, log, fail)),
    };
    let fault = faults::take_for(shared, gateway, operation_spec.id, &mut log);
    if let Some(fault) = &fault {
        if let Some(answer) = apply_fault(shared, gateway, fault, &mut log).await {
            return Err(answer);
        }
    }
    let schema = operation_spec.body_schema.unwrap_or_default();
    if let Err(error) = gateway.spec().validate(schema, &param) {
        return Err(refuse(
            shared,
            log,
            Fail::new(gateway, 21002, error.to_string()),
        ));
    }
    if let Err(fail) = check_timestamp(shared, gateway, schema, &param) {
        return Err(refuse(shared, log, fail));
    }
    Ok(Opened {
        operation,
        param,
        log,
        bad_signature: fault
            .as_ref()
            .is_some_and(|taken| taken.bad_signature.is_some()),
        fault,
    })
}

/// The answer to an opened request: the operation's data with code 10000, or its failure;
/// logged.
pub fn answer(shared: &Shared, mut log: LoggedRequest, result: HandlerResult) -> Answer {
    let (code, message, data) = match result {
        Ok(data) => (paybind::envelope::SUCCESS_CODE, "Success".to_string(), data),
        Err(HandlerError::Fail(fail)) => (fail.code, fail.message, Value::Null),
        Err(HandlerError::Store(error)) => {
            let fail = Fail::internal(log.gateway, &error);
            (fail.code, fail.message, Value::Null)
        }
    };
    log.code = code;
    log.message.clone_from(&message);
    shared.log_request(log);
    envelope_reply(code, &message, data).into()
}

fn refuse(shared: &Shared, log: LoggedRequest, fail: Fail) -> Answer {
    answer(shared, log, Err(HandlerError::Fail(fail)))
}

fn envelope_reply(code: i64, message: &str, data: Value) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "code": code, "message": message, "data": data }),
    )
}

/// `appId`, signature over `param`, `param` as a JSON object.
fn authenticate(
    shared: &Shared,
    gateway: Gateway,
    body: &[u8],
    log: &mut LoggedRequest,
) -> Result<Value, Fail> {
    let envelope: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|_| Fail::new(gateway, 21002, "body is not a JSON object"))?;
    let app_id = envelope
        .get("appId")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gateway, 21003, "appId is missing"))?;
    if app_id != shared.app_id(gateway) {
        return Err(Fail::new(gateway, 21003, "unknown appId"));
    }
    let text = envelope
        .get("param")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gateway, 21002, "param must be a JSON string"))?;
    log.keep_param(text);
    let sign = envelope
        .get("sign")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gateway, 21001, "sign is missing"))?;
    let key = shared.keys.bluepay_merchant.public_key();
    paybind::envelope::signing::verify(&key, shared.settings.envelope_hash, text.as_bytes(), sign)
        .map_err(|_| Fail::new(gateway, 21001, why_not_signed(shared, text, sign)))?;
    log.signature_ok = true;
    let param: Value =
        serde_json::from_str(text).map_err(|_| Fail::new(gateway, 21002, "param is not JSON"))?;
    if !param.is_object() {
        return Err(Fail::new(gateway, 21002, "param is not a JSON object"));
    }
    Ok(param)
}

/// Why `sign` does not verify over `text`, for the log and the answer's message.
fn why_not_signed(shared: &Shared, text: &str, sign: &str) -> String {
    let hash = match shared.settings.envelope_hash {
        paybind::envelope::HashAlgorithm::Sha1 => Hash::Sha1,
        paybind::envelope::HashAlgorithm::Sha256 => Hash::Sha256,
    };
    let keys = &shared.keys;
    let others = [
        ("BluePay gateway key", keys.bluepay_gateway.public_key()),
        ("SGATE merchant key", keys.sgate_merchant.public_key()),
        ("SGATE system key", keys.sgate_system.public_key()),
    ];
    why_not(
        &keys.bluepay_merchant.public_key(),
        hash,
        text.as_bytes(),
        sign,
        &others,
    )
}

async fn apply_fault(
    shared: &Shared,
    gateway: Gateway,
    fault: &Fault,
    log: &mut LoggedRequest,
) -> Option<Answer> {
    if let Some(answer) = faults::transport_fault(shared, fault, log).await {
        return Some(answer);
    }
    if fault.malformed_json {
        shared.log_request(log.clone());
        let mut response = json_response(StatusCode::OK, &Value::Null);
        *response.body_mut() = axum::body::Body::from("{\"code\":10000,\"message\":\"Succ");
        return Some(response.into());
    }
    if let Some(code) = fault.error_code {
        let message = fault
            .error_message
            .clone()
            .unwrap_or_else(|| code_message(gateway, code).to_string());
        log.code = code;
        log.message.clone_from(&message);
        shared.log_request(log.clone());
        return Some(envelope_reply(code, &message, Value::Null).into());
    }
    if let Some(body) = &fault.body {
        log.code = body.get("code").and_then(Value::as_i64).unwrap_or(0);
        shared.log_request(log.clone());
        return Some(json_response(StatusCode::OK, body).into());
    }
    None
}

/// 21008 when the schema has a timestamp and the param lacks a usable one; 21009 when it is
/// outside the window. Seconds and milliseconds are both accepted (the docs use both).
fn check_timestamp(
    shared: &Shared,
    gateway: Gateway,
    schema: &str,
    param: &Value,
) -> Result<(), Fail> {
    if !gateway.spec().has_property(schema, "timestamp") {
        return Ok(());
    }
    let timestamp = match param.get("timestamp") {
        Some(Value::Number(number)) => number.as_i64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|value| *value > 0)
    .ok_or_else(|| Fail::new(gateway, 21008, "timestamp is missing"))?;
    let timestamp_ms = if timestamp < 100_000_000_000 {
        timestamp.saturating_mul(1000)
    } else {
        timestamp
    };
    if let Some(window) = shared.settings.timestamp_window {
        // abs_diff: an extreme sandbox clock (admin API) must not overflow.
        let window = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let distance_ms = shared.now_ms().abs_diff(timestamp_ms);
        if distance_ms > window {
            return Err(Fail::new(
                gateway,
                21009,
                format!(
                    "timestamp outside the accepted window: {} s from the sandbox clock, {} s \
                     accepted",
                    distance_ms / 1000,
                    window / 1000
                ),
            ));
        }
    }
    Ok(())
}
