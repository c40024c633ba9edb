//! Scheduled jobs: a typed [`Job`] runs at a time on the sandbox clock (a payout completing
//! after the automatic delay, a test account's review). Business modules schedule them; the
//! worker hands each due one to the runner it was started with.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::base::ids::next_number;
use crate::base::rules::OutcomeRule;
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};

/// How a pending record ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    /// `completed` or `failed`.
    pub outcome: String,
    /// The failure's code (a documented default when absent).
    #[serde(default)]
    pub failed_code: Option<i64>,
    /// The failure's message (the code's documented one when absent).
    #[serde(default)]
    pub failed_message: Option<String>,
    /// Sign the notification it sends wrongly (fault injection).
    #[serde(default)]
    pub bad_signature: bool,
}

impl End {
    /// Whether the record completes.
    pub fn completed(&self) -> bool {
        self.outcome == "completed"
    }
}

/// A job. Stored as JSON tagged by `type`; the tags are the ones earlier versions stored, so a
/// data file keeps its pending jobs across an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Job {
    /// A BluePay or JT order (payout, QR code, WebPay, direct debit) ends; `key` is its record.
    #[serde(rename = "bp_order")]
    EnvelopeOrder {
        /// The order's record key.
        key: String,
        /// How it ends.
        #[serde(flatten)]
        end: End,
    },
    /// A BluePay or JT refund ends.
    #[serde(rename = "bp_refund")]
    EnvelopeRefund {
        /// The refund's record key.
        key: String,
        /// How it ends.
        #[serde(flatten)]
        end: End,
    },
    /// An SGATE customer holding test accounts is reviewed.
    #[serde(rename = "sg_review")]
    SgateReview {
        /// The customer.
        customid: String,
        /// Approved, or rejected.
        approved: bool,
    },
    /// An SGATE payment order ends.
    #[serde(rename = "sg_order")]
    SgatePaymentOrder {
        /// The order.
        ticketid: String,
        /// How it ends.
        #[serde(flatten)]
        end: End,
    },
    /// An SGATE Payin refund ends.
    #[serde(rename = "pi_refund")]
    SgatePayinRefund {
        /// The refund's ID.
        refund_id: String,
        /// How it ends.
        #[serde(flatten)]
        end: End,
    },
}

/// Schedules `job` to run at `due_ms` on the sandbox clock.
pub fn schedule(tx: &mut Tx<'_>, due_ms: i64, job: &Job) -> Result<(), StoreError> {
    let id = next_number(tx, "job")?;
    let action = serde_json::to_value(job).map_err(|e| StoreError(e.to_string()))?;
    tx.put(
        "job",
        &format!("{id:012}"),
        json!({ "id": id, "due_ms": due_ms, "action": action }),
    );
    Ok(())
}

/// Schedules the end `rule` decided for a pending record, after the rule's delay (or the
/// automatic one); nothing when the rule leaves it pending.
pub fn schedule_outcome(
    tx: &mut Tx<'_>,
    shared: &Shared,
    rule: &OutcomeRule,
    bad_signature: bool,
    job: impl FnOnce(End) -> Job,
) -> Result<(), StoreError> {
    if rule.outcome == "pending" {
        return Ok(());
    }
    let delay = rule
        .delay_ms
        .map(Duration::from_millis)
        .unwrap_or(shared.settings.auto_delay);
    let due = shared
        .now_ms()
        .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 4));
    let end = End {
        outcome: rule.outcome.clone(),
        failed_code: rule.failed_code,
        failed_message: rule.failed_message.clone(),
        bad_signature,
    };
    schedule(tx, due, &job(end))
}

/// The jobs due at `now_ms`: their record keys and the jobs (`None`: a record that is not a
/// job this version knows).
pub fn due(shared: &Shared, now_ms: i64) -> Result<Vec<(String, Option<Job>)>, StoreError> {
    let rows = shared.read(|store| store.list("job"))?;
    Ok(rows
        .into_iter()
        .filter(|(_, record)| record.get("due_ms").and_then(Value::as_i64).unwrap_or(0) <= now_ms)
        .map(|(key, record)| {
            let job = record
                .get("action")
                .and_then(|action| serde_json::from_value(action.clone()).ok());
            (key, job)
        })
        .collect())
}
