//! The request log: every request as the sandbox saw it, kept in memory with a bound on both
//! the number of entries and the bytes they hold (bodies are cut, big params are not parsed),
//! so a flood of large requests cannot grow the sandbox's memory.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::gateway::Gateway;
use super::http::Call;

/// Most requests kept.
pub const LOG_ENTRIES: usize = 2000;
/// Most bytes of body (and of `param_text`) kept per request; a longer param is not parsed.
pub const LOG_BODY_BYTES: usize = 8 * 1024;
/// Most bytes of one header value kept.
const LOG_HEADER_BYTES: usize = 512;
/// Most bytes all kept requests hold together (estimated by [`LoggedRequest::stored_bytes`]).
pub const LOG_TOTAL_BYTES: usize = 16 * 1024 * 1024;

/// One request as the sandbox saw it (kept in memory, newest last, bounded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Sequence number.
    pub seq: u64,
    /// When it was answered, on the sandbox clock (ms since the epoch).
    pub at_ms: i64,
    /// Gateway.
    pub gateway: Gateway,
    /// Operation id (empty when the path matched none).
    pub operation: String,
    /// Method and path as received.
    pub method: String,
    /// Path and query as received.
    pub path: String,
    /// Whether the signature verified.
    pub signature_ok: bool,
    /// The param (envelope) or body (SGATE: sensitive members as sent, encrypted; SGATE Payin:
    /// sensitive members redacted) as received; `null` when it was longer than the log keeps.
    /// `GET /admin/requests` (and the dashboard) show an envelope param's `x-sensitive` members
    /// masked, here and in `param_text` and `body`.
    pub param: Value,
    /// The param text exactly as signed (envelope gateways), cut at 8 KiB (`LOG_BODY_BYTES`).
    pub param_text: Option<String>,
    /// The code answered (SGATE Payin, whose codes are words: the HTTP status; the word is in
    /// `message`).
    pub code: i64,
    /// The message answered (for a refusal: why, e.g. which check failed).
    pub message: String,
    /// The fault applied, if any.
    pub fault: Option<String>,
    /// The request headers (lower-case names; `v-api-key`, `x-auth-key` and `authorization`
    /// redacted).
    pub headers: BTreeMap<String, String>,
    /// The raw body as text (lossy UTF-8, cut at 8 KiB (`LOG_BODY_BYTES`); SGATE Payin: the
    /// JSON with its sensitive members redacted).
    pub body: String,
    /// The body's length as received.
    pub body_bytes: usize,
}

impl LoggedRequest {
    /// A new entry for a call to `operation`: headers and body as the log keeps them.
    pub fn new(gateway: Gateway, call: &Call<'_>, operation: &str) -> Self {
        let (headers, body) = (call.headers, &call.body);
        Self {
            seq: 0,
            at_ms: 0,
            gateway,
            operation: operation.to_string(),
            method: call.method.to_string(),
            path: cut(call.path_and_query, LOG_BODY_BYTES),
            signature_ok: false,
            param: Value::Null,
            param_text: None,
            code: 0,
            message: String::new(),
            fault: None,
            headers: logged_headers(headers),
            body: cut(
                &String::from_utf8_lossy(&body[..body.len().min(LOG_BODY_BYTES)]),
                LOG_BODY_BYTES,
            ),
            body_bytes: body.len(),
        }
    }

    /// Keeps the param text (cut) and, when short enough, its parsed form.
    pub fn keep_param(&mut self, text: &str) {
        if text.len() <= LOG_BODY_BYTES {
            self.param = serde_json::from_str(text).unwrap_or(Value::Null);
        }
        self.param_text = Some(cut(text, LOG_BODY_BYTES));
    }

    /// Keeps a JSON body's parsed form when it is short enough.
    pub fn keep_body_json(&mut self, body: &[u8]) {
        if body.len() <= LOG_BODY_BYTES {
            self.param = serde_json::from_slice(body).unwrap_or(Value::Null);
        }
    }

    /// Keeps the body with every member named in `sensitive` replaced, at any depth, by
    /// `"<redacted>"` — in `body` and in `param` alike — for a gateway whose bodies carry such
    /// members in plain text (SGATE Payin's card number and security code). A body that is not
    /// JSON is not kept at all (it cannot be searched for them).
    pub fn keep_redacted_json(&mut self, body: &[u8], sensitive: &[&str]) {
        self.param = Value::Null;
        if body.is_empty() {
            self.body.clear();
            return;
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
            self.body = NOT_KEPT.to_string();
            return;
        };
        redact(&mut value, sensitive);
        let text = value.to_string();
        if text.len() <= LOG_BODY_BYTES {
            self.param = value;
        }
        self.body = cut(&text, LOG_BODY_BYTES);
    }

    /// About how many bytes the entry holds (its strings and the parsed param).
    pub fn stored_bytes(&self) -> usize {
        let strings = self.operation.len()
            + self.method.len()
            + self.path.len()
            + self.param_text.as_ref().map_or(0, String::len)
            + self.message.len()
            + self.fault.as_ref().map_or(0, String::len)
            + self.body.len();
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum();
        // The parsed param is kept only below LOG_BODY_BYTES of text; count it as twice that
        // text for the tree of values it becomes.
        let param = if self.param.is_null() {
            0
        } else {
            2 * self.param.to_string().len()
        };
        strings + headers + param
    }
}

/// What a redacted member's value becomes in the log.
pub const REDACTED: &str = "<redacted>";

/// The logged body of a request whose body must be searched for sensitive members and is not
/// JSON.
const NOT_KEPT: &str = "<not kept: not JSON, and it may hold card data>";

/// Replaces every member named in `names`, at any depth, by [`REDACTED`].
fn redact(value: &mut Value, names: &[&str]) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if names.contains(&name.as_str()) {
                    *member = Value::String(REDACTED.to_string());
                } else {
                    redact(member, names);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact(item, names)),
        _ => {}
    }
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// The headers of a request as the log keeps them: credentials redacted, values cut.
fn logged_headers(headers: &axum::http::HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if matches!(
                name.as_str(),
                "v-api-key" | "x-auth-key" | "authorization" | "cookie" | "x-paybind-admin-token"
            ) {
                "<redacted>".to_string()
            } else {
                cut(&String::from_utf8_lossy(value.as_bytes()), LOG_HEADER_BYTES)
            };
            (name, value)
        })
        .collect()
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct RequestLog {
    last_number: u64,
    entries: VecDeque<LoggedRequest>,
    bytes: usize,
}

impl RequestLog {
    /// Numbers and keeps an entry, dropping the oldest beyond the bounds.
    pub fn push(&mut self, mut entry: LoggedRequest) {
        self.last_number += 1;
        entry.seq = self.last_number;
        self.bytes += entry.stored_bytes();
        self.entries.push_back(entry);
        while self.entries.len() > LOG_ENTRIES || self.bytes > LOG_TOTAL_BYTES {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(old.stored_bytes());
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }
}
