//! SGATE's signatures on what the sandbox sends: the five `V-*` headers over the path, method and
//! body (MD5withRSA with the system private key), spoiled on purpose when a fault asks.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::base::faults::{corrupt, SignatureFault};
use crate::base::ids::{random_token, request_id};
use crate::base::shared::Shared;
use paybind::sgate::signing::{
    digest_hex, sign_digest, signature_data, API_VERSION, HEADER_API_KEY, HEADER_API_VERSION,
    HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

/// How an answer is spoiled (fault injection).
#[derive(Debug, Clone, Copy, Default)]
pub struct Spoil {
    /// The signature's fault.
    pub signature: Option<SignatureFault>,
    /// Change a byte of the body after signing.
    pub tamper_body: bool,
    /// Replace encrypted members by text that is not ciphertext.
    pub bad_ciphertext: bool,
}

/// What an answer is signed over besides its body, and how it is spoiled.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The path and query as received.
    pub url: &'a str,
    /// The request's method.
    pub method: &'a str,
    /// The spoiling a fault asks for.
    pub spoil: Spoil,
}

/// The five `V-*` headers of a callback signed with the system private key over `url` (path
/// and query) and `body`, POSTed. `bad` spoils the signature.
pub fn callback_headers(
    shared: &Shared,
    url: &str,
    body: &[u8],
    bad: bool,
) -> Vec<(&'static str, String)> {
    signed(
        shared,
        url,
        "POST",
        body,
        bad.then_some(SignatureFault::Corrupt),
    )
}

/// A signed answer: `body` as is, with the `V-*` headers, `content_type` and `extra` headers.
pub fn respond(
    shared: &Shared,
    target: &Target<'_>,
    status: StatusCode,
    mut body: Vec<u8>,
    content_type: &str,
    extra: &[(&'static str, String)],
) -> Response {
    let spoil = target.spoil;
    let headers = signed(shared, target.url, target.method, &body, spoil.signature);
    if spoil.tamper_body {
        match body.iter().position(u8::is_ascii_digit) {
            Some(position) => {
                body[position] = if body[position] == b'9' {
                    b'8'
                } else {
                    body[position] + 1
                }
            }
            None => body.push(b' '),
        }
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let response_headers = response.headers_mut();
    let mut insert = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response_headers.insert(name, value);
        }
    };
    insert("content-type", content_type);
    for (name, value) in headers.iter().chain(extra) {
        insert(name, value);
    }
    response
}

/// SGATE's answer envelope `{code, message, data, sensitiveFields, requestId}`, signed. `data`
/// is in wire form already (sensitive members encrypted).
pub fn envelope_answer(
    shared: &Shared,
    target: &Target<'_>,
    code: i64,
    message: &str,
    data: Value,
    sensitive_fields: Value,
) -> Response {
    let body = json!({
        "code": code,
        "message": message,
        "data": data,
        "sensitiveFields": sensitive_fields,
        "requestId": request_id(),
    });
    respond(
        shared,
        target,
        StatusCode::OK,
        body.to_string().into_bytes(),
        "application/json",
        &[],
    )
}

fn signed(
    shared: &Shared,
    url: &str,
    method: &str,
    body: &[u8],
    fault: Option<SignatureFault>,
) -> Vec<(&'static str, String)> {
    let api_key = &shared.settings.sgate_api_key;
    let timestamp = shared.now_ms().div_euclid(1000);
    let nonce = random_token(20);
    let covered: &[u8] = if fault == Some(SignatureFault::EmptyBody) {
        b""
    } else {
        body
    };
    let digest = match std::str::from_utf8(covered) {
        Ok(text) => digest_hex(&signature_data(
            api_key, timestamp, &nonce, url, method, text,
        )),
        Err(_) => md5_hex(&signature_bytes(
            api_key, timestamp, &nonce, url, method, covered,
        )),
    };
    let mut signature = sign_digest(&shared.keys.sgate_system, &digest);
    let mut header_timestamp = timestamp;
    match fault {
        Some(SignatureFault::Corrupt) => signature = corrupt(&signature),
        Some(SignatureFault::Empty) => signature = String::new(),
        Some(SignatureFault::WrongTimestamp) => {
            header_timestamp = header_timestamp.saturating_add(1)
        }
        _ => {}
    }
    let mut headers = vec![
        (HEADER_API_KEY, api_key.clone()),
        (HEADER_API_VERSION, API_VERSION.to_string()),
        (HEADER_TIMESTAMP, header_timestamp.to_string()),
        (HEADER_NONCE, nonce),
    ];
    if fault != Some(SignatureFault::Missing) {
        headers.push((HEADER_SIGNATURE, signature));
    }
    headers
}

/// The signature object over a body that is not UTF-8 (a file): each byte is copied into the
/// JSON string as is, except `"`, `\\` and control characters, which are escaped as JSON does.
fn signature_bytes(
    api_key: &str,
    timestamp: i64,
    nonce: &str,
    url: &str,
    method: &str,
    body: &[u8],
) -> Vec<u8> {
    let empty = signature_data(api_key, timestamp, nonce, url, method, "");
    let prefix = empty.strip_suffix("\"}").unwrap_or(&empty);
    let mut out = prefix.as_bytes().to_vec();
    for &byte in body {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..=0x1f => out.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => out.push(byte),
        }
    }
    out.extend_from_slice(b"\"}");
    out
}

pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest as _;
    md5::Md5::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
