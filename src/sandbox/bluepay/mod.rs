//! The business of BluePay and BluePay JT: what each operation does to the simulated world,
//! by area. Requests reach [`dispatch`] already checked by the wire layer.

pub mod direct_debit;
pub mod orders;
pub mod qr;
pub mod records;
pub mod refunds;
pub mod settlement;
pub mod tickets;

use serde_json::Value;

use crate::sandbox::base::http::HResult;
use crate::sandbox::base::spec_data::generic_data;
use crate::sandbox::base::store::Tx;
use direct_debit::{token_apply, token_cancel, token_query};
use orders::{order_view, pay_create, payout_create};
use qr::{qr_cancel, qr_payment_list};
use records::{balance_inquiry, Ctx};
use refunds::{payment_void, refund_create, refund_payments};
use settlement::report_download;
use tickets::{ticket_add, ticket_query};

/// Runs operation `op` with `p` (the checked param) in `tx`.
pub fn dispatch(ctx: &Ctx<'_>, tx: &mut Tx<'_>, op: &crate::spec::Operation, p: &Value) -> HResult {
    match op.id {
        "balance_inquiry" => balance_inquiry(ctx, tx),
        "payout_create" => payout_create(ctx, tx, p),
        "payout_status" => order_view(ctx, tx, p, "payout"),
        "qr_code_create" => pay_create(ctx, tx, p, "qr"),
        "qr_code_detail" => order_view(ctx, tx, p, "qr"),
        "qr_code_payment_list" => qr_payment_list(ctx, tx, p),
        "qr_code_cancel" => qr_cancel(ctx, tx, p),
        "webpay_create" => pay_create(ctx, tx, p, "webpay"),
        "webpay_detail" => order_view(ctx, tx, p, "webpay"),
        "refund_create" => refund_create(ctx, tx, p),
        "refund_payments" => refund_payments(ctx, tx, p),
        "payment_void" => payment_void(ctx, tx, p),
        "direct_debit_token_apply" => token_apply(ctx, tx, p),
        "direct_debit_token_query" => token_query(ctx, tx, p),
        "direct_debit_token_cancel" => token_cancel(ctx, tx, p),
        "direct_debit_pay" => pay_create(ctx, tx, p, "direct_debit"),
        "direct_debit_pay_detail" | "direct_debit_detail" => order_view(ctx, tx, p, "direct_debit"),
        "ticket_add" => ticket_add(ctx, tx, p),
        "ticket_result_query" => ticket_query(ctx, tx, p),
        "report_download" => report_download(ctx, p),
        other => Ok(generic_data(ctx.gw, other)),
    }
}
