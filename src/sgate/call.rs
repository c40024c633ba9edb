//! The path every facade method takes: the typed param (or the query builder) goes through the
//! generated client, whose hooks validate, encrypt, sign, verify and decrypt; what comes back is
//! typed data or a typed [`Error`].

use std::fmt::Display;
use std::future::Future;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use serde_json::{Map, Value};
use tracing::Instrument as _;

use super::errors::{ApiError, Error, RawResponse};
use super::hooks::{code_of, redact, Verdict};
use super::StatusCode;
use crate::spec::{Operation, ResponseData, ValidationError};

/// A POST operation: `builder` becomes the typed body, `send` calls the generated method.
pub(crate) async fn call_body<B, T, R, F, Fut>(
    op: &'static Operation,
    builder: B,
    send: F,
) -> Result<R::Data, Error>
where
    T: TryFrom<B>,
    T::Error: Display,
    R: ResponseData,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = Result<ResponseValue<R>, progenitor_client::Error<()>>>,
{
    let param = T::try_from(builder).map_err(|e| builder_error(&e.to_string()))?;
    call_query(op, send(param)).await
}

/// Any operation whose request is already built: awaits the generated `send()`.
pub(crate) async fn call_query<R, Fut>(op: &'static Operation, sent: Fut) -> Result<R::Data, Error>
where
    R: ResponseData,
    Fut: Future<Output = Result<ResponseValue<R>, progenitor_client::Error<()>>>,
{
    let span = tracing::info_span!("paybind.call", gateway = "sgate", operation = op.id);
    async move {
        let outcome = finish(sent.await).await;
        match &outcome {
            Ok(_) => tracing::debug!("SGATE accepted"),
            Err(e) => tracing::debug!(error = %e, "call failed"),
        }
        outcome
    }
    .instrument(span)
    .await
}

/// A validation message from the hooks or the generated builders, as a [`ValidationError`]
/// naming the spec's field.
pub(crate) fn builder_error(message: &str) -> ValidationError {
    // Our own `pre` hook: "invalid request: {field}: {reason}".
    if let Some(rest) = message.strip_prefix("invalid request: ") {
        if let Some((field, reason)) = rest.split_once(": ") {
            return ValidationError::new(field, reason);
        }
    }
    // typify builders: "error converting supplied value for {field}: {reason}" and
    // "no value supplied for {field}".
    if let Some((field, reason)) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        return ValidationError::new(spec_field(field), reason);
    }
    if let Some(field) = message.strip_prefix("no value supplied for ") {
        return ValidationError::new(spec_field(field), "is required");
    }
    // progenitor query builders: "conversion to `{Type}` for {field} failed".
    if let Some(field) = message
        .split_once("` for ")
        .and_then(|(_, rest)| rest.strip_suffix(" failed"))
    {
        return ValidationError::new(spec_field(field), "is not a valid value for this parameter");
    }
    ValidationError::new("", message)
}

fn spec_field(rust: &str) -> String {
    let rust = rust.trim();
    super::spec_field_name(rust).unwrap_or(rust).to_string()
}

async fn finish<R: ResponseData>(
    result: Result<ResponseValue<R>, progenitor_client::Error<()>>,
) -> Result<R::Data, Error> {
    use progenitor_client::Error as P;
    match result {
        Ok(response) => response
            .into_inner()
            .into_data()
            .ok_or_else(|| Error::Decode {
                reason: "success without data".into(),
                raw: Bytes::new(),
            }),
        Err(P::UnexpectedResponse(response)) => Err(unexpected(response).await),
        Err(P::InvalidResponsePayload(raw, e)) => Err(Error::Decode {
            reason: e.to_string(),
            raw: redact(&raw),
        }),
        Err(P::CommunicationError(e))
        | Err(P::ResponseBodyError(e))
        | Err(P::InvalidUpgrade(e)) => Err(transport(e)),
        Err(P::InvalidRequest(message)) => Err(builder_error(&message).into()),
        Err(P::Custom(reason)) => Err(Error::Signing(reason)),
        Err(P::ErrorResponse(value)) => Err(Error::Http {
            status: value.status(),
            raw: Bytes::new(),
        }),
    }
}

pub(crate) fn transport(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Transport {
            may_have_been_sent: !e.is_connect(),
            source: e,
        }
    }
}

/// Code, message and requestId of an envelope.
pub(crate) fn envelope_parts(raw: &[u8]) -> Option<(Option<StatusCode>, String, Option<String>)> {
    let envelope: Map<String, Value> = serde_json::from_slice(raw).ok()?;
    let text = |key: &str| {
        envelope
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Some((
        code_of(&envelope).map(StatusCode::from_code),
        text("message").unwrap_or_default(),
        text("requestId"),
    ))
}

/// Turns an answer the generated code did not parse into the error it stands for.
pub(crate) async fn unexpected(response: reqwest::Response) -> Error {
    let status = response.status();
    let headers = response.headers().clone();
    let verdict = response.extensions().get::<Verdict>().cloned();
    let raw = match response.bytes().await {
        Ok(raw) => raw,
        Err(e) => return transport(e),
    };
    match verdict {
        None => Error::Http { status, raw },
        Some(Verdict::Rejected) => match envelope_parts(&raw) {
            Some((Some(code), message, request_id)) => Error::Api(ApiError {
                code,
                message,
                request_id,
                raw,
            }),
            _ => Error::Decode {
                reason: "answer has no integer code".into(),
                raw,
            },
        },
        Some(Verdict::Unauthenticated { status }) => {
            let (code, message, _) = envelope_parts(&raw).unwrap_or((None, String::new(), None));
            Error::Authentication {
                code,
                message,
                response: Box::new(RawResponse {
                    status,
                    headers,
                    body: raw,
                }),
            }
        }
        Some(Verdict::BadSignature { status, reason }) => Error::BadSignature {
            reason,
            response: Box::new(RawResponse {
                status,
                headers,
                body: raw,
            }),
        },
        Some(Verdict::Undecryptable { field, reason }) => Error::Decryption { field, reason, raw },
    }
}
