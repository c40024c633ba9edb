//! Signing a param, verifying a notification, and one full call against the sandbox
//! (in process; `benches/sandbox_load.rs` measures it under load from a second process).
//! Run: `cargo bench -p paybind-benches --bench envelope`.

use criterion::{criterion_group, criterion_main, Criterion};
use paybind::bluepay::{types, Client, Notifications};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use paybind_sandbox::{Sandbox, SandboxConfig, SandboxKeys, Storage};
use serde_json::json;

const PARAM: &str = r#"{"amount":1000,"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"PC880001","notifyUrl":"https://example.com/","timestamp":1676017834369}"#;

fn key() -> PrivateKey {
    PrivateKey::from_text(include_str!("../tests/fixtures/merchant-2048.pem")).expect("fixture key")
}

fn signing(c: &mut Criterion) {
    let signer = RsaSigner::new(&key(), HashAlgorithm::Sha256);
    c.bench_function("sign param (RSA-2048, SHA-256)", |b| {
        b.iter(|| signer.sign_base64(std::hint::black_box(PARAM.as_bytes())))
    });
}

fn verifying(c: &mut Criterion) {
    let key = key();
    let param = r#"{"eventName":"qrcode.payment.success","mchOrderId":"PC880001","channelCode":"THAI_DYNAMIC_QR","transactionId":"QR123456789","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let sign = RsaSigner::new(&key, HashAlgorithm::Sha256).sign_base64(param.as_bytes());
    let body = json!({"param": param, "sign": sign}).to_string();
    let verifier = Notifications::new(key.public_key(), HashAlgorithm::Sha256);
    c.bench_function("verify + type a notification (RSA-2048)", |b| {
        b.iter(|| verifier.verify(std::hint::black_box(body.as_bytes())))
    });
}

/// The sandbox in memory with the repository's fixture keys (generating keys is not measured).
fn sandbox_config() -> SandboxConfig {
    let key = |pem: &str| PrivateKey::from_text(pem).expect("fixture key");
    SandboxConfig {
        storage: Storage::Memory,
        keys: Some(SandboxKeys {
            bluepay_merchant: key(include_str!("../tests/fixtures/merchant-2048.pem")),
            bluepay_gateway: key(include_str!("../tests/fixtures/gateway-2048.pem")),
            sgate_merchant: key(include_str!("../tests/fixtures/sgate-merchant-2048.pem")),
            sgate_system: key(include_str!("../tests/fixtures/sgate-system-2048.pem")),
        }),
        ..SandboxConfig::default()
    }
}

fn full_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(sandbox_config()))
        .expect("sandbox");
    let client = Client::new(sandbox.bluepay_config()).expect("client");
    c.bench_function(
        "balance inquiry over loopback (sign, send, verify, parse)",
        |b| {
            b.to_async(&runtime).iter(|| async {
                client
                    .balance_inquiry(types::BalanceInquiryParam::builder())
                    .await
                    .expect("balance")
            })
        },
    );
}

criterion_group!(benches, signing, verifying, full_call);
criterion_main!(benches);
