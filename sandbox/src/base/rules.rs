//! Outcome rules: how a pending operation ends when nobody intervenes.

use serde::{Deserialize, Serialize};

use super::gateway::Gateway;
use super::store::{StoreError, Tx};

/// How a pending operation ends when nobody intervenes. The first rule that matches wins; the
/// user's rules (admin API, config file) come before the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    /// Gateway it applies to (`bluepay`, `bluepay-jt`, `sgate`, `sgate-payin`); any when
    /// absent.
    #[serde(default)]
    pub gateway: Option<String>,
    /// Kind of operation: `payout`, `qr`, `webpay`, `direct_debit`, `refund`,
    /// `payment_order`; any when absent.
    #[serde(default)]
    pub kind: Option<String>,
    /// Exact amount in minor units.
    #[serde(default)]
    pub amount: Option<i64>,
    /// The amount's minor units end with these digits (`"04"` matches 50004 and 104).
    #[serde(default)]
    pub amount_ends_with: Option<String>,
    /// `completed`, `failed` or `pending` (waits for an admin call).
    pub outcome: String,
    /// Delay before the outcome, in ms (the configured automatic delay when absent).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// `failedCode` of a failure.
    #[serde(default)]
    pub failed_code: Option<i64>,
    /// `failedMessage` of a failure.
    #[serde(default)]
    pub failed_message: Option<String>,
}

impl OutcomeRule {
    fn matches(&self, gateway: Gateway, kind: &str, amount: i64) -> bool {
        self.gateway
            .as_deref()
            .is_none_or(|rule_gateway| rule_gateway == gateway.id())
            && self
                .kind
                .as_deref()
                .is_none_or(|rule_kind| rule_kind == kind)
            && self.amount.is_none_or(|rule_amount| rule_amount == amount)
            && self
                .amount_ends_with
                .as_deref()
                .is_none_or(|end| amount.unsigned_abs().to_string().ends_with(end))
    }
}

/// The built-in rules, documented in the module docs.
pub fn builtin_rules() -> Vec<OutcomeRule> {
    let rule = |kind: Option<&str>, ends: Option<&str>, outcome: &str| OutcomeRule {
        kind: kind.map(str::to_string),
        amount_ends_with: ends.map(str::to_string),
        outcome: outcome.to_string(),
        ..OutcomeRule::default()
    };
    let mut rules = Vec::new();
    for kind in ["payout", "direct_debit", "refund"] {
        let mut failed = rule(Some(kind), Some("04"), "failed");
        failed.failed_code = Some(-10004);
        failed.failed_message = Some("Transaction Channel Rejected".into());
        rules.push(failed);
        rules.push(rule(Some(kind), Some("99"), "pending"));
        rules.push(rule(Some(kind), None, "completed"));
    }
    rules.push(rule(Some("qr"), None, "pending"));
    rules.push(rule(Some("webpay"), None, "pending"));
    rules.push(rule(Some("payment_order"), None, "pending"));
    rules
}

/// The rule that decides `kind` of `amount` on `gateway`.
pub fn decide(
    tx: &Tx<'_>,
    gateway: Gateway,
    kind: &str,
    amount: i64,
) -> Result<OutcomeRule, StoreError> {
    let user: Vec<OutcomeRule> = tx
        .get("meta", "rules")?
        .and_then(|stored| serde_json::from_value(stored).ok())
        .unwrap_or_default();
    Ok(user
        .into_iter()
        .chain(builtin_rules())
        .find(|rule| rule.matches(gateway, kind, amount))
        .unwrap_or(OutcomeRule {
            outcome: "pending".into(),
            ..OutcomeRule::default()
        }))
}
