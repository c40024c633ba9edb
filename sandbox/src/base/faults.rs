//! Fault injection: per gateway and operation, make the sandbox misbehave the way a real
//! gateway or network sometimes does, so users can test their error handling.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use axum::http::StatusCode;
use axum::response::IntoResponse as _;

use super::gateway::Gateway;
use super::http::Answer;
use super::log::LoggedRequest;
use super::shared::Shared;
use super::store::{StoreError, Tx};

/// How a response signature is spoiled (SGATE answers; for BluePay and JT, which do not sign
/// answers, any value makes the notifications the operation triggers carry a bad signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureFault {
    /// A signature that does not verify.
    Corrupt,
    /// An empty `V-Signature` (SGATE's "could not authenticate the merchant").
    Empty,
    /// No `V-Signature` header.
    Missing,
    /// `V-Timestamp` differs from the signed timestamp.
    WrongTimestamp,
    /// Signed over an empty body instead of the body sent.
    EmptyBody,
}

/// One fault. Every member is optional; several may combine (latency then an HTTP error, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Gateway: `bluepay`, `bluepay-jt`, `sgate` or `sgate-payin`.
    pub gateway: String,
    /// Operation id from the spec (`qr_code_create`), or `*` for every operation.
    pub operation: String,
    /// Added latency before answering, in ms.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer with this HTTP status (e.g. 503) and no gateway body.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Close the connection without answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Apply `latency_ms`, `drop_connection` and `http_status` after the operation ran and its
    /// state was committed, instead of before: the gateway acted and the merchant never hears
    /// of it (an answer lost on the way back, a timeout that fired after the commit). The
    /// other faults still replace the operation.
    #[serde(default)]
    pub after_commit: bool,
    /// Answer HTTP 200 with a truncated JSON body.
    #[serde(default)]
    pub malformed_json: bool,
    /// Spoil the response signature (SGATE) or the notifications' signature (BluePay, JT).
    #[serde(default)]
    pub bad_signature: Option<SignatureFault>,
    /// Answer with this gateway code (and its documented message unless `error_message`).
    #[serde(default)]
    pub error_code: Option<i64>,
    /// SGATE Payin, whose codes are words: answer with this code (`notAllowed`), its HTTP
    /// status (4xx) and its message unless `error_message`.
    #[serde(default)]
    pub error_code_text: Option<String>,
    /// Message for `error_code` or `error_code_text`.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Answer exactly this JSON (SGATE: signed), without touching state.
    #[serde(default)]
    pub body: Option<Value>,
    /// SGATE: answer HTTP 200 with these bytes (Base64) as a file, signed over the raw bytes —
    /// the statement download's shape.
    #[serde(default)]
    pub file_base64: Option<String>,
    /// SGATE: replace the encrypted members of the answer by text that is not ciphertext.
    #[serde(default)]
    pub bad_ciphertext: bool,
    /// SGATE: change a byte of the body after signing it.
    #[serde(default)]
    pub tamper_body: bool,
    /// Apply to the next `times` requests only (always when absent).
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    /// No fault yet on `operation` (an operation id of the spec, or `*`) of `gateway`: add
    /// what it does with the methods below, or with a struct literal
    /// (`Fault { http_status: Some(503), ..Fault::new(gateway, operation) }`).
    pub fn new(gateway: Gateway, operation: &str) -> Self {
        Self {
            gateway: gateway.id().to_string(),
            operation: operation.to_string(),
            ..Self::default()
        }
    }

    /// Answers with this HTTP status and no gateway body.
    pub fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Answers with this gateway code (and its documented message).
    pub fn error_code(mut self, code: i64) -> Self {
        self.error_code = Some(code);
        self
    }

    /// Waits this long before answering.
    pub fn latency(mut self, latency: std::time::Duration) -> Self {
        self.latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// Closes the connection without answering.
    pub fn drop_connection(mut self) -> Self {
        self.drop_connection = true;
        self
    }

    /// Latency, dropped connection and HTTP status come after the operation committed.
    pub fn after_commit(mut self) -> Self {
        self.after_commit = true;
        self
    }

    /// Spoils the signature this way.
    pub fn bad_signature(mut self, how: SignatureFault) -> Self {
        self.bad_signature = Some(how);
        self
    }

    /// Applies to the next `times` requests only.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Whether the fault answers in place of the operation (no state change).
    pub fn replaces_answer(&self) -> bool {
        self.drop_connection
            || self.http_status.is_some()
            || self.malformed_json
            || self.error_code.is_some()
            || self.error_code_text.is_some()
            || self.body.is_some()
            || self.file_base64.is_some()
    }

    /// A short description for the request log.
    pub fn describe(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn key(gateway: &str, operation: &str) -> String {
    format!("{gateway}/{operation}")
}

/// Stores a fault (replacing any for the same gateway and operation).
pub fn put(tx: &mut Tx<'_>, fault: &Fault) -> Result<(), StoreError> {
    let value = serde_json::to_value(fault).map_err(|e| StoreError(e.to_string()))?;
    tx.put("fault", &key(&fault.gateway, &fault.operation), value);
    Ok(())
}

/// Every configured fault.
pub fn list(tx: &Tx<'_>) -> Result<Vec<Fault>, StoreError> {
    Ok(tx
        .list("fault")?
        .into_iter()
        .filter_map(|(_, stored)| serde_json::from_value(stored).ok())
        .collect())
}

/// The fault for one request, counting down `times`.
pub fn take(
    tx: &mut Tx<'_>,
    gateway: Gateway,
    operation: &str,
) -> Result<Option<Fault>, StoreError> {
    for target in [operation, "*"] {
        let fault_key = key(gateway.id(), target);
        let Some(value) = tx.get("fault", &fault_key)? else {
            continue;
        };
        let Ok(mut fault) = serde_json::from_value::<Fault>(value) else {
            tx.delete("fault", &fault_key);
            continue;
        };
        match fault.times {
            Some(0) => {
                tx.delete("fault", &fault_key);
                continue;
            }
            Some(1) => tx.delete("fault", &fault_key),
            Some(remaining) => {
                fault.times = Some(remaining - 1);
                put(tx, &fault)?;
                fault.times = Some(remaining);
            }
            None => {}
        }
        return Ok(Some(fault));
    }
    Ok(None)
}

/// The fault for a request to `operation`, noted in its log entry (a store failure is logged
/// and means no fault).
pub fn take_for(
    shared: &Shared,
    gateway: Gateway,
    operation: &str,
    log: &mut LoggedRequest,
) -> Option<Fault> {
    let fault = shared
        .with_tx(|tx| take(tx, gateway, operation))
        .unwrap_or_else(|error| {
            tracing::warn!(error = %error, "faults unreadable");
            None
        });
    log.fault = fault.as_ref().map(Fault::describe);
    fault
}

/// Whether a gateway and operation name a real operation (or `*`).
pub fn valid_target(gateway: &str, operation: &str) -> bool {
    Gateway::from_id(gateway)
        .is_some_and(|gateway| operation == "*" || gateway.operation(operation).is_some())
}

/// Why `fault` cannot be applied (no such gateway or operation, or a member its gateway has no
/// use for); `None` when it can.
pub fn refusal(fault: &Fault) -> Option<String> {
    if !valid_target(&fault.gateway, &fault.operation) {
        return Some(format!(
            "no operation {} on gateway {}",
            fault.operation, fault.gateway
        ));
    }
    let gateway = Gateway::from_id(&fault.gateway)?;
    let unusable = match gateway {
        // Payin's codes are words, and it signs and encrypts nothing in its answers.
        Gateway::SgatePayin => [
            (
                fault.error_code.is_some(),
                "error_code (its codes are words: error_code_text)",
            ),
            (
                fault.bad_signature.is_some(),
                "bad_signature (it signs no answer)",
            ),
            (fault.bad_ciphertext, "bad_ciphertext (it encrypts nothing)"),
            (fault.tamper_body, "tamper_body (it signs no answer)"),
            (
                fault.file_base64.is_some(),
                "file_base64 (it serves no file)",
            ),
        ]
        .into_iter()
        .find_map(|(given, member)| given.then_some(member)),
        Gateway::BluePay | Gateway::BluePayJt | Gateway::Sgate => fault
            .error_code_text
            .is_some()
            .then_some("error_code_text (its codes are numbers: error_code)"),
    }?;
    Some(format!("{} does not take {unusable}", gateway.id()))
}

/// The faults that happen below a gateway's protocol, the same for every gateway: added
/// latency, a dropped connection, a bare HTTP error status. Returns the answer that replaces the
/// operation's (after logging the request), or `None` to go on. A fault `after_commit` is
/// left to [`after_commit`].
pub(crate) async fn transport_fault(
    shared: &Shared,
    fault: &Fault,
    log: &LoggedRequest,
) -> Option<Answer> {
    if fault.after_commit {
        return None;
    }
    let answer = below_protocol(fault).await?;
    shared.log_request(log.clone());
    Some(answer)
}

/// The operation's `answer`, or what an `after_commit` fault makes of it once the operation's
/// state is committed (the request was logged with its real outcome already).
pub(crate) async fn after_commit(fault: Option<&Fault>, answer: Answer) -> Answer {
    match fault {
        Some(fault) if fault.after_commit => below_protocol(fault).await.unwrap_or(answer),
        _ => answer,
    }
}

/// Latency, then a dropped connection or a bare HTTP status if the fault asks for one.
async fn below_protocol(fault: &Fault) -> Option<Answer> {
    if fault.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(
            fault.latency_ms.min(600_000),
        ))
        .await;
    }
    if fault.drop_connection {
        return Some(Answer::Drop);
    }
    let status = fault.http_status?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    Some(
        (status, format!("sandbox fault: HTTP {}", status.as_u16()))
            .into_response()
            .into(),
    )
}

/// Flips bits of a Base64 signature so it no longer verifies.
pub fn corrupt(signature_base64: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    match engine.decode(signature_base64) {
        Ok(mut bytes) if !bytes.is_empty() => {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x5a;
            engine.encode(bytes)
        }
        _ => "AAAA".to_string(),
    }
}
