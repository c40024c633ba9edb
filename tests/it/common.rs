//! Shared helpers of the end-to-end tests: the sandbox started with the fixture keys, an
//! independent JSON Schema check (the `jsonschema` crate, not paybind's validator), and a
//! notification receiver on 127.0.0.1 that records what arrives and can fail on purpose.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use paybind_test_support::*;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

/// Polls `check` until it returns `Some`, for at most `secs` seconds.
pub async fn eventually<T>(secs: u64, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "condition not met within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The notifications the sandbox holds for `event`.
pub fn notifications_for(sandbox: &Sandbox, event: &str) -> Vec<Value> {
    sandbox
        .notifications()
        .expect("notifications")
        .into_iter()
        .filter(|n| n["event"] == event)
        .collect()
}

/// Waits until a notification of `event` reaches a final status and returns it.
pub async fn settled_notification(sandbox: &Sandbox, event: &str) -> Value {
    eventually(15, || {
        notifications_for(sandbox, event).into_iter().find(|n| {
            matches!(
                n["status"].as_str(),
                Some("delivered" | "failed" | "undeliverable")
            )
        })
    })
    .await
}

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub answered: u16,
}

/// A merchant endpoint on 127.0.0.1: answers the first `fail_first` requests with HTTP 503,
/// then hands each body to `process` (true: acknowledged with 200 and the BluePay ACK body).
#[derive(Clone)]
pub struct Receiver {
    pub base_url: String,
    pub hits: Arc<Mutex<Vec<Hit>>>,
    pub processed: Arc<Mutex<Vec<Hit>>>,
}

type Process = Arc<dyn Fn(&Hit) -> bool + Send + Sync>;

impl Receiver {
    pub async fn start(fail_first: usize) -> Self {
        Self::start_with(fail_first, Arc::new(|_: &Hit| true)).await
    }

    pub async fn start_with(fail_first: usize, process: Process) -> Self {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let processed = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new().fallback({
            let hits = hits.clone();
            let processed = processed.clone();
            move |uri: Uri, headers: HeaderMap, body: Bytes| {
                let hits = hits.clone();
                let processed = processed.clone();
                let count = count.clone();
                let process = process.clone();
                async move {
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    let mut hit = Hit {
                        path: uri
                            .path_and_query()
                            .map(|p| p.as_str().to_string())
                            .unwrap_or_default(),
                        headers,
                        body: body.to_vec(),
                        answered: 503,
                    };
                    if n >= fail_first && process(&hit) {
                        hit.answered = 200;
                        processed.lock().unwrap().push(hit.clone());
                    } else if n >= fail_first {
                        hit.answered = 401;
                    }
                    hits.lock().unwrap().push(hit.clone());
                    match hit.answered {
                        200 => (StatusCode::OK, paybind::bluepay::ACK_BODY).into_response(),
                        401 => (StatusCode::UNAUTHORIZED, "refused").into_response(),
                        _ => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self {
            base_url: format!("http://{addr}"),
            hits,
            processed,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub fn processed(&self) -> Vec<Hit> {
        self.processed.lock().unwrap().clone()
    }
}

/// Validates with `jsonschema` against `#/components/schemas/{name}` of the spec.
pub fn schema_errors(spec: &Value, name: &str, value: &Value) -> Vec<String> {
    errors_at(spec, &format!("#/components/schemas/{name}"), value)
}

/// Validates with `jsonschema` against the `data` member of the response envelope
/// `#/components/schemas/{response}`: what a call returns on success.
pub fn response_data_errors(spec: &Value, response: &str, data: &Value) -> Vec<String> {
    errors_at(
        spec,
        &format!("#/components/schemas/{response}/properties/data"),
        data,
    )
}

fn errors_at(spec: &Value, reference: &str, value: &Value) -> Vec<String> {
    let root = json!({
        "$ref": reference,
        "components": openapi_nullable_to_json_schema(&spec["components"]),
    });
    match jsonschema::draft7::new(&root) {
        Ok(validator) => validator
            .iter_errors(value)
            .map(|e| format!("{}: {}", e.instance_path(), e))
            .collect(),
        Err(e) => vec![format!("schema {reference} does not compile: {e}")],
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

/// The request example of an operation.
pub fn request_example(spec: &paybind::spec::Spec, op: &paybind::spec::Operation) -> Value {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    spec.document()
        .pointer(&format!(
            "/paths/{path}/post/requestBody/content/application~1json/example"
        ))
        .cloned()
        .unwrap_or_else(|| panic!("{} has no request example", op.id))
}

/// The `param` (as bytes) and the decoded `sign` of an envelope body as sent.
pub fn envelope_param_and_sign(body: &str) -> (Vec<u8>, Vec<u8>) {
    use base64::Engine as _;
    let envelope: Value = serde_json::from_str(body).expect("the body is the JSON envelope");
    let param = envelope["param"].as_str().expect("param is a string");
    let sign = envelope["sign"].as_str().expect("sign is a string");
    let sign = base64::engine::general_purpose::STANDARD
        .decode(sign)
        .expect("sign is base64");
    (param.as_bytes().to_vec(), sign)
}

/// Waits until the admin API shows `status` at `path` (`sgate/customers/u1`).
pub async fn wait_status(sandbox: &Sandbox, path: &str, status: i64) {
    for _ in 0..500 {
        if sandbox
            .admin()
            .get(path)
            .await
            .is_ok_and(|v| v["status"] == status)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never reached status {status}");
}

/// Makes the sandbox's next JT `report_download` answer with `link` as its `downloadUrl`.
#[cfg(feature = "bluepay-jt")]
pub async fn next_report_link(sandbox: &Sandbox, link: &str) {
    sandbox
        .admin()
        .put(
            "faults",
            json!({"gateway": "bluepay-jt", "operation": "report_download", "times": 1,
                   "body": {"code": 10000, "message": "Success", "data": {"downloadUrl": link}}}),
        )
        .await
        .expect("the sandbox takes the fault");
}

/// A valid JT report request (a day's transaction report).
#[cfg(feature = "bluepay-jt")]
pub fn report_param() -> paybind::bluepay_jt::types::ReportDownloadParam {
    serde_json::from_value(json!({"countryCode": "TH", "transDate": "2024-06-26", "transType": 2}))
        .expect("a valid param")
}

/// A BluePay PromptPay payout of THB 1.00 with merchant order id `id` (its idempotency id
/// derived from it): the same request for the same id.
pub fn bluepay_payout(id: &str) -> paybind::bluepay::types::builder::PayoutCreateParam {
    paybind::bluepay::types::PayoutCreateParam::builder()
        .mch_order_id(id)
        .idempotency_id(format!("{id}IDEMP"))
        .amount(100)
        .pay_method_code("PROMPTPAY")
        .promptpay_account_type("MSISDN")
        .account_no("0812345678")
}

/// Sets one fault (the admin API's fault members in `fault`) on the next `operation` of
/// `gateway`.
pub async fn fault_once(sandbox: &Sandbox, gateway: &str, operation: &str, fault: Value) {
    let mut body = json!({"gateway": gateway, "operation": operation, "times": 1});
    if let (Some(body), Some(fault)) = (body.as_object_mut(), fault.as_object()) {
        body.extend(fault.clone());
    }
    sandbox
        .admin()
        .put("faults", body)
        .await
        .expect("fault set");
}

/// The public half of the test gateway key (`tests/fixtures/gateway-2048.pem`), the key an
/// envelope config verifies notifications with.
pub fn bluepay_gateway_public() -> paybind::keys::PublicKey {
    paybind::keys::PublicKey::from_text(include_str!("../fixtures/gateway-2048.pub.pem"))
        .expect("fixture key")
}
