//! Snapshot of the exact request paybind sends to SGATE with a fixed key, clock and nonce (PKCS#1 v1.5 signatures are deterministic, so the headers are stable).

use crate::sgate_support;

use crate::sgate_support::API_KEY;
use paybind::sgate::signing::{digest_hex, signature_data};
use paybind::sgate::types;

#[tokio::test]
async fn signed_sgate_request() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .call_json(
            "customer_create",
            serde_json::json!({"name_e": "a", "name_a": "a", "mercustomid": "u004", "identity": "1012345678", "bankcode": "1174c", "cardno": "5123459999999999", "ibanaccount": "1234567892"}),
        )
        .await
        .unwrap();
    sandbox.admin().approve_customer("u004").await.unwrap();
    client
        .payment_order_create(
            types::PaymentOrderCreateParam::builder()
                .mercustomid("u004")
                .payeeuid("TEST1234567aa12sd2")
                .amount("2002.50")
                .currency("SAR")
                .paymentmethod("bankTransfer"),
        )
        .await
        .unwrap();
    let sent = sgate_support::last(&sandbox);
    assert!(sent.signature_ok);
    let header = |name: &str| sent.headers.get(name).cloned().unwrap_or_default();
    let body = sent.body.clone();
    let timestamp: i64 = header("v-timestamp").parse().unwrap();
    let data = signature_data(
        API_KEY,
        timestamp,
        &header("v-nonce-str"),
        &sent.path,
        &sent.method,
        &body,
    );
    // The request log redacts the API KEY; the signature covers the real one.
    let mut text = format!("{} {}\n", sent.method, sent.path);
    for name in [
        "content-type",
        "user-agent",
        "v-api-key",
        "v-api-version",
        "v-timestamp",
        "v-nonce-str",
        "v-signature",
    ] {
        text += &format!(
            "{name}: {}\n",
            header(name).replace(env!("CARGO_PKG_VERSION"), "<version>")
        );
    }
    text += &format!(
        "\n{body}\n\nsigned text: {data}\nmd5: {}\n",
        digest_hex(&data)
    );
    insta::assert_snapshot!("signed_sgate_request", text);
}
