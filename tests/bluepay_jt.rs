//! BluePay JT: every operation over HTTP, the seed pages' examples, every field rule refused
//! before sending, notifications (openssl-signed and tampered), and the report download.
#![cfg(feature = "bluepay-jt")]

mod common;

use std::process::Command;

use base64::Engine as _;
use common::{EnvelopeServer, Reply};
use paybind::bluepay_jt::{
    self, types, Client, Config, Environment, Notification, Notifications, ResultCode,
};
use paybind::clock::FixedClock;
use paybind::envelope::{Error, HashAlgorithm, NotifyError, RsaSigner};
use paybind::keys::{PrivateKey, PublicKey};
use serde_json::{json, Value};

const APP_ID: &str = "3d717fb236534ef0a63f7c44c25260c6";

fn merchant_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("fixtures/merchant-2048.pem")).unwrap()
}

async fn setup() -> (EnvelopeServer, Client) {
    let key = merchant_key();
    let server = EnvelopeServer::start(
        bluepay_jt::spec().document(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let client = Client::new(
        Config::new(Environment::Url(server.base_url.clone()), APP_ID, &key)
            .clock(FixedClock(1_700_000_000_000)),
    )
    .unwrap();
    (server, client)
}

/// The JSON object that follows `heading` in a seed page.
fn seed_json(seed: &str, heading: &str) -> Value {
    let start = seed.find(heading).unwrap_or_else(|| panic!("no {heading}")) + heading.len();
    let rest = &seed[start..];
    let open = rest.find('{').unwrap();
    let mut depth = 0;
    for (i, c) in rest[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return serde_json::from_str(&rest[open..=open + i]).unwrap();
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced JSON after {heading}")
}

const ADD_TICKET_SEED: &str = include_str!("fixtures/seeds/bluepay-jt-add-ticket.txt");
const DD_DETAIL_SEED: &str = include_str!("fixtures/seeds/bluepay-jt-direct-debit-detail.txt");

#[tokio::test]
async fn every_jt_operation_round_trips_over_http() {
    let (server, client) = setup().await;
    let covered = common::check_every_operation(
        &server,
        bluepay_jt::spec(),
        bluepay_jt::operations(),
        APP_ID,
        async |id, param| {
            client
                .call_json(id, param)
                .await
                .map_err(|e| format!("{e:?}"))
        },
    )
    .await;
    assert_eq!(covered.len(), 12, "{covered:?}");
}

#[tokio::test]
async fn the_add_ticket_seed_round_trips() {
    let (server, client) = setup().await;
    let param = seed_json(ADD_TICKET_SEED, "# Param content");
    let response = seed_json(ADD_TICKET_SEED, "# Response example");
    // The seed's request body carries the same param as a string.
    let body = seed_json(ADD_TICKET_SEED, "# Request body");
    let body_param: Value = serde_json::from_str(body["param"].as_str().unwrap()).unwrap();
    assert_eq!(body_param, param);

    server.script("ticket_add", Reply::Json(response.clone()));
    let typed: types::TicketAddParam = serde_json::from_value(param.clone()).unwrap();
    let data = client.ticket_add(typed).await.unwrap();
    let sent = server.recorded().pop().unwrap();
    assert!(sent.signature_ok && sent.schema_errors.is_empty());
    // The ticket page has no timestamp field; nothing is added to the seed's param.
    assert_eq!(sent.param, param);
    assert_eq!(serde_json::to_value(&data).unwrap(), response["data"]);
}

#[tokio::test]
async fn the_direct_debit_detail_seed_round_trips_with_both_items() {
    let (server, client) = setup().await;
    let param = seed_json(DD_DETAIL_SEED, "# Param content");
    let response = seed_json(DD_DETAIL_SEED, "# Response example");
    assert_eq!(response["data"]["items"].as_array().unwrap().len(), 2);
    server.script("direct_debit_detail", Reply::Json(response.clone()));
    let data = client
        .call_json("direct_debit_detail", param.clone())
        .await
        .unwrap();
    let sent = server.recorded().pop().unwrap();
    assert_eq!(sent.param, param);
    assert_eq!(data, common::without_nulls(&response["data"]));
    let typed: types::DirectDebitDetailData = serde_json::from_value(data).unwrap();
    assert_eq!(typed.items.len(), 2);
}

/// Each documented field rule: a violating value is refused, naming the field, and nothing is sent.
#[tokio::test]
async fn every_field_rule_is_enforced_before_sending() {
    let (server, client) = setup().await;
    let ticket = seed_json(ADD_TICKET_SEED, "# Param content");
    let pay = bluepay_jt::spec()
        .document()
        .pointer("/paths/~1open-api~1jt~1direct~1debit~1pay/post/requestBody/content/application~1json/example")
        .cloned()
        .unwrap();
    assert!(pay["items"].as_array().is_some_and(|i| !i.is_empty()));

    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "ticket_add",
            with(&ticket, "mchOrderId", json!("ORD-1")),
            "mchOrderId",
        ),
        (
            "ticket_add",
            with(&ticket, "mchOrderId", json!("A".repeat(33))),
            "mchOrderId",
        ),
        (
            "ticket_add",
            with(&ticket, "courierMobile", json!("0111111111")),
            "courierMobile",
        ),
        (
            "ticket_add",
            with(&ticket, "courierMobile", json!("061111111")),
            "courierMobile",
        ),
        (
            "ticket_add",
            with(&ticket, "payerMobile", json!("0112345678")),
            "payerMobile",
        ),
        (
            "ticket_add",
            with(&ticket, "amount", json!(100.5)),
            "amount",
        ),
        (
            "ticket_add",
            with(&ticket, "payerType", json!(4)),
            "payerType",
        ),
        ("ticket_add", without(&ticket, "payerMobile"), "payerMobile"),
        (
            "ticket_add",
            with(&ticket, "payerType", json!(3)).pipe(|t| without(&t, "payerMobile")),
            "payerMobile",
        ),
        (
            "ticket_add",
            with(&ticket, "transactionDate", json!("2025/10/29")),
            "transactionDate",
        ),
        (
            "ticket_add",
            with(&ticket, "transactionDate", json!("2025-02-30")),
            "transactionDate",
        ),
        (
            "ticket_add",
            with(&ticket, "problemDescription", json!("x".repeat(501))),
            "problemDescription",
        ),
        (
            "ticket_add",
            with(&ticket, "proofImage", json!(["a", "b", "c", "d", "e", "f"])),
            "proofImage",
        ),
        (
            "ticket_add",
            with(&ticket, "ticketType", json!(2)),
            "ticketType",
        ),
        (
            "direct_debit_pay",
            with(&pay, "projectType", json!("HOME")),
            "projectType",
        ),
        (
            "direct_debit_pay",
            with(&pay, "businessType", json!(3)),
            "businessType",
        ),
        (
            "direct_debit_pay",
            item(&pay, "subOrderId", json!("S".repeat(33))),
            "items[0].subOrderId",
        ),
        (
            "direct_debit_pay",
            item(&pay, "regionNo", json!("north-1")),
            "items[0].regionNo",
        ),
        (
            "direct_debit_pay",
            item(&pay, "branchNo", json!("B".repeat(101))),
            "items[0].branchNo",
        ),
        (
            "direct_debit_pay",
            item(&pay, "courierNo", json!("C 1")),
            "items[0].courierNo",
        ),
        (
            "direct_debit_pay",
            item(&pay, "customerMobile", json!("60128888888")),
            "items[0].customerMobile",
        ),
    ];
    for (op, param, field) in cases {
        let err = client.call_json(op, param).await.unwrap_err();
        match &err {
            Error::Validation(v) => assert_eq!(v.field, field, "{op}: {v}"),
            other => panic!("{op} {field}: {other:?}"),
        }
    }
    assert!(server.recorded().is_empty(), "nothing may be sent");

    // The rider pays: no payerMobile needed, and the request goes out.
    let rider = with(&ticket, "payerType", json!(1)).pipe(|t| without(&t, "payerMobile"));
    client.call_json("ticket_add", rider).await.unwrap();
    assert_eq!(server.recorded().len(), 1);
    // A landline is a valid TH phone.
    client
        .call_json(
            "ticket_add",
            with(&ticket, "courierMobile", json!("021234567")),
        )
        .await
        .unwrap();
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

fn with(base: &Value, field: &str, value: Value) -> Value {
    let mut v = base.clone();
    v[field] = value;
    v
}

fn without(base: &Value, field: &str) -> Value {
    let mut v = base.clone();
    v.as_object_mut().unwrap().remove(field);
    v
}

fn item(base: &Value, field: &str, value: Value) -> Value {
    let mut v = base.clone();
    v["items"][0][field] = value;
    v
}

#[tokio::test]
async fn jt_codes_mean_what_the_jt_list_says() {
    let (server, client) = setup().await;
    server.script(
        "qr_code_detail",
        Reply::Json(json!({"code": 21004, "message": "Merchant info error"})),
    );
    let err = client
        .call_json("qr_code_detail", json!({"mchOrderId": "PC880001"}))
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(21004));
    assert_eq!(err.code().unwrap().message(), Some("Merchant info error"));
    let any_jt_only = ResultCode::KNOWN
        .iter()
        .any(|c| (21701..=21715).contains(&c.code()));
    assert!(any_jt_only, "the 217xx codes are in the JT table");
}

#[tokio::test]
async fn report_download_streams_the_file() {
    let (server, client) = setup().await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.serve_file("/files/report.csv.gpg", file.clone());
    server.script(
        "report_download",
        Reply::Json(json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/report.csv.gpg", server.base_url)}})),
    );
    let param: types::ReportDownloadParam = serde_json::from_value(
        bluepay_jt::spec()
            .document()
            .pointer("/paths/~1open-api~1report~1download/post/requestBody/content/application~1json/example")
            .cloned()
            .unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    let report = client.download_report(param, &mut out).await.unwrap();
    assert_eq!(report.bytes, file.len() as u64);
    assert_eq!(out, file);
    assert!(report.url.ends_with("/files/report.csv.gpg"));

    server.script(
        "report_download",
        Reply::Json(json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/missing", server.base_url)}})),
    );
    let param: types::ReportDownloadParam = serde_json::from_value(
        bluepay_jt::spec()
            .document()
            .pointer("/paths/~1open-api~1report~1download/post/requestBody/content/application~1json/example")
            .cloned()
            .unwrap(),
    )
    .unwrap();
    let err = client
        .download_report(param, &mut Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Http { status, .. } if status.as_u16() == 404),
        "{err:?}"
    );
}

fn openssl_sign(private_pem: &std::path::Path, param: &str) -> String {
    let dir = private_pem.parent().unwrap();
    let file = dir.join("param.txt");
    std::fs::write(&file, param).unwrap();
    let sig = dir.join("param.sig");
    let out = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(private_pem)
        .arg("-out")
        .arg(&sig)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    base64::engine::general_purpose::STANDARD.encode(std::fs::read(sig).unwrap())
}

#[test]
fn jt_notifications_signed_by_openssl_are_typed_and_tampering_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("gateway.pem");
    std::fs::write(&private_pem, include_str!("fixtures/gateway-2048.pem")).unwrap();
    let public = PrivateKey::from_file(&private_pem).unwrap().public_key();
    let verifier = Notifications::new(public, HashAlgorithm::Sha256);

    // The ticket result notification names the ticket `ticketNo` on one page, `ticketId` on another.
    for field in ["ticketId", "ticketNo"] {
        let param = format!(
            r#"{{"eventName":"ticket.status.closed","{field}":"202510201745349298","ticketStatus":"Closed","transactionStatus":"COMPLETED","customerServiceReply":"refunded"}}"#
        );
        let sign = openssl_sign(&private_pem, &param);
        let body = json!({"param": param, "sign": sign}).to_string();
        match verifier.verify_notification(body.as_bytes()).unwrap() {
            Notification::TicketResult(n) => {
                let id = n.ticket_id.or(n.ticket_no).map(|s| s.to_string());
                assert_eq!(id.as_deref(), Some("202510201745349298"));
                assert_eq!(n.ticket_status, bluepay_jt::TicketStatus::Closed);
            }
            other => panic!("{other:?}"),
        }
        let tampered = param.replace("refunded", "refundee");
        let body = json!({"param": tampered, "sign": sign}).to_string();
        assert!(matches!(
            verifier.verify_notification(body.as_bytes()),
            Err(NotifyError::BadSignature(_))
        ));
    }
}

#[test]
fn every_jt_notification_example_is_typed_as_its_kind() {
    let gateway = PrivateKey::from_text(include_str!("fixtures/gateway-2048.pem")).unwrap();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = Notifications::new(
        PublicKey::from_text(&pem_public(&gateway)).unwrap(),
        HashAlgorithm::Sha256,
    );
    let spec = bluepay_jt::spec().document();
    let kinds = spec["info"]["x-notifications"].as_array().unwrap();
    assert_eq!(kinds.len(), 6);
    for entry in kinds {
        let schema = entry["schema"].as_str().unwrap();
        let example = &spec["components"]["schemas"][schema]["example"];
        let param = example.to_string();
        let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
        let event = verifier
            .verify_notification(body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{schema}: {e}"));
        let variant = format!("{event:?}");
        let kind = entry["kind"].as_str().unwrap();
        assert!(
            variant.starts_with(&format!("{kind}(")),
            "{schema}: got {variant}"
        );
    }
}

/// The public half of a private key, as bare Base64 of SPKI DER (the form consoles show).
fn pem_public(key: &PrivateKey) -> String {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("k.pem");
    std::fs::write(&private_pem, include_str!("fixtures/gateway-2048.pem")).unwrap();
    let out = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&private_pem)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = base64::engine::general_purpose::STANDARD.encode(out.stdout);
    assert_eq!(PublicKey::from_text(&text).unwrap(), key.public_key());
    text
}

#[test]
fn jt_settlement_notifications_are_told_apart_by_their_fields() {
    let gateway = PrivateKey::from_text(include_str!("fixtures/gateway-2048.pem")).unwrap();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let spec = bluepay_jt::spec().document();
    for (schema, kind) in [
        ("SettledNotification", "Settled("),
        ("SettlementV2Notification", "SettlementV2("),
    ] {
        let param = spec["components"]["schemas"][schema]["example"].to_string();
        let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
        let event = verifier
            .verify_notification(body.to_string().as_bytes())
            .unwrap();
        assert!(
            format!("{event:?}").starts_with(kind),
            "{schema}: {event:?}"
        );
    }
}
