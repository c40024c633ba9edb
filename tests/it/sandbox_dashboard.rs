//! The sandbox dashboard (`/`), `GET /admin/objects`, what admin answers may show, and why a
//! refused signature was refused. The page itself is tested in a real browser by
//! `browser-tests/` (CI runs it); here, what the server promises.

use crate::common;

use base64::Engine as _;
use paybind::sgate;
use paybind_sandbox::Sandbox;
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
                .bankcode("1174c")
                .cardno("5123450000000001")
                .ibanaccount("SA0000000000000000000001"),
        )
        .await
        .unwrap();
    let customid = customer.customid.expect("a customer id").to_string();
    sandbox.admin().approve_customer(&customid).await.unwrap();
    let order = client
        .payment_order_create(
            sgate::types::PaymentOrderCreateParam::builder()
                .mercustomid("dash-1")
                .payeeuid("DASHPAY1")
                .amount("18.75")
                .currency("SAR")
                .paymentmethod("bankTransfer"),
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
    for kind in ["orders", "transactions", "refunds"] {
        assert!(objects["sgate-payin"]["objects"][kind].is_array(), "{kind}");
    }

    let answers: Vec<Value> = vec![
        objects.clone(),
        admin
            .get(&format!("sgate/customers/{customid}"))
            .await
            .unwrap(),
        admin.get(&format!("sgate/orders/{ticket}")).await.unwrap(),
        admin.approve_customer(&customid).await.unwrap(),
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
        sandbox.sgate_payin_secret(),
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

/// Signs with the openssl command line (an implementation independent of paybind's), with the
/// fixture key `key_file`.
fn openssl_sign(key_file: &str, digest: &str, data: &[u8]) -> String {
    let key = common::fixture(key_file);
    let signature = common::openssl_sign(std::path::Path::new(&key), digest, data);
    base64::engine::general_purpose::STANDARD.encode(signature)
}

fn text(path: &std::path::Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A 2048-bit key the sandbox does not know, made by openssl in `dir`.
fn unknown_key(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("unknown.pem");
    common::openssl_out(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        text(&path),
    ]);
    path
}

/// The sandbox names why an envelope signature was refused, in the answer's message and the
/// request log: the key, the hash or the bytes, an unknown key, a spoiled or cut signature,
/// text that is not Base64.
#[tokio::test]
async fn a_refused_envelope_signature_says_why() {
    let sandbox = common::sandbox().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let param = json!({ "timestamp": now }).to_string();
    let b64 = |raw: &[u8]| base64::engine::general_purpose::STANDARD.encode(raw);
    let dir = tempfile::tempdir().unwrap();
    let unknown = common::openssl_sign(&unknown_key(dir.path()), "-sha256", param.as_bytes());
    let good = common::openssl_sign(
        std::path::Path::new(&common::fixture("merchant-2048.pem")),
        "-sha256",
        param.as_bytes(),
    );
    let mut spoiled = good.clone();
    spoiled[10] ^= 1;
    let another = "signed with another key: the merchant public key the sandbox holds does not \
                   open it";
    let cases = [
        (
            openssl_sign("gateway-2048.pem", "-sha256", param.as_bytes()),
            param.clone(),
            "signed with another key: the BluePay gateway key, not the merchant's key",
        ),
        (
            openssl_sign("merchant-2048.pem", "-sha1", param.as_bytes()),
            param.clone(),
            "signed with SHA-1 but verified with SHA-256: the key is right, the hash is not",
        ),
        (
            b64(&good),
            param.replace(':', ": "),
            "the bytes received differ from the bytes signed (right key, right hash SHA-256, \
             other digest): the text was changed, re-encoded or re-serialised after signing",
        ),
        (b64(&unknown), param.clone(), another),
        (b64(&spoiled), param.clone(), another),
        (
            b64(&good[1..]),
            param.clone(),
            "signed with another key: the signature has 2040 bits, the merchant key 2048",
        ),
        (
            "%%%".to_string(),
            param.clone(),
            "the signature is not standard Base64",
        ),
    ];
    for (sign, sent, why) in cases {
        let answer = balance_with(&sandbox, &sent, sign).await;
        assert_eq!(answer["code"], 21001, "{answer}");
        let (code, message) = last_refusal(&sandbox);
        assert_eq!(code, 21001);
        assert_eq!(answer["message"], message.as_str());
        assert!(
            message.ends_with(&format!(": {why}")),
            "{message:?} does not say {why:?}"
        );
    }
    // And a good signature still passes.
    assert_eq!(
        balance_with(&sandbox, &param, b64(&good)).await["code"],
        10000
    );
}

/// What paybind itself signs is opened: its SHA-1 signature, sent to a sandbox verifying
/// SHA-256, is recognised as the right key with the other hash; its SHA-256 one passes.
#[tokio::test]
async fn paybinds_own_signature_is_opened_by_the_sandbox() {
    let sandbox = common::sandbox().await;
    let balance = |config: paybind::bluepay::Config| async move {
        paybind::bluepay::Client::new(config)
            .unwrap()
            .balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder())
            .await
    };
    balance(
        sandbox
            .bluepay_config()
            .hash(paybind::envelope::HashAlgorithm::Sha1),
    )
    .await
    .expect_err("refused");
    let (code, message) = last_refusal(&sandbox);
    assert_eq!(code, 21001);
    assert!(
        message.ends_with(
            ": signed with SHA-1 but verified with SHA-256: the key is right, the hash is not"
        ),
        "{message}"
    );
    balance(sandbox.bluepay_config()).await.expect("accepted");
    assert!(sandbox.requests().pop().unwrap().signature_ok);
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
        .advance_clock(std::time::Duration::from_secs(3600))
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
        .advance_clock(std::time::Duration::from_secs(3600))
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

/// The members SGATE's spec marks `x-sensitive` (the list the sandbox masks by is generated
/// from these marks): the five the docs encrypt.
#[test]
fn the_spec_marks_five_members_sensitive() {
    fn marked(value: &Value, names: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if property.get("x-sensitive") == Some(&Value::Bool(true)) {
                            names.insert(name.clone());
                        }
                    }
                }
                if map.get("in").is_some() && map.get("x-sensitive") == Some(&Value::Bool(true)) {
                    names.insert(map["name"].as_str().unwrap().to_string());
                }
                map.values().for_each(|v| marked(v, names));
            }
            Value::Array(items) => items.iter().for_each(|v| marked(v, names)),
            _ => {}
        }
    }
    let mut names = std::collections::BTreeSet::new();
    marked(sgate::spec().document(), &mut names);
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["cardno", "identity", "identitypic", "signpic", "stcaccount"]
    );
}

/// Admin answers mask each of the five sensitive members wherever they are (a customer's own
/// answer, the customers listed deep inside `/admin/objects`), keep an empty one empty (it says
/// "none") and leave every other member as it is.
#[tokio::test]
async fn admin_answers_mask_sensitive_members_at_any_depth_and_keep_empty_ones() {
    const MASK: &str = "•••• (sensitive)";
    let sandbox = common::sandbox().await;
    let client = sgate::Client::new(sandbox.sgate_config()).unwrap();
    let create = |mer: &str, stc: Option<&str>| {
        let mut param = crate::sgate_support::bank_customer(
            mer,
            "5123450000000001",
            "SA0000000000000000000001",
        );
        if let Some(stc) = stc {
            param = param.stcaccount(stc);
        }
        let client = &client;
        async move {
            let customer = client.customer_create(param).await.expect("created");
            customer.customid.expect("a customer id").to_string()
        }
    };
    let full = create("mask-full", Some("+966512345678")).await;
    for (kind, name) in [
        (
            sgate::types::CustomerFileUploadParamType::Identitypic,
            "id.png",
        ),
        (
            sgate::types::CustomerFileUploadParamType::Signpic,
            "sign.png",
        ),
    ] {
        client
            .customer_file_upload()
            .mercustomid("mask-full")
            .file(kind, name, b"\x89PNG\r\n\x1a\nfake".to_vec())
            .send()
            .await
            .expect("uploaded");
    }
    let bare = create("mask-bare", None).await;

    let admin = sandbox.admin();
    let objects = admin.get("objects").await.unwrap();
    let listed = |customid: &str| {
        objects["sgate"]["objects"]["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["customid"] == customid)
            .cloned()
            .expect("listed")
    };
    for customer in [
        admin.get(&format!("sgate/customers/{full}")).await.unwrap(),
        listed(&full),
    ] {
        for member in ["cardno", "identity", "identitypic", "signpic", "stcaccount"] {
            assert_eq!(customer[member], MASK, "{member} of {customer}");
        }
        assert_eq!(customer["customid"], full.as_str());
        assert_eq!(customer["name_e"], "usera");
        assert_eq!(customer["ibanaccount"], "SA0000000000000000000001");
    }
    // One level down: the customer's details inside a payment order to it.
    admin
        .post(&format!("sgate/customers/{full}/approve"), json!({}))
        .await
        .unwrap();
    let order = client
        .payment_order_create(crate::sgate_support::payment_order(
            "mask-full",
            "MASKPAY1",
            "10.00",
        ))
        .await
        .expect("ordered");
    let ticket = order.ticketid.expect("a ticket id").to_string();
    let order = admin.get(&format!("sgate/orders/{ticket}")).await.unwrap();
    let info = &order["custominfo"];
    assert_eq!(info["cardno"], MASK, "{order}");
    assert_eq!(info["identity"], MASK, "{order}");
    assert_eq!(order["payeeuid"], "MASKPAY1");
    for customer in [
        admin.get(&format!("sgate/customers/{bare}")).await.unwrap(),
        listed(&bare),
    ] {
        assert_eq!(customer["cardno"], MASK, "{customer}");
        for member in ["identitypic", "signpic", "stcaccount"] {
            assert_eq!(customer[member], "", "{member} of {customer}");
        }
    }
}
