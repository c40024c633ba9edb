//! SGATE: the `V-*` header signature checked over the path exactly as received, sensitive
//! members decrypted with the system private key, the spec's body/query rules, the operations
//! run against state, and every answer signed with the system private key (sensitive members
//! encrypted with the merchant public key).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::envelope::HErr;
use super::faults::{self, Fault, SignatureFault};
use super::notify;
use super::server::{not_found, Answer};
use super::state::{
    compact, decide, i, next_seq, opt_s, random_token, request_id, riyadh_date, riyadh_time, s,
    schedule, schedule_outcome, set, Fail, Gateway, LoggedRequest, Shared,
};
use super::store::{StoreError, Tx};
use crate::money::Decimal2;
use crate::sgate::signing::{
    digest_hex, sign_digest, signature_data, verify_digest, API_VERSION, HEADER_API_KEY,
    HEADER_API_VERSION, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

const GW: Gateway = Gateway::Sgate;

/// Balances each currency starts with, in minor units (1,000,000.00).
pub const INITIAL_BALANCE: i64 = 100_000_000;

/// The currencies SGATE pays out in.
pub const CURRENCIES: &[&str] = &["SAR", "KWD", "AED"];

/// Payout fee: 5 % of the amount, rounded half up (the docs' 18.75 → 0.94).
pub const FEE_PERCENT: i64 = 5;

type HResult = Result<Value, HErr>;

fn fail(code: i64, detail: impl AsRef<str>) -> HErr {
    HErr::Fail(Fail::new(GW, code, detail))
}

// ---------------------------------------------------------------------------------------------
// Signing

/// The five `V-*` headers of an answer or callback signed with the system private key over
/// `url` (path and query), `method` and `body`. `bad` spoils the signature.
pub fn sign_headers(
    shared: &Shared,
    url: &str,
    method: &str,
    body: &[u8],
    bad: bool,
) -> Vec<(&'static str, String)> {
    signed(
        shared,
        url,
        method,
        body,
        bad.then_some(SignatureFault::Corrupt),
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
    let mut header_ts = timestamp;
    match fault {
        Some(SignatureFault::Corrupt) => signature = notify::corrupt(&signature),
        Some(SignatureFault::Empty) => signature = String::new(),
        Some(SignatureFault::WrongTimestamp) => header_ts += 1,
        _ => {}
    }
    let mut headers = vec![
        (HEADER_API_KEY, api_key.clone()),
        (HEADER_API_VERSION, API_VERSION.to_string()),
        (HEADER_TIMESTAMP, header_ts.to_string()),
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
    ts: i64,
    nonce: &str,
    url: &str,
    method: &str,
    body: &[u8],
) -> Vec<u8> {
    let empty = signature_data(api_key, ts, nonce, url, method, "");
    let prefix = empty.strip_suffix("\"}").unwrap_or(&empty);
    let mut out = prefix.as_bytes().to_vec();
    for &b in body {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.extend_from_slice(b"\"}");
    out
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest as _;
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How an answer is spoiled (fault injection).
#[derive(Debug, Clone, Copy, Default)]
struct Spoil {
    signature: Option<SignatureFault>,
    tamper_body: bool,
    bad_ciphertext: bool,
}

#[allow(clippy::too_many_arguments)] // what to answer, and where and how it is signed
fn respond(
    shared: &Shared,
    status: StatusCode,
    mut body: Vec<u8>,
    content_type: &str,
    url: &str,
    method: &str,
    spoil: Spoil,
    extra: &[(&'static str, String)],
) -> Response {
    let headers = signed(shared, url, method, &body, spoil.signature);
    if spoil.tamper_body {
        match body.iter().position(u8::is_ascii_digit) {
            Some(pos) => {
                body[pos] = if body[pos] == b'9' {
                    b'8'
                } else {
                    body[pos] + 1
                }
            }
            None => body.push(b' '),
        }
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    let mut insert = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.insert(name, value);
        }
    };
    insert("content-type", content_type);
    for (name, value) in headers.iter().chain(extra) {
        insert(name, value);
    }
    response
}

/// An envelope answer, signed. `data` is already in wire form (sensitive members encrypted).
#[allow(clippy::too_many_arguments)] // the envelope members, and where and how it is signed
fn envelope_answer(
    shared: &Shared,
    status: StatusCode,
    code: i64,
    message: &str,
    data: Value,
    sensitive_fields: Value,
    url: &str,
    method: &str,
    spoil: Spoil,
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
        status,
        body.to_string().into_bytes(),
        "application/json",
        url,
        method,
        spoil,
        &[],
    )
}

// ---------------------------------------------------------------------------------------------
// Sensitive members

fn is_sensitive(schema: &Value) -> bool {
    schema.get("x-sensitive").and_then(Value::as_bool) == Some(true)
}

/// The data schema of an operation's 200 answer.
fn data_schema(op: &crate::spec::Operation) -> Option<&'static str> {
    let spec = crate::sgate::spec();
    let data = spec
        .schema(op.response_schema?)?
        .pointer("/properties/data")?;
    let r = data
        .get("$ref")
        .or_else(|| data.pointer("/items/$ref"))?
        .as_str()?;
    Some(r.rsplit('/').next().unwrap_or(r))
}

/// Encrypts, in place, the members a plan names (plan as built from the `x-sensitive` marks).
fn encrypt_by_plan(
    shared: &Shared,
    plan: &Value,
    target: &mut Value,
    bad: bool,
) -> Result<(), String> {
    let key = shared.keys.sgate_merchant.public_key();
    match target {
        Value::Array(items) => {
            for item in items {
                encrypt_by_plan(shared, plan, item, bad)?;
            }
            Ok(())
        }
        Value::Object(object) => {
            let Some(members) = plan.as_object() else {
                return Ok(());
            };
            for (name, inner) in members {
                let Some(member) = object.get_mut(name) else {
                    continue;
                };
                if inner == &Value::Bool(true) {
                    if let Value::String(text) = member {
                        if !text.is_empty() {
                            *text = if bad {
                                "bm90IGNpcGhlcnRleHQ=".to_string()
                            } else {
                                crate::sgate::crypto::encrypt_field(&key, text)
                                    .map_err(|e| e.to_string())?
                            };
                        }
                    }
                } else {
                    encrypt_by_plan(shared, inner, member, bad)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `sensitiveFields` as SGATE sends it: an array of member names for customers, an object
/// keyed by the nested member for orders, `{}` otherwise.
fn sensitive_fields(plan: Option<&Value>) -> Value {
    let Some(Value::Object(plan)) = plan else {
        return json!({});
    };
    let top: Vec<Value> = plan
        .iter()
        .filter(|(_, v)| **v == Value::Bool(true))
        .map(|(k, _)| json!(k))
        .collect();
    if !top.is_empty() {
        return Value::Array(top);
    }
    let mut nested = Map::new();
    for (k, v) in plan {
        if let Value::Object(inner) = v {
            let names: Vec<Value> = inner.keys().map(|n| json!(n)).collect();
            nested.insert(k.clone(), Value::Array(names));
        }
    }
    Value::Object(nested)
}

/// Encrypts a callback's `data` by the `x-sensitive` marks of the callback schema.
fn encrypt_callback(shared: &Shared, schema: &str, payload: &mut Value) -> Result<(), String> {
    if let Some(plan) = crate::sgate::callbacks::decryption_plan(crate::sgate::spec(), schema, 0) {
        encrypt_by_plan(shared, &plan, payload, false)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Request handling

struct Incoming {
    body: Value,
    query: Map<String, Value>,
    file: Option<(Vec<u8>, String)>,
}

/// Handles one SGATE request. `rest` is the path after `/sgate`; `url` the path and query as
/// received (what the signature covers).
pub async fn handle(
    shared: &Arc<Shared>,
    method: &Method,
    rest: &str,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Answer {
    let Some(op) = GW
        .operations()
        .iter()
        .find(|o| o.method == method.as_str() && o.path == rest)
    else {
        return not_found(url).into();
    };
    let method_name = method.as_str();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    let mut log = LoggedRequest {
        seq: 0,
        gateway: GW,
        operation: op.id.to_string(),
        method: method_name.to_string(),
        path: url.to_string(),
        signature_ok: false,
        param: serde_json::from_slice(&body).unwrap_or(Value::Null),
        param_text: None,
        code: 0,
        fault: None,
        headers: super::state::logged_headers(headers),
        body: super::state::logged_body(&body),
    };
    let signed_body = if multipart {
        String::new()
    } else {
        match std::str::from_utf8(&body) {
            Ok(text) => text.to_string(),
            Err(_) => {
                return reject(shared, log, 1213, url, method_name);
            }
        }
    };
    if let Err(code) = authenticate(shared, headers, url, method_name, &signed_body) {
        return reject(shared, log, code, url, method_name);
    }
    log.signature_ok = true;

    let fault = shared
        .with_tx(|tx| faults::take(tx, GW, op.id))
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "faults unreadable");
            None
        });
    let mut spoil = Spoil::default();
    if let Some(fault) = &fault {
        log.fault = Some(fault.describe());
        spoil = Spoil {
            signature: fault.bad_signature,
            tamper_body: fault.tamper_body,
            bad_ciphertext: fault.bad_ciphertext,
        };
        if let Some(answer) = apply_fault(shared, fault, &mut log, url, method_name, spoil).await {
            return answer;
        }
    }

    let incoming = match read_request(shared, op, url, &content_type, multipart, body).await {
        Ok(incoming) => incoming,
        Err(f) => return finish_fail(shared, log, f, url, method_name, spoil),
    };
    let now = shared.now_ms();
    let result = shared.with_tx(|tx| dispatch(shared, tx, op, &incoming, now, url, spoil));
    shared.wake.notify_one();
    match result {
        Ok(Reply::Data(data)) => {
            log.code = 200;
            shared.log_request(log);
            data_answer(shared, op, data, url, method_name, spoil).into()
        }
        Ok(Reply::Raw(response)) => {
            log.code = 200;
            shared.log_request(log);
            response.into()
        }
        Err(HErr::Fail(f)) => finish_fail(shared, log, f, url, method_name, spoil),
        Err(HErr::Store(e)) => {
            finish_fail(shared, log, Fail::internal(GW, &e), url, method_name, spoil)
        }
    }
}

enum Reply {
    Data(Value),
    Raw(Response),
}

fn data_answer(
    shared: &Shared,
    op: &crate::spec::Operation,
    mut data: Value,
    url: &str,
    method: &str,
    spoil: Spoil,
) -> Response {
    let plan = data_schema(op).and_then(|schema| {
        crate::sgate::callbacks::decryption_plan(crate::sgate::spec(), schema, 0)
    });
    if let Some(plan) = &plan {
        if let Err(e) = encrypt_by_plan(shared, plan, &mut data, spoil.bad_ciphertext) {
            tracing::warn!(error = %e, "sandbox could not encrypt an answer");
            return envelope_answer(
                shared,
                StatusCode::OK,
                1206,
                GW.message(1206),
                json!({}),
                json!({}),
                url,
                method,
                spoil,
            );
        }
    }
    envelope_answer(
        shared,
        StatusCode::OK,
        200,
        "Request succeeded.",
        data,
        sensitive_fields(plan.as_ref()),
        url,
        method,
        spoil,
    )
}

fn finish_fail(
    shared: &Shared,
    mut log: LoggedRequest,
    f: Fail,
    url: &str,
    method: &str,
    spoil: Spoil,
) -> Answer {
    log.code = f.code;
    shared.log_request(log);
    envelope_answer(
        shared,
        StatusCode::OK,
        f.code,
        &f.message,
        json!({}),
        json!({}),
        url,
        method,
        spoil,
    )
    .into()
}

/// An authentication failure: answered with an empty `V-Signature`, as SGATE does.
fn reject(shared: &Shared, mut log: LoggedRequest, code: i64, url: &str, method: &str) -> Answer {
    log.code = code;
    shared.log_request(log);
    envelope_answer(
        shared,
        StatusCode::OK,
        code,
        GW.message(code),
        json!({}),
        json!({}),
        url,
        method,
        Spoil {
            signature: Some(SignatureFault::Empty),
            ..Spoil::default()
        },
    )
    .into()
}

fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    url: &str,
    method: &str,
    body: &str,
) -> Result<(), i64> {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().map(str::trim));
    let api_key = match text(HEADER_API_KEY) {
        None => return Err(1200),
        Some(Err(_)) => return Err(1209),
        Some(Ok(k)) => k,
    };
    if api_key != shared.settings.sgate_api_key {
        return Err(1201);
    }
    match text(HEADER_API_VERSION) {
        None => return Err(1208),
        Some(Ok(v)) if v == API_VERSION => {}
        Some(_) => return Err(1210),
    }
    if !headers.contains_key("user-agent") {
        return Err(1211);
    }
    let (Some(Ok(ts)), Some(Ok(nonce)), Some(Ok(signature))) = (
        text(HEADER_TIMESTAMP),
        text(HEADER_NONCE),
        text(HEADER_SIGNATURE),
    ) else {
        return Err(1208);
    };
    let ts: i64 = ts.parse().map_err(|_| 1209)?;
    if nonce.is_empty() || nonce.len() > 128 {
        return Err(1209);
    }
    let data = signature_data(api_key, ts, nonce, url, method, body);
    verify_digest(
        &shared.keys.sgate_merchant.public_key(),
        &digest_hex(&data),
        signature,
    )
    .map_err(|_| 1213)?;
    if let Some(window) = shared.settings.timestamp_window {
        let now = shared.now_ms().div_euclid(1000);
        if now.abs_diff(ts) > window.as_secs() {
            return Err(1204);
        }
    }
    Ok(())
}

async fn apply_fault(
    shared: &Shared,
    fault: &Fault,
    log: &mut LoggedRequest,
    url: &str,
    method: &str,
    spoil: Spoil,
) -> Option<Answer> {
    if let Some(answer) = faults::transport_fault(shared, fault, log).await {
        return Some(answer);
    }
    if fault.malformed_json {
        shared.log_request(log.clone());
        let body = b"{\"code\":200,\"message\":\"Request succ".to_vec();
        return Some(
            respond(
                shared,
                StatusCode::OK,
                body,
                "application/json",
                url,
                method,
                spoil,
                &[],
            )
            .into(),
        );
    }
    if let Some(code) = fault.error_code {
        log.code = code;
        shared.log_request(log.clone());
        let message = fault
            .error_message
            .clone()
            .unwrap_or_else(|| GW.message(code).to_string());
        return Some(
            envelope_answer(
                shared,
                StatusCode::OK,
                code,
                &message,
                json!({}),
                json!({}),
                url,
                method,
                spoil,
            )
            .into(),
        );
    }
    if let Some(file) = &fault.file_base64 {
        use base64::Engine as _;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(file) else {
            return Some(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "fault file_base64 is not Base64",
                )
                    .into_response()
                    .into(),
            );
        };
        shared.log_request(log.clone());
        let disposition = (
            "content-disposition",
            "attachment; filename=\"GCCRECO_Sandbox_M1_fault.xlsx\"".to_string(),
        );
        return Some(
            respond(
                shared,
                StatusCode::OK,
                bytes,
                "application/octet-stream",
                url,
                method,
                spoil,
                &[disposition],
            )
            .into(),
        );
    }
    if let Some(body) = &fault.body {
        log.code = body.get("code").and_then(Value::as_i64).unwrap_or(0);
        shared.log_request(log.clone());
        let bytes = body.to_string().into_bytes();
        return Some(
            respond(
                shared,
                StatusCode::OK,
                bytes,
                "application/json",
                url,
                method,
                spoil,
                &[],
            )
            .into(),
        );
    }
    None
}

fn validation_fail(e: &crate::spec::ValidationError) -> Fail {
    let code = if e.reason.starts_with("is required") || e.reason.starts_with("one of") {
        1102
    } else {
        1103
    };
    Fail::new(GW, code, e.to_string())
}

async fn read_request(
    shared: &Shared,
    op: &crate::spec::Operation,
    url: &str,
    content_type: &str,
    multipart: bool,
    body: Bytes,
) -> Result<Incoming, Fail> {
    let spec = crate::sgate::spec();
    let system = &shared.keys.sgate_system;
    let sensitive_params: Vec<String> = spec
        .operation(op.method, op.path)
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| is_sensitive(p) || p.get("schema").is_some_and(is_sensitive))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let query_text = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut pairs = Vec::new();
    for (k, v) in form_urlencoded(query_text) {
        let v = if sensitive_params.contains(&k) {
            crate::sgate::crypto::decrypt_field(system, &v)
                .map_err(|_| Fail::new(GW, 1203, &k))?
                .into_inner()
        } else {
            v
        };
        pairs.push((k, v));
    }
    if op.method == "GET" || !pairs.is_empty() {
        spec.validate_query(op.method, op.path, &pairs)
            .map_err(|e| validation_fail(&e))?;
    }
    let mut query = Map::new();
    let params = spec
        .operation(op.method, op.path)
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (k, v) in pairs {
        let numeric = params.iter().any(|p| {
            p.get("name").and_then(Value::as_str) == Some(k.as_str())
                && matches!(
                    p.pointer("/schema/type").and_then(Value::as_str),
                    Some("integer" | "number")
                )
        });
        let value = if numeric {
            v.parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(v))
        } else {
            Value::String(v)
        };
        query.insert(k, value);
    }

    if multipart {
        return read_multipart(op, content_type, body, query).await;
    }
    let Some(schema) = op.body_schema else {
        return Ok(Incoming {
            body: Value::Null,
            query,
            file: None,
        });
    };
    let mut value: Value =
        serde_json::from_slice(&body).map_err(|_| Fail::new(GW, 1103, "body is not JSON"))?;
    if let (Some(props), Value::Object(object)) = (
        spec.schema(schema)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object),
        &mut value,
    ) {
        for (name, property) in props {
            if !is_sensitive(property) {
                continue;
            }
            if let Some(Value::String(text)) = object.get_mut(name) {
                *text = crate::sgate::crypto::decrypt_field(system, text)
                    .map_err(|_| Fail::new(GW, 1203, name))?
                    .into_inner();
            }
        }
    }
    spec.validate(schema, &value)
        .map_err(|e| validation_fail(&e))?;
    Ok(Incoming {
        body: value,
        query,
        file: None,
    })
}

fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://sandbox.invalid/?{query}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

async fn read_multipart(
    op: &crate::spec::Operation,
    content_type: &str,
    body: Bytes,
    query: Map<String, Value>,
) -> Result<Incoming, Fail> {
    use axum::extract::FromRequest as _;
    let request = axum::http::Request::builder()
        .method("POST")
        .header("content-type", content_type)
        .body(Body::from(body))
        .map_err(|_| Fail::new(GW, 1103, "bad multipart request"))?;
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| Fail::new(GW, 1103, "bad multipart body"))?;
    let mut fields = Map::new();
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(Fail::new(GW, 1500, "unreadable multipart body")),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("file").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Fail::new(GW, 1500, "unreadable file"))?;
            fields.insert("file".into(), json!("(binary)"));
            file = Some((bytes.to_vec(), file_name));
        } else {
            let text = field.text().await.map_err(|_| Fail::new(GW, 1103, &name))?;
            fields.insert(name, Value::String(text));
        }
    }
    let body = Value::Object(fields);
    if let Some(schema) = op.body_schema.or(Some("CustomerFileUploadParam")) {
        if crate::sgate::spec().schema(schema).is_some() {
            crate::sgate::spec()
                .validate(schema, &body)
                .map_err(|e| validation_fail(&e))?;
        }
    }
    Ok(Incoming { body, query, file })
}

fn dispatch(
    shared: &Shared,
    tx: &mut Tx<'_>,
    op: &crate::spec::Operation,
    req: &Incoming,
    now: i64,
    url: &str,
    spoil: Spoil,
) -> Result<Reply, HErr> {
    let b = &req.body;
    let q = &Value::Object(req.query.clone());
    let data = match op.id {
        "merchant_balance" => merchant_balance(tx)?,
        "customer_create" => customer_create(shared, tx, b, now)?,
        "customer_list" => customer_list(tx, q)?,
        "customer_detail" => customer_view(&find_customer(tx, q)?),
        "customer_update" => customer_update(shared, tx, b, now)?,
        "customer_file_upload" => {
            customer_file_upload(shared, tx, &req.body, req.file.as_ref(), now)?
        }
        "customer_stc_otp_resend" => stc_otp_resend(tx, b, now)?,
        "customer_stc_otp_submit" => stc_otp_submit(tx, b)?,
        "bank_list" => bank_list(q),
        "exchange_rate" => exchange_rate(now),
        "payment_order_create" => order_create(shared, tx, b, now, "standard")?,
        "payment_order_rapid" => order_rapid(shared, tx, b, now)?,
        "payment_order_list" => order_list(tx, q)?,
        "payment_order_detail" => order_view(&find_order(tx, q)?),
        "otp_send" => otp_send(tx, b, now)?,
        "otp_check" => otp_check(tx, b, now)?,
        "otp_detail" => otp_detail(tx, q)?,
        "statement_download" => return statement(shared, tx, q, now, url, spoil),
        "va_receiving_trans_list" => va_list(tx, q)?,
        other => super::envelope::generic_data(GW, other),
    };
    Ok(Reply::Data(data))
}

// ---------------------------------------------------------------------------------------------
// Balance, banks, rates

fn currency_balance(tx: &Tx<'_>, currency: &str) -> Result<i64, StoreError> {
    Ok(tx
        .get("sg_balance", currency)?
        .map(|v| i(&v, "amount"))
        .unwrap_or(INITIAL_BALANCE))
}

/// Sets the balance of one currency (admin API).
pub fn set_currency_balance(tx: &mut Tx<'_>, currency: &str, amount: i64) {
    tx.put("sg_balance", currency, json!({ "amount": amount }));
}

fn add_currency_balance(tx: &mut Tx<'_>, currency: &str, delta: i64) -> Result<(), StoreError> {
    let now = currency_balance(tx, currency)?;
    set_currency_balance(tx, currency, now.saturating_add(delta));
    Ok(())
}

fn money(minor: i64) -> Value {
    serde_json::to_value(Decimal2::from_minor_units(minor)).unwrap_or(Value::Null)
}

fn minor_of(v: &Value) -> Option<i64> {
    serde_json::from_value::<Decimal2>(v.clone())
        .ok()
        .map(Decimal2::minor_units)
}

fn merchant_balance(tx: &Tx<'_>) -> HResult {
    let mut list = Vec::new();
    for currency in ["SAR", "KWD", "AED"] {
        list.push(
            json!({ "currency": currency, "balance": money(currency_balance(tx, currency)?) }),
        );
    }
    Ok(Value::Array(list))
}

fn example_data(path: &str) -> Value {
    crate::sgate::spec()
        .operation("GET", path)
        .and_then(|o| o.pointer("/responses/200/content/application~1json"))
        .and_then(|c| {
            c.pointer("/examples/docs/value")
                .or_else(|| c.get("example"))
        })
        .and_then(|e| e.get("data"))
        .cloned()
        .unwrap_or(json!([]))
}

/// The bank list of the spec's documented example (the sandbox's bank directory).
fn banks() -> Vec<Value> {
    example_data("/openApi/v1/payee/banks")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn bank_list(q: &Value) -> Value {
    let country = opt_s(q, "country").unwrap_or("SAU");
    Value::Array(
        banks()
            .into_iter()
            .filter(|b| country == "ALL" || s(b, "country") == country)
            .collect(),
    )
}

fn exchange_rate(now: i64) -> Value {
    let mut rates = example_data("/openApi/v1/payee/exchangeRate");
    if let Some(list) = rates.as_array_mut() {
        for rate in list {
            set(rate, json!({ "updated_at": now.div_euclid(1000) }));
        }
    }
    rates
}

// ---------------------------------------------------------------------------------------------
// Test accounts (sgate.md §A13)

/// Customer and payment results of the documented sandbox test accounts: `(card number, IBAN,
/// customer approved, payment transferred)`.
pub const BANK_TEST_ACCOUNTS: &[(&str, &str, bool, bool)] = &[
    ("5123450000000001", "SA0000000000000000000001", true, true),
    ("5123450000000002", "SA0000000000000000000002", true, true),
    ("5123450000000021", "SA0020000000000000000021", true, true),
    ("5123450000000022", "SA0005000000000000000022", true, true),
    ("5123450000000003", "SA0000000000000000000003", true, false),
    ("5123450000000004", "SA0000000000000000000004", true, false),
    ("5123450000000023", "SA0080000000000000000023", true, false),
    ("5123450000000024", "SA0010000000000000000024", true, false),
    ("5123450000000005", "SA0000000000000000000005", false, false),
    ("5123450000000006", "SA0000000000000000000006", false, false),
    ("5123450000000025", "SA0015000000000000000025", false, false),
    ("5123450000000026", "SA0060000000000000000026", false, false),
];

/// STCPay test accounts: `(number, customer approved, payment transferred)`.
pub const STC_TEST_ACCOUNTS: &[(&str, bool, bool)] = &[
    ("512345678", true, true),
    ("500000001", true, true),
    ("510000001", true, true),
    ("500000002", true, false),
    ("500000003", true, false),
    ("510000002", true, false),
    ("510000003", true, false),
    ("500000004", false, false),
    ("500000005", false, false),
    ("510000004", false, false),
    ("510000005", false, false),
];

/// OTP test numbers: `(number, sessionid)`; their code is always 123456.
pub const OTP_TEST_NUMBERS: &[(&str, &str)] = &[
    ("512345678", "10290d703f8254593ff93533f00af153"),
    ("500000001", "a3f551d80f05a0e3e9056869fda18485"),
    ("500000002", "e8cffbb22c2e09af7004c92b82a4275f"),
    ("500000003", "05121e9b019b6ac4bd938322dcaf73ef"),
    ("500000004", "9e1aac7c1f6719e12e3384ced6782887"),
    ("500000005", "c6cfc53d34b2c93eaaa9d430397dead0"),
];

/// The effective Saudi mobile number (`5XXXXXXXX`) of any of the four documented formats.
pub fn effective_mobile(mobile: &str) -> String {
    let m = mobile.trim();
    let m = m.strip_prefix('+').unwrap_or(m);
    let m = m.strip_prefix("966").unwrap_or(m);
    let m = m.strip_prefix('0').unwrap_or(m);
    m.to_string()
}

fn bank_test(c: &Value) -> Option<(bool, bool)> {
    BANK_TEST_ACCOUNTS
        .iter()
        .find(|(card, iban, _, _)| {
            opt_s(c, "cardno") == Some(card) || opt_s(c, "ibanaccount") == Some(iban)
        })
        .map(|(_, _, customer, payment)| (*customer, *payment))
}

fn stc_test(c: &Value) -> Option<(bool, bool)> {
    let number = effective_mobile(opt_s(c, "stcaccount")?);
    STC_TEST_ACCOUNTS
        .iter()
        .find(|(n, _, _)| *n == number)
        .map(|(_, customer, payment)| (*customer, *payment))
}

/// The customer review result of a customer holding test accounts (a rejection wins).
fn customer_test_result(c: &Value) -> Option<bool> {
    match (bank_test(c), stc_test(c)) {
        (None, None) => None,
        (a, b) => Some(a.is_none_or(|r| r.0) && b.is_none_or(|r| r.0)),
    }
}

// ---------------------------------------------------------------------------------------------
// Customers

const CUSTOMER_FIELDS: &[&str] = &[
    "customid",
    "mercustomid",
    "name_e",
    "name_a",
    "address",
    "identity",
    "identitypic",
    "signpic",
    "bankname",
    "bankcode",
    "cardno",
    "ibanaccount",
    "swiftcode",
    "stcaccount",
    "status",
    "statusdesc",
    "autoapproval",
    "otpappname",
    "demand_perfection",
    "created_at",
    "updated_at",
];

fn customer_view(c: &Value) -> Value {
    let mut out = Map::new();
    for field in CUSTOMER_FIELDS {
        if let Some(v) = c.get(*field) {
            out.insert((*field).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

fn custom_info(c: &Value) -> Value {
    let mut v = customer_view(c);
    if let Value::Object(map) = &mut v {
        map.remove("autoapproval");
        map.remove("otpappname");
    }
    v
}

fn find_customer(tx: &Tx<'_>, q: &Value) -> Result<Value, HErr> {
    let by_id = match opt_s(q, "customid") {
        Some(id) => tx.get("sg_customer", id)?,
        None => None,
    };
    let found = match (by_id, opt_s(q, "mercustomid")) {
        (Some(c), _) => Some(c),
        (None, Some(mer)) => match tx.get("sg_customer_mer", mer)? {
            Some(link) => tx.get("sg_customer", s(&link, "customid"))?,
            None => None,
        },
        _ => None,
    };
    found.ok_or_else(|| fail(1101, "no such customer"))
}

fn put_customer(tx: &mut Tx<'_>, c: &Value) {
    tx.put(
        "sg_customer_mer",
        s(c, "mercustomid"),
        json!({ "customid": c["customid"] }),
    );
    tx.put("sg_customer", s(c, "customid"), c.clone());
}

fn callback_url(tx: &Tx<'_>) -> Result<Option<String>, StoreError> {
    Ok(tx
        .get("meta", "settings")?
        .and_then(|v| opt_s(&v, "sgate_callback_url").map(str::to_string)))
}

fn callback(
    tx: &mut Tx<'_>,
    shared: &Shared,
    event: &str,
    schema: &str,
    data: Value,
    bad: bool,
) -> Result<(), StoreError> {
    let Some(url) = callback_url(tx)? else {
        return Ok(());
    };
    let mut payload =
        json!({ "event": event, "data": data, "time": shared.now_ms().div_euclid(1000) });
    encrypt_callback(shared, schema, &mut payload).map_err(StoreError)?;
    notify::enqueue(tx, shared, GW, event, &url, &payload, bad)?;
    Ok(())
}

/// Changes a customer's status and sends `CUSTOM_STATUS_CHANGE` (admin API and jobs).
pub fn set_customer_status(
    tx: &mut Tx<'_>,
    shared: &Shared,
    customid: &str,
    status: i64,
    desc: &str,
) -> HResult {
    let Some(mut c) = tx.get("sg_customer", customid)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no customer {customid}"),
        }));
    };
    let now = shared.now_ms();
    set(
        &mut c,
        json!({ "status": status, "statusdesc": desc, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &c);
    callback(
        tx,
        shared,
        "CUSTOM_STATUS_CHANGE",
        "CustomStatusChangeCallback",
        customer_view(&c),
        false,
    )?;
    Ok(customer_view(&c))
}

/// A customer by customid or mercustomid (admin API).
pub fn customer_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    if tx.get("sg_customer", id)?.is_some() {
        return Ok(Some(id.to_string()));
    }
    Ok(tx
        .get("sg_customer_mer", id)?
        .map(|l| s(&l, "customid").to_string()))
}

fn schedule_review(tx: &mut Tx<'_>, shared: &Shared, c: &Value) -> Result<(), StoreError> {
    let auto = c.get("autoapproval").and_then(Value::as_i64) == Some(1);
    let result = customer_test_result(c).or(auto.then_some(true));
    if let Some(approved) = result {
        let due = shared
            .now_ms()
            .saturating_add(i64::try_from(shared.settings.auto_delay.as_millis()).unwrap_or(0));
        schedule(
            tx,
            due,
            json!({ "type": "sg_review", "customid": c["customid"], "approved": approved }),
        )?;
    }
    Ok(())
}

fn bank_name(code: &str) -> Option<String> {
    banks()
        .into_iter()
        .find(|b| s(b, "bankcode") == code)
        .map(|b| s(&b, "bankname").to_string())
}

fn customer_create(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let mer = s(b, "mercustomid");
    if tx.get("sg_customer_mer", mer)?.is_some() {
        return Err(fail(1302, mer));
    }
    let bankname = match opt_s(b, "bankcode") {
        Some(code) => {
            Some(bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?)
        }
        None => None,
    };
    let n = next_seq(tx, "customer")?;
    let customid = format!("{:x}", 0x12000 + n);
    let mut c = json!({
        "customid": customid, "mercustomid": mer, "name_e": s(b, "name_e"), "name_a": s(b, "name_a"),
        "address": s(b, "address"), "identity": s(b, "identity"), "identitypic": "", "signpic": "",
        "bankname": bankname.unwrap_or_default(), "bankcode": s(b, "bankcode"), "cardno": s(b, "cardno"),
        "ibanaccount": s(b, "ibanaccount"), "swiftcode": s(b, "swiftcode"), "stcaccount": s(b, "stcaccount"),
        "status": 4, "statusdesc": riyadh_time(now),
        "autoapproval": b.get("autoapproval").and_then(Value::as_i64).unwrap_or(0),
        "otpappname": opt_s(b, "otpappname").unwrap_or("Sandbox Merchant"),
        "demand_perfection": ["identitypic"],
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "stcverified": false,
    });
    if customer_test_result(&c).is_some() {
        // Test accounts are reviewed automatically, whatever the documents (sgate.md §A13).
        set(&mut c, json!({ "status": 0 }));
        schedule_review(tx, shared, &c)?;
    }
    put_customer(tx, &c);
    if c.get("autoapproval").and_then(Value::as_i64) == Some(1) {
        if let Some(stc) = opt_s(&c, "stcaccount") {
            let stc = stc.to_string();
            let app = s(&c, "otpappname").to_string();
            new_otp(tx, &stc, &app, now, Some(&customid))?;
        }
    }
    Ok(customer_view(&c))
}

fn customer_list(tx: &Tx<'_>, q: &Value) -> HResult {
    let list_of = |key: &str| -> Option<Vec<String>> {
        opt_s(q, key).map(|t| t.split(',').map(|x| x.trim().to_string()).collect())
    };
    let mers = list_of("mercustomids");
    let ids = list_of("customids");
    let mut out: Vec<Value> = tx
        .list("sg_customer")?
        .into_iter()
        .map(|(_, c)| c)
        .filter(|c| {
            mers.as_ref()
                .is_none_or(|m| m.iter().any(|x| x == s(c, "mercustomid")))
        })
        .filter(|c| {
            ids.as_ref()
                .is_none_or(|m| m.iter().any(|x| x == s(c, "customid")))
        })
        .filter(|c| {
            ["identity", "cardno", "bankcode", "ibanaccount"]
                .iter()
                .all(|k| opt_s(q, k).is_none_or(|v| s(c, k) == v))
        })
        .filter(|c| {
            opt_s(q, "stcaccount")
                .is_none_or(|v| effective_mobile(s(c, "stcaccount")) == effective_mobile(v))
        })
        .filter(|c| {
            opt_s(q, "name_e")
                .is_none_or(|v| s(c, "name_e").to_lowercase().contains(&v.to_lowercase()))
        })
        .filter(|c| status_and_time_match(c, q))
        .map(|c| customer_view(&c))
        .collect();
    Ok(Value::Array(page(&mut out, q)))
}

fn page(items: &mut Vec<Value>, q: &Value) -> Vec<Value> {
    let size =
        usize::try_from(q.get("pagesize").and_then(Value::as_i64).unwrap_or(20)).unwrap_or(20);
    let no = usize::try_from(q.get("pageno").and_then(Value::as_i64).unwrap_or(1)).unwrap_or(1);
    let start = no.saturating_sub(1).saturating_mul(size);
    items.drain(..).skip(start).take(size).collect()
}

fn customer_update(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let mut c = find_customer(tx, b)?;
    let mut changed = false;
    for field in [
        "name_e",
        "name_a",
        "identity",
        "bankcode",
        "cardno",
        "ibanaccount",
        "stcaccount",
        "address",
        "swiftcode",
        "otpappname",
    ] {
        if let Some(v) = opt_s(b, field) {
            if s(&c, field) != v {
                changed |= field != "otpappname";
                set(&mut c, json!({ field: v }));
            }
        }
    }
    if let Some(code) = opt_s(b, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut c, json!({ "bankname": name }));
    }
    if !changed {
        return Ok(customer_view(&c));
    }
    set(&mut c, json!({ "updated_at": now.div_euclid(1000) }));
    let status = i(&c, "status");
    if status != 3 && status != 4 {
        set(
            &mut c,
            json!({ "status": 0, "statusdesc": riyadh_time(now) }),
        );
        put_customer(tx, &c);
        if status != 0 {
            callback(
                tx,
                shared,
                "CUSTOM_STATUS_CHANGE",
                "CustomStatusChangeCallback",
                customer_view(&c),
                false,
            )?;
        }
        schedule_review(tx, shared, &c)?;
    } else {
        put_customer(tx, &c);
    }
    Ok(customer_view(&c))
}

fn customer_file_upload(
    shared: &Shared,
    tx: &mut Tx<'_>,
    b: &Value,
    file: Option<&(Vec<u8>, String)>,
    now: i64,
) -> HResult {
    let mut c = find_customer(tx, b)?;
    let Some((bytes, name)) = file else {
        return Err(fail(1102, "file"));
    };
    if bytes.len() > crate::sgate::upload::MAX_FILE_BYTES {
        return Err(fail(1500, "file larger than 2048 KB"));
    }
    let md5: String = {
        use md5::Digest as _;
        md5::Md5::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    if !md5.eq_ignore_ascii_case(s(b, "md5")) {
        return Err(fail(1501, ""));
    }
    let kind = s(b, "type");
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("png");
    let url = format!(
        "{}/sgate/files/{}/{kind}.{extension}",
        shared.base_url,
        s(&c, "customid")
    );
    set(
        &mut c,
        json!({ kind: url, "updated_at": now.div_euclid(1000) }),
    );
    if kind == "identitypic" {
        set(&mut c, json!({ "demand_perfection": [] }));
        if i(&c, "status") == 4 {
            set(
                &mut c,
                json!({ "status": 0, "statusdesc": riyadh_time(now) }),
            );
            put_customer(tx, &c);
            callback(
                tx,
                shared,
                "CUSTOM_STATUS_CHANGE",
                "CustomStatusChangeCallback",
                customer_view(&c),
                false,
            )?;
            schedule_review(tx, shared, &c)?;
            return Ok(customer_view(&c));
        }
    }
    put_customer(tx, &c);
    Ok(customer_view(&c))
}

fn stc_preconditions(c: &Value) -> Result<String, HErr> {
    if c.get("autoapproval").and_then(Value::as_i64) != Some(1) {
        return Err(fail(1308, ""));
    }
    let Some(stc) = opt_s(c, "stcaccount") else {
        return Err(fail(1309, "no STCPay account"));
    };
    if c.get("stcverified").and_then(Value::as_bool) == Some(true) {
        return Err(fail(1309, "STCPay account verified already"));
    }
    Ok(stc.to_string())
}

fn stc_otp_resend(tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let c = find_customer(tx, b)?;
    let stc = stc_preconditions(&c)?;
    new_otp(tx, &stc, s(&c, "otpappname"), now, Some(s(&c, "customid")))?;
    Ok(json!({}))
}

fn stc_otp_submit(tx: &mut Tx<'_>, b: &Value) -> HResult {
    let mut c = find_customer(tx, b)?;
    let stc = stc_preconditions(&c)?;
    let effective = effective_mobile(&stc);
    let latest = tx
        .list("sg_otp")?
        .into_iter()
        .map(|(_, o)| o)
        .rfind(|o| s(o, "effective") == effective);
    let expected = latest
        .as_ref()
        .map(|o| s(o, "code").to_string())
        .unwrap_or_default();
    if expected.is_empty() || expected != s(b, "code") {
        return Err(fail(1609, ""));
    }
    set(&mut c, json!({ "stcverified": true }));
    put_customer(tx, &c);
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------
// Payment orders

const ORDER_FIELDS: &[&str] = &[
    "ticketid",
    "key",
    "customid",
    "mercustomid",
    "payeeuid",
    "trantype",
    "currency",
    "paymentmethod",
    "amount",
    "realamount",
    "fee",
    "feeconfigid",
    "status",
    "statusdesc",
    "confirmtime",
    "custominfo",
    "created_at",
    "updated_at",
];

fn order_view(o: &Value) -> Value {
    let mut out = Map::new();
    for field in ORDER_FIELDS {
        if let Some(v) = o.get(*field) {
            out.insert((*field).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

fn find_order(tx: &Tx<'_>, q: &Value) -> Result<Value, HErr> {
    let by_ticket = match opt_s(q, "ticketid") {
        Some(t) => tx.get("sg_order", t)?,
        None => None,
    };
    let found = match (by_ticket, opt_s(q, "payeeuid")) {
        (Some(o), _) => Some(o),
        (None, Some(uid)) => match tx.get("sg_order_uid", uid)? {
            Some(link) => tx.get("sg_order", s(&link, "ticketid"))?,
            None => None,
        },
        _ => None,
    };
    found.ok_or_else(|| fail(1101, "no such payment order"))
}

/// A payment order's ticketid by ticketid or payeeuid (admin API).
pub fn order_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    if tx.get("sg_order", id)?.is_some() {
        return Ok(Some(id.to_string()));
    }
    Ok(tx
        .get("sg_order_uid", id)?
        .map(|l| s(&l, "ticketid").to_string()))
}

fn order_create(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64, trantype: &str) -> HResult {
    let c = find_customer(tx, b)?;
    if i(&c, "status") != 1 {
        return Err(fail(1300, "the customer is not approved (status 1)"));
    }
    create_order(shared, tx, b, &c, now, trantype)
}

fn create_order(
    shared: &Shared,
    tx: &mut Tx<'_>,
    b: &Value,
    c: &Value,
    now: i64,
    trantype: &str,
) -> HResult {
    let uid = s(b, "payeeuid");
    if tx.get("sg_order_uid", uid)?.is_some() {
        return Err(fail(1401, uid));
    }
    let amount = b
        .get("amount")
        .and_then(minor_of)
        .ok_or_else(|| fail(1103, "amount"))?;
    if amount <= 0 {
        return Err(fail(1404, ""));
    }
    let currency = s(b, "currency");
    let method = s(b, "paymentmethod");
    let has_account = match method {
        "STCPay" => opt_s(c, "stcaccount").is_some(),
        _ => opt_s(c, "cardno").is_some() || opt_s(c, "ibanaccount").is_some(),
    };
    if !has_account {
        return Err(fail(
            1403,
            format!("the customer has no account for {method}"),
        ));
    }
    if matches!(currency, "KWD" | "AED")
        && opt_s(c, "address").is_none()
        && opt_s(c, "swiftcode").is_none()
    {
        return Err(fail(
            1103,
            "KWD and AED payouts need the customer's address or swiftcode",
        ));
    }
    if amount > currency_balance(tx, currency)? {
        return Err(fail(1402, ""));
    }
    add_currency_balance(tx, currency, -amount)?;
    // i128: no amount can overflow the fee arithmetic.
    let fee = i64::try_from((i128::from(amount) * i128::from(FEE_PERCENT) + 50) / 100).unwrap_or(0);
    let n = next_seq(tx, "order")?;
    let ticketid = format!("{:x}", 0x17000 + n);
    let stamp = chrono::DateTime::from_timestamp_millis(now + 3 * 3600 * 1000)
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default();
    let order = json!({
        "ticketid": ticketid,
        "key": format!("M4T{}{stamp}", random_token(4).to_uppercase()),
        "customid": c["customid"], "mercustomid": c["mercustomid"], "payeeuid": uid,
        "trantype": trantype, "currency": currency, "paymentmethod": method,
        "amount": money(amount), "realamount": money(amount - fee), "fee": money(fee),
        "feeconfigid": 1, "status": 0, "statusdesc": riyadh_time(now), "confirmtime": 0,
        "custominfo": custom_info(c),
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "amount_minor": amount,
    });
    tx.put("sg_order", &ticketid, order.clone());
    tx.put("sg_order_uid", uid, json!({ "ticketid": ticketid }));
    let test = match method {
        "STCPay" => stc_test(c),
        _ => bank_test(c),
    };
    let target = json!({ "type": "sg_order", "ticketid": ticketid });
    match test {
        Some((_, transferred)) => {
            let rule = super::state::OutcomeRule {
                outcome: if transferred { "completed" } else { "failed" }.into(),
                ..Default::default()
            };
            schedule_outcome(tx, shared, &rule, target)?;
        }
        None => {
            let rule = decide(tx, GW, "payment_order", amount)?;
            schedule_outcome(tx, shared, &rule, target)?;
        }
    }
    Ok(order_view(&order))
}

fn order_rapid(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let mer = s(b, "mercustomid");
    let existing = match tx.get("sg_customer_mer", mer)? {
        Some(link) => tx.get("sg_customer", s(&link, "customid"))?,
        None => None,
    };
    let mut c = match existing {
        Some(c) => c,
        None => {
            let n = next_seq(tx, "customer")?;
            json!({
                "customid": format!("{:x}", 0x12000 + n), "mercustomid": mer, "name_e": "", "name_a": "",
                "address": "", "identity": "", "identitypic": "", "signpic": "", "bankname": "",
                "bankcode": "", "cardno": "", "ibanaccount": "", "swiftcode": "", "stcaccount": "",
                "status": 1, "statusdesc": "Customers create through quick payment",
                "autoapproval": 0, "otpappname": "Sandbox Merchant",
                "demand_perfection": ["identitypic"],
                "created_at": now.div_euclid(1000), "stcverified": false,
            })
        }
    };
    for field in [
        "name_e",
        "name_a",
        "bankcode",
        "cardno",
        "ibanaccount",
        "stcaccount",
        "address",
        "swiftcode",
    ] {
        if let Some(v) = opt_s(b, field) {
            set(&mut c, json!({ field: v }));
        }
    }
    if let Some(code) = opt_s(b, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut c, json!({ "bankname": name }));
    }
    set(
        &mut c,
        json!({ "status": 1, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &c);
    create_order(shared, tx, b, &c, now, "rapid")
}

/// The `status`, `starttime` and `endtime` filters the customer and order lists share.
fn status_and_time_match(row: &Value, q: &Value) -> bool {
    let wanted = |key: &str| q.get(key).and_then(Value::as_i64);
    wanted("status").is_none_or(|st| i(row, "status") == st)
        && wanted("starttime").is_none_or(|t| i(row, "created_at") >= t)
        && wanted("endtime").is_none_or(|t| i(row, "created_at") <= t)
}

fn order_list(tx: &Tx<'_>, q: &Value) -> HResult {
    let ids: Option<Vec<String>> =
        opt_s(q, "customids").map(|t| t.split(',').map(|x| x.trim().to_string()).collect());
    let mut out: Vec<Value> = tx
        .list("sg_order")?
        .into_iter()
        .map(|(_, o)| o)
        .filter(|o| {
            ids.as_ref()
                .is_none_or(|m| m.iter().any(|x| x == s(o, "customid")))
        })
        .filter(|o| {
            ["payeeuid", "ticketid"]
                .iter()
                .all(|k| opt_s(q, k).is_none_or(|v| s(o, k) == v))
        })
        .filter(|o| status_and_time_match(o, q))
        .map(|o| order_view(&o))
        .collect();
    Ok(Value::Array(page(&mut out, q)))
}

/// Ends a pending payment order: `completed` (1 Transferred) or `failed` (2 Error, money back);
/// sends `SALARY_STATUS_CHANGE`.
pub fn finish_order(
    tx: &mut Tx<'_>,
    shared: &Shared,
    ticketid: &str,
    outcome: &str,
    bad: bool,
) -> HResult {
    let Some(mut o) = tx.get("sg_order", ticketid)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no payment order {ticketid}"),
        }));
    };
    if !matches!(i(&o, "status"), 0 | 3 | 4) {
        return Err(HErr::Fail(Fail {
            code: 409,
            message: "payment order is final already".into(),
        }));
    }
    let now = shared.now_ms();
    let completed = outcome == "completed";
    set(
        &mut o,
        json!({
            "status": if completed { 1 } else { 2 },
            "statusdesc": riyadh_time(now),
            "confirmtime": if completed { now.div_euclid(1000) } else { 0 },
            "updated_at": now.div_euclid(1000),
        }),
    );
    if !completed {
        let amount = i(&o, "amount_minor");
        let currency = s(&o, "currency").to_string();
        add_currency_balance(tx, &currency, amount)?;
    }
    tx.put("sg_order", ticketid, o.clone());
    callback(
        tx,
        shared,
        "SALARY_STATUS_CHANGE",
        "SalaryStatusChangeCallback",
        order_view(&o),
        bad,
    )?;
    Ok(order_view(&o))
}

/// Runs a scheduled SGATE job.
pub fn run_job(tx: &mut Tx<'_>, shared: &Shared, action: &Value) -> Result<(), StoreError> {
    let result = match s(action, "type") {
        "sg_review" => {
            let id = s(action, "customid");
            let still_pending = tx
                .get("sg_customer", id)?
                .is_some_and(|c| i(&c, "status") == 0);
            if !still_pending {
                return Ok(());
            }
            let approved = action.get("approved").and_then(Value::as_bool) == Some(true);
            let (status, desc) = if approved {
                (1, "Approved")
            } else {
                (2, "Rejected by review")
            };
            set_customer_status(tx, shared, id, status, desc)
        }
        "sg_order" => finish_order(
            tx,
            shared,
            s(action, "ticketid"),
            s(action, "outcome"),
            false,
        ),
        _ => Ok(Value::Null),
    };
    match result {
        Ok(_) | Err(HErr::Fail(_)) => Ok(()),
        Err(HErr::Store(e)) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// OTP

fn new_otp(
    tx: &mut Tx<'_>,
    mobile: &str,
    appname: &str,
    now: i64,
    customid: Option<&str>,
) -> Result<Value, HErr> {
    let effective = effective_mobile(mobile);
    let test = OTP_TEST_NUMBERS.iter().find(|(n, _)| *n == effective);
    let (sessionid, code) = match test {
        Some((_, session)) => (session.to_string(), "123456".to_string()),
        None => {
            let recent = tx.list("sg_otp")?.into_iter().any(|(_, o)| {
                s(&o, "effective") == effective && now - i(&o, "created_ms") < 60_000
            });
            if recent {
                return Err(fail(1611, "one OTP per number per minute"));
            }
            let session: String = crate::random::bytes::<16>()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let code = format!("{:06}", crate::random::below(1_000_000));
            (session, code)
        }
    };
    let record = json!({
        "sessionid": sessionid, "mobile": mobile, "effective": effective, "appname": appname,
        "code": code, "created_ms": now, "used": false, "test": test.is_some(),
        "customid": customid,
        "sms": format!("{code} is OTP to varify your STCPAY account , please input within 5 minutes. - {appname}"),
    });
    tx.put("sg_otp", &sessionid, record.clone());
    Ok(record)
}

fn otp_send(tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let record = new_otp(tx, s(b, "mobile"), s(b, "appname"), now, None)?;
    Ok(
        json!({ "mobile": s(b, "mobile"), "appname": s(b, "appname"), "sessionid": record["sessionid"] }),
    )
}

fn otp_check(tx: &mut Tx<'_>, b: &Value, now: i64) -> HResult {
    let Some(mut otp) = tx.get("sg_otp", s(b, "sessionid"))? else {
        return Err(fail(1610, ""));
    };
    if s(&otp, "effective") != effective_mobile(s(b, "mobile")) {
        return Err(fail(1608, ""));
    }
    let test = otp.get("test").and_then(Value::as_bool) == Some(true);
    let expired = now - i(&otp, "created_ms") > 5 * 60 * 1000;
    if !test && (expired || otp.get("used").and_then(Value::as_bool) == Some(true)) {
        return Err(fail(1607, ""));
    }
    if s(&otp, "code") != s(b, "code") {
        return Err(fail(1609, ""));
    }
    set(&mut otp, json!({ "used": true }));
    tx.put("sg_otp", s(b, "sessionid"), otp);
    Ok(json!({}))
}

fn otp_detail(tx: &Tx<'_>, q: &Value) -> HResult {
    let Some(otp) = tx.get("sg_otp", s(q, "sessionid"))? else {
        return Err(fail(1101, "no such OTP task"));
    };
    if s(&otp, "effective") != effective_mobile(s(q, "mobile")) {
        return Err(fail(1608, ""));
    }
    Ok(json!({
        "mobile": otp["mobile"], "sessionid": otp["sessionid"], "status": "success",
        "reportstatus": "success", "created_at": i(&otp, "created_ms").div_euclid(1000),
    }))
}

// ---------------------------------------------------------------------------------------------
// Statement, virtual account

fn statement(
    shared: &Shared,
    tx: &Tx<'_>,
    q: &Value,
    now: i64,
    url: &str,
    spoil: Spoil,
) -> Result<Reply, HErr> {
    let today = riyadh_date(now).ok_or_else(|| fail(1000, "clock"))?;
    let day = match opt_s(q, "day") {
        Some(d) => {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| fail(1103, "day"))?
        }
        None => today.pred_opt().unwrap_or(today),
    };
    if day >= today {
        // The file of day D is made at 01:00 on D+1 (Riyadh).
        let body = json!({
            "code": 1502, "message": GW.message(1502), "data": {}, "sensitiveFields": {}, "requestId": request_id(),
        });
        return Ok(Reply::Raw(respond(
            shared,
            StatusCode::ACCEPTED,
            body.to_string().into_bytes(),
            "application/json",
            url,
            "GET",
            spoil,
            &[],
        )));
    }
    let mut csv = String::from("Merchant_ID,Merchant_Name,Payment_ID,Payee_UID,Payment_Method,Payment_Create_Time,Payment_Complete_Time,Amount,Fee,Real_Amount,Currency,Payment_Status,Custom_ID,Custom_Name_E,Custom_Name_A,Custom_Bank_Name,Custom_Bank_Code,Custom_Card_No,Custom_Iban,Custom_STCPay_Account\n");
    for (_, o) in tx.list("sg_order")? {
        let done = i(&o, "updated_at") * 1000;
        if riyadh_date(done) != Some(day) || !matches!(i(&o, "status"), 1 | 2) {
            continue;
        }
        let info = o.get("custominfo").cloned().unwrap_or(Value::Null);
        let card = s(&info, "cardno");
        let digits: Vec<char> = card.chars().collect();
        let masked: String = if digits.len() > 10 {
            digits
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i < 6 || i >= digits.len() - 4 {
                        *c
                    } else {
                        '*'
                    }
                })
                .collect()
        } else {
            card.to_string()
        };
        let amount = |k: &str| o.get(k).map(Value::to_string).unwrap_or_default();
        csv += &format!(
            "M1,Sandbox Merchant,{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            s(&o, "ticketid"),
            s(&o, "payeeuid"),
            s(&o, "paymentmethod"),
            riyadh_time(i(&o, "created_at") * 1000),
            riyadh_time(done),
            amount("amount"),
            amount("fee"),
            amount("realamount"),
            s(&o, "currency"),
            i(&o, "status"),
            s(&o, "customid"),
            s(&info, "name_e"),
            s(&info, "name_a"),
            s(&info, "bankname"),
            s(&info, "bankcode"),
            masked,
            s(&info, "ibanaccount"),
            s(&info, "stcaccount"),
        );
    }
    let name = format!("GCCRECO_Sandbox_M1_{}.csv", day.format("%Y%m%d"));
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(Reply::Raw(respond(
        shared,
        StatusCode::OK,
        csv.into_bytes(),
        "text/csv",
        url,
        "GET",
        spoil,
        &[("content-disposition", disposition)],
    )))
}

fn va_list(tx: &Tx<'_>, q: &Value) -> HResult {
    let mut out: Vec<Value> = tx
        .list("sg_va")?
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| {
            ["account", "uuid"]
                .iter()
                .all(|k| opt_s(q, k).is_none_or(|v| s(t, k) == v))
        })
        .collect();
    Ok(Value::Array(page(&mut out, q)))
}

/// A transfer arrives in a virtual account (admin API): recorded, credited, and announced with
/// `RECEIVING_TRANS_NOTIFICATION`.
pub fn receive_transfer(tx: &mut Tx<'_>, shared: &Shared, input: &Value) -> HResult {
    let amount = input
        .get("amount")
        .and_then(minor_of)
        .filter(|a| *a > 0)
        .ok_or_else(|| {
            HErr::Fail(Fail {
                code: 400,
                message: "amount: a positive number with at most two decimals".into(),
            })
        })?;
    let currency = opt_s(input, "currency").unwrap_or("SAR").to_string();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(HErr::Fail(Fail {
            code: 400,
            message: format!("currency is one of {}", CURRENCIES.join(", ")),
        }));
    }
    let now = shared.now_ms();
    let hex = request_id();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    let record = compact(json!({
        "uuid": uuid,
        "transactiontime": riyadh_time(now),
        "account": opt_s(input, "account").unwrap_or("SA9080000000000000000001"),
        "amount": money(amount),
        "currency": currency,
        "exchangeinfo": {
            "custname": opt_s(input, "custname").unwrap_or("Sandbox Payer"),
            "custacc": opt_s(input, "custacc").unwrap_or("SA9080000000000000000002"),
            "bankbic": opt_s(input, "bankbic").unwrap_or("RJHISARI"),
            "channelreference": format!("{}", now),
            "paymentremarks": opt_s(input, "paymentremarks").unwrap_or("sandbox transfer"),
        },
    }));
    tx.put("sg_va", &uuid, record.clone());
    add_currency_balance(tx, &currency, amount)?;
    callback(
        tx,
        shared,
        "RECEIVING_TRANS_NOTIFICATION",
        "ReceivingTransNotificationCallback",
        record.clone(),
        false,
    )?;
    Ok(record)
}

/// Every OTP task with its code (the sandbox's SMS inbox, admin API).
pub fn otp_inbox(tx: &Tx<'_>) -> Result<Vec<Value>, StoreError> {
    Ok(tx.list("sg_otp")?.into_iter().map(|(_, o)| o).collect())
}
