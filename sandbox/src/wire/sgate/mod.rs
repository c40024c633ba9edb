//! SGATE on the wire: a request's `V-*` signature checked over the path exactly as received,
//! faults applied, its query and body read and decrypted and checked against the spec; and
//! every answer signed with the system private key (sensitive members encrypted with the
//! merchant public key). Authentication failures carry an empty `V-Signature`, as SGATE's do.
//! What the operation does is the business layer's (`sandbox::sgate`).

pub mod auth;
pub mod request;
pub mod sensitive;
pub mod sign;

use axum::http::StatusCode;
use axum::response::IntoResponse as _;
use serde_json::{json, Value};

use crate::base::faults::{self, Fault, SignatureFault};
use crate::base::gateway::{code_message, Gateway};
use crate::base::http::{not_found, Answer, Call, Fail, HandlerError};
use crate::base::log::LoggedRequest;
use crate::base::shared::Shared;
use paybind::operations::GatewayOperation;
use request::Incoming;
use sign::{envelope_answer, respond, Spoil, Target};

const GATEWAY: Gateway = Gateway::Sgate;

/// What an operation answers.
pub enum Reply {
    /// The operation's data, plain (sensitive members are encrypted on the way out).
    Data(Value),
    /// An answer of its own (a file, or a "not ready" envelope), signed as it is.
    Raw {
        /// HTTP status.
        status: StatusCode,
        /// The body.
        body: Vec<u8>,
        /// Its content type.
        content_type: &'static str,
        /// More headers (`content-disposition`).
        headers: Vec<(&'static str, String)>,
    },
}

/// A request that passed SGATE's checks.
pub struct Opened<'a> {
    /// The operation it calls.
    pub operation: paybind::sgate::Operation,
    /// Its query, body and file, read and decrypted.
    pub incoming: Incoming,
    /// Its log entry, written when it is answered.
    pub log: LoggedRequest,
    /// Where and how its answer is signed.
    pub target: Target<'a>,
    /// The fault taken for it, if any (one `after_commit` acts once it is answered).
    pub fault: Option<Fault>,
}

/// Checks one SGATE request; the signature covers its path and query as received. `Err` is
/// the answer already.
pub async fn open<'a>(shared: &Shared, call: &Call<'a>) -> Result<Opened<'a>, Answer> {
    let (method, url, headers, body) = (call.method, call.path_and_query, call.headers, &call.body);
    let Some(GatewayOperation::Sgate(operation)) = call.operation(GATEWAY) else {
        return Err(not_found(url).into());
    };
    let operation_spec = operation.spec();
    let mut target = Target {
        url,
        method: method.as_str(),
        spoil: Spoil::default(),
    };
    let content_type = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    let mut log = LoggedRequest::new(GATEWAY, call, operation_spec.id);
    log.keep_body_json(body);
    let signed_body = if multipart {
        ""
    } else {
        match std::str::from_utf8(body) {
            Ok(text) => text,
            Err(_) => {
                return Err(reject(
                    shared,
                    log,
                    (1213, "the body is not UTF-8".into()),
                    &target,
                ))
            }
        }
    };
    if let Err(refused) = auth::authenticate(shared, headers, url, method.as_str(), signed_body) {
        return Err(reject(shared, log, refused, &target));
    }
    log.signature_ok = true;
    let fault = faults::take_for(shared, GATEWAY, operation_spec.id, &mut log);
    if let Some(fault) = &fault {
        target.spoil = Spoil {
            signature: fault.bad_signature,
            tamper_body: fault.tamper_body,
            bad_ciphertext: fault.bad_ciphertext,
        };
        if let Some(answer) = apply_fault(shared, fault, &mut log, &target).await {
            return Err(answer);
        }
    }
    match request::read_request(
        shared,
        operation_spec,
        url,
        &content_type,
        multipart,
        body.clone(),
    )
    .await
    {
        Ok(incoming) => Ok(Opened {
            operation,
            incoming,
            log,
            target,
            fault,
        }),
        Err(fail) => Err(answer_fail(shared, log, fail, &target)),
    }
}

/// The answer to an opened request, logged: the operation's data (sensitive members
/// encrypted), its own raw answer, or its failure.
pub fn answer(shared: &Shared, opened: Opened<'_>, result: Result<Reply, HandlerError>) -> Answer {
    let Opened {
        operation,
        mut log,
        target,
        ..
    } = opened;
    match result {
        Ok(reply) => {
            log.code = 200;
            shared.log_request(log);
            match reply {
                Reply::Data(data) => data_answer(shared, operation.spec(), data, &target),
                Reply::Raw {
                    status,
                    body,
                    content_type,
                    headers,
                } => respond(shared, &target, status, body, content_type, &headers),
            }
            .into()
        }
        Err(HandlerError::Fail(fail)) => answer_fail(shared, log, fail, &target),
        Err(HandlerError::Store(error)) => {
            answer_fail(shared, log, Fail::internal(GATEWAY, &error), &target)
        }
    }
}

fn data_answer(
    shared: &Shared,
    operation_spec: &paybind::spec::Operation,
    mut data: Value,
    target: &Target<'_>,
) -> axum::response::Response {
    let plan = sensitive::data_schema(operation_spec)
        .and_then(|schema| paybind::sgate::spec().sensitive_plan(schema));
    if let Some(plan) = &plan {
        if let Err(error) =
            sensitive::encrypt_by_plan(shared, plan, &mut data, target.spoil.bad_ciphertext)
        {
            tracing::warn!(error = %error, "sandbox could not encrypt an answer");
            let message = code_message(GATEWAY, 1206);
            return envelope_answer(shared, target, 1206, message, json!({}), json!({}));
        }
    }
    let fields = sensitive::sensitive_fields(plan.as_ref());
    envelope_answer(shared, target, 200, "Request succeeded.", data, fields)
}

fn answer_fail(shared: &Shared, mut log: LoggedRequest, fail: Fail, target: &Target<'_>) -> Answer {
    log.code = fail.code;
    log.message.clone_from(&fail.message);
    shared.log_request(log);
    envelope_answer(
        shared,
        target,
        fail.code,
        &fail.message,
        json!({}),
        json!({}),
    )
    .into()
}

/// An authentication failure: answered with an empty `V-Signature`, as SGATE does.
fn reject(
    shared: &Shared,
    log: LoggedRequest,
    (code, detail): auth::Refused,
    target: &Target<'_>,
) -> Answer {
    let target = Target {
        spoil: Spoil {
            signature: Some(SignatureFault::Empty),
            ..Spoil::default()
        },
        ..*target
    };
    answer_fail(shared, log, Fail::new(GATEWAY, code, detail), &target)
}

/// The faults that replace SGATE's answer: transport faults, a cut JSON body, a code, a file,
/// a canned body. `None`: go on (with the answer spoiled as `target.spoil` says).
async fn apply_fault(
    shared: &Shared,
    fault: &Fault,
    log: &mut LoggedRequest,
    target: &Target<'_>,
) -> Option<Answer> {
    if let Some(answer) = faults::transport_fault(shared, fault, log).await {
        return Some(answer);
    }
    // A cut body wins over a code, as it always has.
    if let Some(code) = fault.error_code.filter(|_| !fault.malformed_json) {
        let message = fault
            .error_message
            .clone()
            .unwrap_or_else(|| code_message(GATEWAY, code).to_string());
        return Some(answer_fail(
            shared,
            log.clone(),
            Fail { code, message },
            target,
        ));
    }
    let (body, content_type, extra) = if fault.malformed_json {
        (
            b"{\"code\":200,\"message\":\"Request succ".to_vec(),
            "application/json",
            Vec::new(),
        )
    } else if let Some(file) = &fault.file_base64 {
        use base64::Engine as _;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(file) else {
            let text = "fault file_base64 is not Base64";
            return Some(
                (StatusCode::INTERNAL_SERVER_ERROR, text)
                    .into_response()
                    .into(),
            );
        };
        let disposition = "attachment; filename=\"GCCRECO_Sandbox_M1_fault.xlsx\"";
        (
            bytes,
            "application/octet-stream",
            vec![("content-disposition", disposition.to_string())],
        )
    } else if let Some(body) = &fault.body {
        log.code = body.get("code").and_then(Value::as_i64).unwrap_or(0);
        (
            body.to_string().into_bytes(),
            "application/json",
            Vec::new(),
        )
    } else {
        return None;
    };
    shared.log_request(log.clone());
    Some(respond(shared, target, StatusCode::OK, body, content_type, &extra).into())
}
