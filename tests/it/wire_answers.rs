//! The sandbox's real answers to every operation of the three APIs, recorded for the
//! wire-document check of `cargo xtask cross-language` (issue 12).
//!
//! The clients talk to the sandbox through a recording loopback proxy, once with good
//! credentials (the docs' request examples: successes, and the business errors the examples
//! run into) and once with a wrong appId / API KEY (21003 / 1201: the error envelope of every
//! operation). Each answer is written as `{api, operation, method, path, query, status,
//! content_type, headers, body_base64}` to `wire-answers.json` in the target directory;
//! `schema/check/wire_answers.py` validates every one with openapi-core against
//! `schema/<api>/openapi-wire.json`.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use base64::Engine as _;
use paybind::envelope::HashAlgorithm;
use paybind::spec::{Operation, Spec};
use paybind::{bluepay, bluepay_jt, sgate};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Map, Value};

use crate::common;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    records: Arc<Mutex<Vec<Value>>>,
}

/// Forwards the request unchanged to the sandbox and records the answer.
async fn forward(
    State(proxy): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, Bytes) {
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut request = proxy
        .http
        .request(
            method.clone(),
            format!("{}{path_and_query}", proxy.upstream),
        )
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await.expect("the sandbox answers");
    let status = answer.status();
    let mut out = HeaderMap::new();
    let mut recorded = Map::new();
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            out.append(name, value.clone());
        }
        recorded.insert(
            name.as_str().to_string(),
            json!(value.to_str().unwrap_or_default()),
        );
    }
    let bytes = answer.bytes().await.expect("the sandbox's body");
    proxy.records.lock().unwrap().push(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query().unwrap_or(""),
        "status": status.as_u16(),
        "content_type": recorded.get("content-type").cloned().unwrap_or(Value::Null),
        "headers": recorded,
        "body_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
    }));
    (status, out, bytes)
}

async fn start_proxy(upstream: &str) -> (String, Arc<Mutex<Vec<Value>>>) {
    let records = Arc::new(Mutex::new(Vec::new()));
    let proxy = Proxy {
        upstream: upstream.to_string(),
        http: reqwest::Client::new(),
        records: records.clone(),
    };
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, records)
}

/// The docs' example of a POST body, or of a GET's query parameters as an object.
fn example(spec: &Spec, op: &Operation) -> Value {
    let path = op.path.replace('~', "~0").replace('/', "~1");
    let method = op.method.to_ascii_lowercase();
    let item = spec
        .document()
        .pointer(&format!("/paths/{path}/{method}"))
        .unwrap();
    if method == "get" {
        let mut query = Map::new();
        for p in item["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "query" {
                if let Some(v) = p.get("example") {
                    query.insert(p["name"].as_str().unwrap().to_string(), v.clone());
                }
            }
        }
        return Value::Object(query);
    }
    item.pointer("/requestBody/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| json!({}))
}

/// The code table of `op`'s answers: the `x-codes` component its JSON response envelope's
/// `code` refers to (the envelope of any of its responses: a download's is on its 202).
fn code_table<'a>(spec: &'a Spec, op: &Operation) -> &'a Value {
    let responses = &spec.document()["paths"][op.path][op.method.to_ascii_lowercase()]["responses"];
    let envelope = op
        .response_schema
        .map(str::to_string)
        .or_else(|| {
            responses.as_object()?.values().find_map(|response| {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                Some(
                    schema
                        .as_str()?
                        .trim_start_matches("#/components/schemas/")
                        .to_string(),
                )
            })
        })
        .unwrap_or_else(|| panic!("{}: no JSON response envelope", op.id));
    let reference = spec.schema(&envelope).unwrap()["properties"]["code"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{envelope}: code is not a reference to a code table"));
    let table = spec
        .schema(reference.trim_start_matches("#/components/schemas/"))
        .unwrap();
    assert!(table["x-codes"].is_array(), "{reference} has no x-codes");
    table
}

/// The codes an answer to `op` may carry, as the spec lists them.
fn documented_codes(spec: &Spec, op: &Operation) -> BTreeSet<i64> {
    code_table(spec, op)["x-codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["code"].as_i64().unwrap())
        .collect()
}

/// Every answer recorded since `from` that is a JSON envelope carries a code of `op`'s table;
/// with wrong credentials (`refused`) none is a success. The codes seen are returned.
fn check_codes(
    records: &Mutex<Vec<Value>>,
    from: usize,
    spec: &Spec,
    op: &Operation,
    refused: bool,
) -> Vec<i64> {
    let documented = documented_codes(spec, op);
    let records = records.lock().unwrap();
    let mut seen = Vec::new();
    for record in records.iter().skip(from) {
        let body = base64::engine::general_purpose::STANDARD
            .decode(record["body_base64"].as_str().unwrap())
            .unwrap();
        let Ok(answer) = serde_json::from_slice::<Value>(&body) else {
            // A file (the statement), not an envelope.
            assert!(!refused && record["status"] == 200, "{}: {record}", op.id);
            continue;
        };
        let code = answer["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{}: an envelope without a code: {answer}", op.id));
        assert!(
            documented.contains(&code),
            "{}: code {code} is not in the spec's table {documented:?}",
            op.id
        );
        seen.push(code);
    }
    if refused {
        assert!(
            !seen.is_empty(),
            "{}: no envelope with wrong credentials",
            op.id
        );
    }
    seen
}

/// The code of the entry named `Success` in `op`'s code table.
fn success_code(spec: &Spec, op: &Operation) -> i64 {
    code_table(spec, op)["x-codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == "Success")
        .and_then(|entry| entry["code"].as_i64())
        .expect("a Success entry")
}

/// The codes seen with wrong credentials: one code, the same for every operation of the API
/// (the credentials are checked before the operation), and not success.
fn assert_one_refusal(api: &str, refusals: &[(i64, i64)]) {
    let codes: BTreeSet<i64> = refusals.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        codes.len(),
        1,
        "{api}: wrong credentials answered {codes:?}"
    );
    for (code, success) in refusals {
        assert_ne!(code, success, "{api}: wrong credentials answered success");
    }
}

/// Labels the records made since `from` with the API and the operation.
fn label(records: &Mutex<Vec<Value>>, from: usize, api: &str, operation: &str) -> usize {
    let mut records = records.lock().unwrap();
    for r in records.iter_mut().skip(from) {
        r["api"] = json!(api);
        r["operation"] = json!(operation);
    }
    records.len()
}

#[tokio::test]
async fn record_the_sandbox_answers_to_every_operation() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let (proxy, records) = start_proxy(sandbox.base_url()).await;
    let via_proxy =
        |gateway_url: String| format!("{proxy}{}", &gateway_url[sandbox.base_url().len()..]);
    let gateway_public = sandbox.keys().bluepay_gateway_public();

    // BluePay and BluePay JT: the docs' examples, then every operation with a wrong appId.
    let mut refusals = Vec::new();
    for (api, app_id) in [
        ("bluepay", sandbox.bluepay_app_id().to_string()),
        ("bluepay", "0".repeat(32)),
    ] {
        let refused = app_id != sandbox.bluepay_app_id();
        let config = bluepay::Config::new(
            bluepay::Environment::Url(via_proxy(sandbox.bluepay_url())),
            app_id,
            sandbox.keys().bluepay_merchant.clone(),
            gateway_public.clone(),
        )
        .hash(HashAlgorithm::Sha256);
        let client = bluepay::Client::new(config).unwrap();
        for op in bluepay::operations() {
            let from = records.lock().unwrap().len();
            let _ = client.call_json(op.id, example(bluepay::spec(), op)).await;
            assert!(label(&records, from, api, op.id) > from, "{}", op.id);
            let codes = check_codes(&records, from, bluepay::spec(), op, refused);
            if refused {
                let success = success_code(bluepay::spec(), op);
                refusals.extend(codes.into_iter().map(|code| (code, success)));
            }
        }
    }
    assert_one_refusal("bluepay", &refusals);
    let mut refusals = Vec::new();
    for app_id in [sandbox.bluepay_jt_app_id().to_string(), "0".repeat(32)] {
        let refused = app_id != sandbox.bluepay_jt_app_id();
        let config = bluepay_jt::Config::new(
            bluepay_jt::Environment::Url(via_proxy(sandbox.bluepay_jt_url())),
            app_id,
            sandbox.keys().bluepay_merchant.clone(),
            gateway_public.clone(),
        )
        .hash(HashAlgorithm::Sha256);
        let client = bluepay_jt::Client::new(config).unwrap();
        for op in bluepay_jt::operations() {
            let from = records.lock().unwrap().len();
            let _ = client
                .call_json(op.id, example(bluepay_jt::spec(), op))
                .await;
            assert!(
                label(&records, from, "bluepay-jt", op.id) > from,
                "{}",
                op.id
            );
            let codes = check_codes(&records, from, bluepay_jt::spec(), op, refused);
            if refused {
                let success = success_code(bluepay_jt::spec(), op);
                refusals.extend(codes.into_iter().map(|code| (code, success)));
            }
        }
    }
    assert_one_refusal("bluepay-jt", &refusals);

    // SGATE: the examples (JSON operations, the upload, yesterday's and today's statement),
    // then every operation with a wrong API KEY.
    let mut refusals = Vec::new();
    for api_key in [
        sandbox.sgate_api_key().to_string(),
        "wrong-api-key".to_string(),
    ] {
        let refused = api_key != sandbox.sgate_api_key();
        let keys = sandbox.keys();
        let client = sgate::Client::new(sgate::Config::new(
            sgate::Environment::Url(via_proxy(sandbox.sgate_url())),
            api_key,
            keys.sgate_merchant.clone(),
            keys.sgate_system_public(),
        ))
        .unwrap();
        for op in sgate::operations() {
            let from = records.lock().unwrap().len();
            match op.id {
                "customer_file_upload" => {
                    let _ = client
                        .customer_file_upload()
                        .mercustomid("u004")
                        .file(
                            sgate::types::CustomerFileUploadParamType::Identitypic,
                            "id.png",
                            b"\x89PNG\r\n\x1a\nfake".to_vec(),
                        )
                        .send()
                        .await;
                }
                "statement_download" => {
                    let _ = client.statement_download().to_writer(&mut Vec::new()).await;
                    let today = chrono::Utc::now()
                        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
                        .date_naive();
                    let _ = client
                        .statement_download()
                        .day(today)
                        .to_writer(&mut Vec::new())
                        .await;
                }
                _ => {
                    let _ = client.call_json(op.id, example(sgate::spec(), op)).await;
                }
            }
            assert!(
                label(&records, from, "sgate-payout", op.id) > from,
                "{}",
                op.id
            );
            let codes = check_codes(&records, from, sgate::spec(), op, refused);
            if refused {
                let success = success_code(sgate::spec(), op);
                refusals.extend(codes.into_iter().map(|code| (code, success)));
            }
        }
    }
    assert_one_refusal("sgate-payout", &refusals);

    let records = records.lock().unwrap().clone();
    let statuses: std::collections::BTreeSet<u64> = records
        .iter()
        .filter_map(|r| r["status"].as_u64())
        .collect();
    assert!(
        statuses.contains(&200) && statuses.contains(&202),
        "{statuses:?}"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(
        target.join("wire-answers.json"),
        serde_json::to_string_pretty(&records).unwrap(),
    )
    .unwrap();
}
