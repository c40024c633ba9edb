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

pub fn refund_create(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
) -> HandlerResult {
    let merchant_refund_id = text(param, "mchRefundOrderId");
    let refund_key = key(context.gateway, merchant_refund_id);
    if let Some(existing) = tx.get("bp_refund", &refund_key)? {
        return Err(if text(&existing, "refundStatus") == "PENDING" {
            context.fail(21401, merchant_refund_id)
        } else {
            context.fail(21407, merchant_refund_id)
        });
    }
    let original_id = text(param, "originalTransactionId");
    let Some(mut original) = order_by_transaction_id(tx, context.gateway, original_id)? else {
        return Err(context.fail(21006, original_id));
    };
    if !matches!(text(&original, "kind"), "qr" | "webpay" | "direct_debit")
        || original["voided"] == true
    {
        return Err(context.fail(
            21402,
            "only completed payments that were not voided can be refunded",
        ));
    }
    if text(&original, "status") != "COMPLETED" {
        return Err(context.fail(21408, ""));
    }
    let paid_at = integer(&original, "returnMs");
    if context.now.saturating_sub(paid_at) > REFUND_DAYS * 24 * 3600 * 1000 {
        return Err(context.fail(21403, ""));
    }
    let has_pending = tx.list("bp_refund")?.into_iter().any(|(_, refund)| {
        text(&refund, "gw") == context.gateway.id()
            && text(&refund, "originalTransactionId") == original_id
            && text(&refund, "refundStatus") == "PENDING"
    });
    if has_pending {
        return Err(context.fail(21409, ""));
    }
    let amount = integer(param, "refundAmount");
    let paid = integer(&original, "amount");
    let refundable = paid.saturating_sub(integer(&original, "refunded"));
    if amount <= 0 || amount > refundable {
        return Err(context.fail(21406, format!("refundable: {refundable}")));
    }
    let capabilities = channel(tx, context.gateway, text(&original, "channelCode"))?;
    let full = amount == paid;
    if full && capabilities["full_refund"] == false {
        return Err(context.fail(21404, ""));
    }
    if !full && capabilities["partial_refund"] == false {
        return Err(context.fail(21405, ""));
    }
    let refund_transaction_id = new_id(tx, "R")?;
    let record = json!({
        "gw": context.gateway.id(),
        "mchRefundOrderId": merchant_refund_id,
        "refundTransactionId": refund_transaction_id,
        "originalTransactionId": original_id,
        "originalOrder": key(context.gateway, text(&original, "mchOrderId")),
        "refundAmount": amount,
        "feeRefunded": 0,
        "refundStatus": "PENDING",
        "refundReason": optional_text(param, "refundReason"),
        "refundCallbackUrl": text(param, "refundCallbackUrl"),
        "createMs": context.now,
    });
    tx.put("bp_refund", &refund_key, record.clone());
    tx.put(
        "bp_refund_txn",
        &key(context.gateway, &refund_transaction_id),
        json!({ "refund": refund_key }),
    );
    set(&mut original, json!({ "refundPending": true }));
    put_order(tx, &original);
    let rule = decide(tx, context.gateway, "refund", amount)?;
    schedule_outcome(tx, context.shared, &rule, context.bad_signature, |end| {
        Job::EnvelopeRefund {
            key: refund_key.clone(),
            end,
        }
    })?;
    Ok(json!({
        "mchRefundOrderId": merchant_refund_id,
        "refundTransactionId": refund_transaction_id,
        "refundCreateTime": bangkok_time(context.now),
        "refundAmount": amount,
        "refundStatus": "PENDING",
    }))
}

fn refund_view(refund: &Value) -> Value {
    compact(json!({
        "mchRefundOrderId": refund["mchRefundOrderId"],
        "originalTransactionId": refund["originalTransactionId"],
        "refundTransactionId": refund["refundTransactionId"],
        "refundAmount": refund["refundAmount"],
        "feeRefunded": refund["feeRefunded"],
        "refundStatus": refund["refundStatus"],
        "refundCreateTime": time_or_null(integer(refund, "createMs")),
        "refundReturnTime": time_or_null(integer(refund, "returnMs")),
        "failedCode": member(refund, "failedCode"),
        "failedMessage": member(refund, "failedMessage"),
    }))
}

pub fn refund_payments(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
) -> HandlerResult {
    let refunds: Vec<Value> = tx
        .records("bp_refund")?
        .into_iter()
        .filter(|refund| text(refund, "gw") == context.gateway.id())
        .filter(|refund| {
            optional_text(param, "originalTransactionId")
                .is_none_or(|original_id| text(refund, "originalTransactionId") == original_id)
                && optional_text(param, "refundTransactionId")
                    .is_none_or(|refund_id| text(refund, "refundTransactionId") == refund_id)
        })
        .collect();
    if refunds.is_empty() {
        let id = optional_text(param, "originalTransactionId")
            .or(optional_text(param, "refundTransactionId"))
            .unwrap_or("");
        let known = order_by_transaction_id(tx, context.gateway, id)?.is_some();
        if !known {
            return Err(context.fail(21006, id));
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
    let Some(mut refund) = tx.get("bp_refund", refund_key)? else {
        return Err(HandlerError::admin(404, format!("no refund {refund_key}")));
    };
    if text(&refund, "refundStatus") != "PENDING" {
        return Err(HandlerError::admin(409, "refund is final already"));
    }
    let gateway = Gateway::from_id(text(&refund, "gw")).unwrap_or(Gateway::BluePay);
    let now = shared.now_ms();
    let completed = end.completed();
    let amount = integer(&refund, "refundAmount");
    set(
        &mut refund,
        json!({ "refundStatus": if completed { "COMPLETE" } else { "FAILED" }, "returnMs": now }),
    );
    if !completed {
        let code = end.failed_code.unwrap_or(-10010);
        set(
            &mut refund,
            json!({ "failedCode": code, "failedMessage": end.failed_message.clone().unwrap_or_else(|| failed_message_of(code)) }),
        );
    }
    if let Some(mut original) = tx.get("bp_order", text(&refund, "originalOrder"))? {
        set(&mut original, json!({ "refundPending": false }));
        if completed {
            let refunded = integer(&original, "refunded").saturating_add(amount);
            set(&mut original, json!({ "refunded": refunded }));
            add_balance(tx, gateway, -amount)?;
        }
        put_order(tx, &original);
    }
    tx.put("bp_refund", refund_key, refund.clone());
    let event = if completed {
        "payment.refund.success"
    } else {
        "payment.refund.failed"
    };
    let mut payload = refund_view(&refund);
    set(
        &mut payload,
        json!({ "eventName": event, "refundReason": member(&refund, "refundReason") }),
    );
    let payload = compact(payload);
    enqueue(
        tx,
        shared,
        gateway,
        event,
        text(&refund, "refundCallbackUrl"),
        &payload,
        end.bad_signature,
    )?;
    Ok(payload)
}

pub fn payment_void(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let merchant_void_id = text(param, "mchVoidOrderId");
    let void_key = key(context.gateway, merchant_void_id);
    if tx.get("bp_void", &void_key)?.is_some() {
        return Err(context.fail(21505, merchant_void_id));
    }
    let original_id = text(param, "originalTransactionId");
    let Some(mut original) = order_by_transaction_id(tx, context.gateway, original_id)? else {
        return Err(context.fail(21006, original_id));
    };
    if original["voided"] == true {
        return Err(context.fail(21504, ""));
    }
    if text(&original, "status") != "COMPLETED" || text(&original, "kind") == "payout" {
        return Err(context.fail(21500, ""));
    }
    let capabilities = channel(tx, context.gateway, text(&original, "channelCode"))?;
    if capabilities["void"] == false
        || integer(&original, "refunded") > 0
        || original["refundPending"] == true
    {
        return Err(context.fail(21501, "the channel cannot void, or the payment has refunds"));
    }
    if original["settled"] == true {
        return Err(context.fail(21502, ""));
    }
    if bangkok_date(integer(&original, "returnMs")) != bangkok_date(context.now) {
        return Err(context.fail(21503, ""));
    }
    let void_transaction_id = new_id(tx, "V")?;
    add_balance(tx, context.gateway, -integer(&original, "amount"))?;
    set(
        &mut original,
        json!({ "voided": true, "updateMs": context.now }),
    );
    put_order(tx, &original);
    let data = json!({
        "mchVoidOrderId": merchant_void_id,
        "originalTransactionId": original_id,
        "voidTransactionId": void_transaction_id,
    });
    tx.put("bp_void", &void_key, data.clone());
    Ok(data)
}
