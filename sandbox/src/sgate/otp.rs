//! OTP: sending (one per number per minute), checking (five minutes, once), details, and the
//! sandbox's SMS inbox.

use serde_json::{json, Value};

use super::accounts::{effective_mobile, otp_test};
use super::common::*;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::json::{integer, set, text};
use crate::base::store::{StoreError, Tx};

pub fn new_otp(
    tx: &mut Tx<'_>,
    mobile: &str,
    appname: &str,
    now: i64,
    customid: Option<&str>,
) -> Result<Value, HandlerError> {
    let effective = effective_mobile(mobile);
    let test_number = otp_test(&effective);
    let (sessionid, code) = match test_number {
        Some(test) => (test.sessionid.clone(), test.code.clone()),
        None => {
            let recent = tx.list("sg_otp")?.into_iter().any(|(_, otp)| {
                text(&otp, "effective") == effective
                    && now.saturating_sub(integer(&otp, "created_ms")) < 60_000
            });
            if recent {
                return Err(fail(1611, "one OTP per number per minute"));
            }
            let session: String = crate::base::random::bytes::<16>()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            let code = format!("{:06}", crate::base::random::below(1_000_000));
            (session, code)
        }
    };
    let record = json!({
        "sessionid": sessionid, "mobile": mobile, "effective": effective, "appname": appname,
        "code": code, "created_ms": now, "used": false, "test": test_number.is_some(),
        "customid": customid,
        "sms": format!("{code} is OTP to varify your STCPAY account , please input within 5 minutes. - {appname}"),
    });
    tx.put("sg_otp", &sessionid, record.clone());
    Ok(record)
}

pub fn otp_send(tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let record = new_otp(tx, text(body, "mobile"), text(body, "appname"), now, None)?;
    Ok(
        json!({ "mobile": text(body, "mobile"), "appname": text(body, "appname"), "sessionid": record["sessionid"] }),
    )
}

pub fn otp_check(tx: &mut Tx<'_>, body: &Value, now: i64) -> HandlerResult {
    let Some(mut otp) = tx.get("sg_otp", text(body, "sessionid"))? else {
        return Err(fail(1610, ""));
    };
    if text(&otp, "effective") != effective_mobile(text(body, "mobile")) {
        return Err(fail(1608, ""));
    }
    let is_test_number = otp.get("test").and_then(Value::as_bool) == Some(true);
    let expired = now.saturating_sub(integer(&otp, "created_ms")) > 5 * 60 * 1000;
    if !is_test_number && (expired || otp.get("used").and_then(Value::as_bool) == Some(true)) {
        return Err(fail(1607, ""));
    }
    if text(&otp, "code") != text(body, "code") {
        return Err(fail(1609, ""));
    }
    set(&mut otp, json!({ "used": true }));
    tx.put("sg_otp", text(body, "sessionid"), otp);
    Ok(json!({}))
}

pub fn otp_detail(tx: &Tx<'_>, query: &Value) -> HandlerResult {
    let Some(otp) = tx.get("sg_otp", text(query, "sessionid"))? else {
        return Err(fail(1101, "no such OTP task"));
    };
    if text(&otp, "effective") != effective_mobile(text(query, "mobile")) {
        return Err(fail(1608, ""));
    }
    Ok(json!({
        "mobile": otp["mobile"], "sessionid": otp["sessionid"], "status": "success",
        "reportstatus": "success", "created_at": integer(&otp, "created_ms").div_euclid(1000),
    }))
}

/// Every OTP task with its code (the sandbox's SMS inbox, admin API).
pub fn otp_inbox(tx: &Tx<'_>) -> Result<Vec<Value>, StoreError> {
    tx.records("sg_otp")
}
