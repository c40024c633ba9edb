//! `GET /admin/objects`: every object each gateway holds for the merchant, with its balance —
//! what the dashboard lists, sensitive members masked (see `mask`).

use std::sync::Arc;

use axum::extract::State;
use serde_json::{json, Map, Value};

use super::mask::{mask_gateway, mask_sensitive};
use super::reply::{success, Reply};
use crate::base::gateway::Gateway;
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::bluepay::records;
use crate::sgate::common;
use crate::sgate_payin::records as payin;
use paybind::money::Decimal2;

type SharedState = State<Arc<Shared>>;

/// The envelope gateways' tables, by the name the listing gives them. Their keys start with
/// `{gateway}:`; `jt_ticket` belongs to JT alone.
const ENVELOPE_TABLES: &[(&str, &str)] = &[
    ("orders", "bp_order"),
    ("refunds", "bp_refund"),
    ("voids", "bp_void"),
    ("direct_debit_authorizations", "dd_auth"),
    ("direct_debit_tokens", "dd_token"),
];

const SGATE_PAYIN_TABLES: &[(&str, &str)] = &[
    ("orders", payin::ORDERS),
    ("transactions", payin::TRANSACTIONS),
    ("refunds", payin::REFUNDS),
];

const SGATE_TABLES: &[(&str, &str)] = &[
    ("customers", "sg_customer"),
    ("payment_orders", "sg_order"),
    ("otp_tasks", "sg_otp"),
    ("va_transfers", "sg_va"),
];

/// `GET /admin/objects`.
pub async fn objects(State(shared): SharedState) -> Reply {
    let all = shared.with_tx(|tx| {
        let mut by_gateway = Map::new();
        for &gateway in Gateway::ALL {
            let objects = match gateway {
                Gateway::BluePay | Gateway::BluePayJt => envelope_objects(tx, gateway)?,
                Gateway::Sgate => sgate_objects(tx)?,
                // Payin holds no balance: what was paid is in its orders.
                Gateway::SgatePayin => json!({
                    "balance": [],
                    "objects": masked_tables(tx, SGATE_PAYIN_TABLES)?,
                }),
            };
            by_gateway.insert(gateway.id().into(), objects);
        }
        Ok::<_, StoreError>(Value::Object(by_gateway))
    })?;
    success(all)
}

/// An envelope gateway's objects, the members its spec marks `x-sensitive` masked.
fn envelope_objects(tx: &Tx<'_>, gateway: Gateway) -> Result<Value, StoreError> {
    let prefix = format!("{}:", gateway.id());
    let mut objects = Map::new();
    for (name, table) in ENVELOPE_TABLES {
        let rows = tx
            .list(table)?
            .into_iter()
            .filter(|(key, _)| key.starts_with(&prefix))
            .map(|(_, mut record)| {
                mask_gateway(gateway, &mut record);
                record
            })
            .collect();
        objects.insert((*name).into(), Value::Array(rows));
    }
    if gateway == Gateway::BluePayJt {
        let mut tickets = tx.records("jt_ticket")?;
        tickets
            .iter_mut()
            .for_each(|ticket| mask_gateway(gateway, ticket));
        objects.insert("tickets".into(), Value::Array(tickets));
    }
    let minor_units = records::balance(tx, gateway)?;
    Ok(json!({
        "balance": [{ "currency": "THB", "minor_units": minor_units }],
        "objects": objects,
    }))
}

/// Every record of `tables`, by the name the listing gives each table, sensitive members
/// masked.
fn masked_tables(tx: &Tx<'_>, tables: &[(&str, &str)]) -> Result<Value, StoreError> {
    let mut objects = Map::new();
    for (name, table) in tables {
        let rows = tx
            .list(table)?
            .into_iter()
            .map(|(_, mut record)| {
                mask_sensitive(&mut record);
                record
            })
            .collect();
        objects.insert((*name).into(), Value::Array(rows));
    }
    Ok(Value::Object(objects))
}

fn sgate_objects(tx: &Tx<'_>) -> Result<Value, StoreError> {
    let objects = masked_tables(tx, SGATE_TABLES)?;
    let mut balance = Vec::new();
    for currency in common::CURRENCIES {
        let units = common::currency_balance(tx, currency)?;
        let amount = Decimal2::from_scaled(units, common::PLACES).unwrap_or_default();
        balance.push(json!({
            "currency": currency,
            "amount": amount.to_string(),
        }));
    }
    Ok(json!({ "balance": balance, "objects": objects }))
}
