//! Fixtures: the world a sandbox starts in — balances, BluePay and JT orders and refunds in
//! given states, SGATE customers and payment orders, outcome rules, faults and settings — read
//! from JSON or TOML ([`crate::SandboxConfig::fixtures`], `paybind sandbox --fixtures FILE`),
//! checked entry by entry at start, and applied again by `POST /admin/reset`.
//!
//! Entries refer to each other by their fixture `name` (by default the merchant's id of the
//! entry: `mchOrderId`, `mercustomid`…): a refund names its order, a payment order its
//! customer, each defined in its own list. Objects are made by the sandbox's own business
//! rules, as if the merchant had called the gateway and the payer, bank or SGATE had acted,
//! but quietly: loading fixtures sends no notification. Pending orders then end as the
//! outcome rules say, like any order. Balances are set before the orders are made (a payout
//! needs its money) and again after (they are what the gateways hold once the fixtures are
//! loaded).

use std::collections::HashMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::base::admin_api::Settings;
use crate::base::error::SandboxError;
use crate::base::faults::{self, Fault};
use crate::base::gateway::Gateway;
use crate::base::http::HandlerError;
use crate::base::json::{set, text, typed};
use crate::base::rules::OutcomeRule;
use crate::base::settings::FixtureSource;
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::bluepay::records::{self, RequestContext};
use crate::bluepay::{orders, refunds};
use crate::scheduler::jobs::End;
use crate::sgate;

/// The JSON Schema (2020-12) of the fixtures format ([`crate::SandboxConfig::fixtures`]),
/// generated with schemars from the types the sandbox reads fixtures into. The repository
/// keeps a copy in `schema/sandbox/fixtures.schema.json`.
pub fn fixtures_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Fixtures)).unwrap_or(Value::Null)
}

/// The world a sandbox starts in. Every list may be absent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// The merchant balances once the fixtures are loaded (the gateways' defaults otherwise:
    /// THB 10,000.00, SAR/KWD/AED 1,000,000).
    #[serde(default)]
    pub balances: Balances,
    /// Outcome rules, tried before the built-in ones (replace the config file's).
    #[serde(default)]
    pub rules: Option<Vec<OutcomeRule>>,
    /// Faults per gateway and operation (added to the config file's).
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Notification URLs (merged over the config file's).
    #[serde(default)]
    pub settings: Settings,
    /// BluePay and JT orders: QR codes, WebPay orders, payouts.
    #[serde(default)]
    pub orders: Vec<OrderFixture>,
    /// BluePay refunds of the orders above.
    #[serde(default)]
    pub refunds: Vec<RefundFixture>,
    /// SGATE customers.
    #[serde(default)]
    pub customers: Vec<CustomerFixture>,
    /// SGATE payment orders to the customers above.
    #[serde(default)]
    pub payment_orders: Vec<PaymentOrderFixture>,
}

/// Merchant balances.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Balances {
    /// BluePay, in minor units (satang).
    #[serde(default)]
    pub bluepay: Option<i64>,
    /// BluePay JT, in minor units (satang).
    #[serde(default, rename = "bluepay-jt")]
    pub bluepay_jt: Option<i64>,
    /// SGATE, per currency, as decimal text (`"1000.125"`, at most three decimals).
    #[serde(default)]
    pub sgate: SgateBalances,
}

/// SGATE balances per currency, as decimal text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SgateBalances {
    /// Saudi riyal.
    #[serde(default, rename = "SAR")]
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]{1,3})?$"))]
    pub sar: Option<String>,
    /// Kuwaiti dinar.
    #[serde(default, rename = "KWD")]
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]{1,3})?$"))]
    pub kwd: Option<String>,
    /// UAE dirham.
    #[serde(default, rename = "AED")]
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]{1,3})?$"))]
    pub aed: Option<String>,
}

/// BluePay or BluePay JT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum EnvelopeGateway {
    /// BluePay.
    #[default]
    #[serde(rename = "bluepay")]
    BluePay,
    /// BluePay JT.
    #[serde(rename = "bluepay-jt")]
    BluePayJt,
}

impl From<EnvelopeGateway> for Gateway {
    fn from(gateway: EnvelopeGateway) -> Self {
        match gateway {
            EnvelopeGateway::BluePay => Gateway::BluePay,
            EnvelopeGateway::BluePayJt => Gateway::BluePayJt,
        }
    }
}

/// What a BluePay or JT order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// A QR code (BluePay, JT).
    Qr,
    /// A WebPay order (BluePay).
    Webpay,
    /// A payout (BluePay, JT): its amount leaves the balance when it is made.
    Payout,
}

/// Where an order or refund stands once the fixtures are loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Made, not ended: it ends as the outcome rules say (QR codes and WebPay orders wait for
    /// the payer).
    #[default]
    Pending,
    /// Paid, transferred or completed.
    Completed,
    /// Failed (`failedCode` −10004 unless given).
    Failed,
}

/// A BluePay or JT order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderFixture {
    /// Its fixture name, for references (its `mchOrderId` when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// `bluepay` (when absent) or `bluepay-jt`.
    #[serde(default)]
    pub gateway: EnvelopeGateway,
    /// `qr`, `webpay` or `payout`.
    pub kind: OrderKind,
    /// The merchant's order id.
    #[serde(rename = "mchOrderId")]
    pub mch_order_id: String,
    /// Minor units (satang), more than 0.
    pub amount: i64,
    /// `pending` (when absent), `completed` or `failed`.
    #[serde(default)]
    pub status: Outcome,
    /// The payment channel (THAI_DYNAMIC_QR, TRUEMONEY_URL, … by kind when absent).
    #[serde(default, rename = "channelCode")]
    pub channel_code: Option<String>,
    /// Where its notifications go (QR codes and WebPay orders).
    #[serde(default, rename = "notifyUrl")]
    pub notify_url: Option<String>,
    /// The `failedCode` of a failed order.
    #[serde(default, rename = "failedCode")]
    pub failed_code: Option<i64>,
}

/// A BluePay refund of an order above.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundFixture {
    /// Its fixture name (its `mchRefundOrderId` when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// The fixture name of the refunded order, a completed QR code or WebPay order of `orders`.
    pub order: String,
    /// The merchant's refund id.
    #[serde(rename = "mchRefundOrderId")]
    pub mch_refund_order_id: String,
    /// Minor units (the whole payment when absent).
    #[serde(default)]
    pub amount: Option<i64>,
    /// `pending` (when absent), `completed` or `failed`.
    #[serde(default)]
    pub status: Outcome,
    /// Where its notification goes.
    #[serde(default, rename = "refundCallbackUrl")]
    pub refund_callback_url: Option<String>,
}

/// Where an SGATE customer stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerState {
    /// Normal (1): payment orders may go to it.
    #[default]
    Approved,
    /// Under review (0): a test account's review still comes after the delay.
    Pending,
    /// Incomplete (4): waiting for its ID photo.
    Incomplete,
    /// Rejected (2).
    Rejected,
    /// Banned (3).
    Banned,
}

impl CustomerState {
    fn status(self) -> (i64, &'static str) {
        match self {
            CustomerState::Approved => (1, "Approved"),
            CustomerState::Pending => (0, "Pending review"),
            CustomerState::Incomplete => (4, "Incomplete"),
            CustomerState::Rejected => (2, "Rejected"),
            CustomerState::Banned => (3, "Banned"),
        }
    }
}

/// An SGATE customer. Members are SGATE's; sensitive ones (`identity`, `cardno`,
/// `stcaccount`) are kept as given and never shown by the admin API.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerFixture {
    /// Its fixture name, for payment orders (its `mercustomid` when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// The merchant's customer id.
    pub mercustomid: String,
    /// `approved` (when absent), `pending`, `incomplete`, `rejected` or `banned`.
    #[serde(default)]
    pub status: CustomerState,
    /// Name in English.
    #[serde(default)]
    pub name_e: Option<String>,
    /// Name in Arabic.
    #[serde(default)]
    pub name_a: Option<String>,
    /// ID number.
    #[serde(default)]
    pub identity: Option<String>,
    /// A bank code of the bank list (`1174c`: Riyad Bank, when absent).
    #[serde(default)]
    pub bankcode: Option<String>,
    /// Card number.
    #[serde(default)]
    pub cardno: Option<String>,
    /// IBAN.
    #[serde(default)]
    pub ibanaccount: Option<String>,
    /// STCPay number.
    #[serde(default)]
    pub stcaccount: Option<String>,
    /// Address (KWD and AED payouts need it or `swiftcode`).
    #[serde(default)]
    pub address: Option<String>,
    /// SWIFT code.
    #[serde(default)]
    pub swiftcode: Option<String>,
}

/// How an SGATE payment order pays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PaymentMethod {
    /// To the customer's card or IBAN.
    #[default]
    #[serde(rename = "bankTransfer")]
    BankTransfer,
    /// To the customer's STCPay wallet.
    #[serde(rename = "STCPay")]
    StcPay,
}

/// An SGATE currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Currency {
    /// Saudi riyal.
    #[default]
    #[serde(rename = "SAR")]
    Sar,
    /// Kuwaiti dinar.
    #[serde(rename = "KWD")]
    Kwd,
    /// UAE dirham.
    #[serde(rename = "AED")]
    Aed,
}

/// An SGATE payment order to a customer above.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentOrderFixture {
    /// Its fixture name (its `payeeuid` when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// The fixture name of an approved customer of `customers`.
    pub customer: String,
    /// The merchant's id of the order.
    pub payeeuid: String,
    /// Decimal text (`"2002.00"`), more than 0, at most three decimals.
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]{1,3})?$"))]
    pub amount: String,
    /// `SAR` (when absent), `KWD` or `AED`.
    #[serde(default)]
    pub currency: Currency,
    /// `bankTransfer` (when absent) or `STCPay`.
    #[serde(default)]
    pub paymentmethod: PaymentMethod,
    /// `pending` (when absent), `completed` or `failed`.
    #[serde(default)]
    pub status: Outcome,
}

/// Reads and checks fixtures: the types (serde's path and reason), then the references and
/// rules between entries. The error names the entry and the member, never a value.
pub fn read_fixtures(source: &FixtureSource) -> Result<Fixtures, SandboxError> {
    let (what, value) = match source {
        FixtureSource::File(path) => (path.display().to_string(), read_file(path)?),
        FixtureSource::Value(value) => ("fixtures".to_string(), value.clone()),
    };
    let refused = |why: String| SandboxError::Config(format!("{what}: {why}"));
    let fixtures: Fixtures = typed(value).map_err(|e| refused(e.to_string()))?;
    check(&fixtures).map_err(refused)?;
    Ok(fixtures)
}

fn read_file(path: &Path) -> Result<Value, SandboxError> {
    let text = std::fs::read_to_string(path).map_err(crate::base::error::io_error(format!(
        "cannot read {}",
        path.display()
    )))?;
    let refused = |why: String| SandboxError::Config(format!("{}: {why}", path.display()));
    if path
        .extension()
        .is_some_and(|extension| extension == "toml")
    {
        // The message and position only: toml's Display quotes the line, which may hold a
        // secret.
        return toml::from_str::<Value>(&text).map_err(|e| {
            let at = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
                format!(" at line {line} column {column}")
            });
            refused(format!(
                "not TOML: {}{at}",
                paybind::spec::without_value(e.message())
            ))
        });
    }
    serde_json::from_str(&text).map_err(|e| {
        refused(format!(
            "not JSON: {}",
            paybind::spec::without_value(&e.to_string())
        ))
    })
}

/// The fixture names of one list, each with its index; a name taken twice is refused.
fn names<'a, T>(
    list: &'a [T],
    field: &str,
    name: impl Fn(&'a T) -> &'a str,
) -> Result<HashMap<&'a str, usize>, String> {
    let mut seen = HashMap::new();
    for (index, entry) in list.iter().enumerate() {
        if let Some(first) = seen.insert(name(entry), index) {
            return Err(format!(
                "{field}[{index}].name: the name `{}` is {field}[{first}]'s already",
                name(entry)
            ));
        }
    }
    Ok(seen)
}

fn order_name(order: &OrderFixture) -> &str {
    order.name.as_deref().unwrap_or(&order.mch_order_id)
}

fn customer_name(customer: &CustomerFixture) -> &str {
    customer.name.as_deref().unwrap_or(&customer.mercustomid)
}

fn sgate_units(text: &str) -> Option<i64> {
    sgate::common::units_of(&json!(text)).filter(|units| *units >= 0)
}

/// The rules between entries: names, references, what each kind allows.
fn check(fixtures: &Fixtures) -> Result<(), String> {
    if let Some(rules) = &fixtures.rules {
        for (index, rule) in rules.iter().enumerate() {
            if !matches!(rule.outcome.as_str(), "completed" | "failed" | "pending") {
                return Err(format!(
                    "rules[{index}].outcome: is completed, failed or pending"
                ));
            }
        }
    }
    for (index, fault) in fixtures.faults.iter().enumerate() {
        if !faults::valid_target(&fault.gateway, &fault.operation) {
            return Err(format!(
                "faults[{index}]: no operation {} on gateway {}",
                fault.operation, fault.gateway
            ));
        }
    }
    let sgate = &fixtures.balances.sgate;
    for (currency, amount) in [
        ("SAR", &sgate.sar),
        ("KWD", &sgate.kwd),
        ("AED", &sgate.aed),
    ] {
        if amount
            .as_deref()
            .is_some_and(|text| sgate_units(text).is_none())
        {
            return Err(format!(
                "balances.sgate.{currency}: a decimal number with at most three decimals, as text"
            ));
        }
    }
    let orders = names(&fixtures.orders, "orders", order_name)?;
    for (index, order) in fixtures.orders.iter().enumerate() {
        if order.amount <= 0 {
            return Err(format!("orders[{index}].amount: more than 0 (minor units)"));
        }
        if order.kind == OrderKind::Webpay && order.gateway == EnvelopeGateway::BluePayJt {
            return Err(format!(
                "orders[{index}].kind: bluepay-jt has no WebPay orders (qr or payout)"
            ));
        }
    }
    names(&fixtures.refunds, "refunds", |refund: &RefundFixture| {
        refund
            .name
            .as_deref()
            .unwrap_or(&refund.mch_refund_order_id)
    })?;
    for (index, refund) in fixtures.refunds.iter().enumerate() {
        let Some(&order_index) = orders.get(refund.order.as_str()) else {
            return Err(format!(
                "refunds[{index}].order: no order named `{}` in orders",
                refund.order
            ));
        };
        let order = &fixtures.orders[order_index];
        if order.gateway != EnvelopeGateway::BluePay
            || order.kind == OrderKind::Payout
            || order.status != Outcome::Completed
        {
            return Err(format!(
                "refunds[{index}].order: `{}` is not a completed BluePay QR code or WebPay order",
                refund.order
            ));
        }
    }
    let customers = names(&fixtures.customers, "customers", customer_name)?;
    for (index, customer) in fixtures.customers.iter().enumerate() {
        if let Some(code) = &customer.bankcode {
            if sgate::common::bank_name(code).is_none() {
                return Err(format!(
                    "customers[{index}].bankcode: not a bank code of the bank list"
                ));
            }
        }
    }
    names(
        &fixtures.payment_orders,
        "payment_orders",
        |order: &PaymentOrderFixture| order.name.as_deref().unwrap_or(&order.payeeuid),
    )?;
    for (index, order) in fixtures.payment_orders.iter().enumerate() {
        let Some(&customer_index) = customers.get(order.customer.as_str()) else {
            return Err(format!(
                "payment_orders[{index}].customer: no customer named `{}` in customers",
                order.customer
            ));
        };
        if fixtures.customers[customer_index].status != CustomerState::Approved {
            return Err(format!(
                "payment_orders[{index}].customer: `{}` is not approved (payment orders go to approved customers)",
                order.customer
            ));
        }
        if sgate_units(&order.amount).is_none_or(|units| units == 0) {
            return Err(format!(
                "payment_orders[{index}].amount: a decimal number more than 0 with at most three decimals, as text"
            ));
        }
    }
    Ok(())
}

/// Why applying fixtures stopped: the entry and the business rule that refused it.
struct SeedError(String);

impl From<StoreError> for SeedError {
    fn from(error: StoreError) -> Self {
        SeedError(error.to_string())
    }
}

fn at(entry: String) -> impl FnOnce(HandlerError) -> SeedError {
    move |error| SeedError(format!("{entry}: {error}"))
}

fn end_of(outcome: Outcome, failed_code: Option<i64>) -> Option<End> {
    let outcome = match outcome {
        Outcome::Pending => return None,
        Outcome::Completed => "completed",
        Outcome::Failed => "failed",
    };
    Some(End {
        outcome: outcome.into(),
        failed_code,
        failed_message: None,
        bad_signature: false,
    })
}

/// Applies checked fixtures to the world, in one transaction.
pub fn apply_fixtures(shared: &Shared, fixtures: &Fixtures) -> Result<(), String> {
    shared
        .with_tx(|tx| seed(tx, shared, fixtures))
        .map_err(|SeedError(why)| format!("fixtures: {why}"))
}

fn set_balances(tx: &mut Tx<'_>, balances: &Balances) {
    for (gateway, amount) in [
        (Gateway::BluePay, balances.bluepay),
        (Gateway::BluePayJt, balances.bluepay_jt),
    ] {
        if let Some(amount) = amount {
            records::set_balance(tx, gateway, amount);
        }
    }
    let sgate = &balances.sgate;
    for (currency, amount) in [
        ("SAR", &sgate.sar),
        ("KWD", &sgate.kwd),
        ("AED", &sgate.aed),
    ] {
        if let Some(units) = amount.as_deref().and_then(sgate_units) {
            sgate::common::set_currency_balance(tx, currency, units);
        }
    }
}

fn seed(tx: &mut Tx<'_>, shared: &Shared, fixtures: &Fixtures) -> Result<(), SeedError> {
    if let Some(rules) = &fixtures.rules {
        tx.put(
            "meta",
            "rules",
            serde_json::to_value(rules).unwrap_or(json!([])),
        );
    }
    for fault in &fixtures.faults {
        faults::put(tx, fault)?;
    }
    let settings = serde_json::to_value(&fixtures.settings).unwrap_or(json!({}));
    if settings.as_object().is_some_and(|map| !map.is_empty()) {
        let mut current = tx.get("meta", "settings")?.unwrap_or(json!({}));
        set(&mut current, settings);
        tx.put("meta", "settings", current);
    }
    set_balances(tx, &fixtures.balances);
    let now = shared.now_ms();
    let mut transactions: HashMap<&str, (Gateway, String, i64)> = HashMap::new();
    for (index, order) in fixtures.orders.iter().enumerate() {
        let gateway = Gateway::from(order.gateway);
        let context = RequestContext {
            shared,
            gateway,
            now,
            bad_signature: false,
        };
        let channel = order.channel_code.as_deref().unwrap_or(match order.kind {
            OrderKind::Qr => "THAI_DYNAMIC_QR",
            OrderKind::Webpay => "TRUEMONEY_URL",
            OrderKind::Payout => "PROMPTPAY",
        });
        let mut param = json!({
            "mchOrderId": order.mch_order_id, "amount": order.amount, "channelCode": channel,
        });
        if let Some(url) = &order.notify_url {
            set(&mut param, json!({ "notifyUrl": url }));
        }
        let entry = format!("orders[{index}]");
        let created = match order.kind {
            OrderKind::Qr => orders::pay_create(&context, tx, &param, "qr"),
            OrderKind::Webpay => orders::pay_create(&context, tx, &param, "webpay"),
            OrderKind::Payout => {
                set(
                    &mut param,
                    json!({
                        "idempotencyId": format!("fixture-{}", order.mch_order_id),
                        "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN",
                        "accountNo": "0812345678",
                    }),
                );
                orders::payout_create(&context, tx, &param)
            }
        }
        .map_err(at(entry.clone()))?;
        let order_key = records::key(gateway, &order.mch_order_id);
        if let Some(end) = end_of(order.status, order.failed_code) {
            orders::finish_order(tx, shared, &order_key, &end).map_err(at(entry))?;
        }
        transactions.insert(
            order_name(order),
            (
                gateway,
                text(&created, "transactionId").to_string(),
                order.amount,
            ),
        );
    }
    for (index, refund) in fixtures.refunds.iter().enumerate() {
        let entry = format!("refunds[{index}]");
        let Some((gateway, transaction_id, paid)) = transactions.get(refund.order.as_str()) else {
            return Err(SeedError(format!("{entry}.order: no such order")));
        };
        let context = RequestContext {
            shared,
            gateway: *gateway,
            now,
            bad_signature: false,
        };
        let mut param = json!({
            "mchRefundOrderId": refund.mch_refund_order_id,
            "originalTransactionId": transaction_id,
            "refundAmount": refund.amount.unwrap_or(*paid),
        });
        if let Some(url) = &refund.refund_callback_url {
            set(&mut param, json!({ "refundCallbackUrl": url }));
        }
        refunds::refund_create(&context, tx, &param).map_err(at(entry.clone()))?;
        if let Some(end) = end_of(refund.status, None) {
            let refund_key = records::refund_key(*gateway, &refund.mch_refund_order_id);
            refunds::finish_refund(tx, shared, &refund_key, &end).map_err(at(entry))?;
        }
    }
    let mut customers: HashMap<&str, String> = HashMap::new();
    for (index, customer) in fixtures.customers.iter().enumerate() {
        let entry = format!("customers[{index}]");
        let mut body = Map::new();
        body.insert("mercustomid".into(), json!(customer.mercustomid));
        body.insert(
            "name_e".into(),
            json!(customer.name_e.as_deref().unwrap_or("Fixture Customer")),
        );
        body.insert(
            "bankcode".into(),
            json!(customer.bankcode.as_deref().unwrap_or("1174c")),
        );
        for (member, value) in [
            ("name_a", &customer.name_a),
            ("identity", &customer.identity),
            ("cardno", &customer.cardno),
            ("ibanaccount", &customer.ibanaccount),
            ("stcaccount", &customer.stcaccount),
            ("address", &customer.address),
            ("swiftcode", &customer.swiftcode),
        ] {
            if let Some(value) = value {
                body.insert(member.into(), json!(value));
            }
        }
        let view = sgate::customers::customer_create(shared, tx, &Value::Object(body), now)
            .map_err(at(entry.clone()))?;
        let customid = text(&view, "customid").to_string();
        let (status, description) = customer.status.status();
        sgate::customers::set_status_quietly(tx, &customid, status, description)
            .map_err(at(entry))?;
        customers.insert(customer_name(customer), customid);
    }
    for (index, order) in fixtures.payment_orders.iter().enumerate() {
        let entry = format!("payment_orders[{index}]");
        let customer = match customers.get(order.customer.as_str()) {
            Some(customid) => tx.get("sg_customer", customid)?,
            None => None,
        };
        let Some(customer) = customer else {
            return Err(SeedError(format!("{entry}.customer: no such customer")));
        };
        let body = json!({
            "mercustomid": customer["mercustomid"], "payeeuid": order.payeeuid,
            "amount": order.amount, "currency": order.currency, "paymentmethod": order.paymentmethod,
        });
        let created = sgate::orders::create_order(shared, tx, &body, &customer, now, "standard")
            .map_err(at(entry.clone()))?;
        if let Some(end) = end_of(order.status, None) {
            let ticketid = text(&created, "ticketid").to_string();
            sgate::orders::finish_order(tx, shared, &ticketid, &end).map_err(at(entry))?;
        }
    }
    set_balances(tx, &fixtures.balances);
    // Loading fixtures is quiet: nothing it did is announced.
    for table in ["notification", "outbox"] {
        for (key, _) in tx.list(table)? {
            tx.delete(table, &key);
        }
    }
    Ok(())
}
