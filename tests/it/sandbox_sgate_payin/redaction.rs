//! Card number and security code reach the sandbox in plain JSON (as SGATE asks) and go no
//! further: not into the request log (`x-sensitive` members redacted), not into the admin API
//! the dashboard reads, not into what the sandbox keeps.

use super::*;

use serde_json::json;

#[tokio::test]
async fn card_data_is_never_in_the_request_log_or_the_dashboard() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("PCI-1", "1.00", None))
        .await
        .unwrap();
    let (number, code) = ("4916338506082832", "739");
    client
        .order_start_by_direct_mastercard(&created.id, card(number, code))
        .await
        .unwrap();
    // And a body that is not the schema's, with a card number nested where nothing expects it.
    let second = client
        .merchant_add_order(order("PCI-2", "1.00", None))
        .await
        .unwrap();
    let raw = paybind::sgate_payin::signing::SignedHeaders::sign(
        &paybind::sgate_payin::Secret::new(sandbox.sgate_payin_secret()),
        sandbox.sgate_payin_key(),
        &format!(
            "/orders/{}/direct/payment/mastercard/transactions",
            second.id
        ),
        "order.startByDirectMastercard",
        chrono::Utc::now().timestamp(),
    );
    let mut request = reqwest::Client::new()
        .post(format!(
            "{}/orders/{}/direct/payment/mastercard/transactions",
            sandbox.sgate_payin_url(),
            second.id
        ))
        .json(
            &json!({"cardNumber": number, "securityCode": code, "extra": {"cardNumber": number}}),
        );
    for (name, value) in raw.pairs() {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 400);
    // Not JSON at all: not kept.
    let mut request = reqwest::Client::new()
        .post(format!(
            "{}/orders/{}/direct/payment/mastercard/transactions",
            sandbox.sgate_payin_url(),
            second.id
        ))
        .body(format!("cardNumber={number}&securityCode={code}"));
    for (name, value) in raw.pairs() {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 400);

    let logged: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.operation == "order_start_by_direct_mastercard")
        .collect();
    assert_eq!(logged.len(), 3);
    assert_eq!(logged[0].param["cardNumber"], "<redacted>");
    assert_eq!(logged[0].param["securityCode"], "<redacted>");
    assert_eq!(logged[0].param["expiryMonth"], "01", "the rest is kept");
    assert_eq!(logged[1].param["extra"]["cardNumber"], "<redacted>");
    assert!(
        logged[2].body.starts_with("<not kept"),
        "{}",
        logged[2].body
    );

    // Everywhere a person or a program can read: the log (Rust API and admin API), the objects
    // the dashboard lists, the notifications.
    let admin = sandbox.admin();
    let readable = [
        serde_json::to_string(&sandbox.requests()).unwrap(),
        admin.get("requests").await.unwrap().to_string(),
        admin.objects().await.unwrap().to_string(),
        admin
            .get(&format!("sgate-payin/orders/{}", created.id))
            .await
            .unwrap()
            .to_string(),
        admin.get("notifications").await.unwrap().to_string(),
    ];
    for text in readable {
        assert!(!text.contains(number), "the card number leaked: {text}");
        assert!(
            !text.contains(&format!("\"{code}\"")),
            "the security code leaked: {text}"
        );
    }
    // What is kept of the card: its masked digest.
    let objects = admin.objects().await.unwrap();
    let transactions = objects["sgate-payin"]["objects"]["transactions"]
        .as_array()
        .unwrap();
    assert!(transactions[0]["payerDigest"]
        .as_str()
        .unwrap()
        .contains("491633xxxxxx2832"));
}
