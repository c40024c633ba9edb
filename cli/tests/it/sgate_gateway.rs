//! A minimal SGATE on 127.0.0.1: checks each request's `V-*` signature with the merchant public
//! key, decrypts a `cardno` query filter with the system private key, records what arrived,
//! and answers — a scripted reply, the docs' example, or an empty success — signed with the
//! system private key over the path and query as received (optionally damaged after signing).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use paybind::keys::{PrivateKey, PublicKey};
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data, verify_digest};
use serde_json::{json, Value};

pub const API_KEY: &str = "test-api-key-0001";
const NONCE: &str = "srv7nonce9ABCDEFGHIJ";

/// Answers are signed now: the client refuses an answer outside its freshness window.
fn timestamp() -> i64 {
    chrono::Utc::now().timestamp()
}

#[derive(Debug, Clone)]
pub enum Reply {
    /// This status and JSON.
    Json(u16, Value),
    /// A file (UTF-8 here, so the test can sign over it with `signature_data`).
    File(String),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub url: String,
    pub body: String,
    pub signature_ok: bool,
    /// The `cardno` query filter, decrypted.
    pub cardno: Option<String>,
}

#[derive(Default)]
struct State {
    replies: HashMap<String, Reply>,
    received: Vec<Received>,
    tamper: bool,
}

pub struct Sgate {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

fn merchant_public() -> PublicKey {
    PublicKey::from_file(super::fixture("sgate-merchant-2048.pub.pem")).unwrap()
}

fn system_private() -> PrivateKey {
    PrivateKey::from_file(super::fixture("sgate-system-2048.pem")).unwrap()
}

/// Encrypts a member of an answer for the merchant, as SGATE does.
pub fn for_merchant(plain: &str) -> String {
    paybind::sgate::crypto::encrypt_field(&merchant_public(), plain).unwrap()
}

impl Sgate {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = shared.clone();
                async move { handle(&state, method, uri, headers, body) }
            },
        );
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

    pub fn tamper(&self, on: bool) {
        self.state.lock().unwrap().tamper = on;
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn last(&self) -> Received {
        self.received().pop().expect("a request arrived")
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The docs' example answer of an operation, when it holds nothing encrypted.
fn example(method: &str, path: &str) -> Option<Value> {
    let content = paybind::sgate::spec()
        .operation(method, path)?
        .pointer("/responses/200/content/application~1json")?;
    let example = content.get("example").cloned().or_else(|| {
        content
            .get("examples")?
            .as_object()?
            .values()
            .next()?
            .get("value")
            .cloned()
    })?;
    let clear = match example.get("sensitiveFields") {
        None => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    };
    clear.then_some(example)
}

fn handle(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let url = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    let data = signature_data(
        header(&headers, "v-api-key"),
        header(&headers, "v-timestamp").parse().unwrap_or(0),
        header(&headers, "v-nonce-str"),
        &url,
        method.as_str(),
        &body,
    );
    let signature_ok = header(&headers, "v-api-key") == API_KEY
        && verify_digest(
            &merchant_public(),
            &digest_hex(&data),
            header(&headers, "v-signature"),
        )
        .is_ok();
    let cardno = reqwest::Url::parse(&format!("http://sgate{url}"))
        .ok()
        .and_then(|parsed| {
            parsed
                .query_pairs()
                .find(|(k, _)| k == "cardno")
                .map(|(_, v)| v.into_owned())
        })
        .and_then(|v| paybind::sgate::crypto::decrypt_field(&system_private(), &v).ok())
        .map(|plain| plain.expose().to_string());
    let mut state = state.lock().unwrap();
    state.received.push(Received {
        method: method.to_string(),
        url: url.clone(),
        body: body.clone(),
        signature_ok,
        cardno,
    });
    let (status, content_type, answer) = if !signature_ok {
        // SGATE's answer to a request it cannot authenticate: unsigned.
        let mut response =
            axum::Json(json!({"code": 1213, "message": "Signature error"})).into_response();
        response
            .headers_mut()
            .insert("v-signature", "".parse().unwrap());
        return response;
    } else {
        match state.replies.get(uri.path()).cloned() {
            Some(Reply::Json(status, value)) => (status, "application/json", value.to_string()),
            Some(Reply::File(text)) => (200, "application/octet-stream", text),
            None => (
                200,
                "application/json",
                example(method.as_str(), uri.path())
                    .unwrap_or_else(
                        || json!({"code": 200, "message": "ok", "data": {}, "sensitiveFields": {}}),
                    )
                    .to_string(),
            ),
        }
    };
    let timestamp = timestamp();
    let data = signature_data(API_KEY, timestamp, NONCE, &url, method.as_str(), &answer);
    let signature = sign_digest(&system_private(), &digest_hex(&data));
    let mut answer = answer.into_bytes();
    if state.tamper {
        answer.push(b' ');
    }
    let mut response = (StatusCode::from_u16(status).unwrap(), answer).into_response();
    let h = response.headers_mut();
    h.insert("content-type", content_type.parse().unwrap());
    h.insert("v-timestamp", timestamp.to_string().parse().unwrap());
    h.insert("v-nonce-str", NONCE.parse().unwrap());
    h.insert("v-signature", signature.parse().unwrap());
    if content_type != "application/json" {
        h.insert(
            "content-disposition",
            "attachment; filename=\"GCCRECO_Test_M1_20240626.xlsx\""
                .parse()
                .unwrap(),
        );
    }
    response
}
