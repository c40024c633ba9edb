//! The sandbox as BluePay and BluePay JT: every rule of the envelope gateways gives its
//! documented code, money moves through lifecycles, notifications are signed and delivered.
//!
//! One file per area: `authentication`, `payouts`, `notifications`, `refunds_voids`,
//! `direct_debit` and `examples`.

mod authentication;
mod direct_debit;
mod examples;
mod notifications;
mod payouts;
mod refunds_voids;

use crate::common;

use paybind::bluepay::{self, types, Client, Notification};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind_sandbox::{ChannelCapabilities, Failure, Gateway};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.bluepay_config()).expect("client")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn code<T: std::fmt::Debug>(result: Result<T, bluepay::Error>) -> i64 {
    match result {
        Err(e) => e
            .code()
            .map(|c| c.code())
            .unwrap_or_else(|| panic!("{e:?}")),
        Ok(v) => panic!("expected a gateway code, got {v:?}"),
    }
}

fn qr(mch: &str, amount: i64, notify: &str) -> types::builder::QrCodeCreateParam {
    types::QrCodeCreateParam::builder()
        .channel_code("THAI_DYNAMIC_QR")
        .mch_order_id(mch)
        .amount(amount)
        .notify_url(notify)
}

fn payout(mch: &str, idem: &str, amount: i64) -> Value {
    json!({
        "mchOrderId": mch, "idempotencyId": idem, "amount": amount, "payMethodCode": "PROMPTPAY",
        "promptpayAccountType": "MSISDN", "accountNo": "0812345678"
    })
}

async fn paid_qr(sandbox: &Sandbox, client: &Client, mch: &str, amount: i64) -> String {
    let created = client
        .qr_code_create(qr(mch, amount, "http://127.0.0.1:9/notify"))
        .await
        .expect("qr");
    sandbox
        .admin()
        .pay_qr(Gateway::BluePay, mch)
        .await
        .expect("pay");
    created.transaction_id.expect("transaction id").to_string()
}
