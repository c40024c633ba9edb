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
pub fn customer_view(c: &Value) -> Value {
    pick(c, CUSTOMER_FIELDS)
}

pub fn custom_info(c: &Value) -> Value {
    let mut v = customer_view(c);
    if let Value::Object(map) = &mut v {
        map.remove("autoapproval");
        map.remove("otpappname");
    }
    v
}

/// The customer a query names (`customid` or `mercustomid`); 1101 when none.
pub fn find_customer(tx: &Tx<'_>, q: &Value) -> Result<Value, HandlerError> {
    CUSTOMERS
        .find(tx, q)?
        .ok_or_else(|| fail(1101, "no such customer"))
}

/// Writes a customer.
pub fn put_customer(tx: &mut Tx<'_>, c: &Value) {
    CUSTOMERS.put(tx, c);
}

/// Changes a customer's status and sends `CUSTOM_STATUS_CHANGE` (admin API and jobs).
pub fn set_customer_status(
    tx: &mut Tx<'_>,
    shared: &Shared,
    customid: &str,
    status: i64,
    desc: &str,
) -> HandlerResult {
    let Some(mut c) = tx.get("sg_customer", customid)? else {
        return Err(HandlerError::admin(404, format!("no customer {customid}")));
    };
    let now = shared.now_ms();
    set(
        &mut c,
        json!({ "status": status, "statusdesc": desc, "updated_at": now.div_euclid(1000) }),
    );
    put_customer(tx, &c);
    status_callback(tx, shared, &c)?;
    Ok(customer_view(&c))
}

/// The automatic review of a test account's customer ends, if the customer still waits for it.
pub fn review(tx: &mut Tx<'_>, shared: &Shared, customid: &str, approved: bool) -> HandlerResult {
    let still_pending = tx
        .get("sg_customer", customid)?
        .is_some_and(|c| integer(&c, "status") == 0);
    if !still_pending {
        return Ok(Value::Null);
    }
    let (status, desc) = if approved {
        (1, "Approved")
    } else {
        (2, "Rejected by review")
    };
    set_customer_status(tx, shared, customid, status, desc)
}

/// A customer by customid or mercustomid (admin API).
pub fn customer_id(tx: &Tx<'_>, id: &str) -> Result<Option<String>, StoreError> {
    CUSTOMERS.key(tx, id)
}

/// `CUSTOM_STATUS_CHANGE` for a customer's new status.
fn status_callback(tx: &mut Tx<'_>, shared: &Shared, c: &Value) -> Result<(), StoreError> {
    let view = customer_view(c);
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
    c: &mut Value,
    now: i64,
) -> Result<(), HandlerError> {
    let was = integer(c, "status");
    set(c, json!({ "status": 0, "statusdesc": riyadh_time(now) }));
    put_customer(tx, c);
    if was != 0 {
        status_callback(tx, shared, c)?;
    }
    schedule_review(tx, shared, c)?;
    Ok(())
}

fn schedule_review(tx: &mut Tx<'_>, shared: &Shared, c: &Value) -> Result<(), StoreError> {
    let auto = c.get("autoapproval").and_then(Value::as_i64) == Some(1);
    let result = customer_test_result(c).or(auto.then_some(true));
    if let Some(approved) = result {
        let due = shared
            .now_ms()
            .saturating_add(i64::try_from(shared.settings.auto_delay.as_millis()).unwrap_or(0));
        let job = Job::SgateReview {
            customid: text(c, "customid").to_string(),
            approved,
        };
        schedule(tx, due, &job)?;
    }
    Ok(())
}

pub fn customer_create(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HandlerResult {
    let mer = text(b, "mercustomid");
    if tx.get("sg_customer_mer", mer)?.is_some() {
        return Err(fail(1302, mer));
    }
    let bankname = match optional_text(b, "bankcode") {
        Some(code) => {
            Some(bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?)
        }
        None => None,
    };
    let n = next_number(tx, "customer")?;
    let customid = format!("{:x}", 0x12000 + n);
    let mut c = json!({
        "customid": customid, "mercustomid": mer, "name_e": text(b, "name_e"), "name_a": text(b, "name_a"),
        "address": text(b, "address"), "identity": text(b, "identity"), "identitypic": "", "signpic": "",
        "bankname": bankname.unwrap_or_default(), "bankcode": text(b, "bankcode"), "cardno": text(b, "cardno"),
        "ibanaccount": text(b, "ibanaccount"), "swiftcode": text(b, "swiftcode"), "stcaccount": text(b, "stcaccount"),
        "status": 4, "statusdesc": riyadh_time(now),
        "autoapproval": b.get("autoapproval").and_then(Value::as_i64).unwrap_or(0),
        "otpappname": optional_text(b, "otpappname").unwrap_or("Sandbox Merchant"),
        "demand_perfection": ["identitypic"],
        "created_at": now.div_euclid(1000), "updated_at": now.div_euclid(1000),
        "stcverified": false,
    });
    if customer_test_result(&c).is_some() {
        // Test accounts are reviewed automatically, whatever the documents (sgate.md §A13).
        set(&mut c, json!({ "status": 0 }));
        schedule_review(tx, shared, &c)?;
    }
    put_customer(tx, &c);
    if c.get("autoapproval").and_then(Value::as_i64) == Some(1) {
        if let Some(stc) = optional_text(&c, "stcaccount") {
            let stc = stc.to_string();
            let app = text(&c, "otpappname").to_string();
            new_otp(tx, &stc, &app, now, Some(&customid))?;
        }
    }
    Ok(customer_view(&c))
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

pub fn customer_list(tx: &Tx<'_>, q: &Value) -> HandlerResult {
    let mut out: Vec<Value> = tx
        .records("sg_customer")?
        .into_iter()
        .filter(|c| listed(q, "mercustomids", c, "mercustomid"))
        .filter(|c| listed(q, "customids", c, "customid"))
        .filter(|c| same_members(q, c, &["identity", "cardno", "bankcode", "ibanaccount"]))
        .filter(|c| {
            optional_text(q, "stcaccount")
                .is_none_or(|v| effective_mobile(text(c, "stcaccount")) == effective_mobile(v))
        })
        .filter(|c| {
            optional_text(q, "name_e")
                .is_none_or(|v| text(c, "name_e").to_lowercase().contains(&v.to_lowercase()))
        })
        .filter(|c| status_and_time_match(c, q))
        .map(|c| customer_view(&c))
        .collect();
    Ok(Value::Array(page(&mut out, q)))
}

pub fn customer_update(shared: &Shared, tx: &mut Tx<'_>, b: &Value, now: i64) -> HandlerResult {
    let mut c = find_customer(tx, b)?;
    let mut changed = false;
    let updatable = PAYEE_DETAILS.iter().chain(&["identity", "otpappname"]);
    for &field in updatable {
        if let Some(v) = optional_text(b, field) {
            if text(&c, field) != v {
                changed |= field != "otpappname";
                set(&mut c, json!({ field: v }));
            }
        }
    }
    if let Some(code) = optional_text(b, "bankcode") {
        let name =
            bank_name(code).ok_or_else(|| fail(1304, format!("unknown bank code {code}")))?;
        set(&mut c, json!({ "bankname": name }));
    }
    if !changed {
        return Ok(customer_view(&c));
    }
    set(&mut c, json!({ "updated_at": now.div_euclid(1000) }));
    let status = integer(&c, "status");
    if status != 3 && status != 4 {
        to_review(tx, shared, &mut c, now)?;
    } else {
        put_customer(tx, &c);
    }
    Ok(customer_view(&c))
}

pub fn customer_file_upload(
    shared: &Shared,
    tx: &mut Tx<'_>,
    b: &Value,
    file: Option<&(Vec<u8>, String)>,
    now: i64,
) -> HandlerResult {
    let mut c = find_customer(tx, b)?;
    let Some((bytes, name)) = file else {
        return Err(fail(1102, "file"));
    };
    if bytes.len() > paybind::sgate::upload::MAX_FILE_BYTES {
        return Err(fail(1500, "file larger than 2048 KB"));
    }
    if !md5_hex(bytes).eq_ignore_ascii_case(text(b, "md5")) {
        return Err(fail(1501, ""));
    }
    let kind = text(b, "type");
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("png");
    let url = format!(
        "{}/sgate/files/{}/{kind}.{extension}",
        shared.base_url,
        text(&c, "customid")
    );
    set(
        &mut c,
        json!({ kind: url, "updated_at": now.div_euclid(1000) }),
    );
    if kind == "identitypic" {
        set(&mut c, json!({ "demand_perfection": [] }));
        if integer(&c, "status") == 4 {
            to_review(tx, shared, &mut c, now)?;
            return Ok(customer_view(&c));
        }
    }
    put_customer(tx, &c);
    Ok(customer_view(&c))
}

fn stc_preconditions(c: &Value) -> Result<String, HandlerError> {
    if c.get("autoapproval").and_then(Value::as_i64) != Some(1) {
        return Err(fail(1308, ""));
    }
    let Some(stc) = optional_text(c, "stcaccount") else {
        return Err(fail(1309, "no STCPay account"));
    };
    if c.get("stcverified").and_then(Value::as_bool) == Some(true) {
        return Err(fail(1309, "STCPay account verified already"));
    }
    Ok(stc.to_string())
}

pub fn stc_otp_resend(tx: &mut Tx<'_>, b: &Value, now: i64) -> HandlerResult {
    let c = find_customer(tx, b)?;
    let stc = stc_preconditions(&c)?;
    new_otp(
        tx,
        &stc,
        text(&c, "otpappname"),
        now,
        Some(text(&c, "customid")),
    )?;
    Ok(json!({}))
}

pub fn stc_otp_submit(tx: &mut Tx<'_>, b: &Value) -> HandlerResult {
    let mut c = find_customer(tx, b)?;
    let stc = stc_preconditions(&c)?;
    let effective = effective_mobile(&stc);
    let latest = tx
        .records("sg_otp")?
        .into_iter()
        .rfind(|o| text(o, "effective") == effective);
    let expected = latest
        .as_ref()
        .map(|o| text(o, "code").to_string())
        .unwrap_or_default();
    if expected.is_empty() || expected != text(b, "code") {
        return Err(fail(1609, ""));
    }
    set(&mut c, json!({ "stcverified": true }));
    put_customer(tx, &c);
    Ok(json!({}))
}
