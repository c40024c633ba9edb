//! Repeat safety: what sending an operation's request twice does, as its marks say
//! (`x-read-only`, `x-idempotency-key`; see openapi/CONVENTIONS.md). The generated client reads
//! them for `is_retryable()`, and merchants in any language read them before retrying, so a
//! change to them is a change of behaviour, never just prose.

use serde_json::Value;

use super::change::{Ctx, Impact};

/// What a repeat of the operation does.
#[derive(Debug, PartialEq, Eq)]
enum Safety {
    /// It only reads.
    ReadOnly,
    /// The gateway refuses a repeat with the same value of this request member.
    Deduplicated(String),
    /// A repeat may act twice.
    Unsafe,
}

impl Safety {
    fn of(op: &Value) -> Self {
        if op.get("x-read-only") == Some(&Value::Bool(true)) {
            return Safety::ReadOnly;
        }
        match op.get("x-idempotency-key").and_then(Value::as_str) {
            Some(key) => Safety::Deduplicated(key.to_string()),
            None => Safety::Unsafe,
        }
    }

    fn words(&self) -> String {
        match self {
            Safety::ReadOnly => "read-only".into(),
            Safety::Deduplicated(key) => format!("a repeat refused by its {key}"),
            Safety::Unsafe => "a repeat may act twice".into(),
        }
    }
}

/// Records a change of the operation's repeat safety. Safer is an addition (its errors may now
/// be retryable); anything else is breaking for both kinds of users: a retry that was safe can
/// now double a payout.
pub(super) fn compare(ctx: &mut Ctx, at: &str, old: &Value, new: &Value) {
    let (before, after) = (Safety::of(old), Safety::of(new));
    if before == after {
        return;
    }
    let impact = if before == Safety::Unsafe {
        Impact::Addition
    } else {
        Impact::Breaking
    };
    let what = format!("repeat safety: {} (was {})", after.words(), before.words());
    ctx.push(at, what, impact, impact);
}
