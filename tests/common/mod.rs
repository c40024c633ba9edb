//! A local envelope gateway (BluePay / BluePay JT) for tests and the quickstart.
//!
//! It serves every operation of a spec on 127.0.0.1, checks each request the way the gateway
//! does — `appId`, the RSA signature over `param` with the merchant public key, and `param`
//! against the operation's schema with the independent `jsonschema` validator — records what
//! arrived, and answers with the docs' example data, data synthesised from the schema, or a
//! reply the test scripted.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use paybind::envelope::HashAlgorithm;
use paybind::keys::PublicKey;
use serde_json::{json, Value};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub operation: String,
    pub raw_body: Vec<u8>,
    pub envelope: Value,
    pub param_text: String,
    pub param: Value,
    pub signature_ok: bool,
    pub schema_errors: Vec<String>,
}

/// What to answer to an operation.
#[derive(Debug, Clone)]
pub enum Reply {
    /// HTTP 200 with this JSON.
    Json(Value),
    /// This status and these bytes.
    Raw(u16, Vec<u8>),
    /// Wait, then answer normally.
    Delay(Duration),
}

struct Operation {
    id: String,
    path: String,
    body_schema: Option<String>,
    response_schema: Option<String>,
    example_response: Option<Value>,
}

struct State {
    spec: Value,
    ops: Vec<Operation>,
    app_id: String,
    merchant_key: PublicKey,
    hash: HashAlgorithm,
    recorded: Mutex<Vec<Recorded>>,
    scripted: Mutex<HashMap<String, Reply>>,
    files: Mutex<HashMap<String, Vec<u8>>>,
}

/// A running local gateway; stops when dropped.
pub struct EnvelopeServer {
    pub base_url: String,
    state: Arc<State>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl EnvelopeServer {
    /// Starts a server for `spec` (a bundled spec document) on an ephemeral loopback port.
    pub async fn start(
        spec: &Value,
        app_id: &str,
        merchant_key: PublicKey,
        hash: HashAlgorithm,
    ) -> Self {
        let ops = operations(spec);
        let state = Arc::new(State {
            spec: spec.clone(),
            ops,
            app_id: app_id.to_string(),
            merchant_key,
            hash,
            recorded: Mutex::new(Vec::new()),
            scripted: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let app = axum::Router::new().fallback({
            let state = state.clone();
            move |method: axum::http::Method, uri: Uri, body: Bytes| {
                handle(state.clone(), method, uri, body)
            }
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            base_url: format!("http://{addr}"),
            state,
            _stop: stop,
        }
    }

    /// Makes `operation` answer with `reply` from now on.
    pub fn script(&self, operation: &str, reply: Reply) {
        self.state
            .scripted
            .lock()
            .unwrap()
            .insert(operation.to_string(), reply);
    }

    /// Serves `bytes` on `GET path` (a report file, say).
    pub fn serve_file(&self, path: &str, bytes: Vec<u8>) {
        self.state
            .files
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes);
    }

    /// Everything received so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state.recorded.lock().unwrap().clone()
    }

    /// The `data` this server answers by default for `operation`.
    pub fn default_data(&self, operation: &str) -> Value {
        let op = self
            .state
            .ops
            .iter()
            .find(|o| o.id == operation)
            .expect("known operation");
        default_data(&self.state.spec, op)
    }
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let Some(post) = item.get("post") else {
            continue;
        };
        let name = |p: &str| {
            post.pointer(p)
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
        };
        ops.push(Operation {
            id: post["operationId"].as_str().unwrap_or_default().to_string(),
            path: path.clone(),
            body_schema: name("/requestBody/content/application~1json/schema/$ref"),
            response_schema: name("/responses/200/content/application~1json/schema/$ref"),
            example_response: post
                .pointer("/responses/200/content/application~1json/example")
                .cloned(),
        });
    }
    ops
}

/// Validates with `jsonschema` against `#/components/schemas/{name}` of the spec.
pub fn schema_errors(spec: &Value, name: &str, value: &Value) -> Vec<String> {
    let root = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": openapi_nullable_to_json_schema(&spec["components"]),
    });
    match jsonschema::draft7::new(&root) {
        Ok(validator) => validator
            .iter_errors(value)
            .map(|e| format!("{}: {}", e.instance_path(), e))
            .collect(),
        Err(e) => vec![format!("schema {name} does not compile: {e}")],
    }
}

fn envelope_reply(code: i64, message: &str) -> Response {
    axum::Json(json!({"code": code, "message": message, "data": null})).into_response()
}

async fn handle(state: Arc<State>, method: axum::http::Method, uri: Uri, body: Bytes) -> Response {
    if method == axum::http::Method::GET {
        return match state.files.lock().unwrap().get(uri.path()) {
            Some(bytes) => bytes.clone().into_response(),
            None => (StatusCode::NOT_FOUND, "no such file").into_response(),
        };
    }
    let Some(op) = state.ops.iter().find(|o| o.path == uri.path()) else {
        return (StatusCode::NOT_FOUND, "no such operation").into_response();
    };
    let envelope: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return envelope_reply(21002, "Request param error"),
    };
    let param_text = envelope["param"].as_str().unwrap_or_default().to_string();
    let sign = envelope["sign"].as_str().unwrap_or_default();
    let signature_ok = paybind::envelope::sign::verify(
        &state.merchant_key,
        state.hash,
        param_text.as_bytes(),
        sign,
    )
    .is_ok();
    let param: Value = serde_json::from_str(&param_text).unwrap_or(Value::Null);
    let schema_errors = op
        .body_schema
        .as_deref()
        .map(|s| schema_errors(&state.spec, s, &param))
        .unwrap_or_default();
    state.recorded.lock().unwrap().push(Recorded {
        operation: op.id.clone(),
        raw_body: body.to_vec(),
        envelope: envelope.clone(),
        param_text,
        param: param.clone(),
        signature_ok,
        schema_errors: schema_errors.clone(),
    });
    if envelope["appId"].as_str() != Some(state.app_id.as_str()) {
        return envelope_reply(21003, "Request appId error");
    }
    if !signature_ok {
        return envelope_reply(21001, "Request sign error");
    }
    if !schema_errors.is_empty() {
        return envelope_reply(21002, "Request param error");
    }
    let scripted = state.scripted.lock().unwrap().get(&op.id).cloned();
    match scripted {
        Some(Reply::Json(value)) => axum::Json(value).into_response(),
        Some(Reply::Raw(status, bytes)) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            bytes,
        )
            .into_response(),
        Some(Reply::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            success(&state.spec, op)
        }
        None => success(&state.spec, op),
    }
}

fn success(spec: &Value, op: &Operation) -> Response {
    axum::Json(json!({"code": 10000, "message": "Success", "data": default_data(spec, op)}))
        .into_response()
}

/// The docs' example data when the spec has a success example, else data made from the schema.
fn default_data(spec: &Value, op: &Operation) -> Value {
    if let Some(example) = &op.example_response {
        if example["code"] == 10000 && !example["data"].is_null() {
            return example["data"].clone();
        }
    }
    let data_schema = op
        .response_schema
        .as_deref()
        .and_then(|r| spec.pointer(&format!("/components/schemas/{r}/properties/data")));
    match data_schema {
        Some(schema) => synthesize(spec, schema, 0),
        None => Value::Null,
    }
}

/// A value that fits `schema`: its example, else the first enum value, else a plain value of
/// its type; objects get every property.
pub fn synthesize(spec: &Value, schema: &Value, depth: usize) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return synthesize(spec, &spec["components"]["schemas"][name], depth + 1);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(code) = schema.pointer("/x-codes/0/code") {
        return code.clone();
    }
    if depth > 8 {
        return Value::Null;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut map = serde_json::Map::new();
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                map.insert(name.clone(), synthesize(spec, prop, depth + 1));
            }
            Value::Object(map)
        }
        Some("array") => json!([synthesize(spec, &schema["items"], depth + 1)]),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => json!("example"),
    }
}

/// `value` without object members that are `null` (an absent optional field and an explicit
/// `null` mean the same to the models).
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// OpenAPI 3.0's `nullable: true` is not JSON Schema: rewrite it as `anyOf [schema, null]`.
fn openapi_nullable_to_json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut converted: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| (k.clone(), openapi_nullable_to_json_schema(v)))
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                let inner = Value::Object(std::mem::take(&mut converted));
                converted.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
            Value::Object(converted)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(openapi_nullable_to_json_schema).collect())
        }
        other => other.clone(),
    }
}

/// Sends every operation's request example through `call` (a client's `call_json`) and checks
/// what the server received and what the client returned. Returns the operation ids covered.
pub async fn check_every_operation(
    server: &EnvelopeServer,
    spec: &paybind::spec::Spec,
    operations: &[paybind::spec::Operation],
    app_id: &str,
    call: impl AsyncFn(&str, Value) -> Result<Value, String>,
) -> Vec<&'static str> {
    let mut covered = Vec::new();
    for op in operations {
        let path = op.path.replace('~', "~0").replace('/', "~1");
        let example = spec
            .document()
            .pointer(&format!(
                "/paths/{path}/post/requestBody/content/application~1json/example"
            ))
            .cloned()
            .unwrap_or_else(|| panic!("{} has no request example", op.id));
        let data = call(op.id, example.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        assert_eq!(
            data,
            without_nulls(&server.default_data(op.id)),
            "{}: data differs",
            op.id
        );
        let seen = server.recorded().pop().expect("request recorded");
        assert_eq!(seen.operation, op.id);
        assert!(seen.signature_ok, "{}: signature rejected", op.id);
        assert!(
            seen.schema_errors.is_empty(),
            "{}: {:?}",
            op.id,
            seen.schema_errors
        );
        assert_eq!(seen.envelope["appId"], app_id);
        assert_eq!(
            seen.param, example,
            "{}: param differs from the docs' example",
            op.id
        );
        covered.push(op.id);
    }
    covered
}
