//! What a due job does: the business function that ends the record the job names. The
//! sandbox starts the scheduler's worker with [`run_job`], so the scheduler never imports the
//! business layer it serves.

use super::base::http::HandlerError;
use super::base::shared::Shared;
use super::base::store::{StoreError, Tx};
use super::scheduler::jobs::Job;
use super::{bluepay, sgate, sgate_payin};

/// Runs `job`. A refusal (the record ended meanwhile) drops the job; a store failure is
/// returned.
pub fn run_job(tx: &mut Tx<'_>, shared: &Shared, job: &Job) -> Result<(), StoreError> {
    let result = match job {
        Job::EnvelopeOrder { key, end } => bluepay::orders::finish_order(tx, shared, key, end),
        Job::EnvelopeRefund { key, end } => bluepay::refunds::finish_refund(tx, shared, key, end),
        Job::SgateReview { customid, approved } => {
            sgate::customers::review(tx, shared, customid, *approved)
        }
        Job::SgatePaymentOrder { ticketid, end } => {
            sgate::orders::finish_order(tx, shared, ticketid, end)
        }
        Job::SgatePayinRefund { refund_id, end } => {
            sgate_payin::refunds::finish_refund(tx, shared, refund_id, end)
        }
    };
    match result {
        Ok(_) | Err(HandlerError::Fail(_)) => Ok(()),
        Err(HandlerError::Store(error)) => Err(error),
    }
}
