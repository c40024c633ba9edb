//! Admin calls on BluePay and JT: what the payer, the bank or the gateway's staff would do —
//! pay or fail an order, settle, end a refund, authorize a direct debit, answer a ticket —
//! and the merchant balance and channel capabilities.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;

use super::reply::{done, envelope_gateway, refuse, success, typed_body, Refusal, Reply};
use crate::base::admin_api::{ChannelCapabilities, EnvelopeBalance, Failure, TicketAnswer};
use crate::base::http::HandlerError;
use crate::base::shared::Shared;
use crate::base::store::StoreError;
use crate::bluepay::{direct_debit, orders, records, refunds, settlement, tickets};
use crate::scheduler::jobs::End;

type SharedState = State<Arc<Shared>>;

/// `PUT /admin/channels/{gateway}/{code}`: what a payment channel supports.
pub async fn put_channel(
    State(shared): SharedState,
    Path((gateway, code)): Path<(String, String)>,
    body: Bytes,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let given: ChannelCapabilities = typed_body(&body)?;
    let capabilities = serde_json::to_value(&given).unwrap_or(json!({}));
    success(shared.with_tx(|tx| {
        tx.put("channel", &format!("{}:{code}", gateway.id()), capabilities);
        records::channel(tx, gateway, &code)
    })?)
}

/// `GET /admin/{gateway}/balance`.
pub async fn balance(State(shared): SharedState, Path(gateway): Path<String>) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let amount = shared.with_tx(|tx| records::balance(tx, gateway))?;
    success(json!({ "amount": amount }))
}

/// `PUT /admin/{gateway}/balance {amount}` (minor units).
pub async fn set_balance(
    State(shared): SharedState,
    Path(gateway): Path<String>,
    body: Bytes,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let EnvelopeBalance { amount } = typed_body(&body)?;
    shared.with_tx(|tx| {
        records::set_balance(tx, gateway, amount);
        Ok::<_, StoreError>(())
    })?;
    success(json!({ "amount": amount }))
}

/// `GET /admin/{gateway}/orders/{mchOrderId}`, sensitive members masked.
pub async fn order(
    State(shared): SharedState,
    Path((gateway, merchant_order_id)): Path<(String, String)>,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    match shared.with_tx(|tx| records::find_order(tx, gateway, &merchant_order_id))? {
        Some((_, mut record)) => {
            super::mask::mask_gateway(gateway, &mut record);
            success(record)
        }
        None => Err(refuse(
            StatusCode::NOT_FOUND,
            format!("no order {merchant_order_id}"),
        )),
    }
}

/// How an action ends a record: `completed` for the actions in `complete`, `failed` for
/// `fail`, with the body's `failed_code` and `failed_message`.
fn end_of(action: &str, complete: &[&str], body: &[u8]) -> Result<End, Refusal> {
    let outcome = if complete.contains(&action) {
        "completed"
    } else if action == "fail" {
        "failed"
    } else {
        let names = [complete, &["fail"]].concat().join(", ");
        return Err(refuse(
            StatusCode::NOT_FOUND,
            format!("action is one of {names}"),
        ));
    };
    let failure: Failure = typed_body(body)?;
    Ok(End {
        outcome: outcome.into(),
        failed_code: failure.failed_code,
        failed_message: failure.failed_message,
        bad_signature: false,
    })
}

/// `POST /admin/{gateway}/orders/{mchOrderId}/{pay|complete|fail}`.
pub async fn order_action(
    State(shared): SharedState,
    Path((gateway, merchant_order_id, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let end = end_of(&action, &["pay", "complete"], &body)?;
    let result = shared.with_tx(|tx| {
        let Some((key, _)) = records::find_order(tx, gateway, &merchant_order_id)? else {
            return Err(HandlerError::admin(
                404,
                format!("no order {merchant_order_id}"),
            ));
        };
        orders::finish_order(tx, &shared, &key, &end)
    });
    done(&shared, result)
}

/// `POST /admin/{gateway}/transactions/{transactionId}/settle`.
pub async fn settle(
    State(shared): SharedState,
    Path((gateway, transaction_id)): Path<(String, String)>,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let result = shared.with_tx(|tx| settlement::settle(tx, &shared, gateway, &transaction_id));
    done(&shared, result)
}

/// `POST /admin/{gateway}/refunds/{mchRefundOrderId}/{complete|fail}`.
pub async fn refund_action(
    State(shared): SharedState,
    Path((gateway, merchant_refund_id, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let end = end_of(&action, &["complete"], &body)?;
    let key = records::refund_key(gateway, &merchant_refund_id);
    let result = shared.with_tx(|tx| refunds::finish_refund(tx, &shared, &key, &end));
    done(&shared, result)
}

/// `POST /admin/{gateway}/direct-debit/{requestId}/{authorize|reject}`.
pub async fn authorization(
    State(shared): SharedState,
    Path((gateway, request_id, action)): Path<(String, String, String)>,
) -> Reply {
    let gateway = envelope_gateway(&gateway)?;
    let approve = match action.as_str() {
        "authorize" => true,
        "reject" => false,
        _ => {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                "action is authorize or reject",
            ))
        }
    };
    let result = shared.with_tx(|tx| {
        direct_debit::decide_authorization(tx, &shared, gateway, &request_id, approve)
    });
    done(&shared, result)
}

/// `POST /admin/bluepay-jt/tickets/{ticketNo}/status {ticketStatus, transactionStatus, reply}`.
pub async fn ticket_status(
    State(shared): SharedState,
    Path(ticket_number): Path<String>,
    body: Bytes,
) -> Reply {
    let answer: TicketAnswer = typed_body(&body)?;
    let result = shared.with_tx(|tx| {
        tickets::set_ticket_status(
            tx,
            &shared,
            &ticket_number,
            answer.ticket_status.as_str(),
            answer.transaction_status.as_deref(),
            answer.reply.as_deref(),
        )
    });
    done(&shared, result)
}
