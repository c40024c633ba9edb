//! The records of BluePay and JT that every area shares: the request context, record keys,
//! the merchant balance, channel capabilities, orders by merchant id or transaction id.

use serde_json::{json, Value};

use crate::base::clock::bangkok_time;
use crate::base::gateway::Gateway;
use crate::base::http::{Fail, HandlerError, HandlerResult};
use crate::base::json::{integer, set, text};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};

/// The merchant balance a gateway starts with, in satang (THB 10,000.00).
pub const INITIAL_BALANCE: i64 = 1_000_000;

/// Refunds are refused for payments completed more than this many days ago (21403).
pub const REFUND_DAYS: i64 = 60;

/// What every operation of one request knows.
pub struct RequestContext<'a> {
    /// The sandbox.
    pub shared: &'a Shared,
    /// BluePay or JT.
    pub gateway: Gateway,
    /// The sandbox clock when the request arrived.
    pub now: i64,
    /// A fault asks that the notifications this request triggers be signed wrongly.
    pub bad_signature: bool,
}

impl RequestContext<'_> {
    /// This gateway's failure `code`, with a detail.
    pub fn fail(&self, code: i64, detail: impl AsRef<str>) -> HandlerError {
        HandlerError::Fail(Fail::new(self.gateway, code, detail))
    }
}

/// The record key of `id` on `gateway`.
pub fn key(gateway: Gateway, id: &str) -> String {
    format!("{}:{id}", gateway.id())
}

/// The merchant balance of an envelope gateway, in satang.
pub fn balance(tx: &Tx<'_>, gateway: Gateway) -> Result<i64, StoreError> {
    Ok(tx
        .get("balance", gateway.id())?
        .map(|stored| integer(&stored, "amount"))
        .unwrap_or(INITIAL_BALANCE))
}

/// Sets the merchant balance of an envelope gateway.
pub fn set_balance(tx: &mut Tx<'_>, gateway: Gateway, amount: i64) {
    tx.put("balance", gateway.id(), json!({ "amount": amount }));
}

/// Moves the merchant balance by `delta` (saturating).
pub fn add_balance(tx: &mut Tx<'_>, gateway: Gateway, delta: i64) -> Result<(), StoreError> {
    let current = balance(tx, gateway)?;
    set_balance(tx, gateway, current.saturating_add(delta));
    Ok(())
}

/// What a payment channel supports (admin API `PUT /admin/channels/...`); all by default.
pub fn channel(tx: &Tx<'_>, gateway: Gateway, code: &str) -> Result<Value, StoreError> {
    let mut capabilities = json!({ "full_refund": true, "partial_refund": true, "void": true });
    if let Some(stored) = tx.get("channel", &key(gateway, code))? {
        set(&mut capabilities, stored);
    }
    Ok(capabilities)
}

/// An order by merchant order id.
pub fn order(
    tx: &Tx<'_>,
    gateway: Gateway,
    merchant_order_id: &str,
) -> Result<Option<Value>, StoreError> {
    tx.get("bp_order", &key(gateway, merchant_order_id))
}

/// An order by transaction id.
pub fn order_by_transaction_id(
    tx: &Tx<'_>,
    gateway: Gateway,
    transaction_id: &str,
) -> Result<Option<Value>, StoreError> {
    let Some(link) = tx.get("bp_txn", &key(gateway, transaction_id))? else {
        return Ok(None);
    };
    tx.get("bp_order", text(&link, "order"))
}

/// Writes an order and its transaction id link.
pub fn put_order(tx: &mut Tx<'_>, order: &Value) {
    let gateway = Gateway::from_id(text(order, "gw")).unwrap_or(Gateway::BluePay);
    let order_key = key(gateway, text(order, "mchOrderId"));
    tx.put(
        "bp_txn",
        &key(gateway, text(order, "transactionId")),
        json!({ "order": order_key }),
    );
    tx.put("bp_order", &order_key, order.clone());
}

/// 21007 when the merchant order id is taken.
pub fn require_new_order(
    context: &RequestContext<'_>,
    tx: &Tx<'_>,
    merchant_order_id: &str,
) -> Result<(), HandlerError> {
    if order(tx, context.gateway, merchant_order_id)?.is_some() {
        return Err(context.fail(21007, merchant_order_id));
    }
    Ok(())
}

/// A BluePay time, or `null` for "not yet".
pub fn time_or_null(instant_ms: i64) -> Value {
    if instant_ms > 0 {
        json!(bangkok_time(instant_ms))
    } else {
        Value::Null
    }
}

/// `balance_inquiry`.
pub fn balance_inquiry(context: &RequestContext<'_>, tx: &mut Tx<'_>) -> HandlerResult {
    let minor_units = balance(tx, context.gateway)?;
    Ok(match context.gateway {
        // JT returns integer satang; BluePay a decimal string.
        Gateway::BluePayJt => json!({ "balance": minor_units }),
        _ => {
            let balance = paybind::money::DecimalAmount::from_minor_units(minor_units);
            json!({ "balance": balance.to_string() })
        }
    })
}

/// The documented message of a `failedCode`.
pub fn failed_message_of(code: i64) -> String {
    paybind::bluepay::FailedCode::from_code(code)
        .message()
        .unwrap_or("Transaction failed")
        .to_string()
}

/// An order by gateway and merchant order id (admin API).
pub fn find_order(
    tx: &Tx<'_>,
    gateway: Gateway,
    merchant_order_id: &str,
) -> Result<Option<(String, Value)>, StoreError> {
    Ok(
        order(tx, gateway, merchant_order_id)?
            .map(|found| (key(gateway, merchant_order_id), found)),
    )
}

/// A refund by gateway and merchant refund id (admin API).
pub fn refund_key(gateway: Gateway, merchant_refund_id: &str) -> String {
    key(gateway, merchant_refund_id)
}
