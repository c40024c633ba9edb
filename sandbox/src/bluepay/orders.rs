//! Orders: payouts (money leaves the balance at once, back on failure), QR codes, WebPay orders
//! and direct debits (money arrives when paid); their views and how they end, with the
//! notification each end sends.

use serde_json::{json, Value};

use super::records::*;
use crate::base::clock::{bangkok_time, plus_seconds};
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::new_id;
use crate::base::json::{compact, integer, member, optional_text, set, text};
use crate::base::rules::{decide, OutcomeRule};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::jobs::{schedule_outcome, End, Job};
use crate::scheduler::outbox::enqueue;

fn new_order(ctx: &Ctx<'_>, tx: &mut Tx<'_>, kind: &str, p: &Value) -> HandlerResult {
    let prefix = match kind {
        "payout" => "D",
        "qr" => "C1",
        "webpay" => "C4",
        _ => "CU",
    };
    let txn = new_id(tx, prefix)?;
    let expire_seconds = p
        .get("expireSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600)
        .clamp(30, 3600);
    Ok(json!({
        "gw": ctx.gateway.id(),
        "kind": kind,
        "mchOrderId": text(p, "mchOrderId"),
        "transactionId": txn,
        "amount": integer(p, "amount"),
        "fee": 0,
        "channelCode": optional_text(p, "channelCode"),
        "notifyUrl": optional_text(p, "notifyUrl"),
        "remark": optional_text(p, "remark"),
        "status": "PENDING",
        "createMs": ctx.now,
        "updateMs": ctx.now,
        "expiresMs": plus_seconds(ctx.now, expire_seconds),
        "refunded": 0,
        "voided": false,
        "settled": false,
        "param": p,
    }))
}

pub fn payout_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let mch = text(p, "mchOrderId");
    require_new_order(ctx, tx, mch)?;
    let idem = key(ctx.gateway, text(p, "idempotencyId"));
    if tx.get("bp_idem", &idem)?.is_some() {
        return Err(ctx.fail(21015, text(p, "idempotencyId")));
    }
    let amount = integer(p, "amount");
    if amount <= 0 {
        return Err(ctx.fail(21021, "amount must be positive"));
    }
    if amount > balance(tx, ctx.gateway)? {
        return Err(ctx.fail(21014, ""));
    }
    add_balance(tx, ctx.gateway, -amount)?;
    let record = new_order(ctx, tx, "payout", p)?;
    tx.put("bp_idem", &idem, json!({ "order": key(ctx.gateway, mch) }));
    put_order(tx, &record);
    let rule = decide(tx, ctx.gateway, "payout", amount)?;
    schedule_job(tx, ctx, &rule, &record)?;
    Ok(json!({
        "mchOrderId": mch,
        "transactionId": record["transactionId"],
        "transactionStatus": "PENDING",
        "transactionTime": bangkok_time(ctx.now),
    }))
}

fn schedule_job(
    tx: &mut Tx<'_>,
    ctx: &Ctx<'_>,
    rule: &OutcomeRule,
    record: &Value,
) -> Result<(), StoreError> {
    let key = key(ctx.gateway, text(record, "mchOrderId"));
    schedule_outcome(tx, ctx.shared, rule, ctx.bad_signature, |end| {
        Job::EnvelopeOrder { key, end }
    })
}

/// QR code, WebPay order or direct debit.
pub fn pay_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value, kind: &str) -> HandlerResult {
    let mch = text(p, "mchOrderId");
    require_new_order(ctx, tx, mch)?;
    let mut record = new_order(ctx, tx, kind, p)?;
    if kind == "qr" {
        set(&mut record, json!({ "qrStatus": "ACTIVE" }));
    }
    if kind == "direct_debit" {
        let token_key = key(ctx.gateway, text(p, "payToken"));
        let token = tx.get("dd_token", &token_key)?;
        let usable = token.as_ref().is_some_and(|t| {
            text(t, "tokenStatus") == "ACTIVED" && text(t, "channelCode") == text(p, "channelCode")
        });
        if !usable {
            let code = if ctx.gateway == Gateway::BluePayJt {
                21710
            } else {
                21006
            };
            return Err(ctx.fail(code, "payToken is unknown, inactive or for another channel"));
        }
    }
    if kind == "webpay" {
        let pay_url = format!(
            "{}/pay/{}",
            ctx.shared.gateway_url(ctx.gateway),
            text(&record, "transactionId")
        );
        set(&mut record, json!({ "payUrl": pay_url }));
    }
    put_order(tx, &record);
    let rule = decide(tx, ctx.gateway, kind, integer(p, "amount"))?;
    schedule_job(tx, ctx, &rule, &record)?;
    Ok(match kind {
        "webpay" => json!({
            "mchOrderId": mch,
            "payUrl": record["payUrl"],
            "transactionId": record["transactionId"],
            "expiresTime": bangkok_time(integer(&record, "expiresMs")),
        }),
        "direct_debit" => json!({
            "mchOrderId": mch,
            "transactionId": record["transactionId"],
            "transactionStatus": "PENDING",
            "channelCode": record["channelCode"],
        }),
        _ => view(ctx.shared, &record),
    })
}

/// An order as the detail and create operations show it (members the operation does not
/// declare are kept by the clients' models as extra fields).
pub fn view(shared: &Shared, o: &Value) -> Value {
    let gateway = Gateway::from_id(text(o, "gw")).unwrap_or(Gateway::BluePay);
    let txn = text(o, "transactionId");
    let param = member(o, "param");
    let mut v = json!({
        "mchOrderId": o["mchOrderId"],
        "transactionId": txn,
        "channelCode": o["channelCode"],
        "notifyUrl": o["notifyUrl"],
        "remark": o["remark"],
        "amount": o["amount"],
        "transactionStatus": o["status"],
        "createTime": time_or_null(integer(o, "createMs")),
        "updateTime": time_or_null(integer(o, "updateMs")),
        "returnTime": time_or_null(integer(o, "returnMs")),
        "failedCode": member(o, "failedCode"),
        "failedMessage": member(o, "failedMessage"),
    });
    match text(o, "kind") {
        "qr" => {
            set(&mut v, payment_members(o, &param));
            set(
                &mut v,
                json!({
                    "qrCodeId": txn,
                    "qrCodeContent": format!("00020101021229370016A000000677010111sandbox{txn}5303764540{}6304SBOX", o["amount"]),
                    "qrStatus": o["qrStatus"],
                    "qrLink": format!("{}/admin/{}/orders/{}", shared.base_url, gateway.id(), text(o, "mchOrderId")),
                    "expiresTime": time_or_null(integer(o, "expiresMs")),
                }),
            );
        }
        "webpay" => set(
            &mut v,
            json!({
                "payUrl": o["payUrl"],
                "customerName": member(&param, "customerName"),
                "email": member(&param, "email"),
                "redirectUrl": member(&param, "redirectUrl"),
                "expiresTime": time_or_null(integer(o, "expiresMs")),
            }),
        ),
        "direct_debit" => set(&mut v, payment_members(o, &param)),
        _ => {}
    }
    compact(v)
}

/// What QR payments and direct debits show beyond an order: payment times, fee and total, and
/// the param's business members.
fn payment_members(o: &Value, param: &Value) -> Value {
    json!({
        "transactionCreateTime": time_or_null(integer(o, "createMs")),
        "transactionReturnTime": time_or_null(integer(o, "returnMs")),
        "fee": o["fee"],
        "totalAmount": integer(o, "amount").saturating_add(integer(o, "fee")),
        "businessType": member(param, "businessType"),
        "projectType": member(param, "projectType"),
        "items": member(param, "items"),
    })
}

/// The detail operations of an order of `kind` (21006 for another kind or none).
pub fn order_view(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value, kind: &str) -> HandlerResult {
    let mch = text(p, "mchOrderId");
    match order(tx, ctx.gateway, mch)? {
        Some(o) if text(&o, "kind") == kind => Ok(view(ctx.shared, &o)),
        _ => Err(ctx.fail(21006, mch)),
    }
}

/// Ends a pending order (`completed` or `failed`), moves the money and queues the
/// notification. Used by jobs and by the admin API ("pay this QR code").
pub fn finish_order(tx: &mut Tx<'_>, shared: &Shared, order_key: &str, end: &End) -> HandlerResult {
    let Some(mut o) = tx.get("bp_order", order_key)? else {
        return Err(HandlerError::admin(404, format!("no order {order_key}")));
    };
    let gateway = Gateway::from_id(text(&o, "gw")).unwrap_or(Gateway::BluePay);
    if text(&o, "status") != "PENDING" {
        return Err(HandlerError::admin(
            409,
            format!("order is {} already", text(&o, "status")),
        ));
    }
    let now = shared.now_ms();
    let kind = text(&o, "kind").to_string();
    let amount = integer(&o, "amount");
    let completed = end.completed();
    set(
        &mut o,
        json!({ "status": if completed { "COMPLETED" } else { "FAILED" }, "returnMs": now, "updateMs": now }),
    );
    if kind == "qr" {
        set(&mut o, json!({ "qrStatus": "INACTIVE" }));
    }
    if !completed {
        let code = end.failed_code.unwrap_or(-10004);
        let message = end
            .failed_message
            .clone()
            .unwrap_or_else(|| failed_message_of(code));
        set(
            &mut o,
            json!({ "failedCode": code, "failedMessage": message }),
        );
    }
    match (kind.as_str(), completed) {
        ("payout", false) => add_balance(tx, gateway, amount)?,
        ("payout", true) => {}
        (_, true) => add_balance(tx, gateway, amount)?,
        _ => {}
    }
    put_order(tx, &o);
    let (event, url) = match kind.as_str() {
        "payout" => {
            let setting = if gateway == Gateway::BluePayJt {
                "bluepay_jt_payout_notify_url"
            } else {
                "bluepay_payout_notify_url"
            };
            let url = tx
                .get("meta", "settings")?
                .and_then(|v| optional_text(&v, setting).map(str::to_string));
            (
                if completed {
                    "disbursement.success"
                } else {
                    "disbursement.failed"
                },
                url,
            )
        }
        "qr" => (
            if completed {
                "qrcode.payment.success"
            } else {
                "qrcode.payment.failed"
            },
            optional_text(&o, "notifyUrl").map(str::to_string),
        ),
        "webpay" => (
            if completed {
                "order.payment.success"
            } else {
                "order.payment.failed"
            },
            optional_text(&o, "notifyUrl").map(str::to_string),
        ),
        _ => (
            if completed {
                "direct.debit.success"
            } else {
                "direct.debit.failed"
            },
            optional_text(&o, "notifyUrl").map(str::to_string),
        ),
    };
    let mut payload = json!({
        "eventName": event,
        "mchOrderId": o["mchOrderId"],
        "transactionId": o["transactionId"],
        "amount": amount,
        "transactionStatus": o["status"],
        "createTime": bangkok_time(integer(&o, "createMs")),
        "returnTime": bangkok_time(now),
        "channelCode": o["channelCode"],
        "remark": text(&o, "remark"),
        "failedCode": member(&o, "failedCode"),
        "failedMessage": member(&o, "failedMessage"),
    });
    if gateway == Gateway::BluePayJt && kind == "qr" {
        set(
            &mut payload,
            json!({ "fee": o["fee"], "totalAmount": amount.saturating_add(integer(&o, "fee")) }),
        );
    }
    let payload = compact(payload);
    if let Some(url) = url {
        enqueue(
            tx,
            shared,
            gateway,
            event,
            &url,
            &payload,
            end.bad_signature,
        )?;
    }
    Ok(view(shared, &o))
}
