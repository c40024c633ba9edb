//! How admin handlers answer: JSON on success, `{"error": ...}` with a status on refusal. A
//! refusal is a value handlers return with `?`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::base::gateway::Gateway;
use crate::base::http::{json_response, HandlerError, HandlerResult};
use crate::base::json::typed;
use crate::base::shared::Shared;
use crate::base::store::StoreError;
use crate::scheduler::jobs::End;

/// A refused admin call: the response that says why (boxed: it travels in `Err`).
#[derive(Debug)]
pub struct Refusal(Box<Response>);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
    }
}

impl From<HandlerError> for Refusal {
    fn from(error: HandlerError) -> Self {
        match error {
            HandlerError::Store(store_error) => store_error.into(),
            HandlerError::Fail(fail) => {
                // Admin refusals carry an HTTP status as their code; gateway codes map to 422.
                let status = u16::try_from(fail.code)
                    .ok()
                    .and_then(|code| StatusCode::from_u16(code).ok())
                    .filter(|http_status| http_status.is_client_error())
                    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                Refusal(Box::new(json_response(
                    status,
                    &json!({ "error": fail.message, "code": fail.code }),
                )))
            }
        }
    }
}

/// What an admin handler returns.
pub type Reply = Result<Response, Refusal>;

/// 200 with `value`.
pub fn success(value: Value) -> Reply {
    Ok(json_response(StatusCode::OK, &value))
}

/// A refusal with `status` and a message.
pub fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal(Box::new(json_response(
        status,
        &json!({ "error": message.into() }),
    )))
}

/// The answer to an action that may have changed state: the worker is woken to act on it.
/// The answer of an admin action: the object it changed, sensitive members masked.
pub fn done(shared: &Shared, result: HandlerResult) -> Reply {
    shared.wake.notify_one();
    let mut value = result?;
    super::mask::mask_every_gateway(&mut value);
    success(value)
}

/// A gateway by name.
pub fn gateway(name: &str) -> Result<Gateway, Refusal> {
    Gateway::from_id(name)
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no gateway {name}")))
}

/// BluePay or JT by name.
pub fn envelope_gateway(name: &str) -> Result<Gateway, Refusal> {
    match gateway(name)? {
        Gateway::Sgate => Err(refuse(
            StatusCode::NOT_FOUND,
            "use /admin/sgate/... for SGATE",
        )),
        Gateway::SgatePayin => Err(refuse(
            StatusCode::NOT_FOUND,
            "use /admin/sgate-payin/... for SGATE Payin",
        )),
        gateway @ (Gateway::BluePay | Gateway::BluePayJt) => Ok(gateway),
    }
}

/// The JSON body (`{}` when empty).
pub fn body_json(body: &[u8]) -> Result<Value, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| {
        let reason = paybind::spec::without_value(&e.to_string());
        refuse(
            StatusCode::BAD_REQUEST,
            format!("body is not JSON: {reason}"),
        )
    })
}

/// The JSON body read as `T` (`{}` when empty): a body that is not JSON, or not a `T`, is
/// refused with 400, serde's path of the member (`field`) and its reason, never a value.
pub fn typed_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    typed_value(body_json(body)?)
}

/// `value` read as `T`, refused as [`typed_body`] refuses.
pub fn typed_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Refusal> {
    typed(value).map_err(|unreadable| {
        Refusal(Box::new(json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": unreadable.to_string(), "field": unreadable.path }),
        )))
    })
}

/// The ending a `POST …/{complete|fail}` admin path asks for (no failure code or message: the
/// documented defaults). Any other action is refused as an unknown path.
pub fn plain_end(action: &str) -> Result<End, Refusal> {
    let outcome = match action {
        "complete" => "completed",
        "fail" => "failed",
        _ => return Err(refuse(StatusCode::NOT_FOUND, "action is complete or fail")),
    };
    Ok(End {
        outcome: outcome.into(),
        failed_code: None,
        failed_message: None,
        bad_signature: false,
    })
}
