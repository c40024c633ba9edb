//! `GET /admin/objects`: every object each gateway holds for the merchant, with its balance —
//! what the dashboard lists. Members the SGATE spec marks `x-sensitive` (ID numbers, card and
//! STCPay numbers, photo URLs) are shown only as a mask: the sandbox keeps them decrypted, and
//! neither the admin API nor the page may hand them out.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use serde_json::{json, Map, Value};

use super::reply::{ok, Reply};
use crate::money::Decimal2;
use crate::sandbox::base::gateway::Gateway;
use crate::sandbox::base::shared::Shared;
use crate::sandbox::base::store::{StoreError, Tx};
use crate::sandbox::bluepay::records;
use crate::sandbox::sgate::common;

type St = State<Arc<Shared>>;

/// What a sensitive member is replaced with.
pub const MASK: &str = "•••• (sensitive)";

/// The envelope gateways' tables, by the name the listing gives them. Their keys start with
/// `{gateway}:`; `jt_ticket` belongs to JT alone.
const ENVELOPE_TABLES: &[(&str, &str)] = &[
    ("orders", "bp_order"),
    ("refunds", "bp_refund"),
    ("voids", "bp_void"),
    ("direct_debit_authorizations", "dd_auth"),
    ("direct_debit_tokens", "dd_token"),
];

const SGATE_TABLES: &[(&str, &str)] = &[
    ("customers", "sg_customer"),
    ("payment_orders", "sg_order"),
    ("otp_tasks", "sg_otp"),
    ("va_transfers", "sg_va"),
];

/// `GET /admin/objects`.
pub async fn objects(State(shared): St) -> Reply {
    let all = shared.with_tx(|tx| {
        let mut out = Map::new();
        for gw in [Gateway::BluePay, Gateway::BluePayJt] {
            out.insert(gw.name().into(), envelope_objects(tx, gw)?);
        }
        out.insert(Gateway::Sgate.name().into(), sgate_objects(tx)?);
        Ok::<_, StoreError>(Value::Object(out))
    })?;
    ok(all)
}

fn envelope_objects(tx: &Tx<'_>, gw: Gateway) -> Result<Value, StoreError> {
    let prefix = format!("{}:", gw.name());
    let mut objects = Map::new();
    for (name, table) in ENVELOPE_TABLES {
        let rows = tx
            .list(table)?
            .into_iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, v)| v)
            .collect();
        objects.insert((*name).into(), Value::Array(rows));
    }
    if gw == Gateway::BluePayJt {
        let tickets = tx.list("jt_ticket")?.into_iter().map(|(_, v)| v).collect();
        objects.insert("tickets".into(), Value::Array(tickets));
    }
    let minor = records::balance(tx, gw)?;
    Ok(json!({
        "balance": [{ "currency": "THB", "minor_units": minor }],
        "objects": objects,
    }))
}

fn sgate_objects(tx: &Tx<'_>) -> Result<Value, StoreError> {
    let mut objects = Map::new();
    for (name, table) in SGATE_TABLES {
        let rows = tx
            .list(table)?
            .into_iter()
            .map(|(_, mut v)| {
                mask_sensitive(&mut v);
                v
            })
            .collect();
        objects.insert((*name).into(), Value::Array(rows));
    }
    let mut balance = Vec::new();
    for currency in common::CURRENCIES {
        let minor = common::currency_balance(tx, currency)?;
        balance.push(json!({
            "currency": currency,
            "amount": Decimal2::from_minor_units(minor).to_string(),
        }));
    }
    Ok(json!({ "balance": balance, "objects": objects }))
}

/// Replaces, at any depth, every non-empty string member whose name the SGATE spec marks
/// `x-sensitive`.
pub fn mask_sensitive(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                let sensitive = sensitive_names().contains(name.as_str());
                match member {
                    Value::String(text) if sensitive && !text.is_empty() => {
                        *text = MASK.to_string();
                    }
                    other => mask_sensitive(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_sensitive),
        _ => {}
    }
}

/// The names of the members the SGATE spec marks `x-sensitive`, anywhere in it.
fn sensitive_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = BTreeSet::new();
        collect_sensitive(crate::sgate::spec().document(), &mut names);
        names
    })
}

fn collect_sensitive(node: &Value, names: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, schema) in properties {
                    if crate::spec::is_sensitive(schema) {
                        names.insert(name.clone());
                    }
                }
            }
            map.values().for_each(|v| collect_sensitive(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_sensitive(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_marks_the_members_masked() {
        let names = sensitive_names();
        for name in ["identity", "cardno", "stcaccount", "identitypic"] {
            assert!(names.contains(name), "{name} not found among {names:?}");
        }
        assert!(!names.contains("name_e"));
    }

    #[test]
    fn masks_at_any_depth_and_keeps_the_rest() {
        let mut v = json!({
            "customid": "C1", "cardno": "4111111111111111", "identity": "",
            "list": [{ "identity": "1234567890" }],
        });
        mask_sensitive(&mut v);
        assert_eq!(v["customid"], "C1");
        assert_eq!(v["cardno"], MASK);
        assert_eq!(v["identity"], "", "an empty member says 'none' and stays");
        assert_eq!(v["list"][0]["identity"], MASK);
    }
}
