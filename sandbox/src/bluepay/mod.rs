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

use crate::base::http::{Fail, HandlerResult};
use crate::base::store::Tx;
use direct_debit::{token_apply, token_cancel, token_query};
use orders::{order_view, pay_create, payout_create};
use paybind::bluepay::Operation as BluePay;
use paybind::bluepay_jt::Operation as BluePayJt;
use paybind::gateways::GatewayOperation;
use qr::{qr_cancel, qr_payment_list};
use records::{balance_inquiry, Ctx};
use refunds::{payment_void, refund_create, refund_payments};
use settlement::report_download;
use tickets::{ticket_add, ticket_query};

/// Runs `operation` with `param` (the checked param) in `tx`. Every operation of both specs
/// has its arm, so one added to a spec is a compile error here.
pub fn dispatch(
    ctx: &Ctx<'_>,
    tx: &mut Tx<'_>,
    operation: GatewayOperation,
    param: &Value,
) -> HandlerResult {
    match operation {
        GatewayOperation::BluePay(operation) => bluepay(ctx, tx, operation, param),
        GatewayOperation::BluePayJt(operation) => bluepay_jt(ctx, tx, operation, param),
        // The envelope wire serves only the envelope gateways' paths.
        GatewayOperation::Sgate(operation) => {
            let detail = format!("{} is not an envelope operation", operation.id());
            Err(Fail::new(ctx.gateway, 21000, detail).into())
        }
    }
}

fn bluepay(ctx: &Ctx<'_>, tx: &mut Tx<'_>, operation: BluePay, param: &Value) -> HandlerResult {
    match operation {
        BluePay::BalanceInquiry => balance_inquiry(ctx, tx),
        BluePay::PayoutCreate => payout_create(ctx, tx, param),
        BluePay::PayoutStatus => order_view(ctx, tx, param, "payout"),
        BluePay::QrCodeCreate => pay_create(ctx, tx, param, "qr"),
        BluePay::QrCodeDetail => order_view(ctx, tx, param, "qr"),
        BluePay::QrCodePaymentList => qr_payment_list(ctx, tx, param),
        BluePay::QrCodeCancel => qr_cancel(ctx, tx, param),
        BluePay::WebpayCreate => pay_create(ctx, tx, param, "webpay"),
        BluePay::WebpayDetail => order_view(ctx, tx, param, "webpay"),
        BluePay::RefundCreate => refund_create(ctx, tx, param),
        BluePay::RefundPayments => refund_payments(ctx, tx, param),
        BluePay::PaymentVoid => payment_void(ctx, tx, param),
        BluePay::DirectDebitTokenApply => token_apply(ctx, tx, param),
        BluePay::DirectDebitTokenQuery => token_query(ctx, tx, param),
        BluePay::DirectDebitTokenCancel => token_cancel(ctx, tx, param),
        BluePay::DirectDebitPay => pay_create(ctx, tx, param, "direct_debit"),
        BluePay::DirectDebitPayDetail => order_view(ctx, tx, param, "direct_debit"),
    }
}

fn bluepay_jt(
    ctx: &Ctx<'_>,
    tx: &mut Tx<'_>,
    operation: BluePayJt,
    param: &Value,
) -> HandlerResult {
    match operation {
        BluePayJt::DirectDebitTokenApply => token_apply(ctx, tx, param),
        BluePayJt::DirectDebitTokenQuery => token_query(ctx, tx, param),
        BluePayJt::DirectDebitTokenCancel => token_cancel(ctx, tx, param),
        BluePayJt::DirectDebitPay => pay_create(ctx, tx, param, "direct_debit"),
        BluePayJt::DirectDebitDetail => order_view(ctx, tx, param, "direct_debit"),
        BluePayJt::QrCodeCreate => pay_create(ctx, tx, param, "qr"),
        BluePayJt::QrCodeDetail => order_view(ctx, tx, param, "qr"),
        BluePayJt::QrCodePaymentList => qr_payment_list(ctx, tx, param),
        BluePayJt::TicketAdd => ticket_add(ctx, tx, param),
        BluePayJt::TicketResultQuery => ticket_query(ctx, tx, param),
        BluePayJt::ReportDownload => report_download(ctx, param),
        BluePayJt::PayoutCreate => payout_create(ctx, tx, param),
        BluePayJt::PayoutStatus => order_view(ctx, tx, param, "payout"),
    }
}
