//! Virtual accounts: transfers received (admin API), credited to the balance and announced with
//! `RECEIVING_TRANS_NOTIFICATION`, and their list.

use serde_json::{json, Value};

use super::common::*;
use crate::base::clock::riyadh_time;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::request_id;
use crate::base::json::{compact, optional_text};
use crate::base::shared::Shared;
use crate::base::store::Tx;

pub fn va_list(tx: &Tx<'_>, query: &Value) -> HandlerResult {
    let mut transfers: Vec<Value> = tx
        .records("sg_va")?
        .into_iter()
        .filter(|transfer| same_members(query, transfer, &["account", "uuid"]))
        .collect();
    Ok(Value::Array(page(&mut transfers, query)))
}

/// A transfer arrives in a virtual account (admin API): recorded, credited, and announced with
/// `RECEIVING_TRANS_NOTIFICATION`.
pub fn receive_transfer(tx: &mut Tx<'_>, shared: &Shared, input: &Value) -> HandlerResult {
    let amount = input
        .get("amount")
        .and_then(units_of)
        .filter(|units| *units > 0)
        .ok_or_else(|| {
            HandlerError::admin(400, "amount: a positive number with at most three decimals")
        })?;
    let currency = optional_text(input, "currency")
        .unwrap_or("SAR")
        .to_string();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(HandlerError::admin(
            400,
            format!("currency is one of {}", CURRENCIES.join(", ")),
        ));
    }
    let now = shared.now_ms();
    let hex = request_id();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    let record = compact(json!({
        "uuid": uuid,
        "transactiontime": riyadh_time(now),
        "account": optional_text(input, "account").unwrap_or("SA9080000000000000000001"),
        "amount": money(amount),
        "currency": currency,
        "exchangeinfo": {
            "custname": optional_text(input, "custname").unwrap_or("Sandbox Payer"),
            "custacc": optional_text(input, "custacc").unwrap_or("SA9080000000000000000002"),
            "bankbic": optional_text(input, "bankbic").unwrap_or("RJHISARI"),
            "channelreference": format!("{}", now),
            "paymentremarks": optional_text(input, "paymentremarks").unwrap_or("sandbox transfer"),
        },
    }));
    tx.put("sg_va", &uuid, record.clone());
    add_currency_balance(tx, &currency, amount)?;
    callback(
        tx,
        shared,
        "RECEIVING_TRANS_NOTIFICATION",
        "ReceivingTransNotificationCallback",
        record.clone(),
        false,
    )?;
    Ok(record)
}
