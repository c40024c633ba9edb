//! What SGATE Payin's business areas share: the tables, the views an answer shows (the members
//! the spec's schema declares, nothing the sandbox keeps for itself), times and money as
//! Payin writes them, the spec's `info` facts (currency limits, test data), ids, and the
//! callbacks queued when a payment or a refund completes.

use serde_json::{json, Value};

use crate::base::gateway::Gateway;
use crate::base::json::{integer, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::outbox::enqueue;
use crate::wire::sgate_payin::callback::{callback_url, payload};
use crate::wire::sgate_payin::refusal::{refuse, Code, PayinResult};
use paybind::money::{Decimal2, DecimalAmount};

/// The gateway of this module.
pub const GATEWAY: Gateway = Gateway::SgatePayin;

/// Orders by their ID.
pub const ORDERS: &str = "pi_order";
/// `merchantOrderId` → `{id}`.
pub const MERCHANT_ORDER_IDS: &str = "pi_order_mer";
/// Payment and refund transactions by their ID.
pub const TRANSACTIONS: &str = "pi_txn";
/// Refunds by their ID.
pub const REFUNDS: &str = "pi_refund";

/// The client ID of the sandbox's one signing client (as `clientId` shows it).
pub const CLIENT_ID: &str = "CLT1000001";

/// The members of `record` that the spec's schema `schema` declares: what an answer shows (the
/// sandbox's own `sandbox_*` members never leave).
pub fn view(schema: &str, record: &Value) -> Value {
    let declared = paybind::sgate_payin::spec()
        .schema(schema)
        .and_then(|definition| definition.get("properties"))
        .and_then(Value::as_object);
    let Some(declared) = declared else {
        return json!({});
    };
    Value::Object(
        declared
            .keys()
            .filter_map(|name| Some((name.clone(), record.get(name)?.clone())))
            .collect(),
    )
}

/// A time as Payin writes it: ISO 8601 in UTC with milliseconds (`2022-12-31T12:53:17.454Z`).
pub fn iso(instant_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(instant_ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// An ISO 8601 time with a zone, in ms since the epoch.
pub fn parse_iso(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.timestamp_millis())
}

/// An amount of `minor` hundredths as Payin answers it: a JSON number (`12.02`).
pub fn money(minor: i64) -> Value {
    serde_json::to_value(Decimal2::from_minor_units(minor)).unwrap_or(Value::Null)
}

/// The hundredths of a decimal string the merchant sent (`"12.02"`, `"127"`).
pub fn minor_of(amount: &str) -> Option<i64> {
    amount.parse::<DecimalAmount>().ok()?.minor_units()
}

/// A fact of the spec's `info` (`x-currency-limits/currencies`).
pub fn info(pointer: &str) -> Option<&'static Value> {
    paybind::sgate_payin::spec()
        .document()
        .pointer(&format!("/info/{pointer}"))
}

/// The limit `bound` (`minimum`, `maximum`) of `currency` in hundredths, when the spec gives
/// one.
pub fn limit(currency: &str, bound: &str) -> Option<i64> {
    info("x-currency-limits/currencies")?
        .as_array()?
        .iter()
        .find(|row| text(row, "currency") == currency)
        .and_then(|row| optional_text(row, bound))
        .and_then(minor_of)
}

/// A record of `table`, or `notFound` naming `what`.
pub fn find(tx: &Tx<'_>, table: &str, id: &str, what: &str) -> PayinResult<Value> {
    tx.get(table, id)?
        .ok_or_else(|| refuse(Code::NotFound, format!("no {what} {id}")))
}

/// Writes a record under its `id`.
pub fn put(tx: &mut Tx<'_>, table: &str, record: &Value) {
    tx.put(table, text(record, "id"), record.clone());
}

/// The next ID of a transaction of `order` (`{order}_{n}`: payments and refunds share the
/// sequence, as SGATE's examples show).
pub fn next_transaction_id(order: &mut Value) -> String {
    let number = integer(order, "sandbox_transactions") + 1;
    set(order, json!({ "sandbox_transactions": number }));
    format!("{}_{number}", text(order, "id"))
}

/// Queues the `kind` callback (`payment`, `refund`) of `order` to its `notificationURL`; none
/// when it has none (the docs: "the callback notification function will not be triggered").
pub fn queue_callback(
    tx: &mut Tx<'_>,
    shared: &Shared,
    order: &Value,
    kind: &str,
) -> Result<(), StoreError> {
    let Some(notification_url) = optional_text(order, "notificationURL") else {
        return Ok(());
    };
    let order_id = text(order, "id");
    // The URL was checked as an http(s) URL when the order was made.
    let url = callback_url(notification_url, order_id, kind)
        .unwrap_or_else(|| notification_url.to_string());
    enqueue(
        tx,
        shared,
        GATEWAY,
        kind,
        &url,
        &payload(order_id, kind),
        false,
    )?;
    Ok(())
}
