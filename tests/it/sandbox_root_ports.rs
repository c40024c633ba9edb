//! Each gateway also answers at the root of a port of its own, so a client that is not
//! paybind signs production paths (issue 12): SGATE's signature covers `/openApi/v1/...` exactly
//! as SGATE's would.

use crate::common;

use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data};
use paybind_sandbox::Gateway;
use serde_json::{json, Value};

#[tokio::test]
async fn each_gateway_answers_production_paths_on_its_own_port() {
    let sandbox = common::sandbox().await;
    let http = reqwest::Client::new();
    let roots: Vec<&str> = Gateway::ALL.iter().map(|g| sandbox.root_url(*g)).collect();
    for root in &roots {
        assert!(root.starts_with("http://127.0.0.1:"), "{root}");
        assert_ne!(*root, sandbox.base_url());
    }

    // SGATE: signed over the production path, as its docs show it.
    let path = "/openApi/v1/payee/banks?country=SAU";
    let ts = chrono::Utc::now().timestamp();
    let data = signature_data(sandbox.sgate_api_key(), ts, "n0nce", path, "GET", "");
    let signature = sign_digest(&sandbox.keys().sgate_merchant, &digest_hex(&data));
    let answer: Value = http
        .get(format!("{}{path}", sandbox.root_url(Gateway::Sgate)))
        .header("V-Api-Key", sandbox.sgate_api_key())
        .header("V-Api-Version", "1")
        .header("V-Timestamp", ts.to_string())
        .header("V-Nonce-Str", "n0nce")
        .header("V-Signature", signature)
        .header("User-Agent", "not-paybind")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 200, "{answer}");
    let logged = sandbox.requests().pop().unwrap();
    assert_eq!(logged.path, path);
    assert!(logged.signature_ok);

    // BluePay: the production operation path, the same state as the prefixed URL.
    let param = json!({ "timestamp": chrono::Utc::now().timestamp_millis() }).to_string();
    let sign = RsaSigner::new(&sandbox.keys().bluepay_merchant, HashAlgorithm::Sha256)
        .sign_base64(param.as_bytes());
    let envelope = json!({"appId": sandbox.bluepay_app_id(), "param": param, "sign": sign});
    let answer: Value = http
        .post(format!(
            "{}/open-api/account/balance",
            sandbox.root_url(Gateway::BluePay)
        ))
        .json(&envelope)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 10000, "{answer}");
    // JT: its operations at the root, checked like any (no app id here: 21003).
    let answer: Value = http
        .post(format!(
            "{}/open-api/v2/jt/qrcode/detail",
            sandbox.root_url(Gateway::BluePayJt)
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 21003, "{answer}");
    // The admin API stays on the base URL only.
    let admin = http
        .get(format!(
            "{}/admin/clock",
            sandbox.root_url(Gateway::BluePay)
        ))
        .bearer_auth(sandbox.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 404);
}
