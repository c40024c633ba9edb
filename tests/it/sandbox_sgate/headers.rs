//! Header checks: each missing or wrong `V-*` header gives its documented code, with an empty
//! signature.

use super::*;

/// A hand-signed request, to send what the client never would.
async fn raw(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    body: &str,
    tweak: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> (reqwest::header::HeaderMap, Value) {
    let url = format!("/sgate{path}");
    let ts = chrono::Utc::now().timestamp();
    let data = signature_data(sandbox.sgate_api_key(), ts, "n0nce", &url, method, body);
    let signature = sign_digest(&sandbox.keys().sgate_merchant, &digest_hex(&data));
    let mut headers = vec![
        ("V-Api-Key", sandbox.sgate_api_key().to_string()),
        ("V-Api-Version", "1".to_string()),
        ("V-Timestamp", ts.to_string()),
        ("V-Nonce-Str", "n0nce".to_string()),
        ("V-Signature", signature),
        ("User-Agent", "raw-test".to_string()),
        ("Content-Type", "application/json".to_string()),
    ];
    tweak(&mut headers);
    let mut request = reqwest::Client::new().request(
        method.parse().unwrap(),
        format!("{}{url}", sandbox.base_url()),
    );
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let response = request.body(body.to_string()).send().await.unwrap();
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

fn drop_header(name: &'static str) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |h| h.retain(|(k, _)| *k != name)
}

fn set_header(
    name: &'static str,
    value: &'static str,
) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |h| {
        h.retain(|(k, _)| *k != name);
        h.push((name, value.to_string()));
    }
}

#[tokio::test]
async fn header_checks_give_the_documented_codes_with_an_empty_signature() {
    let sandbox = common::sandbox().await;
    let balance = "/openApi/v1/merchant/balance";
    let (headers, ok) = raw(&sandbox, "GET", balance, "", |_| {}).await;
    assert_eq!(ok["code"], 200, "{ok}");
    assert_eq!(headers["v-signature"].len(), 344);
    for (tweak, expected) in [
        (
            Box::new(drop_header("V-Api-Key")) as Box<dyn FnOnce(&mut Vec<_>)>,
            1200,
        ),
        (Box::new(set_header("V-Api-Key", "other")), 1201),
        (Box::new(drop_header("V-Api-Version")), 1208),
        (Box::new(set_header("V-Api-Version", "2")), 1210),
        (Box::new(drop_header("User-Agent")), 1211),
        (Box::new(drop_header("V-Nonce-Str")), 1208),
        (Box::new(set_header("V-Timestamp", "soon")), 1209),
        (Box::new(set_header("V-Nonce-Str", "other")), 1213),
    ] {
        let (headers, answer) = raw(&sandbox, "GET", balance, "", tweak).await;
        assert_eq!(answer["code"], expected, "{answer}");
        assert_eq!(
            headers["v-signature"], "",
            "authentication failures are unsigned"
        );
    }
    // The client turns the unsigned answer into an authentication error, never success.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        "wrong-key",
        sandbox.keys().sgate_merchant.clone(),
        sandbox.keys().sgate_system_public(),
    )
    .timeout(std::time::Duration::from_secs(5));
    let err = Client::new(config)
        .unwrap()
        .merchant_balance()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    // The unsigned body's claimed code (1201) is not read: anyone could have written it.
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1201"));
    // 1204: an old timestamp.
    let stale = Client::new(
        sandbox
            .sgate_config()
            .clock(paybind::clock::FixedClock(1_700_000_000_000))
            .freshness_window(None),
    )
    .unwrap();
    // Unsigned, so only the raw body says 1204.
    let err = stale.merchant_balance().await.unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1204"));
    // 1203: a sensitive member that is not ciphertext; 1102 / 1103: the spec's rules.
    let body = json!({"name_e": "a", "name_a": "a", "mercustomid": "u1", "identity": "plain", "stcaccount": "x"}).to_string();
    let (_, answer) = raw(
        &sandbox,
        "POST",
        "/openApi/v1/payee/custom/create",
        &body,
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1203, "{answer}");
    let (_, answer) = raw(
        &sandbox,
        "POST",
        "/openApi/v1/payee/custom/create",
        "{}",
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1102, "{answer}");
    let (_, answer) = raw(
        &sandbox,
        "GET",
        "/openApi/v1/payee/custom/list?pagesize=500",
        "",
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1103, "{answer}");
    // The signature covers the path as received, prefix included.
    let logged = sandbox.requests();
    assert!(logged
        .iter()
        .any(|r| r.path == "/sgate/openApi/v1/merchant/balance" && r.signature_ok));
    assert!(logged
        .iter()
        .all(|r| r.headers.get("v-api-key").is_none_or(|v| v == "<redacted>")));
}

/// A payment order of 0, sent by hand (paybind refuses it before sending): the sandbox answers
/// SGATE's 1404 as the docs say, not a generic 1103.
#[tokio::test]
async fn a_payment_order_of_0_is_answered_1404() {
    let sandbox = common::sandbox().await;
    for amount in ["0", "-1.5"] {
        let body = format!(
            r#"{{"mercustomid":"u004","payeeuid":"ZERO0001","amount":{amount},"currency":"SAR","paymentmethod":"bankTransfer"}}"#
        );
        let (_, answer) = raw(
            &sandbox,
            "POST",
            "/openApi/v1/payee/payCustomTicket/create",
            &body,
            |_| {},
        )
        .await;
        assert_eq!(answer["code"], 1404, "{amount}: {answer}");
    }
}
