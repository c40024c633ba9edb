//! Customers: creation, lists, updates (back to review), the ID photo upload, the review and its
//! callback, and STCPay verification by OTP.

use serde_json::{json, Value};

use super::accounts::{customer_test_result, effective_mobile};
use super::common::*;
use super::otp::new_otp;
use crate::base::clock::riyadh_time;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::next_number;
use crate::base::json::{integer, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::jobs::{schedule, Job};
use crate::wire::sgate::sign::md5_hex;

const CUSTOMER_FIELDS: &[&str] = &[
    "customid",
    "mercustomid",
    "name_e",
    "name_a",
    "address",
    "identity",
    "identitypic",
    "signpic",
    "bankname",
    "bankcode",
    "cardno",
    "ibanaccount",
    "swiftcode",
    "stcaccount",
    "status",
    "statusdesc",
    "autoapproval",
    "otpappname",
    "demand_perfection",
    "created_at",
    "updated_at",
];

/// A customer as SGATE shows it.
pub fn customer_view(customer: &Value) -> Value {
    pick(customer, CUSTOMER_FIELDS)
}

pub fn custom_info(customer: &Value) -> Value {
    let mut info = customer_view(customer);
    if let Value::Object(map) = &mut info {
        map.remove("autoapproval");
        map.remove("otpappname");
    }
    info
}

/// The customer a query names (`customid` or `mercustomid`); 1101 when none.
pub fn find_customer(tx: &Tx<'_>, query: &Value) -> Result<Value, HandlerError> {
    CUSTOMERS
        .find(tx, query)?
        .ok_or_else(|| fail(1101, "no such customer"))
}

/// Writes a customer.
pub fn put_customer(tx: &mut Tx<'_>, customer: &Value) {
    CUSTOMERS.put(tx, customer);
}

/// Changes a customer's status and sends `CUSTOM_STATUS_CHANGE` (admin API and jobs).
pub fn set_customer_status(
    tx: &mut Tx<'_>,
    shared: &Shared,
    customid: &str,
    status: i64,
    description: &str,
) -> HandlerResult {
    let Some(mut customer) = tx.get("sg_customer", customid)? else {
        return Err(HandlerError::admin(404, format!("no customer {customid}")));
    };
    let now = shared.now_ms();
    set(
        &mut customer,
        json!({ "status": status, "statusdesc": description, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &customer);
    status_callback(tx, shared, &customer)?;
    Ok(customer_view(&customer))
}

/// Sets a customer's status without a callback: the world as fixtures describe it, and the
/// approved customer a trigger makes for a payment order.
pub fn set_status_quietly(
    tx: &mut Tx<'_>,
    customid: &str,
    status: i64,
    description: &str,
) -> HandlerResult {
    let Some(mut customer) = tx.get("sg_customer", customid)? else {
        return Err(HandlerError::admin(404, format!("no customer {customid}")));
    };
    set(
        &mut customer,
        json!({ "status": status, "statusdesc": description }),
    );
    put_customer(tx, &customer);
    Ok(customer)
}

/// The automatic review of a test account's customer ends, if the customer still waits for it.
pub fn review(tx: &mut Tx<'_>, shared: &Shared, customid: &str, approved: bool) -> HandlerResult {
    let still_pending = tx
        .get("sg_customer", customid)?
        .is_some_and(|customer| integer(&customer, "status") == 0);
    if !still_pending {
        return Ok(Value::Null);
    }
    let (status, description) = if approved {
        (1, "Approved")
    } else {
        (2, "Rejected by review")
    };
    set_customer_status(tx, shared, customid, status, description)
}

/// A customer by customid or mercustomid (admin API).
pub fn customer_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    CUSTOMERS.key(tx, id)
}

/// `CUSTOM_STATUS_CHANGE` for a customer's new status.
fn status_callback(tx: &mut Tx<'_>, shared: &Shared, customer: &Value) -> Result<(), StoreError> {
    let view = customer_view(customer);
    callback(
        tx,
        shared,
        "CUSTOM_STATUS_CHANGE",
        "CustomStatusChangeCallback",
        view,
        false,
    )
}

/// Sends a customer (back) to review: status 0, written, announced when its status changed,
/// and its automatic review scheduled when it holds test accounts.
fn to_review(
    tx: &mut Tx<'_>,
    shared: &Shared,
    customer: &mut Value,
    now: i64,
) -> Result<(), HandlerError> {
    let previous_status = integer(customer, "status");
    set(
        customer,
        json!({ "status": 0, "statusdesc": riyadh_time(now) }),
    );
    put_customer(tx, customer);
    if previous_status != 0 {
        status_callback(tx, shared, customer)?;
    }
    schedule_review(tx, shared, customer)?;
    Ok(())
}

fn schedule_review(tx: &mut Tx<'_>, shared: &Shared, customer: &Value) -> Result<(), StoreError> {
    let auto_approval = customer.get("autoapproval").and_then(Value::as_i64) == Some(1);
    let result = customer_test_result(customer).or(auto_approval.then_some(true));
    if let Some(approved) = result {
        let due = shared
            .now_ms()
            .saturating_add(i64::try_from(shared.settings.auto_delay.as_millis()).unwrap_or(0));
        let job = Job::SgateReview {
            customid: text(customer, "customid").to_string(),
            approved,
        };
        schedule(tx, due, &job)?;
    }
    Ok(())
}

pub fn customer_create(shared: &Shared, tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let merchant_customer_id = text(body, "mercustomid");
    if tx.get("sg_customer_mer", merchant_customer_id)?.is_some() {
        return Err(fail(1302, merchant_customer_id));
    }
    let bankname = match optional_text(body, "bankcode") {
        Some(code) => {
            Some(bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?)
        }
        None => None,
    };
    let number = next_number(tx, "customer")?;
    let customid = format!("{:x}", 0x12000 + number);
    let mut customer = json!({
        "customid": customid, "mercustomid": merchant_customer_id,
        "name_e": text(body, "name_e"), "name_a": text(body, "name_a"),
        "address": text(body, "address"), "identity": text(body, "identity"),
        "identitypic": "", "signpic": "",
        "bankname": bankname.unwrap_or_default(), "bankcode": text(body, "bankcode"),
        "cardno": text(body, "cardno"), "ibanaccount": text(body, "ibanaccount"),
        "swiftcode": text(body, "swiftcode"), "stcaccount": text(body, "stcaccount"),
        "status": 4, "statusdesc": riyadh_time(now),
        "autoapproval": body.get("autoapproval").and_then(Value::as_i64).unwrap_or(0),
        "otpappname": optional_text(body, "otpappname").unwrap_or("Sandbox Merchant"),
        "demand_perfection": ["identitypic"],
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "stcverified": false,
    });
    if customer_test_result(&customer).is_some() {
        // Test accounts are reviewed automatically, whatever the documents (sgate.md §A13).
        set(&mut customer, json!({ "status": 0 }));
        schedule_review(tx, shared, &customer)?;
    }
    put_customer(tx, &customer);
    if customer.get("autoapproval").and_then(Value::as_i64) == Some(1) {
        if let Some(stc_account) = optional_text(&customer, "stcaccount") {
            let stc_account = stc_account.to_string();
            let app_name = text(&customer, "otpappname").to_string();
            new_otp(tx, &stc_account, &app_name, now, Some(&customid))?;
        }
    }
    Ok(customer_view(&customer))
}

/// The payee's name and account members a customer update or a rapid payment order may change.
pub const PAYEE_DETAILS: &[&str] = &[
    "name_e",
    "name_a",
    "bankcode",
    "cardno",
    "ibanaccount",
    "stcaccount",
    "address",
    "swiftcode",
];

pub fn customer_list(tx: &Tx<'_>, query: &Value) -> HandlerResult {
    let mut customers: Vec<Value> = tx
        .records("sg_customer")?
        .into_iter()
        .filter(|customer| listed(query, "mercustomids", customer, "mercustomid"))
        .filter(|customer| listed(query, "customids", customer, "customid"))
        .filter(|customer| {
            same_members(
                query,
                customer,
                &["identity", "cardno", "bankcode", "ibanaccount"],
            )
        })
        .filter(|customer| {
            optional_text(query, "stcaccount").is_none_or(|wanted| {
                effective_mobile(text(customer, "stcaccount")) == effective_mobile(wanted)
            })
        })
        .filter(|customer| {
            optional_text(query, "name_e").is_none_or(|wanted| {
                text(customer, "name_e")
                    .to_lowercase()
                    .contains(&wanted.to_lowercase())
            })
        })
        .filter(|customer| status_and_time_match(customer, query))
        .map(|customer| customer_view(&customer))
        .collect();
    Ok(Value::Array(page(&mut customers, query)))
}

pub fn customer_update(shared: &Shared, tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let mut customer = find_customer(tx, body)?;
    let mut changed = false;
    let updatable = PAYEE_DETAILS.iter().chain(&["identity", "otpappname"]);
    for &field in updatable {
        if let Some(value) = optional_text(body, field) {
            if text(&customer, field) != value {
                changed |= field != "otpappname";
                set(&mut customer, json!({ field: value }));
            }
        }
    }
    if let Some(code) = optional_text(body, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut customer, json!({ "bankname": name }));
    }
    if !changed {
        return Ok(customer_view(&customer));
    }
    set(&mut customer, json!({ "updated_at": now.div_euclid(1000) }));
    let status = integer(&customer, "status");
    if status != 3 && status != 4 {
        to_review(tx, shared, &mut customer, now)?;
    } else {
        put_customer(tx, &customer);
    }
    Ok(customer_view(&customer))
}

pub fn customer_file_upload(
    shared: &Shared,
    tx: &mut Tx<'_>,
    body: &Value,
    file: Option<&(Vec<u8>, String)>,
    now: i64,
) -> HandlerResult {
    let mut customer = find_customer(tx, body)?;
    let Some((bytes, name)) = file else {
        return Err(fail(1102, "file"));
    };
    if bytes.len() > paybind::sgate::upload::MAX_FILE_BYTES {
        return Err(fail(1500, "file larger than 2048 KB"));
    }
    if !md5_hex(bytes).eq_ignore_ascii_case(text(body, "md5")) {
        return Err(fail(1501, ""));
    }
    let kind = text(body, "type");
    let extension = name
        .rsplit_once('.')
        .map(|(_, suffix)| suffix)
        .unwrap_or("png");
    let url = format!(
        "{}/sgate/files/{}/{kind}.{extension}",
        shared.base_url,
        text(&customer, "customid")
    );
    set(
        &mut customer,
        json!({ kind: url, "updated_at": now.div_euclid(1000) }),
    );
    if kind == "identitypic" {
        set(&mut customer, json!({ "demand_perfection": [] }));
        if integer(&customer, "status") == 4 {
            to_review(tx, shared, &mut customer, now)?;
            return Ok(customer_view(&customer));
        }
    }
    put_customer(tx, &customer);
    Ok(customer_view(&customer))
}

fn stc_preconditions(customer: &Value) -> Result<String, HandlerError> {
    if customer.get("autoapproval").and_then(Value::as_i64) != Some(1) {
        return Err(fail(1308, ""));
    }
    let Some(stc_account) = optional_text(customer, "stcaccount") else {
        return Err(fail(1309, "no STCPay account"));
    };
    if customer.get("stcverified").and_then(Value::as_bool) == Some(true) {
        return Err(fail(1309, "STCPay account verified already"));
    }
    Ok(stc_account.to_string())
}

pub fn stc_otp_resend(tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let customer = find_customer(tx, body)?;
    let stc_account = stc_preconditions(&customer)?;
    new_otp(
        tx,
        &stc_account,
        text(&customer, "otpappname"),
        now,
        Some(text(&customer, "customid")),
    )?;
    Ok(json!({}))
}

pub fn stc_otp_submit(tx: &mut Tx<'_>, body: &Value) -> HandlerResult {
    let mut customer = find_customer(tx, body)?;
    let stc_account = stc_preconditions(&customer)?;
    let effective = effective_mobile(&stc_account);
    let latest = tx
        .records("sg_otp")?
        .into_iter()
        .rfind(|otp| text(otp, "effective") == effective);
    let expected = latest
        .as_ref()
        .map(|otp| text(otp, "code").to_string())
        .unwrap_or_default();
    if expected.is_empty() || expected != text(body, "code") {
        return Err(fail(1609, ""));
    }
    set(&mut customer, json!({ "stcverified": true }));
    put_customer(tx, &customer);
    Ok(json!({}))
}
