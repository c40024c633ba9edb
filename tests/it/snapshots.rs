//! Snapshots of the exact bytes paybind sends to BluePay: a change to the signing layer shows up
//! as a reviewable diff (`cargo insta review`). The generated code is snapshotted in `generated`.

use crate::common;

use paybind::bluepay::{types, Client, Config, Environment};
use paybind::clock::FixedClock;
use paybind::keys::PrivateKey;

/// The exact envelope sent for one call, with a fixed key and clock. PKCS#1 v1.5 signatures are
/// deterministic, so the whole body is stable.
#[tokio::test]
async fn signed_bluepay_envelope() {
    let key = PrivateKey::from_text(include_str!("../fixtures/merchant-2048.pem")).unwrap();
    let app_id = "c9b002aef1d7496c9df078d937896605";
    let sandbox = paybind_sandbox::Sandbox::start(paybind_sandbox::SandboxConfig {
        bluepay_app_id: app_id.into(),
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = Client::new(
        Config::new(
            Environment::Url(sandbox.bluepay_url()),
            app_id,
            key.clone(),
            crate::common::bluepay_gateway_public(),
        )
        .clock(FixedClock(1_676_017_834_369)),
    )
    .unwrap();
    client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("PC880001")
                .amount(1000)
                .notify_url("https://example.com/")
                .remark("ค่าส่ง example"),
        )
        .await
        .unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert!(sent.signature_ok);
    insta::assert_snapshot!("signed_qr_code_create_envelope", sent.body);
}
