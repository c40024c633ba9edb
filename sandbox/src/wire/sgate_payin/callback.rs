//! SGATE Payin's callbacks on the wire, as its docs describe them and the spec records them:
//! an unsigned `GET` to the order's `notificationURL` with `_orderId` and `_type` appended to
//! its query; acknowledged only by the body `COMPLETED::{ORDER_ID}` (`info.x-callback-ack`);
//! sent again by the schedule of `info.x-callback-retry` — 5 s apart, 3 times, while the
//! merchant does not answer, every 15 minutes while it answers anything else.

use serde_json::Value;

use crate::base::json::text;
use crate::base::settings::NotifyPolicy;

/// The query parameter naming the order (the docs' callback page).
pub const ORDER_ID: &str = "_orderId";
/// The query parameter naming what completed: `payment` or `refund`.
pub const TYPE: &str = "_type";

fn spec_info(pointer: &str) -> Option<&'static Value> {
    paybind::sgate_payin::spec()
        .document()
        .pointer(&format!("/info/{pointer}"))
}

/// Where a callback of `kind` about `order_id` goes: `notification_url` with `_orderId` and
/// `_type` appended to its query. `None` when it is not a URL.
pub fn callback_url(notification_url: &str, order_id: &str, kind: &str) -> Option<String> {
    let mut url = reqwest::Url::parse(notification_url).ok()?;
    url.query_pairs_mut()
        .append_pair(ORDER_ID, order_id)
        .append_pair(TYPE, kind);
    Some(url.into())
}

/// The payload recorded for a callback: its two query parameters.
pub fn payload(order_id: &str, kind: &str) -> Value {
    serde_json::json!({ ORDER_ID: order_id, TYPE: kind })
}

/// Whether the merchant acknowledged the callback `payload`: a success status and the body of
/// the spec's template with the callback's order ID (surrounding white space aside).
pub fn is_acknowledged(status: u16, body: &[u8], payload: &Value) -> bool {
    let Some(template) = spec_info("x-callback-ack/template").and_then(Value::as_str) else {
        return false;
    };
    let expected = template.replace("{ORDER_ID}", text(payload, ORDER_ID));
    (200..300).contains(&status)
        && std::str::from_utf8(body).is_ok_and(|answer| answer.trim() == expected)
}

/// The pause before the next attempt after `attempts` (every attempt so far, the last one just
/// made; `answered`: whether it got an HTTP answer), or `None` to give up. SGATE gives no limit
/// for answered errors: the sandbox stops after [`NotifyPolicy::max_attempts`] attempts in all,
/// so an endpoint nobody fixes is not called for ever.
pub fn next_pause_ms(policy: &NotifyPolicy, attempts: &[Value], answered: bool) -> Option<i64> {
    let schedule =
        |pointer: &str| spec_info(&format!("x-callback-retry/{pointer}")).and_then(Value::as_i64);
    if attempts.len() >= usize::try_from(policy.max_attempts.max(1)).unwrap_or(usize::MAX) {
        return None;
    }
    if answered {
        return schedule("error-answer/interval-seconds").map(|seconds| seconds * 1000);
    }
    // Unanswered attempts in a row, this one included; the first is no retry.
    let unanswered = attempts
        .iter()
        .rev()
        .take_while(|attempt| attempt.get("http_status").is_none_or(Value::is_null))
        .count();
    let retries = usize::try_from(schedule("no-answer/attempts")?).ok()?;
    (unanswered <= retries)
        .then(|| schedule("no-answer/interval-seconds"))
        .flatten()
        .map(|seconds| seconds * 1000)
}
