//! What the command line prints: JSON on stdout, a typed JSON error on stderr, and the exit
//! code that goes with it.

use std::io::Write as _;

use paybind::codes::Code;
use serde_json::{json, Map, Value};

/// Success.
pub const EXIT_OK: u8 = 0;
/// The gateway answered with an error, or could not be reached.
pub const EXIT_GATEWAY: u8 = 1;
/// Bad arguments, input, configuration or key; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// A signature did not verify.
pub const EXIT_SIGNATURE: u8 = 3;

/// An error as printed on stderr: `{"error": {"kind": .., "message": .., ..details}}`.
#[derive(Debug)]
pub struct CliError {
    /// Stable machine-readable kind (`validation`, `api`, `signature_mismatch`, ...).
    pub kind: &'static str,
    /// Process exit code.
    pub exit: u8,
    /// Human-readable message. Never contains key material.
    pub message: String,
    /// More typed fields (gateway code, field name, ...).
    pub detail: Map<String, Value>,
}

impl CliError {
    fn new(kind: &'static str, exit: u8, message: impl Into<String>) -> Self {
        Self {
            kind,
            exit,
            message: message.into(),
            detail: Map::new(),
        }
    }

    /// Bad arguments (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new("usage", EXIT_USAGE, message)
    }

    /// Bad input of the given kind: a file, JSON, a key, the configuration (exit 2).
    pub fn input(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(kind, EXIT_USAGE, message)
    }

    /// A signature that does not verify (exit 3).
    pub fn signature(message: impl Into<String>) -> Self {
        Self::new("signature_mismatch", EXIT_SIGNATURE, message)
    }

    /// A gateway-side failure of the given kind (exit 1).
    pub fn gateway(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(kind, EXIT_GATEWAY, message)
    }

    /// Adds a detail field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_string(), value.into());
        self
    }

    fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("kind".into(), self.kind.into());
        error.insert("message".into(), self.message.clone().into());
        error.insert("exit_code".into(), self.exit.into());
        for (k, v) in &self.detail {
            error.insert(k.clone(), v.clone());
        }
        json!({ "error": error })
    }
}

impl From<paybind::keys::KeyError> for CliError {
    fn from(e: paybind::keys::KeyError) -> Self {
        CliError::input("key", e.to_string())
    }
}

impl From<paybind::testing::MintError> for CliError {
    fn from(e: paybind::testing::MintError) -> Self {
        use paybind::testing::MintError as E;
        let message = e.to_string();
        match e {
            E::NotJson(_) | E::NotAnObject => CliError::input("json", message),
            E::Url => CliError::usage(
                "--url is the callback URL's path and query (for example /sgate/callback) or the whole http(s) URL",
            ),
            E::Header(name) => CliError::input("header", message).with("header", name),
            E::Encryption { field, .. } => {
                CliError::input("encryption", message).with("field", field)
            }
            E::Signing(_) => CliError::input("signing", message),
            _ => CliError::input("input", message),
        }
    }
}

impl From<paybind::spec::ValidationError> for CliError {
    fn from(e: paybind::spec::ValidationError) -> Self {
        CliError::input("validation", e.to_string())
            .with("field", e.field.clone())
            .with("reason", e.reason.clone())
            .with(
                "violations",
                e.violations()
                    .into_iter()
                    .map(|v| serde_json::json!({ "field": v.field, "reason": v.reason }))
                    .collect::<Vec<_>>(),
            )
            .with("sent", false)
    }
}

/// Writes one JSON value on stdout, compact (one line) or indented. A closed pipe
/// (`paybind … | head`) is not an error.
pub fn print_json(value: &Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    print_line(&text.unwrap_or_default());
}

/// Writes a line on stdout, ignoring a closed pipe.
pub fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Writes the error on stderr as JSON.
pub fn print_error(error: &CliError, pretty: bool) {
    let value = error.to_json();
    let text = if pretty {
        serde_json::to_string_pretty(&value)
    } else {
        serde_json::to_string(&value)
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", text.unwrap_or_default());
}

/// The message of an error followed by its sources (`a: b: c`).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

fn raw_text(raw: Option<&[u8]>) -> Option<Value> {
    raw.filter(|r| !r.is_empty())
        .map(|r| Value::String(String::from_utf8_lossy(r).into_owned()))
}

/// A gateway's error (the one error type of every gateway) as a typed CLI error. An answer
/// whose signature does not verify exits 3.
pub fn gateway_error<C: Code>(e: paybind::error::Error<C>) -> CliError {
    use paybind::error::Error as E;
    let retryable = e.is_retryable();
    let sent = e.may_have_been_sent();
    let raw = raw_text(e.raw_body());
    let message = chain(&e);
    let mut error = match e {
        E::Validation(v) => return v.into(),
        E::Signing(reason) => CliError::input("signing", reason.to_string()),
        E::Api(api) => {
            let error = CliError::gateway("api", message)
                .with("code", json!(api.code.wire()))
                .with("name", api.code.name().into_owned())
                .with("gateway_message", api.message);
            match api.request_id {
                Some(id) => error.with("request_id", id),
                None => error,
            }
        }
        E::Authentication { .. } => CliError::gateway("authentication", message),
        E::BadSignature { reason, response } => CliError::signature(message)
            .with("reason", reason.to_string())
            .with("status", response.status.as_u16()),
        E::Decryption { field, .. } => {
            CliError::gateway("decryption", message).with("field", field)
        }
        E::Http { status, .. } => {
            CliError::gateway("http", message).with("status", status.as_u16())
        }
        E::Redirect { status, location } => CliError::gateway("redirect", message)
            .with("status", status.as_u16())
            .with("location", location),
        E::TooLarge { limit } => CliError::gateway("too_large", message).with("limit", limit),
        E::Decode { reason, .. } => CliError::gateway("decode", message).with("reason", reason),
        E::Timeout(_) => CliError::gateway("timeout", message),
        E::Transport { .. } => CliError::gateway("transport", message),
        E::Io(_) => CliError::input("io", message),
        _ => CliError::gateway("error", message),
    };
    error = error.with("retryable", retryable).with("sent", sent);
    if let Some(raw) = raw {
        error = error.with("raw_body", raw);
    }
    error
}
