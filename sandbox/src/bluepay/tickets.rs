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

pub fn ticket_add(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let request_id = text(param, "requestId");
    let request_key = key(context.gateway, request_id);
    if tx.get("jt_ticket_req", &request_key)?.is_some() {
        return Err(context.fail(21007, format!("requestId {request_id} was used already")));
    }
    let number = next_number(tx, "ticket")?;
    let ticket_number = format!(
        "{}{number:06}",
        chrono::DateTime::from_timestamp_millis(context.now)
            .map(|time| time.format("%Y%m%d%H%M").to_string())
            .unwrap_or_default()
    );
    let transaction_status = order(tx, context.gateway, text(param, "mchOrderId"))?
        .map(|record| text(&record, "status").to_string())
        .unwrap_or_else(|| "PENDING".into());
    tx.put(
        "jt_ticket",
        &ticket_number,
        json!({
            "ticketNo": ticket_number, "requestId": request_id,
            "mchOrderId": text(param, "mchOrderId"), "ticketStatus": "PENDING",
            "transactionStatus": transaction_status,
            "notifyUrl": text(param, "notifyUrl"), "createMs": context.now, "param": param,
        }),
    );
    tx.put(
        "jt_ticket_req",
        &request_key,
        json!({ "ticketNo": ticket_number }),
    );
    Ok(json!({ "requestId": request_id, "ticketNo": ticket_number }))
}

pub fn ticket_query(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let ticket_number = match optional_text(param, "ticketNo") {
        Some(number) => Some(number.to_string()),
        None => tx
            .get(
                "jt_ticket_req",
                &key(context.gateway, text(param, "requestId")),
            )?
            .map(|link| text(&link, "ticketNo").to_string()),
    };
    let ticket = match ticket_number {
        Some(number) => tx.get("jt_ticket", &number)?,
        None => None,
    };
    let Some(ticket) = ticket else {
        return Err(context.fail(21006, "no such ticket"));
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
    ticket_number: &str,
    status: &str,
    transaction_status: Option<&str>,
    reply: Option<&str>,
) -> HandlerResult {
    let Some(mut ticket) = tx.get("jt_ticket", ticket_number)? else {
        return Err(HandlerError::admin(
            404,
            format!("no ticket {ticket_number}"),
        ));
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
    if let Some(transaction_status) = transaction_status {
        set(
            &mut ticket,
            json!({ "transactionStatus": transaction_status }),
        );
    }
    tx.put("jt_ticket", ticket_number, ticket.clone());
    let payload = compact(json!({
        "eventName": event,
        "ticketId": ticket_number,
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
