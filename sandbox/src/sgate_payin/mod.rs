//! The business of SGATE Payin: what each operation does to the simulated world — orders and
//! their expiry, card and STC Pay payments decided by the documented test instruments,
//! refunds, logistics states — and the hosted cashier whose pages pay an order. Requests
//! reach [`dispatch`] already authenticated and checked by the wire layer
//! (`wire::sgate_payin`).

pub mod cashier;
pub mod links;
pub mod orders;
pub mod pages;
pub mod payments;
pub mod records;
pub mod refunds;

use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::wire::sgate_payin::refusal::PayinError;
use crate::wire::sgate_payin::{Incoming, Reply};
use orders::{add_order, merchant_detail, order_detail, set_member};
use paybind::sgate_payin::Operation;
use payments::{complete_stcpay, direct_card, start_stcpay, transaction_detail};
use refunds::{refund, refund_detail};

/// Runs `operation` with the checked request `incoming` in `tx`. Every operation of the spec
/// has its arm, so one added to it is a compile error here.
pub fn dispatch(
    shared: &Shared,
    tx: &mut Tx<'_>,
    operation: Operation,
    incoming: &Incoming,
    now: i64,
) -> Result<Reply, PayinError> {
    let record = match operation {
        Operation::MerchantDetail => merchant_detail(shared, incoming)?,
        Operation::MerchantAddOrder => add_order(shared, tx, incoming, now)?,
        Operation::OrderDetail => order_detail(tx, incoming, now)?,
        Operation::TransactionDetailForMerchant => transaction_detail(tx, incoming)?,
        Operation::OrderStartByDirectMastercard => direct_card(tx, incoming, now)?,
        Operation::OrderStartByStcpay => start_stcpay(tx, incoming, now)?,
        Operation::TransactionCompleteByStcpay => {
            let id = incoming.path("TRANSACTION_ID");
            complete_stcpay(tx, shared, id, &incoming.body, now)?
        }
        Operation::OrderRefund => refund(tx, shared, incoming, now)?,
        Operation::RefundDetail => refund_detail(tx, incoming)?,
        Operation::OrderSetLogistics => return empty(set_member(tx, incoming, "logistics", now)),
        Operation::OrderSetOverseasLogistics => {
            return empty(set_member(tx, incoming, "overseasLogistics", now))
        }
        Operation::OrderSetDeliveryStatus => {
            return empty(set_member(tx, incoming, "deliveryStatus", now))
        }
        Operation::OrderSetAfterSaleStatus => {
            return empty(set_member(tx, incoming, "afterSaleStatus", now))
        }
        // Not a member of the order as order_detail shows it: kept for the dashboard.
        Operation::OrderShippingEmail => {
            return empty(set_member(tx, incoming, "sandbox_shipping_email", now))
        }
    };
    Ok(Reply::Json(record))
}

fn empty(result: Result<(), PayinError>) -> Result<Reply, PayinError> {
    result.map(|()| Reply::Empty)
}
