//! JT tickets: a merchant's complaint about a transaction, its status set through the admin
//! API, and the result notification.

use serde_json::{json, Value};

use super::records::*;
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::next_number;
use crate::base::json::{compact, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::scheduler::outbox::enqueue;

pub fn ticket_add(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let request_id = text(p, "requestId");
    let req_key = key(ctx.gateway, request_id);
    if tx.get("jt_ticket_req", &req_key)?.is_some() {
        return Err(ctx.fail(21007, format!("requestId {request_id} was used already")));
    }
    let n = next_number(tx, "ticket")?;
    let ticket_no = format!(
        "{}{n:06}",
        chrono::DateTime::from_timestamp_millis(ctx.now)
            .map(|t| t.format("%Y%m%d%H%M").to_string())
            .unwrap_or_default()
    );
    let transaction_status = order(tx, ctx.gateway, text(p, "mchOrderId"))?
        .map(|o| text(&o, "status").to_string())
        .unwrap_or_else(|| "PENDING".into());
    tx.put(
        "jt_ticket",
        &ticket_no,
        json!({
            "ticketNo": ticket_no, "requestId": request_id, "mchOrderId": text(p, "mchOrderId"),
            "ticketStatus": "PENDING", "transactionStatus": transaction_status,
            "notifyUrl": text(p, "notifyUrl"), "createMs": ctx.now, "param": p,
        }),
    );
    tx.put("jt_ticket_req", &req_key, json!({ "ticketNo": ticket_no }));
    Ok(json!({ "requestId": request_id, "ticketNo": ticket_no }))
}

pub fn ticket_query(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let ticket_no = match optional_text(p, "ticketNo") {
        Some(t) => Some(t.to_string()),
        None => tx
            .get("jt_ticket_req", &key(ctx.gateway, text(p, "requestId")))?
            .map(|v| text(&v, "ticketNo").to_string()),
    };
    let ticket = match ticket_no {
        Some(t) => tx.get("jt_ticket", &t)?,
        None => None,
    };
    let Some(ticket) = ticket else {
        return Err(ctx.fail(21006, "no such ticket"));
    };
    Ok(json!({
        "ticketNo": ticket["ticketNo"],
        "ticketStatus": ticket["ticketStatus"],
        "transactionStatus": ticket["transactionStatus"],
    }))
}

/// A JT ticket moves to `status` (PROCESSING, CLOSED, REJECTED); the result notification is
/// queued.
pub fn set_ticket_status(
    tx: &mut Tx<'_>,
    shared: &Shared,
    ticket_no: &str,
    status: &str,
    transaction_status: Option<&str>,
    reply: Option<&str>,
) -> HandlerResult {
    let Some(mut ticket) = tx.get("jt_ticket", ticket_no)? else {
        return Err(HandlerError::admin(404, format!("no ticket {ticket_no}")));
    };
    let event = match status {
        "PROCESSING" => "ticket.status.processing",
        "CLOSED" => "ticket.status.closed",
        "REJECTED" => "ticket.status.rejected",
        _ => {
            return Err(HandlerError::admin(
                400,
                "status is PROCESSING, CLOSED or REJECTED",
            ))
        }
    };
    set(&mut ticket, json!({ "ticketStatus": status }));
    if let Some(t) = transaction_status {
        set(&mut ticket, json!({ "transactionStatus": t }));
    }
    tx.put("jt_ticket", ticket_no, ticket.clone());
    let payload = compact(json!({
        "eventName": event,
        "ticketId": ticket_no,
        "ticketStatus": status,
        "transactionStatus": ticket["transactionStatus"],
        "customerServiceReply": reply.unwrap_or(""),
    }));
    enqueue(
        tx,
        shared,
        Gateway::BluePayJt,
        event,
        text(&ticket, "notifyUrl"),
        &payload,
        false,
    )?;
    Ok(ticket)
}
