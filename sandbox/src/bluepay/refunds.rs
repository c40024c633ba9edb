//! Refunds (rules 21401–21409, 60 days on the sandbox clock) and same-day voids (rules
//! 21500–21505), and how a refund ends.

use serde_json::{json, Value};

use super::records::*;
use crate::base::clock::{bangkok_date, bangkok_time};
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::new_id;
use crate::base::json::{compact, integer, member, optional_text, set, text};
use crate::base::rules::decide;
use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::scheduler::jobs::{schedule_outcome, End, Job};
use crate::scheduler::outbox::enqueue;

pub fn refund_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let mch_refund = text(p, "mchRefundOrderId");
    let refund_key = key(ctx.gateway, mch_refund);
    if let Some(existing) = tx.get("bp_refund", &refund_key)? {
        return Err(if text(&existing, "refundStatus") == "PENDING" {
            ctx.fail(21401, mch_refund)
        } else {
            ctx.fail(21407, mch_refund)
        });
    }
    let original_id = text(p, "originalTransactionId");
    let Some(mut original) = order_by_txn(tx, ctx.gateway, original_id)? else {
        return Err(ctx.fail(21006, original_id));
    };
    if !matches!(text(&original, "kind"), "qr" | "webpay" | "direct_debit")
        || original["voided"] == true
    {
        return Err(ctx.fail(
            21402,
            "only completed payments that were not voided can be refunded",
        ));
    }
    if text(&original, "status") != "COMPLETED" {
        return Err(ctx.fail(21408, ""));
    }
    let paid_at = integer(&original, "returnMs");
    if ctx.now.saturating_sub(paid_at) > REFUND_DAYS * 24 * 3600 * 1000 {
        return Err(ctx.fail(21403, ""));
    }
    let has_pending = tx.list("bp_refund")?.into_iter().any(|(_, r)| {
        text(&r, "gw") == ctx.gateway.id()
            && text(&r, "originalTransactionId") == original_id
            && text(&r, "refundStatus") == "PENDING"
    });
    if has_pending {
        return Err(ctx.fail(21409, ""));
    }
    let amount = integer(p, "refundAmount");
    let paid = integer(&original, "amount");
    let refundable = paid.saturating_sub(integer(&original, "refunded"));
    if amount <= 0 || amount > refundable {
        return Err(ctx.fail(21406, format!("refundable: {refundable}")));
    }
    let caps = channel(tx, ctx.gateway, text(&original, "channelCode"))?;
    let full = amount == paid;
    if full && caps["full_refund"] == false {
        return Err(ctx.fail(21404, ""));
    }
    if !full && caps["partial_refund"] == false {
        return Err(ctx.fail(21405, ""));
    }
    let refund_txn = new_id(tx, "R")?;
    let record = json!({
        "gw": ctx.gateway.id(),
        "mchRefundOrderId": mch_refund,
        "refundTransactionId": refund_txn,
        "originalTransactionId": original_id,
        "originalOrder": key(ctx.gateway, text(&original, "mchOrderId")),
        "refundAmount": amount,
        "feeRefunded": 0,
        "refundStatus": "PENDING",
        "refundReason": optional_text(p, "refundReason"),
        "refundCallbackUrl": text(p, "refundCallbackUrl"),
        "createMs": ctx.now,
    });
    tx.put("bp_refund", &refund_key, record.clone());
    tx.put(
        "bp_refund_txn",
        &key(ctx.gateway, &refund_txn),
        json!({ "refund": refund_key }),
    );
    set(&mut original, json!({ "refundPending": true }));
    put_order(tx, &original);
    let rule = decide(tx, ctx.gateway, "refund", amount)?;
    schedule_outcome(tx, ctx.shared, &rule, ctx.bad_signature, |end| {
        Job::EnvelopeRefund {
            key: refund_key.clone(),
            end,
        }
    })?;
    Ok(json!({
        "mchRefundOrderId": mch_refund,
        "refundTransactionId": refund_txn,
        "refundCreateTime": bangkok_time(ctx.now),
        "refundAmount": amount,
        "refundStatus": "PENDING",
    }))
}

fn refund_view(r: &Value) -> Value {
    compact(json!({
        "mchRefundOrderId": r["mchRefundOrderId"],
        "originalTransactionId": r["originalTransactionId"],
        "refundTransactionId": r["refundTransactionId"],
        "refundAmount": r["refundAmount"],
        "feeRefunded": r["feeRefunded"],
        "refundStatus": r["refundStatus"],
        "refundCreateTime": time_or_null(integer(r, "createMs")),
        "refundReturnTime": time_or_null(integer(r, "returnMs")),
        "failedCode": member(r, "failedCode"),
        "failedMessage": member(r, "failedMessage"),
    }))
}

pub fn refund_payments(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let refunds: Vec<Value> = tx
        .records("bp_refund")?
        .into_iter()
        .filter(|r| text(r, "gw") == ctx.gateway.id())
        .filter(|r| {
            optional_text(p, "originalTransactionId")
                .is_none_or(|o| text(r, "originalTransactionId") == o)
                && optional_text(p, "refundTransactionId")
                    .is_none_or(|t| text(r, "refundTransactionId") == t)
        })
        .collect();
    if refunds.is_empty() {
        let id = optional_text(p, "originalTransactionId")
            .or(optional_text(p, "refundTransactionId"))
            .unwrap_or("");
        let known = order_by_txn(tx, ctx.gateway, id)?.is_some();
        if !known {
            return Err(ctx.fail(21006, id));
        }
    }
    Ok(Value::Array(refunds.iter().map(refund_view).collect()))
}

/// Ends a pending refund; a completed refund takes the money from the balance.
pub fn finish_refund(
    tx: &mut Tx<'_>,
    shared: &Shared,
    refund_key: &str,
    end: &End,
) -> HandlerResult {
    let Some(mut r) = tx.get("bp_refund", refund_key)? else {
        return Err(HandlerError::admin(404, format!("no refund {refund_key}")));
    };
    if text(&r, "refundStatus") != "PENDING" {
        return Err(HandlerError::admin(409, "refund is final already"));
    }
    let gateway = Gateway::from_id(text(&r, "gw")).unwrap_or(Gateway::BluePay);
    let now = shared.now_ms();
    let completed = end.completed();
    let amount = integer(&r, "refundAmount");
    set(
        &mut r,
        json!({ "refundStatus": if completed { "COMPLETE" } else { "FAILED" }, "returnMs": now }),
    );
    if !completed {
        let code = end.failed_code.unwrap_or(-10010);
        set(
            &mut r,
            json!({ "failedCode": code, "failedMessage": end.failed_message.clone().unwrap_or_else(|| failed_message_of(code)) }),
        );
    }
    if let Some(mut original) = tx.get("bp_order", text(&r, "originalOrder"))? {
        set(&mut original, json!({ "refundPending": false }));
        if completed {
            let refunded = integer(&original, "refunded").saturating_add(amount);
            set(&mut original, json!({ "refunded": refunded }));
            add_balance(tx, gateway, -amount)?;
        }
        put_order(tx, &original);
    }
    tx.put("bp_refund", refund_key, r.clone());
    let event = if completed {
        "payment.refund.success"
    } else {
        "payment.refund.failed"
    };
    let mut payload = refund_view(&r);
    set(
        &mut payload,
        json!({ "eventName": event, "refundReason": member(&r, "refundReason") }),
    );
    let payload = compact(payload);
    enqueue(
        tx,
        shared,
        gateway,
        event,
        text(&r, "refundCallbackUrl"),
        &payload,
        end.bad_signature,
    )?;
    Ok(payload)
}

pub fn payment_void(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let mch_void = text(p, "mchVoidOrderId");
    let void_key = key(ctx.gateway, mch_void);
    if tx.get("bp_void", &void_key)?.is_some() {
        return Err(ctx.fail(21505, mch_void));
    }
    let original_id = text(p, "originalTransactionId");
    let Some(mut original) = order_by_txn(tx, ctx.gateway, original_id)? else {
        return Err(ctx.fail(21006, original_id));
    };
    if original["voided"] == true {
        return Err(ctx.fail(21504, ""));
    }
    if text(&original, "status") != "COMPLETED" || text(&original, "kind") == "payout" {
        return Err(ctx.fail(21500, ""));
    }
    let caps = channel(tx, ctx.gateway, text(&original, "channelCode"))?;
    if caps["void"] == false
        || integer(&original, "refunded") > 0
        || original["refundPending"] == true
    {
        return Err(ctx.fail(21501, "the channel cannot void, or the payment has refunds"));
    }
    if original["settled"] == true {
        return Err(ctx.fail(21502, ""));
    }
    if bangkok_date(integer(&original, "returnMs")) != bangkok_date(ctx.now) {
        return Err(ctx.fail(21503, ""));
    }
    let void_txn = new_id(tx, "V")?;
    add_balance(tx, ctx.gateway, -integer(&original, "amount"))?;
    set(
        &mut original,
        json!({ "voided": true, "updateMs": ctx.now }),
    );
    put_order(tx, &original);
    let data = json!({
        "mchVoidOrderId": mch_void,
        "originalTransactionId": original_id,
        "voidTransactionId": void_txn,
    });
    tx.put("bp_void", &void_key, data.clone());
    Ok(data)
}
