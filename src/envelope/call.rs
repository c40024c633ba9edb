//! The path every facade method takes: build the typed param, stamp the timestamp, validate it
//! against the spec, send it through the generated client (whose hooks sign it), and turn the
//! answer into typed data or a typed error.

use std::fmt::Display;
use std::future::Future;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;

use super::errors::{ApiError, Error};
use super::hooks::GatewayRejection;
use super::EnvelopeContext;
use crate::codes::Code;
use crate::spec::{Operation, ResponseData, Spec, ValidationError};

/// What the shared call path needs to know about one gateway's generated code.
pub(crate) struct Gateway {
    pub(crate) spec: &'static Spec,
    pub(crate) spec_field_name: fn(&str) -> Option<&'static str>,
}

/// Runs one operation. `send` calls the generated method with the checked param.
pub(crate) async fn call<C, B, T, R, F, Fut>(
    ctx: &EnvelopeContext,
    gateway: &Gateway,
    op: &'static Operation,
    builder: B,
    send: F,
) -> Result<R::Data, Error<C>>
where
    C: Code,
    T: TryFrom<B> + Serialize + DeserializeOwned,
    T::Error: Display,
    R: ResponseData + Serialize,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = Result<ResponseValue<R>, progenitor_client::Error<()>>>,
{
    let param = T::try_from(builder).map_err(|e| builder_error(gateway, &e.to_string()))?;
    let value = prepare(ctx, gateway, op, &param)?;
    let span = tracing::info_span!(
        "paybind.call",
        gateway = ctx.gateway,
        operation = op.id,
        mch_order_id = tracing::field::Empty,
    );
    if let Some(id) = value.get("mchOrderId").and_then(Value::as_str) {
        span.record("mch_order_id", id);
    }
    let param: T = serde_json::from_value(value)
        .map_err(|e| ValidationError::new("", format!("param does not fit its type: {e}")))?;
    async move {
        let result = send(param).await;
        let outcome = finish(result).await;
        match &outcome {
            Ok(_) => tracing::debug!("gateway accepted"),
            Err(e) => tracing::debug!(error = %e, "call failed"),
        }
        outcome
    }
    .instrument(span)
    .await
}

/// Serialises the param, stamps `timestamp` if the schema has one and it is missing, and checks
/// the result against the spec.
fn prepare<T: Serialize>(
    ctx: &EnvelopeContext,
    gateway: &Gateway,
    op: &Operation,
    param: &T,
) -> Result<Value, ValidationError> {
    let mut value = serde_json::to_value(param)
        .map_err(|e| ValidationError::new("", format!("param cannot be serialised: {e}")))?;
    let schema = op.body_schema.unwrap_or_default();
    if gateway.spec.has_property(schema, "timestamp") {
        if let Value::Object(map) = &mut value {
            if map.get("timestamp").is_none_or(Value::is_null) {
                map.insert("timestamp".into(), ctx.timestamp().into());
            }
        }
    }
    gateway.spec.validate(schema, &value)?;
    Ok(value)
}

/// Turns a typify builder error ("error converting supplied value for mch_order_id: …" or
/// "no value supplied for mch_order_id") into a validation error naming the spec's field.
fn builder_error(gateway: &Gateway, message: &str) -> ValidationError {
    let field_and_reason = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
        .map(|(field, reason)| (field, reason.to_string()))
        .or_else(|| {
            message
                .strip_prefix("no value supplied for ")
                .map(|field| (field, "is required".to_string()))
        });
    match field_and_reason {
        Some((field, reason)) => {
            let field = (gateway.spec_field_name)(field.trim()).unwrap_or(field.trim());
            ValidationError::new(field, reason)
        }
        None => ValidationError::new("", message.to_string()),
    }
}

async fn finish<C: Code, R: ResponseData + Serialize>(
    result: Result<ResponseValue<R>, progenitor_client::Error<()>>,
) -> Result<R::Data, Error<C>> {
    use progenitor_client::Error as P;
    let response = match result {
        Ok(response) => response.into_inner(),
        Err(P::UnexpectedResponse(response)) => return Err(unexpected(response).await),
        Err(P::InvalidResponsePayload(raw, e)) => {
            return Err(Error::Decode {
                reason: e.to_string(),
                raw,
            })
        }
        Err(P::CommunicationError(e))
        | Err(P::ResponseBodyError(e))
        | Err(P::InvalidUpgrade(e)) => return Err(transport(e)),
        Err(P::InvalidRequest(reason)) => return Err(ValidationError::new("", reason).into()),
        Err(P::Custom(reason)) => return Err(Error::Signing(reason)),
        Err(P::ErrorResponse(value)) => {
            return Err(Error::Http {
                status: value.status(),
                raw: Bytes::new(),
            })
        }
    };
    let raw = serde_json::to_vec(&response).unwrap_or_default();
    response.into_data().ok_or_else(|| Error::Decode {
        reason: "success without data".into(),
        raw: raw.into(),
    })
}

/// A reqwest failure as a typed error: timeouts apart, and whether the request left.
pub(crate) fn transport<C: Code>(e: reqwest::Error) -> Error<C> {
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Transport {
            may_have_been_sent: !e.is_connect(),
            source: e,
        }
    }
}

#[derive(serde::Deserialize)]
struct Rejection {
    #[serde(deserialize_with = "crate::codes::deserialize_code")]
    code: i64,
    #[serde(default)]
    message: Option<String>,
}

async fn unexpected<C: Code>(response: reqwest::Response) -> Error<C> {
    let status = response.status();
    let rejected = response.extensions().get::<GatewayRejection>().is_some();
    let raw = match response.bytes().await {
        Ok(raw) => raw,
        Err(e) => return transport(e),
    };
    if !rejected {
        return Error::Http { status, raw };
    }
    match serde_json::from_slice::<Rejection>(&raw) {
        Ok(rejection) => Error::Api(ApiError {
            code: C::from_code(rejection.code),
            message: rejection.message.unwrap_or_default(),
            raw,
        }),
        Err(e) => Error::Decode {
            reason: e.to_string(),
            raw,
        },
    }
}
