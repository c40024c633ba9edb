//! Fixtures (`SandboxConfig::fixtures`, `paybind sandbox --fixtures`): the world they describe
//! is the one the gateways answer from at start — balances, orders in their states, an SGATE
//! payment order of a customer named by its fixture name, SGATE Payin orders paid and refunded
//! — loaded quietly; JSON and TOML say
//! the same; a dangling reference and a bad member are refused at start, naming the entry and
//! the member, never the value; `POST /admin/reset` returns to them.

use paybind_sandbox::{FixtureSource, Gateway, Sandbox, SandboxConfig, Trigger, TriggerEvent};
use serde_json::{json, Value};

use crate::common;

/// A card number: a value no error may quote.
const CARD: &str = "5123450000000001";

fn fixtures() -> Value {
    json!({
        "balances": {"bluepay": 5_000_000, "bluepay-jt": 70_000, "sgate": {"SAR": "2500.50", "KWD": "100.125"}},
        "rules": [{"kind": "payout", "amount_ends_with": "13", "outcome": "failed", "failed_code": -10001}],
        "faults": [{"gateway": "sgate", "operation": "bank_list", "http_status": 503}],
        "settings": {"sgate_callback_url": "http://127.0.0.1:9/callback"},
        "orders": [
            {"name": "paid", "kind": "qr", "mchOrderId": "FXQR1", "amount": 1500, "status": "completed"},
            {"kind": "qr", "mchOrderId": "FXQR2", "amount": 900},
            {"gateway": "bluepay-jt", "kind": "payout", "mchOrderId": "FXPO1", "amount": 2000,
             "status": "failed", "failedCode": -10002}
        ],
        "refunds": [{"order": "paid", "mchRefundOrderId": "FXRF1", "amount": 500, "status": "completed"}],
        "customers": [
            {"name": "alice", "mercustomid": "fx-alice", "name_e": "Alice", "identity": "1012345678", "address": "Riyadh",
             "cardno": CARD, "ibanaccount": "SA0000000000000000000001"},
            {"name": "bob", "mercustomid": "fx-bob", "status": "pending", "ibanaccount": "SA4420000001234567891234"}
        ],
        "payment_orders": [
            {"customer": "alice", "payeeuid": "FXPAY1", "amount": "100.00", "status": "completed"},
            {"customer": "alice", "payeeuid": "FXPAY2", "amount": "20.00", "currency": "KWD"}
        ],
        "payin_orders": [
            {"merchantOrderId": "FXPI1", "amount": "30.00", "status": "paid",
             "notificationURL": "http://127.0.0.1:9/hooks/sgate-payin"},
            {"merchantOrderId": "FXPI2", "name": "Game card", "amount": "12.02"}
        ],
        "payin_refunds": [
            {"order": "FXPI1", "amount": "10.00", "status": "completed", "merchantRefundId": "FXPIR1"},
            {"order": "FXPI1", "reason": "Returned"}
        ]
    })
}

async fn start(source: FixtureSource) -> Result<Sandbox, paybind_sandbox::SandboxError> {
    Sandbox::start(SandboxConfig {
        fixtures: Some(source),
        // Pending records stay pending during the test (rules' delays are long).
        auto_delay: std::time::Duration::from_secs(600),
        ..common::config()
    })
    .await
}

/// What the gateways answer about the fixtures' world.
async fn assert_the_fixtures_world(sandbox: &Sandbox) {
    let bluepay = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let balance = bluepay
        .call_json("balance_inquiry", json!({}))
        .await
        .unwrap();
    assert_eq!(balance["balance"], "50000.00", "the stated balance");
    let paid = bluepay
        .call_json("qr_code_detail", json!({"mchOrderId": "FXQR1"}))
        .await
        .unwrap();
    assert_eq!(paid["transactionStatus"], "COMPLETED");
    let pending = bluepay
        .call_json("qr_code_detail", json!({"mchOrderId": "FXQR2"}))
        .await
        .unwrap();
    assert_eq!(pending["transactionStatus"], "PENDING");
    let refunds = bluepay
        .call_json(
            "refund_payments",
            json!({"originalTransactionId": paid["transactionId"]}),
        )
        .await
        .unwrap();
    assert_eq!(refunds[0]["refundStatus"], "COMPLETE");
    assert_eq!(refunds[0]["refundAmount"], 500);
    let jt = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let payout = jt
        .call_json("payout_status", json!({"mchOrderId": "FXPO1"}))
        .await
        .unwrap();
    assert_eq!(payout["transactionStatus"], "FAILED");
    assert_eq!(payout["failedCode"], -10002);
    assert_eq!(
        sandbox.admin().balance(Gateway::BluePayJt).await.unwrap(),
        70_000
    );

    let sgate = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    let alice = sgate
        .customer_detail(|q| q.mercustomid("fx-alice"))
        .await
        .unwrap();
    assert_eq!(alice.status, Some(paybind::sgate::CustomerStatus::Normal));
    assert_eq!(alice.cardno.as_ref().unwrap().expose(), CARD);
    let bob = sgate
        .customer_detail(|q| q.mercustomid("fx-bob"))
        .await
        .unwrap();
    assert_eq!(bob.status, Some(paybind::sgate::CustomerStatus::Pending));
    // The payment order of the customer its fixture names.
    let order = sgate
        .payment_order_detail(|q| q.payeeuid("FXPAY1"))
        .await
        .unwrap();
    assert_eq!(order.mercustomid.as_deref(), Some("fx-alice"));
    assert_eq!(order.customid, alice.customid);
    assert_eq!(
        order.status,
        Some(paybind::sgate::PaymentOrderStatus::Transferred)
    );
    let balances = sandbox.admin().sgate_balances().await.unwrap();
    assert_eq!(balances["SAR"], "2500.50");
    assert_eq!(balances["KWD"], "100.125");
    assert_the_payin_world(sandbox).await;
    // Rules, faults and settings.
    let rules = sandbox.admin().rules().await.unwrap();
    assert_eq!(rules.rules[0].amount_ends_with.as_deref(), Some("13"));
    let faults = sandbox.admin().faults().await.unwrap();
    assert_eq!(faults[0].operation, "bank_list");
    assert_eq!(
        sandbox
            .admin()
            .settings()
            .await
            .unwrap()
            .sgate_callback_url
            .as_deref(),
        Some("http://127.0.0.1:9/callback")
    );
    // Loading them announced nothing.
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
}

/// The SGATE Payin order id of `merchant_order_id` (the sandbox numbers Payin orders): the
/// admin API finds an order by either ID.
async fn payin_order_id(sandbox: &Sandbox, merchant_order_id: &str) -> String {
    let order = sandbox
        .admin()
        .payin_order(merchant_order_id)
        .await
        .unwrap();
    assert_eq!(order["merchantOrderId"], merchant_order_id);
    let id = order["id"].as_str().unwrap().to_string();
    assert_eq!(sandbox.admin().payin_order(&id).await.unwrap(), order);
    id
}

/// What SGATE Payin answers about the fixtures' orders and refunds.
async fn assert_the_payin_world(sandbox: &Sandbox) {
    use paybind::sgate_payin::{OrderRefundStatus, OrderStatus, RefundStatus};
    let payin = paybind::sgate_payin::Client::new(sandbox.sgate_payin_config()).unwrap();
    let paid_id = payin_order_id(sandbox, "FXPI1").await;
    let paid = payin.order_detail(&paid_id).await.unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.success_payment_method.as_deref(), Some("mastercard"));
    // 10.00 refunded; the other refund, of the 20.00 left, still pending.
    assert_eq!(paid.refund_amount.unwrap().to_string(), "10.00");
    assert_eq!(paid.refund_status, Some(OrderRefundStatus::Processing));
    let refunded = payin.refund_detail(&format!("{paid_id}_R1")).await.unwrap();
    assert_eq!(refunded.status, RefundStatus::Success);
    assert_eq!(refunded.merchant_refund_id.as_deref(), Some("FXPIR1"));
    let pending = payin.refund_detail(&format!("{paid_id}_R2")).await.unwrap();
    assert_eq!(pending.status, RefundStatus::Pending);
    assert_eq!(pending.amount.to_string(), "20.00");
    let waiting = payin
        .order_detail(&payin_order_id(sandbox, "FXPI2").await)
        .await
        .unwrap();
    assert_eq!(waiting.status, OrderStatus::Pending);
    assert_eq!(waiting.name.as_deref(), Some("Game card"));
    assert_eq!(waiting.amount.to_string(), "12.02");
}

#[tokio::test]
async fn fixtures_load_with_references_and_reset_returns_to_them() {
    let sandbox = start(fixtures().into()).await.expect("the fixtures load");
    assert_the_fixtures_world(&sandbox).await;

    // The world moves on: a trigger, a new order, the clock, a fault cleared.
    let admin = sandbox.admin();
    admin
        .trigger(Trigger::new(Gateway::BluePay, TriggerEvent::QrPaid).with("mchOrderId", "FXQR2"))
        .await
        .unwrap();
    let waiting = payin_order_id(&sandbox, "FXPI2").await;
    admin
        .trigger(
            Trigger::new(Gateway::SgatePayin, TriggerEvent::PayinOrderPaid)
                .with("id", waiting.as_str()),
        )
        .await
        .unwrap();
    admin
        .trigger(
            Trigger::new(Gateway::Sgate, TriggerEvent::CustomerApproved)
                .with("mercustomid", "fx-bob"),
        )
        .await
        .unwrap();
    admin.clear_faults().await.unwrap();
    admin
        .advance_clock(std::time::Duration::from_secs(86_400))
        .await
        .unwrap();
    assert!(!admin.notifications().await.unwrap().is_empty());

    admin.reset().await.unwrap();
    assert_eq!(admin.clock().await.unwrap().offset_ms, 0);
    assert_the_fixtures_world(&sandbox).await;
    // What the trigger made is gone with the rest.
    assert_eq!(
        admin.objects().await.unwrap()["bluepay"]["objects"]["orders"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn toml_fixtures_say_what_json_says_and_a_start_begins_from_them() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("fixtures.toml");
    std::fs::write(
        &toml,
        r#"
[balances]
bluepay = 5000000
bluepay-jt = 70000
sgate = { SAR = "2500.50", KWD = "100.125" }

[[rules]]
kind = "payout"
amount_ends_with = "13"
outcome = "failed"
failed_code = -10001

[[faults]]
gateway = "sgate"
operation = "bank_list"
http_status = 503

[settings]
sgate_callback_url = "http://127.0.0.1:9/callback"

[[orders]]
name = "paid"
kind = "qr"
mchOrderId = "FXQR1"
amount = 1500
status = "completed"

[[orders]]
kind = "qr"
mchOrderId = "FXQR2"
amount = 900

[[orders]]
gateway = "bluepay-jt"
kind = "payout"
mchOrderId = "FXPO1"
amount = 2000
status = "failed"
failedCode = -10002

[[refunds]]
order = "paid"
mchRefundOrderId = "FXRF1"
amount = 500
status = "completed"

[[customers]]
name = "alice"
mercustomid = "fx-alice"
name_e = "Alice"
address = "Riyadh"
identity = "1012345678"
cardno = "5123450000000001"
ibanaccount = "SA0000000000000000000001"

[[customers]]
name = "bob"
mercustomid = "fx-bob"
status = "pending"
ibanaccount = "SA4420000001234567891234"

[[payment_orders]]
customer = "alice"
payeeuid = "FXPAY1"
amount = "100.00"
status = "completed"

[[payment_orders]]
customer = "alice"
payeeuid = "FXPAY2"
amount = "20.00"
currency = "KWD"

[[payin_orders]]
merchantOrderId = "FXPI1"
amount = "30.00"
status = "paid"
notificationURL = "http://127.0.0.1:9/hooks/sgate-payin"

[[payin_orders]]
merchantOrderId = "FXPI2"
name = "Game card"
amount = "12.02"

[[payin_refunds]]
order = "FXPI1"
amount = "10.00"
status = "completed"
merchantRefundId = "FXPIR1"

[[payin_refunds]]
order = "FXPI1"
reason = "Returned"
"#,
    )
    .unwrap();
    // A state file that already holds an order of the same id: the start begins from the
    // fixtures all the same.
    let data = dir.path().join("state.db");
    let storage = paybind_sandbox::Storage::File(data);
    {
        let sandbox = Sandbox::start(SandboxConfig {
            storage: storage.clone(),
            ..common::config()
        })
        .await
        .unwrap();
        sandbox
            .admin()
            .trigger(
                Trigger::new(Gateway::BluePay, TriggerEvent::QrFailed).with("mchOrderId", "FXQR1"),
            )
            .await
            .unwrap();
        sandbox.shutdown().await;
    }
    let sandbox = Sandbox::start(SandboxConfig {
        storage,
        fixtures: Some(FixtureSource::File(toml)),
        auto_delay: std::time::Duration::from_secs(600),
        ..common::config()
    })
    .await
    .expect("the TOML fixtures load");
    assert_the_fixtures_world(&sandbox).await;
}

async fn refusal(fixtures: Value) -> String {
    start(fixtures.into())
        .await
        .map(|_| ())
        .expect_err("the fixtures are refused")
        .to_string()
}

#[tokio::test]
async fn a_dangling_reference_is_refused_naming_it() {
    let mut bad = fixtures();
    bad["payment_orders"][1]["customer"] = json!("carol");
    let why = refusal(bad).await;
    assert!(
        why.contains("payment_orders[1].customer: no customer named `carol` in customers"),
        "{why}"
    );
    let mut bad = fixtures();
    bad["refunds"][0]["order"] = json!("FXQR9");
    let why = refusal(bad).await;
    assert!(
        why.contains("refunds[0].order: no order named `FXQR9`"),
        "{why}"
    );
    let mut bad = fixtures();
    bad["payin_refunds"][0]["order"] = json!("FXPI9");
    // (Nor does the admin API know an order of that merchant order ID.)
    let sandbox = start(fixtures().into()).await.unwrap();
    let unknown = sandbox.admin().payin_order("FXPI9").await.unwrap_err();
    assert!(
        matches!(
            unknown,
            paybind_sandbox::SandboxError::Admin { status: 404, .. }
        ),
        "{unknown}"
    );
    let why = refusal(bad).await;
    assert!(
        why.contains("payin_refunds[0].order: no order with merchantOrderId `FXPI9`"),
        "{why}"
    );
    // Only a paid Payin order is refunded.
    let mut bad = fixtures();
    bad["payin_refunds"][1]["order"] = json!("FXPI2");
    let why = refusal(bad).await;
    assert!(
        why.contains("payin_refunds[1].order: `FXPI2` is not paid"),
        "{why}"
    );
    // A customer that is not approved takes no payment order.
    let mut bad = fixtures();
    bad["payment_orders"][0]["customer"] = json!("bob");
    let why = refusal(bad).await;
    assert!(
        why.contains("payment_orders[0].customer: `bob` is not approved"),
        "{why}"
    );
}

#[tokio::test]
async fn a_bad_member_is_refused_naming_entry_and_member_never_the_value() {
    // The card number given as a number: the type is wrong, the value is not repeated.
    let mut bad = fixtures();
    bad["customers"][0]["cardno"] = json!(5_123_450_000_000_001_u64);
    let why = refusal(bad).await;
    assert!(why.contains("customers[0].cardno: invalid type"), "{why}");
    assert!(why.contains("expected a string"), "{why}");
    assert!(!why.contains(CARD), "quotes the card number: {why}");
    // A typo is named.
    let mut bad = fixtures();
    bad["orders"][1]["mchOrderID"] = json!("X");
    let why = refusal(bad).await;
    assert!(
        why.contains("orders[1].mchOrderID: unknown field `mchOrderID`"),
        "{why}"
    );
    // A value outside an enum: the rule, not the value.
    let mut bad = fixtures();
    bad["orders"][0]["status"] = json!(CARD);
    let why = refusal(bad).await;
    assert!(why.contains("orders[0].status: unknown variant"), "{why}");
    assert!(why.contains("`completed`"), "{why}");
    assert!(!why.contains(CARD), "{why}");
    // A business rule the sandbox applies while loading: the entry that broke it.
    let mut bad = fixtures();
    bad["orders"][1]["mchOrderId"] = json!("FXQR1");
    let why = refusal(bad).await;
    assert!(why.contains("orders[1]: 21007"), "{why}");
    // Payin amounts: two decimals at most, named without the value; more than was paid is
    // refused by the gateway's own rule, naming the entry.
    let mut bad = fixtures();
    bad["payin_orders"][1]["amount"] = json!("12.025");
    let why = refusal(bad).await;
    assert!(
        why.contains("payin_orders[1].amount: a decimal number"),
        "{why}"
    );
    assert!(!why.contains("12.025"), "{why}");
    let mut bad = fixtures();
    bad["payin_refunds"][0]["amount"] = json!("30.01");
    let why = refusal(bad).await;
    assert!(
        why.contains("payin_refunds[0]: ") && why.contains("refundable"),
        "{why}"
    );
    // A Payin member against the spec: a notificationURL that is not a URL.
    let mut bad = fixtures();
    bad["payin_orders"][0]["notificationURL"] = json!("not a url");
    let why = refusal(bad).await;
    assert!(
        why.contains("payin_orders[0]: ") && why.contains("notificationURL"),
        "{why}"
    );
    assert!(!why.contains("not a url"), "{why}");
    // A file: its name comes first, and TOML's syntax errors do not show the line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, format!("[[customers]]\ncardno = {CARD}x\n")).unwrap();
    let why = start(FixtureSource::File(file.clone()))
        .await
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(why.contains(&file.display().to_string()), "{why}");
    assert!(why.contains("not TOML") && why.contains("line 2"), "{why}");
    assert!(!why.contains(CARD), "{why}");
}
