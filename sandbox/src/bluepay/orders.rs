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

fn new_order(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    kind: &str,
    param: &Value,
) -> HandlerResult {
    let prefix = match kind {
        "payout" => "D",
        "qr" => "C1",
        "webpay" => "C4",
        _ => "CU",
    };
    let transaction_id = new_id(tx, prefix)?;
    let expire_seconds = param
        .get("expireSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600)
        .clamp(30, 3600);
    Ok(json!({
        "gw": context.gateway.id(),
        "kind": kind,
        "mchOrderId": text(param, "mchOrderId"),
        "transactionId": transaction_id,
        "amount": integer(param, "amount"),
        "fee": 0,
        "channelCode": optional_text(param, "channelCode"),
        "notifyUrl": optional_text(param, "notifyUrl"),
        "remark": optional_text(param, "remark"),
        "status": "PENDING",
        "createMs": context.now,
        "updateMs": context.now,
        "expiresMs": plus_seconds(context.now, expire_seconds),
        "refunded": 0,
        "voided": false,
        "settled": false,
        "param": param,
    }))
}

pub fn payout_create(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
) -> HandlerResult {
    let merchant_order_id = text(param, "mchOrderId");
    require_new_order(context, tx, merchant_order_id)?;
    let idempotency_key = key(context.gateway, text(param, "idempotencyId"));
    if tx.get("bp_idem", &idempotency_key)?.is_some() {
        return Err(context.fail(21015, text(param, "idempotencyId")));
    }
    let amount = integer(param, "amount");
    if amount <= 0 {
        return Err(context.fail(21021, "amount must be positive"));
    }
    if amount > balance(tx, context.gateway)? {
        return Err(context.fail(21014, ""));
    }
    add_balance(tx, context.gateway, -amount)?;
    let record = new_order(context, tx, "payout", param)?;
    tx.put(
        "bp_idem",
        &idempotency_key,
        json!({ "order": key(context.gateway, merchant_order_id) }),
    );
    put_order(tx, &record);
    let rule = decide(tx, context.gateway, "payout", amount)?;
    schedule_job(tx, context, &rule, &record)?;
    Ok(json!({
        "mchOrderId": merchant_order_id,
        "transactionId": record["transactionId"],
        "transactionStatus": "PENDING",
        "transactionTime": bangkok_time(context.now),
    }))
}

fn schedule_job(
    tx: &mut Tx<'_>,
    context: &RequestContext<'_>,
    rule: &OutcomeRule,
    record: &Value,
) -> Result<(), StoreError> {
    let order_key = key(context.gateway, text(record, "mchOrderId"));
    schedule_outcome(tx, context.shared, rule, context.bad_signature, |end| {
        Job::EnvelopeOrder {
            key: order_key,
            end,
        }
    })
}

/// QR code, WebPay order or direct debit.
pub fn pay_create(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
    kind: &str,
) -> HandlerResult {
    let merchant_order_id = text(param, "mchOrderId");
    require_new_order(context, tx, merchant_order_id)?;
    let mut record = new_order(context, tx, kind, param)?;
    if kind == "qr" {
        set(&mut record, json!({ "qrStatus": "ACTIVE" }));
    }
    if kind == "direct_debit" {
        let token_key = key(context.gateway, text(param, "payToken"));
        let token_record = tx.get("dd_token", &token_key)?;
        let usable = token_record.as_ref().is_some_and(|token| {
            text(token, "tokenStatus") == "ACTIVED"
                && text(token, "channelCode") == text(param, "channelCode")
        });
        if !usable {
            let code = if context.gateway == Gateway::BluePayJt {
                21710
            } else {
                21006
            };
            return Err(context.fail(code, "payToken is unknown, inactive or for another channel"));
        }
    }
    if kind == "webpay" {
        let pay_url = format!(
            "{}/pay/{}",
            context.shared.gateway_url(context.gateway),
            text(&record, "transactionId")
        );
        set(&mut record, json!({ "payUrl": pay_url }));
    }
    put_order(tx, &record);
    let rule = decide(tx, context.gateway, kind, integer(param, "amount"))?;
    schedule_job(tx, context, &rule, &record)?;
    Ok(match kind {
        "webpay" => json!({
            "mchOrderId": merchant_order_id,
            "payUrl": record["payUrl"],
            "transactionId": record["transactionId"],
            "expiresTime": bangkok_time(integer(&record, "expiresMs")),
        }),
        "direct_debit" => json!({
            "mchOrderId": merchant_order_id,
            "transactionId": record["transactionId"],
            "transactionStatus": "PENDING",
            "channelCode": record["channelCode"],
        }),
        _ => view(context.shared, &record),
    })
}

/// An order as the detail and create operations show it (members the operation does not
/// declare are kept by the clients' models as extra fields).
pub fn view(shared: &Shared, record: &Value) -> Value {
    let gateway = Gateway::from_id(text(record, "gw")).unwrap_or(Gateway::BluePay);
    let transaction_id = text(record, "transactionId");
    let param = member(record, "param");
    let mut shown = json!({
        "mchOrderId": record["mchOrderId"],
        "transactionId": transaction_id,
        "channelCode": record["channelCode"],
        "notifyUrl": record["notifyUrl"],
        "remark": record["remark"],
        "amount": record["amount"],
        "transactionStatus": record["status"],
        "createTime": time_or_null(integer(record, "createMs")),
        "updateTime": time_or_null(integer(record, "updateMs")),
        "returnTime": time_or_null(integer(record, "returnMs")),
        "failedCode": member(record, "failedCode"),
        "failedMessage": member(record, "failedMessage"),
    });
    match text(record, "kind") {
        "qr" => {
            set(&mut shown, payment_members(record, &param));
            set(
                &mut shown,
                json!({
                    "qrCodeId": transaction_id,
                    "qrCodeContent": format!("00020101021229370016A000000677010111sandbox{transaction_id}5303764540{}6304SBOX", record["amount"]),
                    "qrStatus": record["qrStatus"],
                    "qrLink": format!("{}/admin/{}/orders/{}", shared.base_url, gateway.id(), text(record, "mchOrderId")),
                    "expiresTime": time_or_null(integer(record, "expiresMs")),
                }),
            );
        }
        "webpay" => set(
            &mut shown,
            json!({
                "payUrl": record["payUrl"],
                "customerName": member(&param, "customerName"),
                "email": member(&param, "email"),
                "redirectUrl": member(&param, "redirectUrl"),
                "expiresTime": time_or_null(integer(record, "expiresMs")),
            }),
        ),
        "direct_debit" => set(&mut shown, payment_members(record, &param)),
        _ => {}
    }
    compact(shown)
}

/// What QR payments and direct debits show beyond an order: payment times, fee and total, and
/// the param's business members.
fn payment_members(record: &Value, param: &Value) -> Value {
    json!({
        "transactionCreateTime": time_or_null(integer(record, "createMs")),
        "transactionReturnTime": time_or_null(integer(record, "returnMs")),
        "fee": record["fee"],
        "totalAmount": integer(record, "amount").saturating_add(integer(record, "fee")),
        "businessType": member(param, "businessType"),
        "projectType": member(param, "projectType"),
        "items": member(param, "items"),
    })
}

/// The detail operations of an order of `kind` (21006 for another kind or none).
pub fn order_view(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
    kind: &str,
) -> HandlerResult {
    let merchant_order_id = text(param, "mchOrderId");
    match order(tx, context.gateway, merchant_order_id)? {
        Some(record) if text(&record, "kind") == kind => Ok(view(context.shared, &record)),
        _ => Err(context.fail(21006, merchant_order_id)),
    }
}

/// Ends a pending order (`completed` or `failed`), moves the money and queues the
/// notification. Used by jobs and by the admin API ("pay this QR code").
pub fn finish_order(tx: &mut Tx<'_>, shared: &Shared, order_key: &str, end: &End) -> HandlerResult {
    let Some(mut record) = tx.get("bp_order", order_key)? else {
        return Err(HandlerError::admin(404, format!("no order {order_key}")));
    };
    let gateway = Gateway::from_id(text(&record, "gw")).unwrap_or(Gateway::BluePay);
    if text(&record, "status") != "PENDING" {
        return Err(HandlerError::admin(
            409,
            format!("order is {} already", text(&record, "status")),
        ));
    }
    let now = shared.now_ms();
    let kind = text(&record, "kind").to_string();
    let amount = integer(&record, "amount");
    let completed = end.completed();
    set(
        &mut record,
        json!({
            "status": if completed { "COMPLETED" } else { "FAILED" },
            "returnMs": now,
            "updateMs": now,
        }),
    );
    if kind == "qr" {
        set(&mut record, json!({ "qrStatus": "INACTIVE" }));
    }
    if !completed {
        let code = end.failed_code.unwrap_or(-10004);
        let message = end
            .failed_message
            .clone()
            .unwrap_or_else(|| failed_message_of(code));
        set(
            &mut record,
            json!({ "failedCode": code, "failedMessage": message }),
        );
    }
    match (kind.as_str(), completed) {
        ("payout", false) => add_balance(tx, gateway, amount)?,
        ("payout", true) => {}
        (_, true) => add_balance(tx, gateway, amount)?,
        _ => {}
    }
    put_order(tx, &record);
    let (event, url) = match kind.as_str() {
        "payout" => {
            let setting = if gateway == Gateway::BluePayJt {
                "bluepay_jt_payout_notify_url"
            } else {
                "bluepay_payout_notify_url"
            };
            let url = tx
                .get("meta", "settings")?
                .and_then(|settings| optional_text(&settings, setting).map(str::to_string));
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
            optional_text(&record, "notifyUrl").map(str::to_string),
        ),
        "webpay" => (
            if completed {
                "order.payment.success"
            } else {
                "order.payment.failed"
            },
            optional_text(&record, "notifyUrl").map(str::to_string),
        ),
        _ => (
            if completed {
                "direct.debit.success"
            } else {
                "direct.debit.failed"
            },
            optional_text(&record, "notifyUrl").map(str::to_string),
        ),
    };
    let mut payload = json!({
        "eventName": event,
        "mchOrderId": record["mchOrderId"],
        "transactionId": record["transactionId"],
        "amount": amount,
        "transactionStatus": record["status"],
        "createTime": bangkok_time(integer(&record, "createMs")),
        "returnTime": bangkok_time(now),
        "channelCode": record["channelCode"],
        "remark": text(&record, "remark"),
        "failedCode": member(&record, "failedCode"),
        "failedMessage": member(&record, "failedMessage"),
    });
    if gateway == Gateway::BluePayJt && kind == "qr" {
        set(
            &mut payload,
            json!({
                "fee": record["fee"],
                "totalAmount": amount.saturating_add(integer(&record, "fee")),
            }),
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
    Ok(view(shared, &record))
}
