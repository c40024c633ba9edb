//! BluePay payouts, with the README's "may have been sent" reconciliation recipe.

use paybind::bluepay::{self, types, ResultCode};
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

/// What we know after asking BluePay.
#[derive(Debug)]
pub enum PayoutOutcome {
    /// This call created it.
    Created(types::PayoutCreateData),
    /// An earlier attempt created it (found by reconciliation).
    Found(types::PayoutStatusData),
}

#[derive(Debug)]
pub enum PayoutError {
    /// Our data does not fit BluePay's rules; nothing was sent.
    Invalid(String),
    /// BluePay refused it, or nothing was sent: safe to act on.
    Gateway(bluepay::Error),
    /// We could not find out whether the payout exists: retry the reconciliation later,
    /// never with a new idempotency id.
    Unknown(bluepay::Error),
}

impl std::fmt::Display for PayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayoutError::Invalid(m) => write!(f, "invalid payout: {m}"),
            PayoutError::Gateway(e) => write!(f, "payout refused: {e}"),
            PayoutError::Unknown(e) => write!(f, "payout state unknown: {e}"),
        }
    }
}
impl std::error::Error for PayoutError {}

fn param(p: &BankPayout) -> Result<types::builder::PayoutCreateParam, PayoutError> {
    let invalid = |e: types::error::ConversionError| PayoutError::Invalid(e.to_string());
    Ok(types::PayoutCreateParam::builder()
        .mch_order_id(p.order_id.as_str())
        .idempotency_id(p.idempotency_id.as_str())
        .amount(p.amount)
        .pay_method_code(types::PayoutCreateParamPayMethodCode::Bank)
        .account_no(p.account_no.as_str())
        .transfer_code(
            p.bank_code
                .parse::<types::PayoutCreateParamTransferCode>()
                .map_err(invalid)?,
        )
        .account_name(
            p.account_name
                .parse::<types::PayoutCreateParamAccountName>()
                .map_err(invalid)?,
        )
        .account_type(types::PayoutCreateParamAccountType::Individual)
        .account_tax_id(
            p.tax_id
                .parse::<types::PayoutCreateParamAccountTaxId>()
                .map_err(invalid)?,
        )
        .mobile(p.mobile.parse::<types::ThaiMobile>().map_err(invalid)?))
}

fn is_duplicate(e: &bluepay::Error) -> bool {
    matches!(
        e.code(),
        Some(ResultCode::DuplicateIdempotencyId | ResultCode::DuplicateMchOrderId)
    )
}

/// Creates the payout; when the outcome of a create is unknown, reconciles with
/// `payout_status` and resends the *same* request only if BluePay has no such payout.
pub async fn create_payout(
    client: &bluepay::Client,
    p: &BankPayout,
) -> Result<PayoutOutcome, PayoutError> {
    let first = match client.payout_create(param(p)?).await {
        Ok(created) => return Ok(PayoutOutcome::Created(created)),
        // Processed by an earlier attempt: look it up.
        Err(e) if is_duplicate(&e) => e,
        // A business refusal (21014 balance, 21002 param, ...) is final, although
        // `may_have_been_sent()` is true for every `Error::Api`.
        Err(e @ bluepay::Error::Api(_)) if !e.is_retryable() => {
            return Err(PayoutError::Gateway(e))
        }
        Err(e) if !e.may_have_been_sent() => return Err(PayoutError::Gateway(e)),
        Err(e) => e,
    };
    eprintln!(
        "[shop] payout {} may have been sent ({first}); reconciling",
        p.order_id
    );
    // At most: look up, resend once if absent, look up again.
    for attempt in 0..2 {
        match client
            .payout_status(types::PayoutStatusParam::builder().mch_order_id(p.order_id.as_str()))
            .await
        {
            Ok(status) => return Ok(PayoutOutcome::Found(status)),
            Err(e) if e.code() == Some(ResultCode::TransactionNotFound) && attempt == 0 => {
                match client.payout_create(param(p)?).await {
                    Ok(created) => return Ok(PayoutOutcome::Created(created)),
                    Err(e) if is_duplicate(&e) || e.may_have_been_sent() => continue,
                    Err(e) => return Err(PayoutError::Gateway(e)),
                }
            }
            Err(e) => return Err(PayoutError::Unknown(e)),
        }
    }
    Err(PayoutError::Unknown(first))
}
