//! What the command line refuses or hides, as the library does: a base URL with a query from
//! the environment (nothing sent, the secret unshown), every violation of a query at once, and
//! the kept body of a failed call with its sensitive members redacted.

use std::process::{Command, Output, Stdio};

use paybind::keys::PublicKey;
use paybind_test_support::{fixture, raw_server};
use serde_json::{json, Value};

const SECRET: &str = "tok3n-SECRET";

/// `paybind args…` with no `PAYBIND_*` variable from the outside but `env`.
fn paybind(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(super::BIN);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("PAYBIND_")) {
        command.env_remove(name);
    }
    command
        .args(args)
        .envs(env.iter().map(|(n, v)| (*n, v.as_str())))
        .stdin(Stdio::null())
        .output()
        .expect("run paybind")
}

/// The SGATE settings of a client of `url` with the fixture keys.
fn sgate_env(url: String, api_key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_SGATE_URL", url),
        ("PAYBIND_SGATE_API_KEY", api_key.to_string()),
        (
            "PAYBIND_SGATE_PRIVATE_KEY_FILE",
            fixture("sgate-merchant-2048.pem"),
        ),
        (
            "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
            fixture("sgate-system-2048.pub.pem"),
        ),
    ]
}

#[tokio::test]
async fn a_base_url_with_a_query_from_the_environment_is_refused_unshown() {
    let (server, hits) = raw_server(b"HTTP/1.1 200 OK\r\n\r\n".to_vec()).await;
    let env = [
        ("PAYBIND_BLUEPAY_URL", format!("{server}/?token={SECRET}")),
        (
            "PAYBIND_BLUEPAY_APP_ID",
            "c9b002aef1d7496c9df078d937896605".to_string(),
        ),
        (
            "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE",
            fixture("merchant-2048.pem"),
        ),
        (
            "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE",
            fixture("gateway-2048.pub.pem"),
        ),
    ];
    let out = tokio::task::spawn_blocking(move || {
        paybind(
            &["call", "bluepay", "balance_inquiry", "--param", "{}"],
            &env,
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim()).expect("JSON error");
    assert_eq!(error["error"]["kind"], "config", "{stderr}");
    assert!(stderr.contains("a query"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_violation_of_a_query_is_listed() {
    let env = sgate_env("http://127.0.0.1:9".to_string(), "test-api-key-0001");
    let out = tokio::task::spawn_blocking(move || {
        paybind(
            &[
                "call",
                "sgate",
                "customer_list",
                "--param",
                r#"{"pagesize": 0, "pageno": "x"}"#,
            ],
            &env,
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim()).expect("one JSON error");
    assert_eq!(error["error"]["kind"], "validation");
    assert_eq!(error["error"]["sent"], false);
    assert_eq!(
        error["error"]["violations"],
        json!([
            {"field": "pageno", "reason": "expected a number"},
            {"field": "pagesize", "reason": "must be at least 1"},
        ])
    );
}

/// `paybind call` prints the kept body of a failed call with its sensitive members redacted,
/// as the library's error does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_body_of_a_failed_call_is_printed_redacted() {
    let sandbox = paybind_test_support::sandbox().await;
    let merchant = PublicKey::from_file(fixture("sgate-merchant-2048.pub.pem")).unwrap();
    let encrypt = |text: &str| paybind::sgate::crypto::encrypt_field(&merchant, text).unwrap();
    let (cardno, stcaccount) = (encrypt("5123450000000001"), encrypt("+966512345678"));
    // Named by this answer's `sensitiveFields` only, not by the docs.
    let only_the_answer_says = "SA4420000001234567891234";
    let answer = json!({"code": 1401, "message": "payeeuid exists", "requestId": "R1",
        "data": {"custominfo": {"cardno": cardno, "stcaccount": stcaccount, "identity": "",
            "ibanaccount": only_the_answer_says, "name_e": "usera"}},
        "sensitiveFields": {"custominfo": ["cardno", "ibanaccount"]}});
    let fault = json!({"gateway": "sgate", "operation": "merchant_balance", "times": 1,
        "body": answer});
    sandbox.admin().put("faults", fault).await.expect("fault");
    let api_key = sandbox.sgate_api_key().to_string();
    let env = sgate_env(sandbox.sgate_url(), &api_key);
    let out =
        tokio::task::spawn_blocking(move || paybind(&["call", "sgate", "merchant_balance"], &env))
            .await
            .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim()).expect("one JSON error");
    assert_eq!(error["error"]["code"], 1401);
    let raw: Value = serde_json::from_str(error["error"]["raw_body"].as_str().unwrap()).unwrap();
    assert_eq!(raw["data"]["custominfo"]["cardno"], "[redacted]");
    assert_eq!(raw["data"]["custominfo"]["ibanaccount"], "[redacted]");
    for secret in [&*cardno, &*stcaccount, only_the_answer_says, &*api_key] {
        assert!(!stderr.contains(secret), "a secret in {stderr}");
    }
}
