//! Admin calls on SGATE Payin: an order as the sandbox holds it (by its ID or the merchant's),
//! and the end of a refund left
//! pending by the outcome rules. (Orders are paid the way payers pay them: on the cashier
//! page.)

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::mask::mask_sensitive;
use super::reply::{done, plain_end, refuse, success, Reply};
use crate::base::http::HandlerError;
use crate::base::json::text;
use crate::base::shared::Shared;
use crate::sgate_payin::records::{MERCHANT_ORDER_IDS, ORDERS};
use crate::sgate_payin::refunds::finish_refund;

type SharedState = State<Arc<Shared>>;

/// `GET /admin/sgate-payin/orders/{id}`: the order `id`, or the one whose `merchantOrderId` it
/// is (the sandbox numbers orders, so a test that made one from fixtures knows only its own
/// ID), with the sandbox's own members (its cashier link among them).
pub async fn order(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    let found = shared.read(|store| {
        if let Some(order) = store.get(ORDERS, &id)? {
            return Ok(Some(order));
        }
        match store.get(MERCHANT_ORDER_IDS, &id)? {
            Some(entry) => store.get(ORDERS, text(&entry, "id")),
            None => Ok(None),
        }
    })?;
    match found {
        Some(mut order) => {
            mask_sensitive(&mut order);
            success(order)
        }
        None => Err(refuse(StatusCode::NOT_FOUND, format!("no order {id}"))),
    }
}

/// `POST /admin/sgate-payin/refunds/{id}/{complete|fail}`.
pub async fn refund_action(
    State(shared): SharedState,
    Path((id, action)): Path<(String, String)>,
) -> Reply {
    let end = plain_end(&action)?;
    let result: Result<_, HandlerError> =
        shared.with_tx(|tx| finish_refund(tx, &shared, &id, &end));
    done(&shared, result)
}
