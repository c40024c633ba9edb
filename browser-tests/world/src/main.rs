//! The world the dashboard's browser tests drive (`browser-tests/`): a sandbox, a merchant
//! endpoint that verifies the notifications it receives, and control calls that make a
//! merchant's client do things while the browser watches.
//!
//! Prints one JSON line — `{"dashboard_url", "base_url", "control_url"}` — then serves until
//! its standard input closes (the test holds it open) or it is stopped.
//!
//! Control calls (`{control_url}/...`, POST):
//! - `qr`: the BluePay client creates a QR code of THB 1.50 whose notifications go to the
//!   merchant endpoint; answers `{"mchOrderId"}`.
//! - `bad-signature/{key|hash|bytes}`: a balance inquiry signed with another key, with SHA-1
//!   instead of SHA-256, or whose param changed after signing.
//! - `seed`: objects on every gateway (a payout, a pending direct-debit authorization, an SGATE
//!   customer and payment order), for the screenshots.
//! - `payin-order`: the SGATE Payin client creates an order of SAR 25.00 for the payer to pay
//!   on its cashier page; answers `{"id"}`.
//!
//! and `GET {control_url}/received`: what the merchant endpoint received, each with whether it
//! verified.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::keys::PrivateKey;
use paybind::{bluepay, bluepay_jt, sgate, sgate_payin};
use paybind_sandbox::{Sandbox, SandboxConfig, SandboxKeys, Storage};
use serde_json::{json, Value};

#[derive(Clone)]
struct World {
    sandbox: Arc<Sandbox>,
    bluepay: bluepay::Client,
    jt: bluepay_jt::Client,
    sgate: sgate::Client,
    payin: sgate_payin::Client,
    merchant: String,
    received: Arc<Mutex<Vec<Value>>>,
    next: Arc<Mutex<u32>>,
}

type Answer = Result<Json<Value>, (StatusCode, String)>;

fn fail(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

fn key(text: &str) -> PrivateKey {
    PrivateKey::from_text(text).expect("the repository's test keys parse")
}

#[tokio::main]
async fn main() {
    let keys = SandboxKeys {
        bluepay_merchant: key(include_str!("../../../tests/fixtures/merchant-2048.pem")),
        bluepay_gateway: key(include_str!("../../../tests/fixtures/gateway-2048.pem")),
        sgate_merchant: key(include_str!(
            "../../../tests/fixtures/sgate-merchant-2048.pem"
        )),
        sgate_system: key(include_str!(
            "../../../tests/fixtures/sgate-system-2048.pem"
        )),
    };
    let sandbox = Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(keys),
        auto_delay: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await
    .expect("the sandbox starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let control = format!("http://{}", listener.local_addr().expect("an address"));
    let world = World {
        bluepay: bluepay::Client::new(sandbox.bluepay_config()).expect("client"),
        jt: bluepay_jt::Client::new(sandbox.bluepay_jt_config()).expect("client"),
        sgate: sgate::Client::new(sandbox.sgate_config()).expect("client"),
        payin: sgate_payin::Client::new(sandbox.sgate_payin_config()).expect("client"),
        sandbox: Arc::new(sandbox),
        merchant: control.clone(),
        received: Arc::default(),
        next: Arc::default(),
    };
    world
        .sandbox
        .admin()
        .put(
            "settings",
            json!({ "sgate_callback_url": format!("{control}/notify/sgate"),
                    "bluepay_payout_notify_url": format!("{control}/notify/bluepay") }),
        )
        .await
        .expect("settings");
    let app = Router::new()
        .route("/qr", post(create_qr))
        .route("/bad-signature/{kind}", post(bad_signature))
        .route("/seed", post(seed))
        .route("/payin-order", post(payin_order))
        .route("/received", get(received))
        .fallback(notify)
        .with_state(world.clone());
    println!(
        "{}",
        json!({
            "dashboard_url": world.sandbox.dashboard_url(),
            "base_url": world.sandbox.base_url(),
            "control_url": control,
        })
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // Serve until the test closes standard input.
    let _ = tokio::task::spawn_blocking(|| {
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new())
    })
    .await;
}

/// The merchant's notification endpoint: verifies with the clients' verifiers, records the
/// outcome, acknowledges only what verified.
async fn notify(
    State(world): State<World>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let path = uri.path().to_string();
    let verdict: Result<String, String> = if path.starts_with("/notify/bluepay-jt") {
        world
            .jt
            .notifications()
            .verify(&body)
            .map(|e| format!("{e:?}"))
            .map_err(|e| e.to_string())
    } else if path.starts_with("/notify/bluepay") {
        world
            .bluepay
            .notifications()
            .verify(&body)
            .map(|e| format!("{e:?}"))
            .map_err(|e| e.to_string())
    } else {
        world
            .sgate
            .notifications()
            .verify(&headers, &path, &body)
            .map(|e| format!("{e:?}").chars().take(200).collect())
            .map_err(|e| e.to_string())
    };
    let verified = verdict.is_ok();
    let entry = match verdict {
        Ok(event) => json!({ "path": path, "verified": true, "event": event }),
        Err(why) => json!({ "path": path, "verified": false, "error": why }),
    };
    if let Ok(mut list) = world.received.lock() {
        list.push(entry);
    }
    if verified {
        (StatusCode::OK, bluepay::ACK_BODY)
    } else {
        (StatusCode::UNAUTHORIZED, "refused")
    }
}

async fn received(State(world): State<World>) -> Answer {
    let list = world.received.lock().map_err(fail)?.clone();
    Ok(Json(Value::Array(list)))
}

fn next_id(world: &World, prefix: &str) -> Result<String, (StatusCode, String)> {
    let mut n = world.next.lock().map_err(fail)?;
    *n += 1;
    Ok(format!("{prefix}{:04}", *n))
}

async fn create_qr(State(world): State<World>) -> Answer {
    let mch = next_id(&world, "DASHQR")?;
    let qr = world
        .bluepay
        .qr_code_create(
            bluepay::types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id(mch.clone())
                .amount(150)
                .notify_url(format!("{}/notify/bluepay", world.merchant)),
        )
        .await
        .map_err(fail)?;
    Ok(Json(
        json!({ "mchOrderId": mch, "transactionId": qr.transaction_id }),
    ))
}

/// A balance inquiry the sandbox must refuse, for the reason `kind` names.
async fn bad_signature(State(world): State<World>, Path(kind): Path<String>) -> Answer {
    let keys = world.sandbox.keys();
    let param = json!({ "timestamp": chrono_now_ms() }).to_string();
    let (signed, sent, signer) = match kind.as_str() {
        // The gateway's key stands in for "a key the sandbox does not hold for the merchant".
        "key" => (
            param.clone(),
            param,
            RsaSigner::new(&keys.bluepay_gateway, HashAlgorithm::Sha256),
        ),
        "hash" => (
            param.clone(),
            param,
            RsaSigner::new(&keys.bluepay_merchant, HashAlgorithm::Sha1),
        ),
        "bytes" => {
            let changed = param.replace(':', ": ");
            (
                param,
                changed,
                RsaSigner::new(&keys.bluepay_merchant, HashAlgorithm::Sha256),
            )
        }
        _ => return Err((StatusCode::NOT_FOUND, "kind is key, hash or bytes".into())),
    };
    let envelope = json!({
        "appId": world.sandbox.bluepay_app_id(),
        "param": sent,
        "sign": signer.sign_base64(signed.as_bytes()),
    });
    let answer: Value = reqwest::Client::new()
        .post(format!(
            "{}/open-api/account/balance",
            world.sandbox.bluepay_url()
        ))
        .json(&envelope)
        .send()
        .await
        .map_err(fail)?
        .json()
        .await
        .map_err(fail)?;
    Ok(Json(answer))
}

/// An SGATE Payin order to pay on the cashier (no callback URL: this world's endpoint verifies
/// the other gateways' POSTs).
async fn payin_order(State(world): State<World>) -> Answer {
    let merchant_order_id = next_id(&world, "DASHPAYIN")?;
    let order = world
        .payin
        .merchant_add_order(
            sgate_payin::types::MerchantAddOrderParam::builder()
                .merchant_order_id(merchant_order_id)
                .name("Dashboard order")
                .amount("25.00")
                .currency("SAR"),
        )
        .await
        .map_err(fail)?;
    Ok(Json(json!({ "id": order.id })))
}

fn chrono_now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// Objects on every gateway, for the screenshots.
async fn seed(State(world): State<World>) -> Answer {
    let merchant = &world.merchant;
    let payout = next_id(&world, "DASHPAYOUT")?;
    world
        .bluepay
        .call_json(
            "payout_create",
            json!({ "mchOrderId": payout, "idempotencyId": format!("{payout}IDEM"), "amount": 125_050,
                    "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN",
                    "accountNo": "0812345678" }),
        )
        .await
        .map_err(fail)?;
    let auth = next_id(&world, "DASHAUTH")?;
    world
        .jt
        .call_json(
            "direct_debit_token_apply",
            json!({ "userId": "rider001", "requestId": auth, "channelCode": "BLUEPAY_DIRECT_DEBIT",
                    "terminalType": "WEB", "notifyUrl": format!("{merchant}/notify/bluepay-jt/auth"),
                    "redirectUrl": "https://merchant.example/back" }),
        )
        .await
        .map_err(fail)?;
    let mercustomid = next_id(&world, "dash-")?;
    world
        .sgate
        .customer_create(
            sgate::types::CustomerCreateParam::builder()
                .name_e("Test Payee")
                .name_a("Test Payee")
                .mercustomid(mercustomid.clone())
                .identity("1012345678")
                .bankcode("1174c")
                .cardno("5123450000000001")
                .ibanaccount("SA0000000000000000000001"),
        )
        .await
        .map_err(fail)?;
    // The test account is approved after the sandbox's delay; the order needs it approved.
    tokio::time::sleep(Duration::from_millis(800)).await;
    world
        .sgate
        .payment_order_create(
            sgate::types::PaymentOrderCreateParam::builder()
                .mercustomid(&mercustomid)
                .payeeuid(next_id(&world, "DASHSG")?)
                .amount("18.75")
                .currency("SAR")
                .paymentmethod("bankTransfer"),
        )
        .await
        .map_err(fail)?;
    Ok(Json(
        json!({ "payout": payout, "authorization": auth, "customer": mercustomid }),
    ))
}
