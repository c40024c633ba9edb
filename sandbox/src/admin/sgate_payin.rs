//! Admin calls on SGATE Payin: an order as the sandbox holds it, and the end of a refund left
//! pending by the outcome rules. (Orders are paid the way payers pay them: on the cashier
//! page.)

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::mask::mask_sensitive;
use super::reply::{done, plain_end, refuse, success, Reply};
use crate::base::http::HandlerError;
use crate::base::shared::Shared;
use crate::sgate_payin::records::ORDERS;
use crate::sgate_payin::refunds::finish_refund;

type SharedState = State<Arc<Shared>>;

/// `GET /admin/sgate-payin/orders/{id}`: the order with the sandbox's own members (its
/// cashier link among them).
pub async fn order(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    match shared.read(|store| store.get(ORDERS, &id))? {
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
