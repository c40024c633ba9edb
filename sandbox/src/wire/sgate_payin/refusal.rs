//! SGATE Payin's failure answer: HTTP 4xx (5xx for the sandbox's own trouble) with
//! `{code, message, data}`, the code a word. SGATE documents one code, `notAllowed` (its
//! message is the spec's code table's); the failures its docs give no code for get the
//! sandbox's own words, in SGATE's style, listed in [`Code`] — a client reads them as codes it
//! does not know, which is what it should expect of SGATE too.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::base::http::json_response;
use crate::base::store::StoreError;

/// The codes the sandbox answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// `notAllowed` (SGATE's, HTTP 403): the signature, key, timestamp or ticket is not
    /// accepted, or the merchant ID is not the key's.
    NotAllowed,
    /// `notFound` (the sandbox's, HTTP 404): no such order, transaction, refund or path.
    NotFound,
    /// `invalidParameter` (the sandbox's, HTTP 400): a path, header or body parameter breaks the
    /// spec, or an amount is outside its currency's limits.
    InvalidParameter,
    /// `invalidState` (the sandbox's, HTTP 409): not possible in the object's state (paying a
    /// paid or expired order, refunding more than was paid).
    InvalidState,
    /// `duplicated` (the sandbox's, HTTP 409): the `merchantOrderId` was used already.
    Duplicated,
    /// `internalError` (the sandbox's, HTTP 500): the sandbox's storage failed.
    InternalError,
}

impl Code {
    const ALL: [Code; 6] = [
        Code::NotAllowed,
        Code::NotFound,
        Code::InvalidParameter,
        Code::InvalidState,
        Code::Duplicated,
        Code::InternalError,
    ];

    /// The word answered as `code`.
    pub fn word(self) -> &'static str {
        match self {
            Code::NotAllowed => paybind::sgate_payin::ResultCode::NotAllowed.code(),
            Code::NotFound => "notFound",
            Code::InvalidParameter => "invalidParameter",
            Code::InvalidState => "invalidState",
            Code::Duplicated => "duplicated",
            Code::InternalError => "internalError",
        }
    }

    /// Its HTTP status. SGATE's status for `notAllowed` is not documented (x-unconfirmed):
    /// 403 says what the docs' message says, "No access".
    pub fn status(self) -> StatusCode {
        match self {
            Code::NotAllowed => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::InvalidParameter => StatusCode::BAD_REQUEST,
            Code::InvalidState | Code::Duplicated => StatusCode::CONFLICT,
            Code::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Its message: the spec's for SGATE's code, the sandbox's for its own.
    pub fn message(self) -> &'static str {
        match self {
            Code::NotAllowed => paybind::sgate_payin::ResultCode::NotAllowed
                .message()
                .unwrap_or("No access"),
            Code::NotFound => "Not found",
            Code::InvalidParameter => "Invalid parameter",
            Code::InvalidState => "Not possible in the current state",
            Code::Duplicated => "Already exists",
            Code::InternalError => "Sandbox storage error",
        }
    }
}

/// A failure answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `code`.
    pub code: String,
    /// The `message`.
    pub message: String,
    /// The `data`: a list whose first item says why (the docs' example: `["signature error",
    /// {the signed pairs}]`). Boxed: a refusal travels in `Err`.
    pub data: Box<Value>,
}

impl Refusal {
    /// `code` because of `why` (`data` is `[why]`).
    pub fn new(code: Code, why: impl Into<String>) -> Self {
        Self::with_data(code, json!([why.into()]))
    }

    /// `code` with this `data`.
    pub fn with_data(code: Code, data: Value) -> Self {
        Self {
            status: code.status(),
            code: code.word().to_string(),
            message: code.message().to_string(),
            data: Box::new(data),
        }
    }

    /// A refusal a fault asks for: the code's status and message when the sandbox knows the
    /// code, else HTTP 400 (`message` replaces the message).
    pub fn injected(code: &str, message: Option<&str>) -> Self {
        let known = Code::ALL.into_iter().find(|known| known.word() == code);
        Self {
            status: known.map_or(StatusCode::BAD_REQUEST, Code::status),
            code: code.to_string(),
            message: message
                .map(str::to_string)
                .or_else(|| known.map(|known| known.message().to_string()))
                .unwrap_or_else(|| "Error".to_string()),
            data: Box::new(json!(["injected by a sandbox fault"])),
        }
    }

    /// The answer.
    pub fn response(&self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "data": self.data });
        json_response(self.status, &body)
    }

    /// What the request log says: the code, its message and why.
    pub fn logged(&self) -> String {
        let why = self.data.get(0).and_then(Value::as_str).unwrap_or_default();
        if why.is_empty() {
            format!("{}: {}", self.code, self.message)
        } else {
            format!("{}: {} ({why})", self.code, self.message)
        }
    }
}

/// Why an operation stopped: a refusal, or the store.
#[derive(Debug)]
pub enum PayinError {
    /// Answer with this refusal.
    Refused(Refusal),
    /// The store failed.
    Store(StoreError),
}

impl From<Refusal> for PayinError {
    fn from(refusal: Refusal) -> Self {
        PayinError::Refused(refusal)
    }
}

impl From<StoreError> for PayinError {
    fn from(error: StoreError) -> Self {
        PayinError::Store(error)
    }
}

/// What a Payin handler returns.
pub type PayinResult<T = Value> = Result<T, PayinError>;

/// A refusal of `code` because of `why`, as the error a handler returns.
pub fn refuse(code: Code, why: impl Into<String>) -> PayinError {
    PayinError::Refused(Refusal::new(code, why))
}
