//! A stand-in SGATE Payin API on 127.0.0.1 (the sandbox does not serve Payin yet): it records
//! every request and answers each with what the test's `answer` says, or the spec's own example
//! of the operation's answer.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use paybind::clock::FixedClock;
use paybind::sgate_payin::{Client, Config, Environment};
use serde_json::Value;

/// The client key of every test (the docs' failure example's).
pub const KEY: &str = "zS83UNCPhVTqBxDHACJ30sImZRKAlzQI";
/// The secret of every test.
pub const SECRET: &str = "your secret";
/// The configured merchant.
pub const MERCHANT_ID: &str = "M448726";
/// The clock of every test, in Unix seconds (the docs' failure example's timestamp).
pub const NOW: i64 = 1_672_991_487;

/// One request the stub got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    /// The path as sent, below the host (`/api_v1/orders/M1`).
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Hit {
    /// A header's text (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

type Answer = Arc<dyn Fn(&Hit) -> Option<(u16, String)> + Send + Sync>;

/// The running stub.
pub struct Stub {
    /// The base URL a client is configured with (`http://127.0.0.1:<port><root>`).
    pub base_url: String,
    /// The service root below the host (`/api_v1`).
    pub root: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Stub {
    /// A stub at `/api_v1` answering every request with the spec's example of its operation.
    pub async fn start() -> Self {
        Self::start_with("/api_v1", |_| None).await
    }

    /// A stub at `root`; `answer` may answer a request itself (status, JSON text), else the
    /// spec's example of its operation's answer is sent.
    pub async fn start_with(
        root: &str,
        answer: impl Fn(&Hit) -> Option<(u16, String)> + Send + Sync + 'static,
    ) -> Self {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let answer: Answer = Arc::new(answer);
        let app = axum::Router::new().fallback({
            let hits = hits.clone();
            let root = root.to_string();
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let hits = hits.clone();
                let answer = answer.clone();
                let root = root.clone();
                async move {
                    let hit = Hit {
                        method: method.to_string(),
                        path: uri.path().to_string(),
                        headers,
                        body: body.to_vec(),
                    };
                    hits.lock().unwrap().push(hit.clone());
                    let (status, text) =
                        answer(&hit).unwrap_or_else(|| example_answer(&root, &hit));
                    let status = StatusCode::from_u16(status).expect("a status");
                    (status, [("content-type", "application/json")], text).into_response()
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self {
            base_url: format!("http://{address}{root}"),
            root: root.to_string(),
            hits,
        }
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// A client of this stub with the test key, secret, merchant and clock.
    pub fn client(&self) -> Client {
        Client::new(config(&self.base_url)).expect("a client")
    }

    /// The signed `uri` of a hit: its path below the service root.
    pub fn uri<'a>(&self, hit: &'a Hit) -> &'a str {
        hit.path.strip_prefix(&self.root).expect("below the root")
    }
}

/// The config of every test, for `base_url`.
pub fn config(base_url: &str) -> Config {
    Config::new(Environment::Url(base_url.into()), KEY, SECRET, MERCHANT_ID)
        .clock(FixedClock(NOW * 1000))
        .connect_retries(0)
}

/// The operation of the spec a request is for (method and path template), if any.
pub fn operation_of(root: &str, hit: &Hit) -> Option<&'static paybind::spec::Operation> {
    let path = hit.path.strip_prefix(root)?;
    paybind::sgate_payin::operations()
        .iter()
        .find(|op| op.method == hit.method && matches_template(op.path, path))
}

fn matches_template(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// The spec's example answer of the hit's operation: 200 and its docs example, 200 and no body
/// for an operation without one, 404 for a request of no operation.
fn example_answer(root: &str, hit: &Hit) -> (u16, String) {
    let Some(op) = operation_of(root, hit) else {
        return (
            404,
            r#"{"code":"notFound","message":"No such route"}"#.into(),
        );
    };
    let spec = paybind::sgate_payin::spec().document();
    let example = spec
        .pointer(&format!(
            "/paths/{}/{}/responses/200/content/application~1json/examples/docs/value",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_lowercase()
        ))
        .map(Value::to_string);
    (200, example.unwrap_or_default())
}

/// An order as `order_detail` answers it, with its status and refund state.
pub fn order(id: &str, status: &str, refund_status: &str) -> String {
    serde_json::json!({
        "id": id,
        "amount": 12.02,
        "status": status,
        "refundStatus": refund_status,
        "refundAmount": if refund_status == "none" { 0.0 } else { 12.02 },
        "merchantId": MERCHANT_ID,
        "merchantOrderId": "TEST1672491207",
        "currency": "SAR",
    })
    .to_string()
}
