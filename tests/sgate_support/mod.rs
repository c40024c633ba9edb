//! A local SGATE for the tests: serves every path under `/openApi/v1` on 127.0.0.1, checks each
//! request's `V-*` signature with the merchant public key (its own code: serde_json strings, the
//! `md5` and `rsa` crates, not paybind's signing module), decrypts the sensitive members with the
//! system private key, records what arrived, and answers with the docs' example (or a scripted
//! reply) whose sensitive members it encrypts with the merchant public key and which it signs
//! with the system private key — optionally tampered with after signing.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use md5::{Digest as _, Md5};
use paybind::keys::{PrivateKey, PublicKey};
use paybind::sgate::{Client, Config, Environment, FixedNonce};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use serde_json::{json, Map, Value};

pub const API_KEY: &str = "test-api-key-0001";
/// 2024-06-26 14:19:58 UTC, in milliseconds.
pub const NOW_MILLIS: i64 = 1_719_411_598_000;
pub const CLIENT_NONCE: &str = "TIj5tZ3gM6FbprYlKNR2";
pub const SERVER_TIMESTAMP: i64 = 1_719_411_600;
pub const SERVER_NONCE: &str = "srv7nonce9ABCDEFGHIJ";
pub const SENSITIVE: &[&str] = &["identity", "identitypic", "signpic", "stcaccount", "cardno"];

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn merchant_private() -> PrivateKey {
    PrivateKey::from_text(&read("sgate-merchant-2048.pem")).expect("merchant key")
}

pub fn system_public() -> PublicKey {
    PublicKey::from_text(&read("sgate-system-2048.pub.pem")).expect("system public key")
}

fn rsa_private(name: &str) -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::from_pkcs8_pem(&read(name)).expect("pkcs8 key")
}

fn rsa_public(name: &str) -> rsa::RsaPublicKey {
    rsa::RsaPublicKey::from_public_key_pem(&read(name)).expect("spki key")
}

/// What the plaintext of each sensitive member is in the server's answers.
pub fn plain_value(member: &str) -> &'static str {
    match member {
        "identity" => "1012345678",
        "cardno" => "5123450000000001",
        "stcaccount" => "+966512345678",
        "identitypic" => "https://files.example/id/محمد.png",
        "signpic" => "https://files.example/sign/签名.png",
        _ => "",
    }
}

/// The signature object, written independently of paybind.
pub fn signature_text(ts: i64, nonce: &str, url: &str, method: &str, body: &str) -> String {
    let s = |v: &str| serde_json::to_string(v).expect("string");
    format!(
        "{{\"api_key\":{},\"timestamp\":{ts},\"nonce_str\":{},\"url\":{},\"method\":{},\"body\":{}}}",
        s(API_KEY),
        s(nonce),
        s(url),
        s(method),
        s(body)
    )
}

/// The signature object for a body of arbitrary bytes (each byte outside `"`, `\` and control
/// characters copied as is).
pub fn signature_bytes(ts: i64, nonce: &str, url: &str, method: &str, body: &[u8]) -> Vec<u8> {
    let text = signature_text(ts, nonce, url, method, "");
    let mut out = text.as_bytes()[..text.len() - 2].to_vec();
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

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// MD5withRSA over the hex digest with the system private key (as SGATE signs answers).
pub fn system_sign(data: &[u8]) -> String {
    let key = rsa::pkcs1v15::SigningKey::<Md5>::new(rsa_private("sgate-system-2048.pem"));
    let signature = key.sign(md5_hex(data).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
}

fn merchant_verify(data: &str, signature_b64: &str) -> bool {
    let key = rsa::pkcs1v15::VerifyingKey::<Md5>::new(rsa_public("sgate-merchant-2048.pub.pem"));
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature_b64) else {
        return false;
    };
    let Ok(signature) = rsa::pkcs1v15::Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(md5_hex(data.as_bytes()).as_bytes(), &signature)
        .is_ok()
}

/// RSA PKCS#1 v1.5 in 245-byte blocks with the merchant public key (answers and callbacks).
pub fn encrypt_for_merchant(plain: &str) -> String {
    let key = rsa_public("sgate-merchant-2048.pub.pem");
    let mut rng = rand::thread_rng();
    let mut out = Vec::new();
    for chunk in plain.as_bytes().chunks(245) {
        out.extend(
            key.encrypt(&mut rng, rsa::Pkcs1v15Encrypt, chunk)
                .expect("encrypt"),
        );
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Decrypts a request member with the system private key.
pub fn decrypt_for_system(encoded: &str) -> Option<String> {
    let key = rsa_private("sgate-system-2048.pem");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let mut plain = Vec::new();
    for chunk in bytes.chunks(256) {
        plain.extend(key.decrypt(rsa::Pkcs1v15Encrypt, chunk).ok()?);
    }
    String::from_utf8(plain).ok()
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub url: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub signed_body: String,
    pub signature_ok: bool,
    /// Sensitive members (body or query), decrypted with the system private key; `None` when
    /// they did not decrypt.
    pub decrypted: BTreeMap<String, Option<String>>,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// What to answer to a path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// This status with this JSON, sensitive members encrypted, signed.
    Json(u16, Value),
    /// HTTP 200 file, signed over its bytes.
    File(Vec<u8>),
    /// HTTP 200 file, signed with an empty body.
    FileSignedEmpty(Vec<u8>),
    /// Exactly this, unsigned.
    Raw(u16, Vec<u8>),
}

/// Damage done to an answer after it was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    Body,
    Timestamp,
    Signature,
    EmptySignature,
    MissingSignature,
    /// A sensitive member that is not valid ciphertext (signed normally).
    BadCiphertext,
}

#[derive(Default)]
pub struct State {
    pub requests: Vec<Recorded>,
    pub replies: HashMap<String, Reply>,
    pub tamper: Option<Tamper>,
}

#[derive(Clone)]
pub struct Server {
    pub base_url: String,
    pub state: Arc<Mutex<State>>,
}

impl Server {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self {
            base_url: format!("http://{addr}"),
            state,
        }
    }

    pub fn reply(&self, path: &str, reply: Reply) {
        self.state
            .lock()
            .unwrap()
            .replies
            .insert(path.to_string(), reply);
    }

    pub fn tamper(&self, tamper: Option<Tamper>) {
        self.state.lock().unwrap().tamper = tamper;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn last(&self) -> Recorded {
        self.requests().last().cloned().expect("a request arrived")
    }

    pub fn config(&self) -> Config {
        Config::new(
            Environment::Url(self.base_url.clone()),
            API_KEY,
            merchant_private(),
            system_public(),
        )
        .clock(paybind::clock::FixedClock(NOW_MILLIS))
        .nonce_source(FixedNonce(CLIENT_NONCE.into()))
    }

    pub fn client(&self) -> Client {
        Client::new(self.config()).expect("client")
    }
}

/// The docs' example answer of an operation, from the bundled spec.
pub fn example_answer(method: &str, path: &str) -> Option<Value> {
    let op = paybind::sgate::spec().operation(method, path)?;
    let content = op.pointer("/responses/200/content/application~1json")?;
    content
        .pointer("/examples/docs/value")
        .or_else(|| content.get("example"))
        .cloned()
}

fn encrypt_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if SENSITIVE.contains(&k.as_str()) && !s.is_empty() => {
                        *s = encrypt_for_merchant(plain_value(k));
                    }
                    _ => encrypt_members(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encrypt_members),
        _ => {}
    }
}

fn break_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if SENSITIVE.contains(&k.as_str()) && !s.is_empty() => {
                        *s = "bm90IGNpcGhlcnRleHQ=".into();
                    }
                    _ => break_members(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(break_members),
        _ => {}
    }
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<Mutex<State>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let path = uri.path().to_string();
    let multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let signed_body = if multipart {
        String::new()
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let signature_ok = header("v-api-key") == API_KEY
        && header("v-api-version") == "1"
        && header("user-agent").starts_with("paybind/")
        && header("v-timestamp")
            .parse::<i64>()
            .map(|ts| {
                merchant_verify(
                    &signature_text(
                        ts,
                        &header("v-nonce-str"),
                        &url,
                        method.as_str(),
                        &signed_body,
                    ),
                    &header("v-signature"),
                )
            })
            .unwrap_or(false);

    let mut decrypted = BTreeMap::new();
    if let Ok(parsed) = reqwest::Url::parse(&format!("http://local{url}")) {
        for (k, v) in parsed.query_pairs() {
            if SENSITIVE.contains(&k.as_ref()) {
                decrypted.insert(k.into_owned(), decrypt_for_system(&v));
            }
        }
    }
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) {
        for (k, v) in map {
            if let (true, Value::String(s)) = (SENSITIVE.contains(&k.as_str()), v) {
                decrypted.insert(k, decrypt_for_system(&s));
            }
        }
    }
    let (reply, tamper) = {
        let mut state = state.lock().unwrap();
        state.requests.push(Recorded {
            method: method.to_string(),
            url: url.clone(),
            headers: headers.clone(),
            body: body.to_vec(),
            signed_body: signed_body.clone(),
            signature_ok,
            decrypted,
        });
        (state.replies.get(&path).cloned(), state.tamper)
    };

    if !signature_ok {
        let body = json!({"code": 1213, "message": "Signature verification failed", "data": {}, "sensitiveFields": {}, "requestId": "0000"});
        return respond(
            200,
            body.to_string().into_bytes(),
            "application/json",
            &url,
            method.as_str(),
            Some(Tamper::EmptySignature),
            None,
        );
    }
    let reply = reply.unwrap_or_else(|| {
        Reply::Json(
            200,
            example_answer(method.as_str(), &path).unwrap_or_else(|| {
                json!({"code": 200, "message": "Request succeeded.", "data": {}, "sensitiveFields": {}, "requestId": "F846B971722D6420CCC5897D9FDF7FA4"})
            }),
        )
    });
    match reply {
        Reply::Json(status, mut value) => {
            encrypt_members(&mut value);
            if tamper == Some(Tamper::BadCiphertext) {
                break_members(&mut value);
            }
            let text = serde_json::to_string(&value).expect("json");
            respond(
                status,
                text.into_bytes(),
                "application/json",
                &url,
                method.as_str(),
                tamper,
                None,
            )
        }
        Reply::File(bytes) => respond(
            200,
            bytes,
            "application/octet-stream",
            &url,
            method.as_str(),
            tamper,
            None,
        ),
        Reply::FileSignedEmpty(bytes) => respond(
            200,
            bytes,
            "application/octet-stream",
            &url,
            method.as_str(),
            tamper,
            Some(Vec::new()),
        ),
        Reply::Raw(status, bytes) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            bytes,
        )
            .into_response(),
    }
}

/// Signs and sends an answer; `signed_as` overrides the bytes the signature covers.
fn respond(
    status: u16,
    mut body: Vec<u8>,
    content_type: &str,
    url: &str,
    method: &str,
    tamper: Option<Tamper>,
    signed_as: Option<Vec<u8>>,
) -> Response {
    let covered = signed_as.unwrap_or_else(|| body.clone());
    let signature = system_sign(&signature_bytes(
        SERVER_TIMESTAMP,
        SERVER_NONCE,
        url,
        method,
        &covered,
    ));
    let mut timestamp = SERVER_TIMESTAMP;
    let mut signature = Some(signature);
    match tamper {
        Some(Tamper::Body) => {
            if let Some(pos) = body.iter().position(|b| b.is_ascii_digit()) {
                body[pos] = if body[pos] == b'9' {
                    b'8'
                } else {
                    body[pos] + 1
                };
            } else {
                body.push(b' ');
            }
        }
        Some(Tamper::Timestamp) => timestamp += 1,
        Some(Tamper::Signature) => {
            signature = signature.map(|s| {
                let mut bytes = base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .expect("b64");
                bytes[10] ^= 0x01;
                base64::engine::general_purpose::STANDARD.encode(bytes)
            })
        }
        Some(Tamper::EmptySignature) => signature = Some(String::new()),
        Some(Tamper::MissingSignature) => signature = None,
        _ => {}
    }
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    let h = response.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_str(content_type).expect("ct"),
    );
    if content_type == "application/octet-stream" {
        h.insert(
            "content-disposition",
            HeaderValue::from_static("attachment; filename=\"GCCRECO_Test_M1_20240626.xlsx\""),
        );
    }
    h.insert("v-api-key", HeaderValue::from_static(API_KEY));
    h.insert("v-api-version", HeaderValue::from_static("1"));
    h.insert("v-timestamp", HeaderValue::from(timestamp));
    h.insert("v-nonce-str", HeaderValue::from_static(SERVER_NONCE));
    if let Some(signature) = signature {
        h.insert(
            "v-signature",
            HeaderValue::from_str(&signature).expect("sig"),
        );
    }
    response
}

/// Headers and body of a callback signed like SGATE's, for `url_path`.
pub fn signed_callback(url_path: &str, payload: &Value) -> (HeaderMap, Vec<u8>) {
    let mut payload = payload.clone();
    encrypt_members(&mut payload);
    let body = serde_json::to_vec(&payload).expect("json");
    let text = signature_text(
        1_686_832_475,
        "i7yCJYTbSaBj32th",
        url_path,
        "POST",
        std::str::from_utf8(&body).expect("utf8"),
    );
    let mut headers = HeaderMap::new();
    headers.insert("V-Timestamp", HeaderValue::from_static("1686832475"));
    headers.insert("V-Nonce-Str", HeaderValue::from_static("i7yCJYTbSaBj32th"));
    headers.insert("V-Api-Version", HeaderValue::from_static("1"));
    headers.insert("V-Api-Key", HeaderValue::from_static(API_KEY));
    headers.insert(
        "V-Signature",
        HeaderValue::from_str(&system_sign(text.as_bytes())).expect("sig"),
    );
    (headers, body)
}

/// Reads the JSON of a map, for comparisons.
pub fn object(value: &Value) -> &Map<String, Value> {
    value.as_object().expect("object")
}
