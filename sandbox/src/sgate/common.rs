//! What SGATE's business areas share: balances per currency, money in SGATE's decimal form,
//! paging and list filters, the bank directory, and callbacks (sensitive members encrypted
//! with the merchant public key, queued in the outbox).

use serde_json::{json, Value};

use crate::base::gateway::Gateway;
use crate::base::http::{Fail, HandlerError};
use crate::base::json::{integer, optional_text, text};
use crate::base::shared::Shared;
use crate::base::spec_data::documented_data;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::outbox::enqueue;
use crate::wire::sgate::sensitive::encrypt_callback;
use paybind::money::Decimal2;

/// The gateway of this module.
pub const GATEWAY: Gateway = Gateway::Sgate;

/// Decimal places the sandbox keeps SGATE amounts in: thousandths of a major unit, the fils of
/// KWD (the finest currency SGATE pays), so a KWD balance such as 1.234 is answered as it is.
pub const PLACES: u32 = 3;

/// Balances each currency starts with, in thousandths (1,000,000.000).
pub const INITIAL_BALANCE: i64 = 1_000_000_000;

/// The currencies SGATE pays out in.
pub const CURRENCIES: &[&str] = &["SAR", "KWD", "AED"];

/// Payout fee: 5 % of the amount, rounded half up to hundredths (the docs' 18.75 → 0.94).
pub const FEE_PERCENT: i64 = 5;

/// The fee of a payout of `amount` thousandths, in thousandths.
pub fn fee_of(amount: i64) -> i64 {
    // i128: no amount can overflow the fee arithmetic.
    let hundredths = (i128::from(amount) * i128::from(FEE_PERCENT) + 500) / 1000;
    i64::try_from(hundredths * 10).unwrap_or(0)
}

pub fn fail(code: i64, detail: impl AsRef<str>) -> HandlerError {
    HandlerError::Fail(Fail::new(GATEWAY, code, detail))
}

pub fn currency_balance(tx: &Tx<'_>, currency: &str) -> Result<i64, StoreError> {
    Ok(tx
        .get("sg_balance", currency)?
        .map(|stored| integer(&stored, "amount"))
        .unwrap_or(INITIAL_BALANCE))
}

/// Sets the balance of one currency (admin API).
pub fn set_currency_balance(tx: &mut Tx<'_>, currency: &str, amount: i64) {
    tx.put("sg_balance", currency, json!({ "amount": amount }));
}

pub fn add_currency_balance(tx: &mut Tx<'_>, currency: &str, delta: i64) -> Result<(), StoreError> {
    let current = currency_balance(tx, currency)?;
    set_currency_balance(tx, currency, current.saturating_add(delta));
    Ok(())
}

/// An amount of `units` thousandths as SGATE writes it (`18.75`, `1.234`).
pub fn money(units: i64) -> Value {
    let amount = Decimal2::from_scaled(units, PLACES).unwrap_or_default();
    serde_json::to_value(amount).unwrap_or(Value::Null)
}

/// A JSON amount in thousandths; `None` when it is not an amount or has more places.
pub fn units_of(value: &Value) -> Option<i64> {
    serde_json::from_value::<Decimal2>(value.clone())
        .ok()
        .and_then(|amount| amount.to_scaled(PLACES))
}

pub fn page(items: &mut Vec<Value>, query: &Value) -> Vec<Value> {
    let size =
        usize::try_from(query.get("pagesize").and_then(Value::as_i64).unwrap_or(20)).unwrap_or(20);
    let page_number =
        usize::try_from(query.get("pageno").and_then(Value::as_i64).unwrap_or(1)).unwrap_or(1);
    let start = page_number.saturating_sub(1).saturating_mul(size);
    items.drain(..).skip(start).take(size).collect()
}

/// The `status`, `starttime` and `endtime` filters the customer and order lists share.
pub fn status_and_time_match(row: &Value, query: &Value) -> bool {
    let wanted = |key: &str| query.get(key).and_then(Value::as_i64);
    wanted("status").is_none_or(|status| integer(row, "status") == status)
        && wanted("starttime").is_none_or(|start| integer(row, "created_at") >= start)
        && wanted("endtime").is_none_or(|end| integer(row, "created_at") <= end)
}

fn callback_url(tx: &Tx<'_>) -> Result<Option<String>, StoreError> {
    Ok(tx
        .get("meta", "settings")?
        .and_then(|settings| optional_text(&settings, "sgate_callback_url").map(str::to_string)))
}

/// Queues an SGATE callback `event` with `data` (encrypted by the marks of `schema`) to the
/// configured callback URL; none when no URL is set.
pub fn callback(
    tx: &mut Tx<'_>,
    shared: &Shared,
    event: &str,
    schema: &str,
    data: Value,
    bad: bool,
) -> Result<(), StoreError> {
    let Some(url) = callback_url(tx)? else {
        return Ok(());
    };
    let mut payload =
        json!({ "event": event, "data": data, "time": shared.now_ms().div_euclid(1000) });
    encrypt_callback(shared, schema, &mut payload).map_err(StoreError)?;
    enqueue(tx, shared, GATEWAY, event, &url, &payload, bad)?;
    Ok(())
}

/// The bank list of the spec's documented example (the sandbox's bank directory).
pub fn banks() -> Vec<Value> {
    documented_data(paybind::sgate::spec(), "GET", "/openApi/v1/payee/banks")
        .and_then(|data| data.as_array().cloned())
        .unwrap_or_default()
}

pub fn bank_name(code: &str) -> Option<String> {
    banks()
        .into_iter()
        .find(|bank| text(bank, "bankcode") == code)
        .map(|bank| text(&bank, "bankname").to_string())
}

/// Whether `row` passes the query's list filter `key` (comma-separated values of `member`);
/// absent: it passes.
pub fn listed(query: &Value, key: &str, row: &Value, member: &str) -> bool {
    optional_text(query, key).is_none_or(|list| {
        list.split(',')
            .any(|value| value.trim() == text(row, member))
    })
}

/// Whether `row` holds the query's value for each of `keys` the query gives.
pub fn same_members(query: &Value, row: &Value, keys: &[&str]) -> bool {
    keys.iter()
        .all(|key| optional_text(query, key).is_none_or(|value| text(row, key) == value))
}

/// A table whose records are found by their own id or through a link table keyed by the
/// merchant's id (customers by `mercustomid`, payment orders by `payeeuid`).
pub struct Linked {
    /// The records' table.
    pub table: &'static str,
    /// The link table: the merchant's id → `{id: ...}`.
    pub links: &'static str,
    /// The member holding the record's own id.
    pub id: &'static str,
    /// The member holding the merchant's id.
    pub other: &'static str,
}

/// Customers: `customid`, or `mercustomid`.
pub const CUSTOMERS: Linked = Linked {
    table: "sg_customer",
    links: "sg_customer_mer",
    id: "customid",
    other: "mercustomid",
};

/// Payment orders: `ticketid`, or `payeeuid`.
pub const ORDERS: Linked = Linked {
    table: "sg_order",
    links: "sg_order_uid",
    id: "ticketid",
    other: "payeeuid",
};

impl Linked {
    /// The record's own id for an id of either kind.
    pub fn key(&self, tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
        if tx.get(self.table, id)?.is_some() {
            return Ok(Some(id.to_string()));
        }
        Ok(tx
            .get(self.links, id)?
            .map(|link| text(&link, self.id).to_string()))
    }

    /// The record a query names by its own id, else by the merchant's id.
    pub fn find(&self, tx: &Tx<'_>, query: &Value) -> Result<Option<Value>, StoreError> {
        if let Some(found) = optional_text(query, self.id).map(|id| tx.get(self.table, id)) {
            if let Some(record) = found? {
                return Ok(Some(record));
            }
        }
        let Some(link) = optional_text(query, self.other).map(|id| tx.get(self.links, id)) else {
            return Ok(None);
        };
        match link? {
            Some(link) => tx.get(self.table, text(&link, self.id)),
            None => Ok(None),
        }
    }

    /// Writes a record and its link.
    pub fn put(&self, tx: &mut Tx<'_>, record: &Value) {
        tx.put(
            self.links,
            text(record, self.other),
            json!({ self.id: record[self.id] }),
        );
        tx.put(self.table, text(record, self.id), record.clone());
    }
}

/// The members `fields` of `record`, in that order (the view an answer shows).
pub fn pick(record: &Value, fields: &[&str]) -> Value {
    let picked = fields
        .iter()
        .filter_map(|field| {
            record
                .get(*field)
                .map(|value| ((*field).to_string(), value.clone()))
        })
        .collect();
    Value::Object(picked)
}
