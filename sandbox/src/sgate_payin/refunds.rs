//! Refunds of a paid order: at most what was paid and is not refunded or being refunded,
//! pending until the outcome rules end them (kind `refund`: an amount ending in 04 fails, in 99
//! stays pending for the admin API, any other completes after the automatic delay). A
//! completed refund updates the order's refund state and queues the `refund` callback.

use serde_json::{json, Value};

use super::orders::load_order;
use super::records::*;
use crate::base::http::HandlerError;
use crate::base::json::{integer, set, text};
use crate::base::rules::decide;
use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::scheduler::jobs::{schedule_outcome, End, Job};
use crate::wire::sgate_payin::refusal::{refuse, Code, PayinResult};
use crate::wire::sgate_payin::Incoming;

/// `order_refund` of the order `order_id`, of the sandbox's own making (a trigger, fixtures):
/// `body` checked against the spec as a request's is.
pub fn refund_own(
    tx: &mut Tx<'_>,
    shared: &Shared,
    order_id: &str,
    body: Value,
    now: i64,
) -> PayinResult {
    super::orders::checked("OrderRefundParam", &body)?;
    let root_url = shared.gateway_url(crate::base::gateway::Gateway::SgatePayin);
    let incoming = Incoming::made_here("ORDER_ID", order_id, body, root_url);
    refund(tx, shared, &incoming, now)
}

/// `order_refund`.
pub fn refund(tx: &mut Tx<'_>, shared: &Shared, incoming: &Incoming, now: i64) -> PayinResult {
    let body = &incoming.body;
    let mut order = load_order(tx, incoming.path("ORDER_ID"), now)?;
    if text(&order, "status") != "paid" {
        return Err(refuse(
            Code::InvalidState,
            format!(
                "the order is {}: only a paid order is refunded",
                text(&order, "status")
            ),
        ));
    }
    let amount = minor_of(text(body, "amount"))
        .filter(|amount| *amount > 0)
        .ok_or_else(|| refuse(Code::InvalidParameter, "amount: must be above 0"))?;
    let refundable = refundable_minor(&order);
    if amount > refundable {
        return Err(refuse(
            Code::InvalidState,
            format!("amount: above the refundable {}", money(refundable.max(0))),
        ));
    }
    let paid = find(
        tx,
        TRANSACTIONS,
        text(&order, "sandbox_paid_transaction"),
        "transaction",
    )?;
    let number = integer(&order, "sandbox_refunds") + 1;
    let id = format!("{}_R{number}", text(&order, "id"));
    let transaction_id = next_transaction_id(&mut order);
    let refunding = integer(&order, "sandbox_refunding_minor") + amount;
    set(
        &mut order,
        json!({
            "sandbox_refunds": number, "refundStatus": "processing", "updatedAt": iso(now),
            "sandbox_refunding_minor": refunding,
        }),
    );
    put(tx, ORDERS, &order);
    let shared_members = json!({
        "orderId": order["id"], "merchantId": order["merchantId"], "amount": money(amount),
        "currency": order["currency"], "paymentMethod": paid["paymentMethod"],
        "createdAt": iso(now), "updatedAt": iso(now),
    });
    let mut transaction = json!({
        "id": transaction_id, "clientId": CLIENT_ID, "type": "refund", "result": "Not_Yet",
        "completedAt": null,
    });
    set(&mut transaction, shared_members.clone());
    put(tx, TRANSACTIONS, &transaction);
    let mut record = json!({
        "id": id, "status": "pending", "merchantRefundId": body.get("merchantRefundId"),
        "reason": body["reason"], "refundTransactionId": transaction_id,
        "originTransactionId": paid["id"], "finishedAt": null, "sandbox_amount_minor": amount,
    });
    set(&mut record, shared_members);
    put(tx, REFUNDS, &record);
    let rule = decide(tx, GATEWAY, "refund", amount)?;
    schedule_outcome(tx, shared, &rule, false, |end| Job::SgatePayinRefund {
        refund_id: id,
        end,
    })?;
    Ok(view("Refund", &record))
}

/// What is left to refund of `order`, in hundredths: paid, less refunded and being refunded.
pub fn refundable_minor(order: &Value) -> i64 {
    integer(order, "sandbox_amount_minor")
        - integer(order, "sandbox_refunded_minor")
        - integer(order, "sandbox_refunding_minor")
}

/// What is left to refund of `order`, as decimal text (`"30.00"`).
pub fn refundable_text(order: &Value) -> String {
    paybind::money::Decimal2::from_minor_units(refundable_minor(order).max(0)).to_string()
}

/// `refund_detail`.
pub fn refund_detail(tx: &Tx<'_>, incoming: &Incoming) -> PayinResult {
    let record = find(tx, REFUNDS, incoming.path("REFUND_ID"), "refund")?;
    Ok(view("Refund", &record))
}

/// Ends the pending refund `id` (`success` or `fail`) with its transaction and its order's
/// refund state; a success queues the order's `refund` callback.
pub fn finish_refund(
    tx: &mut Tx<'_>,
    shared: &Shared,
    id: &str,
    end: &End,
) -> Result<Value, HandlerError> {
    let Some(mut record) = tx.get(REFUNDS, id)? else {
        return Err(HandlerError::admin(404, format!("no refund {id}")));
    };
    if text(&record, "status") != "pending" {
        return Err(HandlerError::admin(409, "the refund is final already"));
    }
    let now = shared.now_ms();
    let completed = end.completed();
    let status = if completed { "success" } else { "fail" };
    set(
        &mut record,
        json!({ "status": status, "finishedAt": iso(now), "updatedAt": iso(now) }),
    );
    put(tx, REFUNDS, &record);
    let transaction_id = text(&record, "refundTransactionId").to_string();
    if let Some(mut transaction) = tx.get(TRANSACTIONS, &transaction_id)? {
        let result = if completed {
            "Approved"
        } else {
            "Declined_NoRetry"
        };
        set(
            &mut transaction,
            json!({ "result": result, "completedAt": iso(now), "updatedAt": iso(now) }),
        );
        put(tx, TRANSACTIONS, &transaction);
    }
    let Some(mut order) = tx.get(ORDERS, text(&record, "orderId"))? else {
        return Ok(view("Refund", &record));
    };
    let amount = integer(&record, "sandbox_amount_minor");
    let refunded = integer(&order, "sandbox_refunded_minor") + if completed { amount } else { 0 };
    let refunding = integer(&order, "sandbox_refunding_minor") - amount;
    let refund_status = match (refunding > 0, refunded) {
        (true, _) => "processing",
        (false, 0) => "fail",
        (false, all) if all >= integer(&order, "sandbox_amount_minor") => "full",
        (false, _) => "partial",
    };
    let times = integer(&order, "refundTimes") + i64::from(completed);
    set(
        &mut order,
        json!({
            "sandbox_refunded_minor": refunded, "sandbox_refunding_minor": refunding,
            "refundAmount": money(refunded), "refundTimes": times,
            "refundStatus": refund_status, "updatedAt": iso(now),
        }),
    );
    put(tx, ORDERS, &order);
    if completed {
        queue_callback(tx, shared, &order, "refund")?;
    }
    Ok(view("Refund", &record))
}
