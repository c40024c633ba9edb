//! Issue 22 item 1: every setter of a param builder takes the value as the gateway's docs write
//! it — one test per kind of setter — and what a setter cannot convert comes back with the
//! spec's violations in one `Error::Validation`, each naming the wire field, with nothing sent.
//! The param text is the text the model serialises to for the same values, byte for byte (the
//! BluePay signature covers exactly that text).

use paybind::clock::FixedClock;
use paybind::money::{Amount, Decimal2};
use paybind::{bluepay, bluepay_jt, sgate};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

use crate::{common, sgate_support};

const NOW: i64 = 1_700_000_000_000;

/// A sandbox without a timestamp window: the clients run on a fixed clock, so two calls with
/// the same values sign the same text.
async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .expect("sandbox")
}

fn bluepay(sandbox: &Sandbox) -> bluepay::Client {
    bluepay::Client::new(sandbox.bluepay_config().clock(FixedClock(NOW))).expect("client")
}

fn jt(sandbox: &Sandbox) -> bluepay_jt::Client {
    bluepay_jt::Client::new(sandbox.bluepay_jt_config().clock(FixedClock(NOW))).expect("client")
}

/// The `param` text of the last envelope request, exactly as signed.
fn last_param(sandbox: &Sandbox) -> String {
    let request = sandbox.requests().pop().expect("a request arrived");
    request.param_text.expect("an envelope param")
}

/// The body text of the last SGATE request, exactly as signed.
fn last_body(sandbox: &Sandbox) -> String {
    sgate_support::last(sandbox).body
}

/// The violations of a validation error as (field, reason) pairs.
fn violations<C: paybind::codes::Code>(error: &paybind::error::Error<C>) -> Vec<(String, String)> {
    let paybind::error::Error::Validation(validation) = error else {
        panic!("not a validation error: {error:?}");
    };
    validation
        .violations()
        .into_iter()
        .map(|v| (v.field, v.reason))
        .collect()
}

fn pair(field: &str, reason: &str) -> (String, String) {
    (field.to_string(), reason.to_string())
}

fn qr(mch: &str) -> bluepay::types::builder::QrCodeCreateParam {
    bluepay::types::QrCodeCreateParam::builder()
        .channel_code("THAI_DYNAMIC_QR")
        .mch_order_id(mch)
        .notify_url("https://merchant.example/notify")
}

fn ticket() -> bluepay_jt::types::builder::TicketAddParam {
    bluepay_jt::types::TicketAddParam::builder()
        .request_id("SETTERS0001")
        .mch_order_id("ORDER20260001")
        .amount(100_000)
        .payer_type(1)
        .courier_mobile("0611111111")
        .transaction_date("2025-10-29")
        .notify_url("https://merchant.example/jt/ticket")
        .problem_description("Parcel delivered, payment stuck in PENDING")
        .proof_image(["bluepay/onboard/extern/a.jpg"])
}

fn order() -> sgate::types::builder::PaymentOrderCreateParam {
    sgate::types::PaymentOrderCreateParam::builder()
        .payeeuid("SETTERS0001")
        .amount("18.75")
        .currency("SAR")
        .paymentmethod("bankTransfer")
}

/// An optional constrained string (`mercustomid`: 1-128 characters) takes the documented text;
/// too long, it is refused by name and nothing is sent.
#[tokio::test]
async fn an_optional_constrained_string_takes_text() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let _ = client
        .payment_order_create(order().mercustomid("u004"))
        .await;
    let sent: Value = serde_json::from_str(&last_body(&sandbox)).unwrap();
    assert_eq!(sent["mercustomid"], "u004");

    let before = sandbox.requests().len();
    let error = client
        .payment_order_create(order().mercustomid("u".repeat(129)))
        .await
        .expect_err("too long");
    assert_eq!(
        violations(&error),
        [pair("mercustomid", "longer than 128 characters")]
    );
    assert_eq!(sandbox.requests().len(), before, "nothing was sent");
}

/// An integer-coded enum (`ticketType`, documented values `1`) takes the documented number, as its typed value
/// does; another number is refused by name.
#[tokio::test]
async fn an_integer_enum_takes_the_documented_number() {
    let sandbox = sandbox().await;
    let client = jt(&sandbox);
    let _ = client.ticket_add(ticket().ticket_type(1)).await;
    let by_number = last_param(&sandbox);
    let typed = bluepay_jt::types::TicketAddParamTicketType::try_from(1).unwrap();
    let _ = client.ticket_add(ticket().ticket_type(typed)).await;
    assert_eq!(last_param(&sandbox), by_number);
    let sent: Value = serde_json::from_str(&by_number).unwrap();
    assert_eq!(sent["ticketType"], json!(1));

    let before = sandbox.requests().len();
    let error = client
        .ticket_add(ticket().ticket_type(2))
        .await
        .expect_err("not a ticket type");
    assert_eq!(violations(&error), [pair("ticketType", "must be one of 1")]);
    assert_eq!(sandbox.requests().len(), before, "nothing was sent");
}

/// A string enum takes its documented text; the typed variant sends the same bytes; a text
/// that is not one of the values is refused by name.
#[tokio::test]
async fn a_string_enum_takes_text_or_its_variant() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let _ = client
        .payment_order_create(order().mercustomid("u004").currency("SAR"))
        .await;
    let by_text = last_body(&sandbox);
    let _ = client
        .payment_order_create(order().mercustomid("u004").currency(sgate::Currency::Sar))
        .await;
    assert_eq!(last_body(&sandbox), by_text);
    assert!(by_text.contains(r#""currency":"SAR""#), "{by_text}");

    let error = client
        .payment_order_create(order().mercustomid("u004").currency("sar"))
        .await
        .expect_err("not a currency");
    assert_eq!(
        violations(&error),
        [pair("currency", r#"must be one of "SAR", "KWD", "AED""#)]
    );
}

/// Money takes the docs' text, BluePay's integer satang or a ready amount, with the same bytes;
/// an extra decimal place is refused naming the wire field (and not also as missing), before
/// anything is sent.
#[tokio::test]
async fn money_takes_text_minor_units_or_a_ready_amount() {
    let sandbox = sandbox().await;
    let client = bluepay(&sandbox);
    let _ = client.qr_code_create(qr("SETMONEY1").amount(100_000)).await;
    let satang = last_param(&sandbox);
    assert!(satang.contains(r#""amount":100000"#), "{satang}");
    let _ = client
        .qr_code_create(qr("SETMONEY1").amount("1000.00"))
        .await;
    assert_eq!(last_param(&sandbox), satang);
    let ready = Amount::from_minor_units(100_000);
    let _ = client.qr_code_create(qr("SETMONEY1").amount(ready)).await;
    assert_eq!(last_param(&sandbox), satang);

    let before = sandbox.requests().len();
    let error = client
        .qr_code_create(qr("SETMONEY2").amount("1000.001"))
        .await
        .expect_err("a fraction of a satang");
    // `amount` is required, and required again by the rule for THAI_DYNAMIC_QR: its conversion
    // problem is reported once, alone.
    assert_eq!(
        violations(&error),
        [pair("amount", "must have at most 2 decimal places")]
    );
    assert_eq!(sandbox.requests().len(), before, "nothing was sent");

    let sgate_sandbox = sgate_support::sandbox().await;
    let sgate_client = sgate_support::client(&sgate_sandbox);
    let _ = sgate_client
        .payment_order_create(order().mercustomid("u004").amount("18.75"))
        .await;
    let text = last_body(&sgate_sandbox);
    assert!(text.contains(r#""amount":18.75"#), "{text}");
    let _ = sgate_client
        .payment_order_create(
            order()
                .mercustomid("u004")
                .amount(Decimal2::from_minor_units(1875)),
        )
        .await;
    assert_eq!(last_body(&sgate_sandbox), text);
    let error = sgate_client
        .payment_order_create(order().mercustomid("u004").amount("18.751"))
        .await
        .expect_err("three decimal places");
    assert_eq!(
        violations(&error),
        [pair("amount", "must have at most 2 decimal places")]
    );
}

/// A list takes the values (an array, a `Vec`); a list of nested models takes their builders,
/// whose problems are named below the list (`items[1].amount`).
#[tokio::test]
async fn a_list_takes_the_values() {
    let sandbox = sandbox().await;
    let client = jt(&sandbox);
    let images = [
        "bluepay/onboard/extern/a.jpg",
        "bluepay/onboard/extern/b.jpg",
    ];
    let _ = client
        .ticket_add(ticket().ticket_type(1).proof_image(images))
        .await;
    let by_array = last_param(&sandbox);
    let sent: Value = serde_json::from_str(&by_array).unwrap();
    assert_eq!(sent["proofImage"], json!(images));
    let owned: Vec<String> = images.iter().map(|s| s.to_string()).collect();
    let _ = client
        .ticket_add(ticket().ticket_type(1).proof_image(owned))
        .await;
    assert_eq!(last_param(&sandbox), by_array);

    let item = |sub: &str, amount: &str| {
        bluepay_jt::types::CodItem::builder()
            .sub_order_id(sub)
            .amount(amount)
            .region_no("001")
            .branch_no("B01")
            .courier_no("C01")
    };
    let before = sandbox.requests().len();
    let error = client
        .qr_code_create(
            bluepay_jt::types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("SETLIST1")
                .amount(150)
                .business_type(1)
                .project_type("PPCASH")
                .notify_url("https://merchant.example/jt/qr")
                .items([item("SUB0001", "1.00"), item("SUB0002", "0.505")]),
        )
        .await
        .expect_err("a fraction of a satang in an item");
    assert_eq!(
        violations(&error),
        [pair(
            "items[1].amount",
            "must have at most 2 decimal places"
        )]
    );
    assert_eq!(sandbox.requests().len(), before, "nothing was sent");
}

/// An optional member is set by value; its `_option` setter takes an `Option`: `Some` sends the
/// same bytes as the value, `None` leaves the member out, even after it was set.
#[tokio::test]
async fn an_option_sets_or_leaves_out() {
    let sandbox = sandbox().await;
    let client = bluepay(&sandbox);
    let _ = client
        .qr_code_create(qr("SETOPT1").amount(100).remark("ค่าส่ง"))
        .await;
    let by_value = last_param(&sandbox);
    assert!(by_value.contains(r#""remark":"ค่าส่ง""#), "{by_value}");
    let held: Option<String> = Some("ค่าส่ง".into());
    let _ = client
        .qr_code_create(qr("SETOPT1").amount(100).remark_option(held))
        .await;
    assert_eq!(last_param(&sandbox), by_value);

    let _ = client.qr_code_create(qr("SETOPT2").amount(100)).await;
    let without = last_param(&sandbox);
    assert!(!without.contains("remark"), "{without}");
    let _ = client
        .qr_code_create(
            qr("SETOPT2")
                .amount(100)
                .remark("ค่าส่ง")
                .remark_option(None::<&str>),
        )
        .await;
    assert_eq!(last_param(&sandbox), without);
}

/// Conversion problems and the spec's violations come back together, in one
/// `Error::Validation`, each naming the wire field; nothing reaches the gateway.
#[tokio::test]
async fn conversion_problems_and_violations_come_back_together() {
    let sandbox = sandbox().await;
    let client = bluepay(&sandbox);
    let error = client
        .payout_create(
            bluepay::types::PayoutCreateParam::builder()
                .mch_order_id("ORD-1") // the pattern allows letters and digits only
                .idempotency_id("IDEMPOTENT01")
                .amount("12.345") // a fraction of a satang
                .pay_method_code("BANK") // needs transferCode, accountName, … (x-rules)
                .account_name("Somchai")
                .account_type("INDIVIDUAL")
                .account_tax_id("1101700203451")
                .mobile("0812345678"),
            // no accountNo: required
        )
        .await
        .expect_err("refused");
    assert_eq!(
        violations(&error),
        [
            pair("amount", "must have at most 2 decimal places"),
            pair("accountNo", "is required"),
            pair("mchOrderId", "does not match ^[A-Za-z0-9]{1,32}$"),
            pair("transferCode", "is required when payMethodCode is \"BANK\""),
        ]
    );
    let shown = error.to_string();
    assert!(
        shown.contains("amount: must have at most 2 decimal places"),
        "{shown}"
    );
    assert!(
        !shown.contains("12.345"),
        "a value is never quoted: {shown}"
    );
    assert!(!error.outcome_unknown());
    assert!(sandbox.requests().is_empty(), "nothing was signed or sent");
}

/// The param text a builder sends is the text the model serialises to for the same values (as
/// paybind sent it before the builders took documented values): member order, optional members
/// left out, amounts with their digits. A ready model sends the same text through its builder.
#[tokio::test]
async fn the_param_text_is_the_models_text() {
    let sandbox = sandbox().await;
    let client = bluepay(&sandbox);
    let by_setters = bluepay::types::PayoutCreateParam::builder()
        .timestamp(NOW)
        .mch_order_id("PAYOUT0001")
        .idempotency_id("PAYOUT0001IDEM")
        .amount(150_050)
        .pay_method_code("BANK")
        .transfer_code("014")
        .account_no("1234567890")
        .account_name("สมชาย ใจดี")
        .account_type("INDIVIDUAL")
        .account_tax_id("1101700203451")
        .mobile("0812345678")
        .remark("ค่าส่ง \"พิเศษ\" / 1");
    let model: bluepay::types::PayoutCreateParam = serde_json::from_value(json!({
        "timestamp": NOW, "mchOrderId": "PAYOUT0001", "idempotencyId": "PAYOUT0001IDEM",
        "amount": 150050, "payMethodCode": "BANK", "transferCode": "014",
        "accountNo": "1234567890", "accountName": "สมชาย ใจดี", "accountType": "INDIVIDUAL",
        "accountTaxId": "1101700203451", "mobile": "0812345678", "remark": "ค่าส่ง \"พิเศษ\" / 1"
    }))
    .unwrap();
    // The payee's account, name, tax id and mobile are `x-sensitive`: the model serialises them
    // redacted outside the pipeline, and the pipeline sends them as given, in the same places.
    let redacted_text = serde_json::to_string(&model).unwrap();
    let plain = ["สมชาย ใจดี", "1234567890", "1101700203451", "0812345678"];
    assert!(
        !plain.iter().any(|p| redacted_text.contains(p)),
        "{redacted_text}"
    );
    let models_text = plain.iter().fold(redacted_text, |text, p| {
        text.replacen("\"[redacted]\"", &json!(p).to_string(), 1)
    });
    let _ = client.payout_create(by_setters).await;
    assert_eq!(last_param(&sandbox), models_text);
    let _ = client.payout_create(model).await;
    assert_eq!(last_param(&sandbox), models_text);

    let jt_client = jt(&sandbox);
    let model: bluepay_jt::types::TicketAddParam = serde_json::from_value(json!({
        "requestId": "SETTERS0001", "mchOrderId": "ORDER20260001", "amount": 100000,
        "ticketType": 1, "payerType": 1, "courierMobile": "0611111111",
        "transactionDate": "2025-10-29", "notifyUrl": "https://merchant.example/jt/ticket",
        "problemDescription": "Parcel delivered, payment stuck in PENDING",
        "proofImage": ["bluepay/onboard/extern/a.jpg"]
    }))
    .unwrap();
    let _ = jt_client.ticket_add(ticket().ticket_type(1)).await;
    assert_eq!(last_param(&sandbox), serde_json::to_string(&model).unwrap());

    let sgate_sandbox = sgate_support::sandbox().await;
    let sgate_client = sgate_support::client(&sgate_sandbox);
    let model: sgate::types::PaymentOrderCreateParam = serde_json::from_value(json!({
        "mercustomid": "u004", "payeeuid": "SETTERS0001", "amount": 2002.5,
        "currency": "SAR", "paymentmethod": "bankTransfer"
    }))
    .unwrap();
    let _ = sgate_client
        .payment_order_create(order().mercustomid("u004").amount("2002.50"))
        .await;
    assert_eq!(
        last_body(&sgate_sandbox),
        serde_json::to_string(&model).unwrap()
    );
}

/// A builder converts into its model (`TryFrom`), or reports every problem; its `Debug` names
/// the members set, never a value (an SGATE identity is sent encrypted and never printed).
#[test]
fn a_builder_converts_and_prints_no_value() {
    let builder = sgate::types::CustomerCreateParam::builder()
        .name_e("Test Payee")
        .name_a("Test Payee")
        .mercustomid("u004")
        .identity("1012345678")
        .stcaccount("512345678");
    let shown = format!("{builder:?}");
    assert!(shown.contains("identity"), "{shown}");
    assert!(!shown.contains("1012345678"), "{shown}");
    let model = sgate::types::CustomerCreateParam::try_from(builder).expect("a model");
    assert_eq!(model.identity.expose(), "1012345678");

    let refused = sgate::types::PaymentOrderCreateParam::try_from(order().amount("1.001"))
        .expect_err("three decimal places");
    assert_eq!(refused.field, "amount");
}
