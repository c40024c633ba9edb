//! A real BluePay flow against a local gateway started in this process:
//! balance → create a QR code → the payer pays → a signed notification arrives and is verified →
//! refund. Every request is signed with RSA, checked by the local gateway, and answered.
//!
//! Run: `cargo run --example quickstart`. It exits 0 only if every step matched expectations.

#[path = "../tests/common/mod.rs"]
mod common;

use paybind::bluepay::{self, types, Client, Config, Environment, Notification, Notifications};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use paybind::money::Amount;
use serde_json::json;

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";

fn step(n: u32, text: &str) {
    println!("{n}. {text}");
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        println!("   ✔ {what}");
        Ok(())
    } else {
        Err(format!("✘ {what}"))
    }
}

#[tokio::main]
async fn main() {
    if let Err(failure) = run().await {
        eprintln!("quickstart failed: {failure}");
        std::process::exit(1);
    }
    println!("\nAll steps passed.");
}

async fn run() -> Result<(), String> {
    // Test keys: in production the merchant key is yours, the gateway key is BluePay's public key.
    let merchant = PrivateKey::from_text(include_str!("../tests/fixtures/merchant-2048.pem"))
        .map_err(|e| e.to_string())?;
    let gateway = PrivateKey::from_text(include_str!("../tests/fixtures/gateway-2048.pem"))
        .map_err(|e| e.to_string())?;

    let server = common::EnvelopeServer::start(
        bluepay::spec().document(),
        APP_ID,
        merchant.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    println!("Local BluePay gateway on {}\n", server.base_url);

    let client = Client::new(
        Config::new(Environment::Url(server.base_url.clone()), APP_ID, &merchant)
            .gateway_public_key(gateway.public_key()),
    )
    .map_err(|e| e.to_string())?;

    step(1, "Balance Inquiry");
    server.script(
        "balance_inquiry",
        common::Reply::Json(
            json!({"code":10000,"message":"Success","data":{"balance":"10000.00"}}),
        ),
    );
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .map_err(|e| e.to_string())?;
    println!("   balance: THB {}", balance.balance);
    check(
        balance.balance.minor_units() == 1_000_000,
        "balance is THB 10000.00",
    )?;

    step(2, "QR Code Create (THB 10.00)");
    let qr = client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("PC880001")
                .amount(Amount::from_minor_units(1000))
                .notify_url("https://merchant.example/bluepay/notify"),
        )
        .await
        .map_err(|e| e.to_string())?;
    let sent = server
        .recorded()
        .pop()
        .ok_or("nothing reached the gateway")?;
    println!("   signed param: {}", sent.param_text);
    check(sent.signature_ok, "the gateway verified the RSA signature")?;
    check(sent.schema_errors.is_empty(), "the param fits the schema")?;
    println!("   QR payload: {:?}", qr.qr_code_content);

    step(3, "The payer pays; BluePay notifies the merchant");
    let param = json!({
        "eventName": "qrcode.payment.success", "mchOrderId": "PC880001",
        "channelCode": "THAI_DYNAMIC_QR", "transactionId": "C1051669624201385891",
        "amount": 1000, "transactionStatus": "COMPLETED",
        "createTime": "2022-11-28 22:10:10", "returnTime": "2022-11-28 22:11:00", "remark": "example"
    })
    .to_string();
    let sign = RsaSigner::new(&gateway, HashAlgorithm::Sha256).sign_base64(param.as_bytes());
    let body = json!({"param": param, "sign": sign}).to_string();
    let notifications: &Notifications =
        client.notifications().ok_or("no gateway key configured")?;
    let event = notifications
        .verify_notification(body.as_bytes())
        .map_err(|e| e.to_string())?;
    let Notification::QrCodePayment(paid) = event else {
        return Err(format!("unexpected notification {event:?}"));
    };
    println!(
        "   verified: {} paid THB {} ({})",
        paid.mch_order_id.as_deref().unwrap_or("?"),
        paid.amount,
        paid.transaction_status
    );
    check(
        paid.amount.minor_units() == 1000,
        "the notification is genuine and typed",
    )?;
    println!("   answer BluePay with: {}", bluepay::ACK_BODY);
    let forged = body.replace("1000", "9000");
    check(
        notifications
            .verify_notification(forged.as_bytes())
            .is_err(),
        "a forged amount is refused",
    )?;

    step(4, "Refund THB 5.00 of the payment");
    let refund = client
        .refund_create(
            types::RefundCreateParam::builder()
                .mch_refund_order_id("refund488455057142")
                .original_transaction_id(paid.transaction_id.clone())
                .refund_amount(Amount::from_minor_units(500))
                .refund_callback_url("https://merchant.example/bluepay/refund"),
        )
        .await
        .map_err(|e| e.to_string())?;
    let sent = server
        .recorded()
        .pop()
        .ok_or("nothing reached the gateway")?;
    check(
        sent.signature_ok && sent.param["refundAmount"] == 500,
        "refund sent, signed, amount in satang",
    )?;
    println!("   refund status: {:?}", refund.refund_status);
    Ok(())
}
