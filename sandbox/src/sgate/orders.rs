//! Payment orders: standard (approved customer) and rapid (customer made on the way), the
//! balance held, test accounts' fixed results, lists and details, and how an order ends with
//! `SALARY_STATUS_CHANGE`.

use serde_json::{json, Value};

use super::accounts::{bank_test, stc_test};
use super::common::*;
use super::customers::{custom_info, find_customer, put_customer, PAYEE_DETAILS};
use crate::base::clock::{plus_seconds, riyadh_time};
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::{next_number, random_token};
use crate::base::json::{integer, optional_text, set, text};
use crate::base::rules::{decide, OutcomeRule};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::jobs::{schedule_outcome, End, Job};

const ORDER_FIELDS: &[&str] = &[
    "ticketid",
    "key",
    "customid",
    "mercustomid",
    "payeeuid",
    "trantype",
    "currency",
    "paymentmethod",
    "amount",
    "realamount",
    "fee",
    "feeconfigid",
    "status",
    "statusdesc",
    "confirmtime",
    "custominfo",
    "created_at",
    "updated_at",
];

/// A payment order as SGATE shows it.
pub fn order_view(o: &Value) -> Value {
    pick(o, ORDER_FIELDS)
}

/// The payment order a query names (`ticketid` or `payeeuid`); 1101 when none.
pub fn find_order(tx: &Tx<'_>, q: &Value) -> Result<Value, HandlerError> {
    ORDERS
        .find(tx, q)?
        .ok_or_else(|| fail(1101, "no such payment order"))
}

/// A payment order's ticketid by ticketid or payeeuid (admin API).
pub fn order_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    ORDERS.key(tx, id)
}

pub fn order_create(
    shared: &Shared,
    tx: &mut Tx<'_>,
    b: &Value,
    now: i64,
    trantype: &str,
) -> HandlerResult {
    let c = find_customer(tx, b)?;
    if integer(&c, "status") != 1 {
        return Err(fail(1300, "the customer is not approved (status 1)"));
    }
    create_order(shared, tx, b, &c, now, trantype)
}

pub fn create_order(
    shared: &Shared,
    tx: &mut Tx<'_>,
    b: &Value,
    c: &Value,
    now: i64,
    trantype: &str,
) -> HandlerResult {
    let uid = text(b, "payeeuid");
    if tx.get("sg_order_uid", uid)?.is_some() {
        return Err(fail(1401, uid));
    }
    let amount = b
        .get("amount")
        .and_then(units_of)
        .ok_or_else(|| fail(1103, "amount"))?;
    if amount <= 0 {
        return Err(fail(1404, ""));
    }
    let currency = text(b, "currency");
    let method = text(b, "paymentmethod");
    let has_account = match method {
        "STCPay" => optional_text(c, "stcaccount").is_some(),
        _ => optional_text(c, "cardno").is_some() || optional_text(c, "ibanaccount").is_some(),
    };
    if !has_account {
        return Err(fail(
            1403,
            format!("the customer has no account for {method}"),
        ));
    }
    if matches!(currency, "KWD" | "AED")
        && optional_text(c, "address").is_none()
        && optional_text(c, "swiftcode").is_none()
    {
        return Err(fail(
            1103,
            "KWD and AED payouts need the customer's address or swiftcode",
        ));
    }
    if amount > currency_balance(tx, currency)? {
        return Err(fail(1402, ""));
    }
    add_currency_balance(tx, currency, -amount)?;
    let fee = fee_of(amount);
    let n = next_number(tx, "order")?;
    let ticketid = format!("{:x}", 0x17000 + n);
    let stamp = chrono::DateTime::from_timestamp_millis(plus_seconds(now, 3 * 3600))
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default();
    let order = json!({
        "ticketid": ticketid,
        "key": format!("M4T{}{stamp}", random_token(4).to_uppercase()),
        "customid": c["customid"], "mercustomid": c["mercustomid"], "payeeuid": uid,
        "trantype": trantype, "currency": currency, "paymentmethod": method,
        "amount": money(amount), "realamount": money(amount - fee), "fee": money(fee),
        "feeconfigid": 1, "status": 0, "statusdesc": riyadh_time(now), "confirmtime": 0,
        "custominfo": custom_info(c),
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "amount_units": amount,
    });
    ORDERS.put(tx, &order);
    let test = match method {
        "STCPay" => stc_test(c),
        _ => bank_test(c),
    };
    let rule = match test {
        Some((_, transferred)) => OutcomeRule {
            outcome: if transferred { "completed" } else { "failed" }.into(),
            ..Default::default()
        },
        // Outcome rules match minor units (hundredths), as for the other gateways.
        None => decide(tx, GATEWAY, "payment_order", amount / 10)?,
    };
    schedule_outcome(tx, shared, &rule, false, |end| Job::SgatePaymentOrder {
        ticketid,
        end,
    })?;
    Ok(order_view(&order))
}

pub fn order_rapid(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HandlerResult {
    let mer = text(b, "mercustomid");
    let existing = match tx.get("sg_customer_mer", mer)? {
        Some(link) => tx.get("sg_customer", text(&link, "customid"))?,
        None => None,
    };
    let mut c = match existing {
        Some(c) => c,
        None => {
            let n = next_number(tx, "customer")?;
            json!({
                "customid": format!("{:x}", 0x12000 + n), "mercustomid": mer, "name_e": "", "name_a": "",
                "address": "", "identity": "", "identitypic": "", "signpic": "", "bankname": "",
                "bankcode": "", "cardno": "", "ibanaccount": "", "swiftcode": "", "stcaccount": "",
                "status": 1, "statusdesc": "Customers create through quick payment",
                "autoapproval": 0, "otpappname": "Sandbox Merchant",
                "demand_perfection": ["identitypic"],
                "created_at": now.div_euclid(1000), "stcverified": false,
            })
        }
    };
    for &field in PAYEE_DETAILS {
        if let Some(v) = optional_text(b, field) {
            set(&mut c, json!({ field: v }));
        }
    }
    if let Some(code) = optional_text(b, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut c, json!({ "bankname": name }));
    }
    set(
        &mut c,
        json!({ "status": 1, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &c);
    create_order(shared, tx, b, &c, now, "rapid")
}

/// `payment_order_list`: filtered by customers, payee uid, ticket, status and time; paged.
pub fn order_list(tx: &Tx<'_>, q: &Value) -> HandlerResult {
    let mut out: Vec<Value> = tx
        .records("sg_order")?
        .into_iter()
        .filter(|o| listed(q, "customids", o, "customid"))
        .filter(|o| same_members(q, o, &["payeeuid", "ticketid"]))
        .filter(|o| status_and_time_match(o, q))
        .map(|o| order_view(&o))
        .collect();
    Ok(Value::Array(page(&mut out, q)))
}

/// Ends a pending payment order: `completed` (1 Transferred) or `failed` (2 Error, money back);
/// sends `SALARY_STATUS_CHANGE`.
pub fn finish_order(tx: &mut Tx<'_>, shared: &Shared, ticketid: &str, end: &End) -> HandlerResult {
    let Some(mut o) = tx.get("sg_order", ticketid)? else {
        return Err(HandlerError::admin(
            404,
            format!("no payment order {ticketid}"),
        ));
    };
    if !matches!(integer(&o, "status"), 0 | 3 | 4) {
        return Err(HandlerError::admin(409, "payment order is final already"));
    }
    let now = shared.now_ms();
    let completed = end.completed();
    set(
        &mut o,
        json!({
            "status": if completed { 1 } else { 2 },
            "statusdesc": riyadh_time(now),
            "confirmtime": if completed { now.div_euclid(1000) } else { 0 },
            "updated_at": now.div_euclid(1000),
        }),
    );
    if !completed {
        let amount = integer(&o, "amount_units");
        let currency = text(&o, "currency").to_string();
        add_currency_balance(tx, &currency, amount)?;
    }
    tx.put("sg_order", ticketid, o.clone());
    callback(
        tx,
        shared,
        "SALARY_STATUS_CHANGE",
        "SalaryStatusChangeCallback",
        order_view(&o),
        end.bad_signature,
    )?;
    Ok(order_view(&o))
}
