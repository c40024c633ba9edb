//! `operations sgate-payin` and `call sgate-payin` against a stand-in SGATE Payin API on
//! 127.0.0.1, which records each request and checks its HMAC with the library's own signing
//! (the signature itself is proved against the docs' Node example in the library's tests).

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use paybind::sgate_payin::signing::{signature, string_to_sign, Secret};

use super::*;

const KEY: &str = "zS83UNCPhVTqBxDHACJ30sImZRKAlzQI";
const SECRET: &str = "payin secret";

/// One request the stand-in got: method, path, whether its signature verified, body.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    signed: bool,
    body: Value,
}

/// A stand-in that answers the order `M448726T1` (and refuses everything else with SGATE's
/// `notAllowed`), at `/api_v1`.
async fn payin() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let uri_signed = uri.path().strip_prefix("/api_v1").unwrap_or("");
                let name = match (method.as_str(), uri_signed) {
                    ("GET", path) if path.starts_with("/orders/") => "order.detail",
                    ("PUT", path) if path.ends_with("/delivery/status") => {
                        "order.setDeliveryStatus"
                    }
                    _ => "",
                };
                let timestamp: i64 = header("x-auth-timestamp").parse().unwrap_or(0);
                let expected = signature(
                    &Secret::new(SECRET),
                    &string_to_sign(uri_signed, KEY, timestamp, name),
                );
                let signed = header("x-auth-key") == KEY && header("x-auth-signature") == expected;
                log.lock().unwrap().push(Seen {
                    method: method.to_string(),
                    path: uri.path().to_string(),
                    signed,
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                });
                match (signed, uri.path()) {
                    (true, "/api_v1/orders/M448726T1") => (
                        StatusCode::OK,
                        json!({"id": "M448726T1", "amount": 12.02, "status": "paid",
                               "currency": "SAR", "refundStatus": "none"})
                        .to_string(),
                    ),
                    (true, "/api_v1/orders/M448726T1/delivery/status") => {
                        (StatusCode::OK, String::new())
                    }
                    _ => (
                        StatusCode::FORBIDDEN,
                        json!({"code": "notAllowed", "message": "No access",
                               "data": ["signature error"]})
                        .to_string(),
                    ),
                }
                .into_response()
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api_v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, seen)
}

/// `paybind call sgate-payin order_detail` of the order `id`, then `extra` arguments.
fn order_detail(id: &str, extra: &[&str]) -> Vec<String> {
    let param = format!(r#"{{"ORDER_ID": "{id}"}}"#);
    let mut all = vec![
        "call",
        "sgate-payin",
        "order_detail",
        "--param",
        param.as_str(),
    ];
    all.extend_from_slice(extra);
    args(&all)
}

fn payin_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_SGATE_PAYIN_URL", url.to_string()),
        ("PAYBIND_SGATE_PAYIN_KEY", KEY.to_string()),
        ("PAYBIND_SGATE_PAYIN_SECRET", SECRET.to_string()),
        ("PAYBIND_SGATE_PAYIN_MERCHANT_ID", "M448726".to_string()),
    ]
}

#[test]
fn operations_lists_the_payin_operations() {
    let ops = paybind::sgate_payin::operations();
    assert_eq!(ops.len(), 14);
    let out = run(&["operations", "sgate-payin"], &[], None);
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), ops.len());
    for (entry, op) in lines.iter().zip(ops) {
        assert_eq!(entry["operationId"], op.id);
        assert_eq!(entry["method"], op.method);
        assert_eq!(entry["path"], op.path);
    }
    assert!(lines
        .iter()
        .any(|e| e["operationId"] == "order_detail" && e["path"] == "/orders/{ORDER_ID}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sgate_payin_signs_and_reads_its_answers() {
    let (url, seen) = payin().await;
    let env = payin_env(&url);

    // A GET with its path parameter in the param object.
    let out = run_async(order_detail("M448726T1", &[]), env.clone()).await;
    assert_ok(&out);
    let order = stdout_json(&out);
    assert_eq!(order["id"], "M448726T1");
    assert_eq!(order["status"], "paid");

    // A PUT without an answer body: `null`.
    let out = run_async(
        args(&[
            "call",
            "sgate-payin",
            "order_set_delivery_status",
            "--param",
            r#"{"ORDER_ID": "M448726T1", "value": "delivered"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out), Value::Null);

    // SGATE's refusal: exit 1 with its string code.
    let out = run_async(order_detail("M448726T2", &[]), env.clone()).await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["code"], "notAllowed");
    assert_eq!(error["gateway_message"], "No access");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|s| s.signed), "{seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/api_v1/orders/M448726T1");
    assert_eq!(seen[1].method, "PUT");
    assert_eq!(seen[1].body, json!({"value": "delivered"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sgate_payin_names_what_is_missing() {
    let (url, seen) = payin().await;
    let mut env = payin_env(&url);
    env.retain(|(name, _)| *name != "PAYBIND_SGATE_PAYIN_SECRET");
    let out = run_async(order_detail("M1", &[]), env).await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["variable"], "PAYBIND_SGATE_PAYIN_SECRET");
    let out = run_async(order_detail("../x", &[]), payin_env(&url)).await;
    assert_eq!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
}

/// The `[sgate-payin]` table of a config file configures `call` as the variables do (its keys
/// are the variables' names in lower case); a key it lacks is named both ways, and a variable
/// wins over the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sgate_payin_reads_its_config_file_table() {
    let (url, seen) = payin().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("paybind.toml");
    let table =
        format!("[sgate-payin]\nurl = \"{url}\"\nkey = \"{KEY}\"\nmerchant_id = \"M448726\"\n");
    let order = |config: &std::path::Path| order_detail("M448726T1", &["--config", s(config)]);

    // Without `secret`: exit 2 naming the variable and the file's key, nothing sent.
    std::fs::write(&config, &table).unwrap();
    let out = run_async(order(&config), vec![]).await;
    assert_eq!(code(&out), 2);
    let error = stderr_error(&out);
    assert_eq!(error["variable"], "PAYBIND_SGATE_PAYIN_SECRET");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("`secret` in the [sgate-payin] table"),
        "{error}"
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");

    // With it: signed with the file's key and secret, answered.
    std::fs::write(&config, format!("{table}secret = \"{SECRET}\"\n")).unwrap();
    let out = run_async(order(&config), vec![]).await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["status"], "paid");
    assert!(seen.lock().unwrap().iter().all(|s| s.signed));

    // A variable wins over the file: another secret signs wrongly and SGATE refuses it.
    let out = run_async(
        order(&config),
        vec![("PAYBIND_SGATE_PAYIN_SECRET", "another-secret".to_string())],
    )
    .await;
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["code"], "notAllowed");
}
