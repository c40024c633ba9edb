//! BluePay JT: every operation over HTTP against the sandbox, the seed pages' examples, every
//! field rule refused before sending, notifications (openssl-signed and tampered), and the
//! report download.

use crate::common;

use base64::Engine as _;
use paybind::bluepay_jt::{
    self, types, Client, Config, Environment, Notification, Notifications, ResultCode,
};
use paybind::clock::FixedClock;
use paybind::envelope::{Error, HashAlgorithm, NotificationError, RsaSigner};
use paybind::keys::{PrivateKey, PublicKey};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

const APP_ID: &str = "3d717fb236534ef0a63f7c44c25260c6";

fn merchant_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("../fixtures/merchant-2048.pem")).unwrap()
}

async fn setup() -> (Sandbox, Client) {
    let key = merchant_key();
    let sandbox = Sandbox::start(SandboxConfig {
        bluepay_jt_app_id: APP_ID.into(),
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = Client::new(
        Config::new(
            Environment::Url(sandbox.bluepay_jt_url()),
            APP_ID,
            key.clone(),
            crate::common::bluepay_gateway_public(),
        )
        .clock(FixedClock(1_700_000_000_000)),
    )
    .unwrap();
    (sandbox, client)
}

/// Makes the next call of `operation` answer with exactly `body`.
async fn script(sandbox: &Sandbox, operation: &str, body: Value) {
    sandbox
        .admin()
        .put(
            "faults",
            json!({"gateway": "bluepay-jt", "operation": operation, "times": 1, "body": body}),
        )
        .await
        .unwrap();
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

const ADD_TICKET_SEED: &str = include_str!("../fixtures/seeds/bluepay-jt-add-ticket.txt");
const DD_DETAIL_SEED: &str = include_str!("../fixtures/seeds/bluepay-jt-direct-debit-detail.txt");

#[tokio::test]
async fn every_jt_operation_reaches_the_gateway_signed_and_valid() {
    let (sandbox, client) = setup().await;
    // The signatures are checked by openssl too, not only by paybind's verifier in the sandbox.
    let dir = tempfile::tempdir().unwrap();
    let public = common::openssl_public_pem(dir.path(), "merchant-2048.pem");
    let mut covered = Vec::new();
    for op in bluepay_jt::operations() {
        let example = common::request_example(bluepay_jt::spec(), op);
        let result = client.call_json(op.id, example.clone()).await;
        let seen = sandbox.requests().pop().expect("request logged");
        assert_eq!(seen.operation, op.id);
        assert!(seen.signature_ok, "{}: signature rejected", op.id);
        let (param, sign) = common::envelope_param_and_sign(&seen.body);
        assert!(
            common::openssl_verifies(dir.path(), &public, &param, &sign),
            "{}: openssl dgst -sha256 -verify refuses the signature sent",
            op.id
        );
        assert_eq!(
            seen.param, example,
            "{}: param differs from the docs' example",
            op.id
        );
        let errors = common::schema_errors(
            bluepay_jt::spec().document(),
            op.body_schema.unwrap(),
            &seen.param,
        );
        assert!(errors.is_empty(), "{}: {errors:?}", op.id);
        match result {
            Ok(_) => {}
            Err(Error::Api(api)) => assert!(
                ![21001, 21002, 21003, 21008, 21009].contains(&api.code.code()),
                "{}: {:?}",
                op.id,
                api
            ),
            Err(other) => panic!("{}: {other:?}", op.id),
        }
        covered.push(op.id);
    }
    assert_eq!(covered.len(), 13, "{covered:?}");
}

#[tokio::test]
async fn the_add_ticket_seed_round_trips() {
    let (sandbox, client) = setup().await;
    let param = seed_json(ADD_TICKET_SEED, "# Param content");
    let response = seed_json(ADD_TICKET_SEED, "# Response example");
    // The seed's request body carries the same param as a string.
    let body = seed_json(ADD_TICKET_SEED, "# Request body");
    let body_param: Value = serde_json::from_str(body["param"].as_str().unwrap()).unwrap();
    assert_eq!(body_param, param);

    // The sandbox's own answer: a ticket number for this request id.
    let typed: types::TicketAddParam = serde_json::from_value(param.clone()).unwrap();
    let own = client.ticket_add(typed.clone()).await.unwrap();
    assert_eq!(own.request_id.as_deref(), Some("wwtestce20252902"));
    // The seed's answer decodes to the same data.
    script(&sandbox, "ticket_add", response.clone()).await;
    let data = client.ticket_add(typed).await.unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert!(sent.signature_ok);
    assert!(
        common::schema_errors(bluepay_jt::spec().document(), "TicketAddParam", &sent.param)
            .is_empty()
    );
    // The ticket page has no timestamp field; nothing is added to the seed's param.
    assert_eq!(sent.param, param);
    assert_eq!(serde_json::to_value(&data).unwrap(), response["data"]);
}

#[tokio::test]
async fn the_direct_debit_detail_seed_round_trips_with_both_items() {
    let (sandbox, client) = setup().await;
    let param = seed_json(DD_DETAIL_SEED, "# Param content");
    let response = seed_json(DD_DETAIL_SEED, "# Response example");
    assert_eq!(response["data"]["items"].as_array().unwrap().len(), 2);
    // Unknown to the sandbox: 21006.
    let err = client
        .call_json("direct_debit_detail", param.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::TransactionNotFound));
    script(&sandbox, "direct_debit_detail", response.clone()).await;
    let data = client
        .call_json("direct_debit_detail", param.clone())
        .await
        .unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.param, param);
    assert_eq!(data, common::without_nulls(&response["data"]));
    let typed: types::DirectDebitDetailData = serde_json::from_value(data).unwrap();
    assert_eq!(typed.items.len(), 2);
}

/// Each documented field rule: a violating value is refused, naming the field, and nothing is sent.
#[tokio::test]
async fn every_field_rule_is_enforced_before_sending() {
    let (sandbox, client) = setup().await;
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
    assert!(sandbox.requests().is_empty(), "nothing may be sent");

    // The rider pays: no payerMobile needed, and the request goes out.
    let rider = with(&ticket, "payerType", json!(1)).pipe(|t| without(&t, "payerMobile"));
    client.call_json("ticket_add", rider).await.unwrap();
    assert_eq!(sandbox.requests().len(), 1);
    // A landline is a valid TH phone.
    client
        .call_json(
            "ticket_add",
            with(
                &with(&ticket, "courierMobile", json!("021234567")),
                "requestId",
                json!("wwtestce20252903"),
            ),
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
    let (sandbox, client) = setup().await;
    sandbox
        .admin()
        .put(
            "faults",
            json!({"gateway": "bluepay-jt", "operation": "qr_code_detail", "error_code": 21004}),
        )
        .await
        .unwrap();
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
    let (sandbox, client) = setup().await;
    // A paid QR code today (Thai date): it is in today's payment report.
    let jt = Client::new(sandbox.bluepay_jt_config()).unwrap();
    jt.call_json(
        "qr_code_create",
        json!({"channelCode": "THAI_DYNAMIC_QR", "mchOrderId": "RPT1", "amount": 1234, "notifyUrl": "http://127.0.0.1:9/n"}),
    )
    .await
    .unwrap();
    sandbox
        .admin()
        .pay_qr(paybind_sandbox::Gateway::BluePayJt, "RPT1")
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let param: types::ReportDownloadParam =
        serde_json::from_value(json!({"countryCode": "TH", "transDate": today, "transType": 2}))
            .unwrap();
    let mut out = Vec::new();
    let report = client
        .download_report(param.clone(), &mut out)
        .await
        .unwrap();
    assert_eq!(report.bytes, out.len() as u64);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("RPT1") && text.contains(",1234,"), "{text}");
    assert!(report.url.starts_with(&sandbox.bluepay_jt_url()));
    assert_eq!(report.content_type.as_deref(), Some("text/csv"));

    // A link to a file that is not there: HTTP 404.
    script(
        &sandbox,
        "report_download",
        json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/missing", sandbox.bluepay_jt_url())}}),
    )
    .await;
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
    let signature = common::openssl_sign(private_pem, "-sha256", param.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(signature)
}

#[test]
fn jt_notifications_signed_by_openssl_are_typed_and_tampering_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("gateway.pem");
    std::fs::write(&private_pem, include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let public = PrivateKey::from_file(&private_pem).unwrap().public_key();
    let verifier = Notifications::new(public, HashAlgorithm::Sha256);

    // The ticket result notification names the ticket `ticketNo` on one page, `ticketId` on another.
    for field in ["ticketId", "ticketNo"] {
        let param = format!(
            r#"{{"eventName":"ticket.status.closed","{field}":"202510201745349298","ticketStatus":"Closed","transactionStatus":"COMPLETED","customerServiceReply":"refunded"}}"#
        );
        let sign = openssl_sign(&private_pem, &param);
        let body = json!({"param": param, "sign": sign}).to_string();
        match verifier.verify(body.as_bytes()).unwrap() {
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
            verifier.verify(body.as_bytes()),
            Err(NotificationError::BadSignature(_))
        ));
    }
}

#[test]
fn every_jt_notification_example_is_typed_as_its_kind() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
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
            .verify(body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{schema}: {e}"));
        let (variant, value): (&str, Value) = match &event {
            Notification::DirectDebitAuthorization(n) => {
                ("DirectDebitAuthorization", serde_json::to_value(n).unwrap())
            }
            Notification::DirectDebitPayment(n) => {
                ("DirectDebitPayment", serde_json::to_value(n).unwrap())
            }
            Notification::QrCodePayment(n) => ("QrCodePayment", serde_json::to_value(n).unwrap()),
            Notification::TicketResult(n) => ("TicketResult", serde_json::to_value(n).unwrap()),
            Notification::Settled(n) => ("Settled", serde_json::to_value(n).unwrap()),
            Notification::SettlementV2(n) => ("SettlementV2", serde_json::to_value(n).unwrap()),
            other => panic!("{schema}: {other:?}"),
        };
        assert_eq!(variant, entry["kind"].as_str().unwrap(), "{schema}");
        // Every field kept, with its value (`Closed` comes back as the tables' `CLOSED`).
        assert!(
            crate::examples_roundtrip::same_modulo_spelling(&value, example),
            "{schema}: fields lost or changed\n  got: {value}\n want: {example}"
        );
    }
}

/// The public half of a private key, as bare Base64 of SPKI DER (the form consoles show).
fn pem_public(key: &PrivateKey) -> String {
    let dir = tempfile::tempdir().unwrap();
    let private_pem = dir.path().join("k.pem");
    std::fs::write(&private_pem, include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let der = common::openssl_out(&[
        "pkey",
        "-pubout",
        "-outform",
        "DER",
        "-in",
        private_pem.to_str().expect("UTF-8 path"),
    ]);
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    assert_eq!(PublicKey::from_text(&text).unwrap(), key.public_key());
    text
}

#[test]
fn jt_settlement_notifications_are_told_apart_by_their_fields() {
    let gateway = PrivateKey::from_text(include_str!("../fixtures/gateway-2048.pem")).unwrap();
    let signer = RsaSigner::new(&gateway, HashAlgorithm::Sha256);
    let verifier = Notifications::new(gateway.public_key(), HashAlgorithm::Sha256);
    let spec = bluepay_jt::spec().document();
    for (schema, kind) in [
        ("SettledNotification", "Settled("),
        ("SettlementV2Notification", "SettlementV2("),
    ] {
        let param = spec["components"]["schemas"][schema]["example"].to_string();
        let body = json!({"param": param, "sign": signer.sign_base64(param.as_bytes())});
        let event = verifier.verify(body.to_string().as_bytes()).unwrap();
        assert!(
            format!("{event:?}").starts_with(kind),
            "{schema}: {event:?}"
        );
    }
}
