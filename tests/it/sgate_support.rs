//! SGATE test support: the sandbox with the fixture keys, and an independent implementation of
//! SGATE's crypto (serde_json strings, the `md5` and `rsa` crates, not paybind's signing module)
//! to check what the client sent — the request signature, the encrypted members — and to sign
//! callbacks the way SGATE does.
#![allow(dead_code)]

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use md5::{Digest as _, Md5};
use paybind::keys::{PrivateKey, PublicKey};
use paybind::sgate::{types, Client, Config, Environment, FixedNonce};
use paybind_sandbox::{LoggedRequest, Sandbox, SandboxConfig, SandboxKeys, Storage};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use serde_json::{Map, Value};

pub const API_KEY: &str = "test-api-key-0001";
/// 2024-06-26 14:19:58 UTC, in milliseconds.
pub const NOW_MILLIS: i64 = 1_719_411_598_000;
pub const CLIENT_NONCE: &str = "TIj5tZ3gM6FbprYlKNR2";
pub const SERVER_TIMESTAMP: i64 = 1_719_411_600;
pub const SERVER_NONCE: &str = "srv7nonce9ABCDEFGHIJ";
pub const SENSITIVE: &[&str] = &["identity", "identitypic", "signpic", "stcaccount", "cardno"];

pub use crate::common::fixture;

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn merchant_private() -> PrivateKey {
    PrivateKey::from_text(&read("sgate-merchant-2048.pem")).expect("merchant key")
}

pub fn system_public() -> PublicKey {
    PublicKey::from_text(&read("sgate-system-2048.pub.pem")).expect("system public key")
}

fn rsa_private(name: &str) -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::from_pkcs8_pem(&read(name)).expect("pkcs8 key")
}

fn rsa_public(name: &str) -> rsa::RsaPublicKey {
    rsa::RsaPublicKey::from_public_key_pem(&read(name)).expect("spki key")
}

/// What the plaintext of each sensitive member is in the server's answers.
pub fn plain_value(member: &str) -> &'static str {
    match member {
        "identity" => "1012345678",
        "cardno" => "5123450000000001",
        "stcaccount" => "+966512345678",
        "identitypic" => "https://files.example/id/محمد.png",
        "signpic" => "https://files.example/sign/签名.png",
        _ => "",
    }
}

/// The signature object, written independently of paybind.
pub fn signature_text(ts: i64, nonce: &str, url: &str, method: &str, body: &str) -> String {
    let s = |v: &str| serde_json::to_string(v).expect("string");
    format!(
        "{{\"api_key\":{},\"timestamp\":{ts},\"nonce_str\":{},\"url\":{},\"method\":{},\"body\":{}}}",
        s(API_KEY),
        s(nonce),
        s(url),
        s(method),
        s(body)
    )
}

/// The signature object for a body of arbitrary bytes (each byte outside `"`, `\` and control
/// characters copied as is).
pub fn signature_bytes(ts: i64, nonce: &str, url: &str, method: &str, body: &[u8]) -> Vec<u8> {
    let text = signature_text(ts, nonce, url, method, "");
    let mut out = text.as_bytes()[..text.len() - 2].to_vec();
    for &b in body {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.extend_from_slice(b"\"}");
    out
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// MD5withRSA over the hex digest with the system private key (as SGATE signs answers).
pub fn system_sign(data: &[u8]) -> String {
    let key = rsa::pkcs1v15::SigningKey::<Md5>::new(rsa_private("sgate-system-2048.pem"));
    let signature = key.sign(md5_hex(data).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
}

pub fn merchant_verify(data: &str, signature_b64: &str) -> bool {
    let key = rsa::pkcs1v15::VerifyingKey::<Md5>::new(rsa_public("sgate-merchant-2048.pub.pem"));
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature_b64) else {
        return false;
    };
    let Ok(signature) = rsa::pkcs1v15::Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(md5_hex(data.as_bytes()).as_bytes(), &signature)
        .is_ok()
}

/// RSA PKCS#1 v1.5 in 245-byte blocks with the merchant public key (answers and callbacks).
pub fn encrypt_for_merchant(plain: &str) -> String {
    let key = rsa_public("sgate-merchant-2048.pub.pem");
    let mut rng = rand::thread_rng();
    let mut out = Vec::new();
    for chunk in plain.as_bytes().chunks(245) {
        out.extend(
            key.encrypt(&mut rng, rsa::Pkcs1v15Encrypt, chunk)
                .expect("encrypt"),
        );
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Decrypts a request member with the system private key.
pub fn decrypt_for_system(encoded: &str) -> Option<String> {
    let key = rsa_private("sgate-system-2048.pem");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let mut plain = Vec::new();
    for chunk in bytes.chunks(256) {
        plain.extend(key.decrypt(rsa::Pkcs1v15Encrypt, chunk).ok()?);
    }
    String::from_utf8(plain).ok()
}

/// The sandbox as the SGATE tests use it: the fixture keys, this API KEY, no timestamp window
/// (the clients run on a fixed clock).
pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(SandboxKeys {
            bluepay_merchant: PrivateKey::from_text(&read("merchant-2048.pem")).expect("key"),
            bluepay_gateway: PrivateKey::from_text(&read("gateway-2048.pem")).expect("key"),
            sgate_merchant: merchant_private(),
            sgate_system: PrivateKey::from_text(&read("sgate-system-2048.pem")).expect("key"),
        }),
        sgate_api_key: API_KEY.into(),
        timestamp_window: None,
        auto_delay: std::time::Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox")
}

/// A client of the sandbox with a fixed clock and nonce (reproducible headers).
pub fn config(sandbox: &Sandbox) -> Config {
    Config::new(
        Environment::Url(sandbox.sgate_url()),
        API_KEY,
        merchant_private(),
        system_public(),
    )
    .clock(paybind::clock::FixedClock(NOW_MILLIS))
    .nonce_source(FixedNonce(CLIENT_NONCE.into()))
    // The fixed clock (2024) makes headers reproducible; the sandbox signs its answers with the
    // real time, which is outside any window of that clock.
    .freshness_window(None)
}

pub fn client(sandbox: &Sandbox) -> Client {
    Client::new(config(sandbox)).expect("client")
}

/// A client that never calls anything (callback verification only).
pub fn offline_client() -> Client {
    Client::new(Config::new(
        Environment::Url("http://127.0.0.1:9".into()),
        API_KEY,
        merchant_private(),
        system_public(),
    ))
    .expect("client")
}

/// The last request the sandbox received.
pub fn last(sandbox: &Sandbox) -> LoggedRequest {
    sandbox.requests().pop().expect("a request arrived")
}

/// Checks a logged request's signature with this file's own code (not paybind's): the
/// signature object over the path as received, the method and the body (`""` for GET and
/// multipart), MD5withRSA with the merchant public key.
pub fn independently_signed(request: &LoggedRequest) -> bool {
    let header = |name: &str| request.headers.get(name).cloned().unwrap_or_default();
    let multipart = header("content-type").starts_with("multipart/form-data");
    let body = if multipart || request.method == "GET" {
        String::new()
    } else {
        request.body.clone()
    };
    header("v-timestamp")
        .parse::<i64>()
        .map(|ts| {
            merchant_verify(
                &signature_text(
                    ts,
                    &header("v-nonce-str"),
                    &request.path,
                    &request.method,
                    &body,
                ),
                &header("v-signature"),
            )
        })
        .unwrap_or(false)
}

/// A sensitive member of a logged request (body or query), decrypted with the system private
/// key by this file's own code.
pub fn decrypted(request: &LoggedRequest, member: &str) -> Option<String> {
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&request.body) {
        if let Some(Value::String(s)) = map.get(member) {
            return decrypt_for_system(s);
        }
    }
    let parsed = reqwest::Url::parse(&format!("http://local{}", request.path)).ok()?;
    let value = parsed
        .query_pairs()
        .find(|(k, _)| k == member)
        .map(|(_, v)| v.into_owned())?;
    decrypt_for_system(&value)
}

/// The body of a logged request as JSON.
pub fn json_of(request: &LoggedRequest) -> Value {
    serde_json::from_str(&request.body).unwrap_or(Value::Null)
}

pub fn encrypt_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if SENSITIVE.contains(&k.as_str()) && !s.is_empty() => {
                        *s = encrypt_for_merchant(plain_value(k));
                    }
                    _ => encrypt_members(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encrypt_members),
        _ => {}
    }
}

/// Headers and body of a callback signed like SGATE's, for `url_path`, now.
pub fn signed_callback(url_path: &str, payload: &Value) -> (HeaderMap, Vec<u8>) {
    signed_callback_at(url_path, payload, chrono::Utc::now().timestamp())
}

/// The same, signed at `timestamp` (Unix seconds).
pub fn signed_callback_at(url_path: &str, payload: &Value, timestamp: i64) -> (HeaderMap, Vec<u8>) {
    signed_callback_with(url_path, payload, timestamp, "i7yCJYTbSaBj32th")
}

/// The same, signed at `timestamp` with `nonce` as `V-Nonce-Str`.
pub fn signed_callback_with(
    url_path: &str,
    payload: &Value,
    timestamp: i64,
    nonce: &str,
) -> (HeaderMap, Vec<u8>) {
    let mut payload = payload.clone();
    encrypt_members(&mut payload);
    let body = serde_json::to_vec(&payload).expect("json");
    signed_callback_body(url_path, body, timestamp, nonce)
}

/// A callback of exactly `body` (its sensitive members already encrypted), signed at
/// `timestamp` with `nonce`.
pub fn signed_callback_body(
    url_path: &str,
    body: Vec<u8>,
    timestamp: i64,
    nonce: &str,
) -> (HeaderMap, Vec<u8>) {
    let text = signature_text(
        timestamp,
        nonce,
        url_path,
        "POST",
        std::str::from_utf8(&body).expect("utf8"),
    );
    let mut headers = HeaderMap::new();
    headers.insert("V-Timestamp", HeaderValue::from(timestamp));
    headers.insert(
        "V-Nonce-Str",
        HeaderValue::from_str(nonce).expect("a header value"),
    );
    headers.insert("V-Api-Version", HeaderValue::from_static("1"));
    headers.insert("V-Api-Key", HeaderValue::from_static(API_KEY));
    headers.insert(
        "V-Signature",
        HeaderValue::from_str(&system_sign(text.as_bytes())).expect("sig"),
    );
    (headers, body)
}

/// Reads the JSON of a map, for comparisons.
pub fn object(value: &Value) -> &Map<String, Value> {
    value.as_object().expect("object")
}

/// A customer with a bank account (bank `1174c`), as the customer and order tests create them.
pub fn bank_customer(mer: &str, cardno: &str, iban: &str) -> types::builder::CustomerCreateParam {
    types::CustomerCreateParam::builder()
        .name_e("usera")
        .name_a("usera")
        .mercustomid(mer)
        .identity("1012345678")
        .bankcode("1174c")
        .cardno(cardno)
        .ibanaccount(iban)
}

/// A SAR bank-transfer payment order of `amount` from customer `mer` to payee `uid`.
pub fn payment_order(
    mer: &str,
    uid: &str,
    amount: &str,
) -> types::builder::PaymentOrderCreateParam {
    types::PaymentOrderCreateParam::builder()
        .mercustomid(mer)
        .payeeuid(uid)
        .amount(amount)
        .currency("SAR")
        .paymentmethod("bankTransfer")
}
