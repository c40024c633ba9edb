//! RSA through paybind's public API, and one BluePay call over loopback next to a hand-written
//! reqwest + serde call that signs with the same backend and hits the same local endpoint.
//!
//! Run: `cargo bench -p paybind-benches --bench crypto`. `cargo xtask bench` runs this and `openssl speed` in the
//! same session and prints paybind ÷ OpenSSL; the ids below (`rsa-<bits>/<op>-<hash>`,
//! `call/…`) are what it reads from criterion's `estimates.json`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use paybind::bluepay::{types, Client, Config, Environment};
use paybind::envelope::{signing::verify, HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data, verify_digest};
use serde::{Deserialize, Serialize};

/// A BluePay `param` of typical size.
const PARAM: &str = r#"{"amount":1000,"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"PC880001","notifyUrl":"https://example.com/","timestamp":1676017834369}"#;

/// The canned answer of the loopback endpoint.
const BALANCE_ANSWER: &str = r#"{"code":10000,"message":"Success","data":{"balance":"10000.00"}}"#;

fn key(bits: usize) -> PrivateKey {
    let pem = match bits {
        2048 => include_str!("../tests/fixtures/merchant-2048.pem"),
        _ => include_str!("../tests/fixtures/merchant-4096.pem"),
    };
    PrivateKey::from_text(pem).expect("fixture key")
}

/// Sign and verify for SHA-256 and SHA-1 (BluePay's envelope) and MD5 (SGATE's headers).
fn rsa(c: &mut Criterion) {
    let sgate_digest = digest_hex(&signature_data(
        "api-key",
        1_686_647_706,
        "TIj5tZ3gM6FbprYlKNR2",
        "/openApi/v1/payee/custom/list",
        "GET",
        "",
    ));
    for bits in [2048, 4096] {
        let key = key(bits);
        let public = key.public_key();
        let mut group = c.benchmark_group(format!("rsa-{bits}"));
        group.measurement_time(Duration::from_secs(4));
        for (name, hash) in [
            ("sha256", HashAlgorithm::Sha256),
            ("sha1", HashAlgorithm::Sha1),
        ] {
            let signer = RsaSigner::new(&key, hash);
            group.bench_function(format!("sign-{name}"), |b| {
                b.iter(|| signer.sign_bytes(black_box(PARAM.as_bytes())))
            });
            let signature = signer.sign_base64(PARAM.as_bytes());
            group.bench_function(format!("verify-{name}"), |b| {
                b.iter(|| {
                    verify(&public, hash, black_box(PARAM.as_bytes()), &signature)
                        .expect("verifies")
                })
            });
        }
        group.bench_function("sign-md5", |b| {
            b.iter(|| sign_digest(&key, black_box(&sgate_digest)))
        });
        let signature = sign_digest(&key, &sgate_digest);
        group.bench_function("verify-md5", |b| {
            b.iter(|| {
                verify_digest(&public, black_box(&sgate_digest), &signature).expect("verifies")
            })
        });
        group.finish();
    }
}

#[derive(Serialize)]
struct BalanceParam {
    timestamp: i64,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "appId")]
    app_id: &'a str,
    param: &'a str,
    sign: &'a str,
}

#[derive(Deserialize)]
struct Answer {
    code: i64,
    #[allow(dead_code)]
    message: String,
    data: Option<Balance>,
}

#[derive(Deserialize)]
struct Balance {
    balance: String,
}

/// What a merchant would write by hand: serialise the param, sign it, post the envelope, parse
/// the answer.
async fn hand_written(http: &reqwest::Client, url: &str, signer: &RsaSigner) -> String {
    let timestamp = chrono::Utc::now().timestamp_millis();
    let param = serde_json::to_string(&BalanceParam { timestamp }).expect("param");
    let sign = signer.sign_base64(param.as_bytes());
    let body = serde_json::to_vec(&Envelope {
        app_id: "bench-app",
        param: &param,
        sign: &sign,
    })
    .expect("envelope");
    let answer = http
        .post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("answer");
    let answer: Answer = serde_json::from_slice(&answer).expect("json");
    assert_eq!(answer.code, 10000);
    answer.data.expect("data").balance
}

/// `balance_inquiry` against the hand-written call, both against the same loopback endpoint
/// answering a canned success.
fn call(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = runtime.block_on(async {
        let app = axum::Router::new().route(
            "/open-api/account/balance",
            axum::routing::post(|| async {
                (
                    [(http::header::CONTENT_TYPE, "application/json")],
                    BALANCE_ANSWER,
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}")
    });
    let key = key(2048);
    let client = Client::new(Config::new(
        Environment::Url(base.clone()),
        "bench-app",
        key.clone(),
        key.public_key(),
    ))
    .expect("client");
    let signer = RsaSigner::new(&key, HashAlgorithm::Sha256);
    let http = reqwest::Client::new();
    // The same call through a client set up as paybind's is (a total timeout, a connect timeout,
    // a user agent, no redirects): what the hand-written call costs once it is as careful.
    let careful = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .user_agent("hand-written/1")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = format!("{base}/open-api/account/balance");

    let mut group = c.benchmark_group("call");
    group.measurement_time(Duration::from_secs(6));
    group.bench_function("balance_inquiry", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .balance_inquiry(types::BalanceInquiryParam::builder())
                .await
                .expect("balance")
        })
    });
    group.bench_function("hand-written", |b| {
        b.to_async(&runtime)
            .iter(|| hand_written(&http, &url, &signer))
    });
    group.bench_function("hand-written-with-timeouts", |b| {
        b.to_async(&runtime)
            .iter(|| hand_written(&careful, &url, &signer))
    });
    group.finish();
}

criterion_group!(benches, rsa, call);
criterion_main!(benches);
