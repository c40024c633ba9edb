//! A minimal BluePay / JT gateway on 127.0.0.1: checks `appId` and the signature over `param`
//! as the gateway does (21003, 21001), records what arrived, and answers with a scripted reply
//! per operation or an empty success. GET serves files (report downloads).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use paybind::envelope::HashAlgorithm;
use paybind::keys::PublicKey;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct Received {
    pub operation: String,
    pub param: Value,
    pub signature_ok: bool,
}

struct State {
    operations: Vec<(String, String)>,
    app_id: String,
    key: PublicKey,
    hash: HashAlgorithm,
    replies: HashMap<String, Value>,
    files: HashMap<String, Vec<u8>>,
    received: Vec<Received>,
}

pub struct Gateway {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

impl Gateway {
    pub async fn start(
        operations: &[paybind::spec::Operation],
        app_id: &str,
        key: PublicKey,
        hash: HashAlgorithm,
    ) -> Self {
        let state = Arc::new(Mutex::new(State {
            operations: operations
                .iter()
                .map(|op| (op.path.to_string(), op.id.to_string()))
                .collect(),
            app_id: app_id.to_string(),
            key,
            hash,
            replies: HashMap::new(),
            files: HashMap::new(),
            received: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
            let state = shared.clone();
            async move { handle(&state, method, uri, body) }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self {
            base_url: format!("http://{addr}"),
            state,
        }
    }

    /// Answers `operation` with this whole JSON body from now on.
    pub fn reply(&self, operation: &str, body: Value) {
        self.state
            .lock()
            .unwrap()
            .replies
            .insert(operation.to_string(), body);
    }

    pub fn serve_file(&self, path: &str, bytes: Vec<u8>) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_string(), bytes);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

fn handle(state: &Mutex<State>, method: Method, uri: Uri, body: Bytes) -> Response {
    let mut state = state.lock().unwrap();
    if method == Method::GET {
        return match state.files.get(uri.path()) {
            Some(bytes) => bytes.clone().into_response(),
            None => (StatusCode::NOT_FOUND, "no such file").into_response(),
        };
    }
    let Some(operation) = state
        .operations
        .iter()
        .find(|(path, _)| path == uri.path())
        .map(|(_, id)| id.clone())
    else {
        return (StatusCode::NOT_FOUND, "no such operation").into_response();
    };
    let envelope: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let param_text = envelope["param"].as_str().unwrap_or_default();
    let signature_ok = paybind::envelope::signing::verify(
        &state.key,
        state.hash,
        param_text.as_bytes(),
        envelope["sign"].as_str().unwrap_or_default(),
    )
    .is_ok();
    state.received.push(Received {
        operation: operation.clone(),
        param: serde_json::from_str(param_text).unwrap_or(Value::Null),
        signature_ok,
    });
    let answer = if envelope["appId"].as_str() != Some(state.app_id.as_str()) {
        json!({"code": 21003, "message": "Request appId error", "data": null})
    } else if !signature_ok {
        json!({"code": 21001, "message": "Request sign error", "data": null})
    } else {
        state
            .replies
            .get(&operation)
            .cloned()
            .unwrap_or_else(|| json!({"code": 10000, "message": "Success", "data": {}}))
    };
    axum::Json(answer).into_response()
}
