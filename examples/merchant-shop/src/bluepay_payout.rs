//! BluePay payouts, sent exactly once: `payout_create_reconciled` is the README's recipe for an
//! unknown outcome, packaged.

use paybind::bluepay::{self, types};
use paybind::money::Amount;

/// A bank payout the shop wants to make (e.g. a seller settlement).
#[derive(Debug, Clone)]
pub struct BankPayout {
    /// Our order id, doubles as BluePay's `mchOrderId` (letters and digits).
    pub order_id: String,
    /// Stable per payout, stored with the order before the first attempt.
    pub idempotency_id: String,
    pub amount: Amount,
    pub bank_code: String,
    pub account_no: String,
    pub account_name: String,
    pub tax_id: String,
    pub mobile: String,
}

/// Creates the payout, or finds the one an earlier attempt created: `Created` by this call,
/// `Resent` after an unknown outcome and a status query that found nothing, or `AlreadyThere`
/// (an earlier attempt made it; the answer of `payout_status`). An error is final
/// (`Error::Validation`: nothing was sent; `Error::Api`: BluePay refused it) unless it says
/// `outcome_unknown()`: then call again later with the same ids, never new ones.
pub async fn create_payout(
    client: &bluepay::Client,
    p: &BankPayout,
) -> Result<bluepay::PayoutCreateReconciled, bluepay::Error> {
    client
        .payout_create_reconciled(
            types::PayoutCreateParam::builder()
                .mch_order_id(&p.order_id)
                .idempotency_id(&p.idempotency_id)
                .amount(p.amount)
                .pay_method_code("BANK")
                .transfer_code(&p.bank_code)
                .account_no(&p.account_no)
                .account_name(&p.account_name)
                .account_type("INDIVIDUAL")
                .account_tax_id(&p.tax_id)
                .mobile(&p.mobile),
        )
        .await
}
