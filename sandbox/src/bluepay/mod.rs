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
use paybind::operations::GatewayOperation;
use qr::{qr_cancel, qr_payment_list};
use records::{balance_inquiry, RequestContext};
use refunds::{payment_void, refund_create, refund_payments};
use settlement::report_download;
use tickets::{ticket_add, ticket_query};

/// Runs `operation` with `param` (the checked param) in `tx`. Every operation of both specs
/// has its arm, so one added to a spec is a compile error here.
pub fn dispatch(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    operation: GatewayOperation,
    param: &Value,
) -> HandlerResult {
    match operation {
        GatewayOperation::BluePay(operation) => bluepay(context, tx, operation, param),
        GatewayOperation::BluePayJt(operation) => bluepay_jt(context, tx, operation, param),
        // The envelope wire serves only the envelope gateways' paths.
        GatewayOperation::Sgate(operation) => {
            let detail = format!("{} is not an envelope operation", operation.id());
            Err(Fail::new(context.gateway, 21000, detail).into())
        }
        GatewayOperation::SgatePayin(operation) => {
            let detail = format!("{} is not an envelope operation", operation.id());
            Err(Fail::new(context.gateway, 21000, detail).into())
        }
    }
}

fn bluepay(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    operation: BluePay,
    param: &Value,
) -> HandlerResult {
    match operation {
        BluePay::BalanceInquiry => balance_inquiry(context, tx),
        BluePay::PayoutCreate => payout_create(context, tx, param),
        BluePay::PayoutStatus => order_view(context, tx, param, "payout"),
        BluePay::QrCodeCreate => pay_create(context, tx, param, "qr"),
        BluePay::QrCodeDetail => order_view(context, tx, param, "qr"),
        BluePay::QrCodePaymentList => qr_payment_list(context, tx, param),
        BluePay::QrCodeCancel => qr_cancel(context, tx, param),
        BluePay::WebpayCreate => pay_create(context, tx, param, "webpay"),
        BluePay::WebpayDetail => order_view(context, tx, param, "webpay"),
        BluePay::RefundCreate => refund_create(context, tx, param),
        BluePay::RefundPayments => refund_payments(context, tx, param),
        BluePay::PaymentVoid => payment_void(context, tx, param),
        BluePay::DirectDebitTokenApply => token_apply(context, tx, param),
        BluePay::DirectDebitTokenQuery => token_query(context, tx, param),
        BluePay::DirectDebitTokenCancel => token_cancel(context, tx, param),
        BluePay::DirectDebitPay => pay_create(context, tx, param, "direct_debit"),
        BluePay::DirectDebitPayDetail => order_view(context, tx, param, "direct_debit"),
    }
}

fn bluepay_jt(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    operation: BluePayJt,
    param: &Value,
) -> HandlerResult {
    match operation {
        BluePayJt::DirectDebitTokenApply => token_apply(context, tx, param),
        BluePayJt::DirectDebitTokenQuery => token_query(context, tx, param),
        BluePayJt::DirectDebitTokenCancel => token_cancel(context, tx, param),
        BluePayJt::DirectDebitPay => pay_create(context, tx, param, "direct_debit"),
        BluePayJt::DirectDebitDetail => order_view(context, tx, param, "direct_debit"),
        BluePayJt::QrCodeCreate => pay_create(context, tx, param, "qr"),
        BluePayJt::QrCodeDetail => order_view(context, tx, param, "qr"),
        BluePayJt::QrCodePaymentList => qr_payment_list(context, tx, param),
        BluePayJt::TicketAdd => ticket_add(context, tx, param),
        BluePayJt::TicketResultQuery => ticket_query(context, tx, param),
        BluePayJt::ReportDownload => report_download(context, param),
        BluePayJt::PayoutCreate => payout_create(context, tx, param),
        BluePayJt::PayoutStatus => order_view(context, tx, param, "payout"),
    }
}
