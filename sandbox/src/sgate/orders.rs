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
pub fn order_view(order: &Value) -> Value {
    pick(order, ORDER_FIELDS)
}

/// The payment order a query names (`ticketid` or `payeeuid`); 1101 when none.
pub fn find_order(tx: &Tx<'_>, query: &Value) -> Result<Value, HandlerError> {
    ORDERS
        .find(tx, query)?
        .ok_or_else(|| fail(1101, "no such payment order"))
}

/// A payment order's ticketid by ticketid or payeeuid (admin API).
pub fn order_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    ORDERS.key(tx, id)
}

pub fn order_create(
    shared: &Shared,
    tx: &mut Tx<'_>,
    body: &Value,
    now: i64,
    trantype: &str,
) -> HandlerResult {
    let customer = find_customer(tx, body)?;
    if integer(&customer, "status") != 1 {
        return Err(fail(1300, "the customer is not approved (status 1)"));
    }
    create_order(shared, tx, body, &customer, now, trantype)
}

pub fn create_order(
    shared: &Shared,
    tx: &mut Tx<'_>,
    body: &Value,
    customer: &Value,
    now: i64,
    trantype: &str,
) -> HandlerResult {
    let payee_uid = text(body, "payeeuid");
    if tx.get("sg_order_uid", payee_uid)?.is_some() {
        return Err(fail(1401, payee_uid));
    }
    let amount = body
        .get("amount")
        .and_then(units_of)
        .ok_or_else(|| fail(1103, "amount"))?;
    if amount <= 0 {
        return Err(fail(1404, ""));
    }
    let currency = text(body, "currency");
    let method = text(body, "paymentmethod");
    let has_account = match method {
        "STCPay" => optional_text(customer, "stcaccount").is_some(),
        _ => {
            optional_text(customer, "cardno").is_some()
                || optional_text(customer, "ibanaccount").is_some()
        }
    };
    if !has_account {
        return Err(fail(
            1403,
            format!("the customer has no account for {method}"),
        ));
    }
    if matches!(currency, "KWD" | "AED")
        && optional_text(customer, "address").is_none()
        && optional_text(customer, "swiftcode").is_none()
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
    let number = next_number(tx, "order")?;
    let ticketid = format!("{:x}", 0x17000 + number);
    let stamp = chrono::DateTime::from_timestamp_millis(plus_seconds(now, 3 * 3600))
        .map(|time| time.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default();
    let order = json!({
        "ticketid": ticketid,
        "key": format!("M4T{}{stamp}", random_token(4).to_uppercase()),
        "customid": customer["customid"], "mercustomid": customer["mercustomid"],
        "payeeuid": payee_uid,
        "trantype": trantype, "currency": currency, "paymentmethod": method,
        "amount": money(amount), "realamount": money(amount - fee), "fee": money(fee),
        "feeconfigid": 1, "status": 0, "statusdesc": riyadh_time(now), "confirmtime": 0,
        "custominfo": custom_info(customer),
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "amount_units": amount,
    });
    ORDERS.put(tx, &order);
    let test_result = match method {
        "STCPay" => stc_test(customer),
        _ => bank_test(customer),
    };
    let rule = match test_result {
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

pub fn order_rapid(shared: &Shared, tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let merchant_customer_id = text(body, "mercustomid");
    let existing = match tx.get("sg_customer_mer", merchant_customer_id)? {
        Some(link) => tx.get("sg_customer", text(&link, "customid"))?,
        None => None,
    };
    let mut customer = match existing {
        Some(customer) => customer,
        None => {
            let number = next_number(tx, "customer")?;
            json!({
                "customid": format!("{:x}", 0x12000 + number),
                "mercustomid": merchant_customer_id, "name_e": "", "name_a": "",
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
        if let Some(value) = optional_text(body, field) {
            set(&mut customer, json!({ field: value }));
        }
    }
    if let Some(code) = optional_text(body, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut customer, json!({ "bankname": name }));
    }
    set(
        &mut customer,
        json!({ "status": 1, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &customer);
    create_order(shared, tx, body, &customer, now, "rapid")
}

/// `payment_order_list`: filtered by customers, payee uid, ticket, status and time; paged.
pub fn order_list(tx: &Tx<'_>, query: &Value) -> HandlerResult {
    let mut orders: Vec<Value> = tx
        .records("sg_order")?
        .into_iter()
        .filter(|order| listed(query, "customids", order, "customid"))
        .filter(|order| same_members(query, order, &["payeeuid", "ticketid"]))
        .filter(|order| status_and_time_match(order, query))
        .map(|order| order_view(&order))
        .collect();
    Ok(Value::Array(page(&mut orders, query)))
}

/// Ends a pending payment order: `completed` (1 Transferred) or `failed` (2 Error, money back);
/// sends `SALARY_STATUS_CHANGE`.
pub fn finish_order(tx: &mut Tx<'_>, shared: &Shared, ticketid: &str, end: &End) -> HandlerResult {
    let Some(mut order) = tx.get("sg_order", ticketid)? else {
        return Err(HandlerError::admin(
            404,
            format!("no payment order {ticketid}"),
        ));
    };
    if !matches!(integer(&order, "status"), 0 | 3 | 4) {
        return Err(HandlerError::admin(409, "payment order is final already"));
    }
    let now = shared.now_ms();
    let completed = end.completed();
    set(
        &mut order,
        json!({
            "status": if completed { 1 } else { 2 },
            "statusdesc": riyadh_time(now),
            "confirmtime": if completed { now.div_euclid(1000) } else { 0 },
            "updated_at": now.div_euclid(1000),
        }),
    );
    if !completed {
        let amount = integer(&order, "amount_units");
        let currency = text(&order, "currency").to_string();
        add_currency_balance(tx, &currency, amount)?;
    }
    tx.put("sg_order", ticketid, order.clone());
    callback(
        tx,
        shared,
        "SALARY_STATUS_CHANGE",
        "SalaryStatusChangeCallback",
        order_view(&order),
        end.bad_signature,
    )?;
    Ok(order_view(&order))
}
