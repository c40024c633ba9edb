//! The sandbox dashboard (`/`), `GET /admin/objects`, what admin answers may show, and why a
//! refused signature was refused. The page itself is tested in a real browser by
//! `browser-tests/` (CI runs it); here, what the server promises.

use crate::common;

use std::process::Command;

use base64::Engine as _;
use paybind::money::Decimal2;
use paybind::sandbox::Sandbox;
use paybind::sgate;
use serde_json::{json, Value};

async fn get(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the sandbox answers")
}

#[tokio::test]
async fn the_dashboard_needs_the_token_and_loads_nothing_from_elsewhere() {
    let sandbox = common::sandbox().await;
    let base = sandbox.base_url();
    let url = sandbox.dashboard_url();
    assert!(url.starts_with(&format!("{base}/?token=")), "{url}");
    assert!(url.ends_with(sandbox.admin_token()));

    assert_eq!(get(&format!("{base}/"), &[]).await.status(), 401);
    assert_eq!(get(&format!("{base}/?token=nope"), &[]).await.status(), 401);
    let page = get(&url, &[]).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("/dashboard/app.js") && html.contains("/dashboard/app.css"));

    // Everything the page needs is served here; nothing names another host.
    let mut everything = html;
    for asset in ["app.js", "app.css"] {
        let answer = get(&format!("{base}/dashboard/{asset}"), &[]).await;
        assert_eq!(answer.status(), 200, "{asset}");
        everything.push_str(&answer.text().await.unwrap());
    }
    for foreign in ["http://", "https://", "//cdn", "@import", "fonts."] {
        assert!(
            !everything.contains(foreign),
            "the dashboard refers to {foreign}"
        );
    }

    // A page of another origin, or a DNS-rebound name, is refused even with the token.
    let origin = get(&url, &[("origin", "http://evil.example")]).await;
    assert_eq!(origin.status(), 403);
    let host = get(&url, &[("host", "evil.example")]).await;
    assert_eq!(host.status(), 421);
}

/// Creates a customer from a documented test account (identity and card number sent
/// encrypted, kept decrypted by the sandbox) and a payment order to it.
async fn customer_and_order(sandbox: &Sandbox) -> (String, String) {
    let client = sgate::Client::new(sandbox.sgate_config()).unwrap();
    let customer = client
        .customer_create(
            sgate::types::CustomerCreateParam::builder()
                .name_e("Test Payee")
                .name_a("Test Payee")
                .mercustomid("dash-1")
                .identity("1012345678")
                .bankcode(Some(
                    "1174c".parse::<sgate::types::BankCodeParam>().unwrap(),
                ))
                .cardno(Some("5123450000000001".into()))
                .ibanaccount(Some(
                    "SA0000000000000000000001"
                        .parse::<sgate::types::CustomerCreateParamIbanaccount>()
                        .unwrap(),
                )),
        )
        .await
        .unwrap();
    let customid = customer.customid.expect("a customer id").to_string();
    sandbox
        .admin()
        .post(&format!("sgate/customers/{customid}/approve"), json!({}))
        .await
        .unwrap();
    let order = client
        .payment_order_create(
            sgate::types::PaymentOrderCreateParam::builder()
                .mercustomid(Some("dash-1".parse().unwrap()))
                .payeeuid("DASHPAY1")
                .amount("18.75".parse::<Decimal2>().unwrap())
                .currency(sgate::types::PaymentOrderCreateParamCurrency::Sar)
                .paymentmethod(sgate::types::PaymentOrderCreateParamPaymentmethod::BankTransfer),
        )
        .await
        .unwrap();
    (customid, order.ticketid.expect("a ticket id").to_string())
}

#[tokio::test]
async fn admin_answers_list_every_object_and_carry_no_secret() {
    let sandbox = common::sandbox().await;
    let (customid, ticket) = customer_and_order(&sandbox).await;
    let admin = sandbox.admin();
    let objects = admin.get("objects").await.unwrap();
    let sg = &objects["sgate"];
    assert_eq!(sg["objects"]["customers"][0]["customid"], customid.as_str());
    assert_eq!(
        sg["objects"]["payment_orders"][0]["ticketid"],
        ticket.as_str()
    );
    assert_eq!(
        sg["balance"][0],
        json!({ "currency": "SAR", "amount": "999981.25" })
    );
    assert_eq!(
        objects["bluepay"]["balance"][0],
        json!({ "currency": "THB", "minor_units": 1_000_000 })
    );
    for kind in [
        "orders",
        "refunds",
        "voids",
        "direct_debit_authorizations",
        "direct_debit_tokens",
    ] {
        assert!(objects["bluepay"]["objects"][kind].is_array(), "{kind}");
    }
    assert!(objects["bluepay-jt"]["objects"]["tickets"].is_array());

    let answers: Vec<Value> = vec![
        objects.clone(),
        admin
            .get(&format!("sgate/customers/{customid}"))
            .await
            .unwrap(),
        admin.get(&format!("sgate/orders/{ticket}")).await.unwrap(),
        admin
            .post(&format!("sgate/customers/{customid}/approve"), json!({}))
            .await
            .unwrap(),
        admin.get("notifications").await.unwrap(),
        admin.get("requests").await.unwrap(),
    ];
    let all: String = answers.iter().map(Value::to_string).collect();
    let keys = sandbox.keys();
    let pems = [
        &keys.bluepay_merchant,
        &keys.bluepay_gateway,
        &keys.sgate_merchant,
        &keys.sgate_system,
    ];
    for secret in [
        "1012345678",
        "5123450000000001",
        sandbox.sgate_api_key(),
        "PRIVATE KEY",
    ] {
        assert!(!all.contains(secret), "an admin answer shows {secret}");
    }
    for key in pems {
        // The Base64 of the private key's DER, anywhere.
        let der = key.to_pkcs8_der().unwrap();
        let text = base64::engine::general_purpose::STANDARD.encode(&der[..48]);
        assert!(
            !all.contains(&text[..40]),
            "an admin answer shows a private key"
        );
    }
    assert_eq!(answers[1]["cardno"], "•••• (sensitive)");
    assert_eq!(answers[3]["identity"], "•••• (sensitive)");
}

fn last_refusal(sandbox: &Sandbox) -> (i64, String) {
    let last = sandbox.requests().pop().expect("a request was logged");
    assert!(!last.signature_ok);
    (last.code, last.message)
}

async fn balance_with(sandbox: &Sandbox, param: &str, sign: String) -> Value {
    let envelope = json!({ "appId": sandbox.bluepay_app_id(), "param": param, "sign": sign });
    reqwest::Client::new()
        .post(format!(
            "{}/open-api/account/balance",
            sandbox.bluepay_url()
        ))
        .json(&envelope)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Signs with the openssl command line (an implementation independent of paybind's).
fn openssl_sign(key_file: &str, digest: &str, data: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data");
    std::fs::write(&input, data).unwrap();
    let out = Command::new("openssl")
        .args(["dgst", digest, "-sign", &common::fixture(key_file)])
        .arg(&input)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    base64::engine::general_purpose::STANDARD.encode(out.stdout)
}

#[tokio::test]
async fn a_refused_envelope_signature_says_why() {
    let sandbox = common::sandbox().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let param = json!({ "timestamp": now }).to_string();
    let cases = [
        (
            openssl_sign("gateway-2048.pem", "-sha256", param.as_bytes()),
            param.clone(),
            "signed with another key: the BluePay gateway key",
        ),
        (
            openssl_sign("merchant-2048.pem", "-sha1", param.as_bytes()),
            param.clone(),
            "signed with SHA-1 but verified with SHA-256",
        ),
        (
            openssl_sign("merchant-2048.pem", "-sha256", param.as_bytes()),
            param.replace(':', ": "),
            "the bytes received differ from the bytes signed",
        ),
    ];
    for (sign, sent, why) in cases {
        let answer = balance_with(&sandbox, &sent, sign).await;
        assert_eq!(answer["code"], 21001, "{answer}");
        let (code, message) = last_refusal(&sandbox);
        assert_eq!(code, 21001);
        assert!(message.contains(why), "{message:?} does not say {why:?}");
    }
    // And a good signature still passes.
    let sign = openssl_sign("merchant-2048.pem", "-sha256", param.as_bytes());
    assert_eq!(balance_with(&sandbox, &param, sign).await["code"], 10000);
}

#[tokio::test]
async fn a_refused_sgate_signature_says_why() {
    let sandbox = common::sandbox().await;
    let keys = sandbox.keys().clone();
    let url = || sgate::Environment::Url(sandbox.sgate_url());
    let call = |config: sgate::Config| async move {
        let client = sgate::Client::new(config).unwrap();
        client.bank_list(|q| q).await.expect_err("refused");
    };
    // Signed with the BluePay merchant key instead of the SGATE one.
    call(sgate::Config::new(
        url(),
        sandbox.sgate_api_key(),
        keys.bluepay_merchant.clone(),
        keys.sgate_system_public(),
    ))
    .await;
    let (code, message) = last_refusal(&sandbox);
    assert_eq!(code, 1213);
    assert!(message.contains("the BluePay merchant key"), "{message}");

    call(sgate::Config::new(
        url(),
        "not-the-key",
        keys.sgate_merchant.clone(),
        keys.sgate_system_public(),
    ))
    .await;
    let (code, message) = last_refusal(&sandbox);
    assert_eq!(code, 1201);
    assert!(message.contains("unknown API key"), "{message}");

    // The sandbox clock an hour ahead: the client's timestamp is stale.
    sandbox
        .admin()
        .post("clock/advance", json!({ "seconds": 3600 }))
        .await
        .unwrap();
    call(sandbox.sgate_config()).await;
    let (code, message) = last_refusal(&sandbox);
    assert_eq!(code, 1204);
    assert!(
        message.contains("s from the sandbox clock; the window is 300 s"),
        "{message}"
    );
}

#[tokio::test]
async fn a_stale_envelope_timestamp_says_how_stale() {
    let sandbox = common::sandbox().await;
    sandbox
        .admin()
        .post("clock/advance", json!({ "seconds": 3600 }))
        .await
        .unwrap();
    let client = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    client
        .balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder())
        .await
        .expect_err("a timestamp an hour behind the sandbox clock is refused");
    let last = sandbox.requests().pop().expect("logged");
    assert_eq!(last.code, 21009);
    assert!(
        last.message
            .contains("s from the sandbox clock, 300 s accepted"),
        "{}",
        last.message
    );
}
