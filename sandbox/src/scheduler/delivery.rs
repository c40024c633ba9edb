//! Delivering one notification: the HTTP POST (SGATE's signed with the system key when it is
//! sent; SGATE Payin's an unsigned GET), what counts as acknowledged, and the record of the
//! attempt with the next one scheduled — by exponential backoff, or SGATE Payin's documented
//! schedule — or the notification given up.

use std::time::Instant;

use serde_json::{json, Value};

use crate::base::gateway::Gateway;
use crate::base::json::{integer, set, text};
use crate::base::settings::NotifyPolicy;
use crate::base::shared::Shared;
use crate::base::store::StoreError;
use crate::wire::sgate::sign::callback_headers;
use crate::wire::sgate_payin::callback as payin_callback;

/// Whether `url` points at this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

pub fn due_notifications(shared: &Shared) -> Result<Vec<String>, StoreError> {
    let now = shared.now_ms();
    let rows = shared.read(|store| store.list("outbox"))?;
    Ok(rows
        .into_iter()
        .filter(|(_, entry)| integer(entry, "due_ms") <= now)
        .map(|(key, _)| key)
        .collect())
}

/// One delivery attempt of notification `id`, recorded.
pub async fn attempt(shared: &Shared, id: &str) -> Result<(), StoreError> {
    let Some(record) = shared.read(|store| store.get("notification", id))? else {
        shared.with_tx(|tx| {
            tx.delete("outbox", id);
            Ok::<_, StoreError>(())
        })?;
        return Ok(());
    };
    let gateway: Gateway =
        serde_json::from_value(record["gateway"].clone()).unwrap_or(Gateway::BluePay);
    let url_text = text(&record, "url").to_string();
    let body = text(&record, "body").to_string();
    let number = record["attempts"].as_array().map_or(0, Vec::len) + 1;
    let started = Instant::now();
    let at_ms = shared.now_ms();

    let (status, error, answer, acknowledged, give_up) =
        match reqwest::Url::parse(&url_text) {
            Err(parse_error) => (
                None,
                Some(format!("not a URL: {parse_error}")),
                None,
                false,
                true,
            ),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => (
                None,
                Some("only http and https URLs are called".to_string()),
                None,
                false,
                true,
            ),
            Ok(url) if !is_loopback(&url) && !shared.settings.allow_external_notify => (
                None,
                Some(
                    "not delivered: the sandbox only calls loopback addresses (allow_external_notify is off)"
                        .to_string(),
                ),
                None,
                false,
                true,
            ),
            Ok(url) => {
                let request = build_request(shared, gateway, &url, &body, &record);
                match request.send().await {
                    Ok(response) => {
                        let code = response.status().as_u16();
                        let bytes = read_capped(response).await;
                        let answer_text: String =
                            String::from_utf8_lossy(&bytes).chars().take(512).collect();
                        let acknowledged = match gateway {
                            Gateway::Sgate => code == 200,
                            Gateway::BluePay | Gateway::BluePayJt => {
                                code == 200 && is_acknowledgement(&bytes)
                            }
                            Gateway::SgatePayin => {
                                payin_callback::is_acknowledged(code, &bytes, &record["payload"])
                            }
                        };
                        (Some(code), None, Some(answer_text), acknowledged, false)
                    }
                    Err(send_error) => (
                        None,
                        Some(transport_error(&send_error)),
                        None,
                        false,
                        false,
                    ),
                }
            }
        };
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let policy = &shared.settings.notify;
    shared.with_tx(|tx| {
        let Some(mut record) = tx.get("notification", id)? else {
            tx.delete("outbox", id);
            return Ok::<_, StoreError>(());
        };
        let entry = json!({
            "attempt": number,
            "at_ms": at_ms,
            "http_status": status,
            "error": error,
            "answer": answer,
            "acknowledged": acknowledged,
            "duration_ms": elapsed,
        });
        if let Some(list) = record.get_mut("attempts").and_then(Value::as_array_mut) {
            list.push(entry);
        }
        let pause = next_pause_ms(policy, gateway, &record["attempts"], status.is_some());
        if acknowledged {
            set(
                &mut record,
                json!({ "status": "delivered", "next_attempt_ms": null }),
            );
            tx.delete("outbox", id);
        } else if give_up {
            set(
                &mut record,
                json!({ "status": "undeliverable", "next_attempt_ms": null }),
            );
            tx.delete("outbox", id);
        } else if let Some(pause) = pause {
            let next = shared.now_ms().saturating_add(pause);
            set(
                &mut record,
                json!({ "status": "retrying", "next_attempt_ms": next }),
            );
            tx.put("outbox", id, json!({ "due_ms": next }));
        } else {
            set(
                &mut record,
                json!({ "status": "failed", "next_attempt_ms": null }),
            );
            tx.delete("outbox", id);
        }
        tx.put("notification", id, record);
        Ok(())
    })
}

/// The pause before the next attempt after `attempts` (the last one just made and `answered`
/// or not), or `None` to give up: exponential backoff up to the policy's attempts, or SGATE
/// Payin's own schedule.
fn next_pause_ms(
    policy: &NotifyPolicy,
    gateway: Gateway,
    attempts: &Value,
    answered: bool,
) -> Option<i64> {
    let attempts = attempts.as_array().map_or(&[][..], Vec::as_slice);
    match gateway {
        Gateway::SgatePayin => payin_callback::next_pause_ms(policy, attempts, answered),
        Gateway::BluePay | Gateway::BluePayJt | Gateway::Sgate => {
            let made = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
            (made < policy.max_attempts.max(1)).then(|| backoff_ms(policy, made))
        }
    }
}

/// Pause after failed attempt number `attempt_number` (1-based): initial × 2^(attempt_number−1),
/// at most the maximum.
pub fn backoff_ms(policy: &NotifyPolicy, attempt_number: u32) -> i64 {
    let initial = u64::try_from(policy.initial_backoff.as_millis()).unwrap_or(u64::MAX);
    let max = u64::try_from(policy.max_backoff.as_millis()).unwrap_or(u64::MAX);
    let factor = 1u64 << attempt_number.saturating_sub(1).min(30);
    i64::try_from(initial.saturating_mul(factor).min(max)).unwrap_or(i64::MAX)
}

/// What is read of a merchant's answer to a notification: an acknowledgement is a few bytes,
/// and only the start of the answer is recorded.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The start of an answer, at most [`MAX_ANSWER_BYTES`] (an endless answer is not read whole).
async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= MAX_ANSWER_BYTES {
            bytes.truncate(MAX_ANSWER_BYTES);
            break;
        }
    }
    bytes
}

fn transport_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection failed".into()
    } else {
        "transport error".into()
    }
}

/// The documented acknowledgement `{"code": 10000, "message": "Success"}` (code as a number
/// or a digit string).
fn is_acknowledgement(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|answer| match answer.get("code") {
            Some(Value::Number(number)) => number.as_i64(),
            Some(Value::String(digits)) => digits.trim().parse().ok(),
            _ => None,
        })
        == Some(paybind::envelope::SUCCESS_CODE)
}

fn build_request(
    shared: &Shared,
    gateway: Gateway,
    url: &reqwest::Url,
    body: &str,
    record: &Value,
) -> reqwest::RequestBuilder {
    if gateway == Gateway::SgatePayin {
        // Unsigned, no body: the query is the callback.
        return shared.http.get(url.clone());
    }
    let request = shared
        .http
        .post(url.clone())
        .header("content-type", "application/json")
        .body(body.to_string());
    match gateway {
        Gateway::Sgate => {
            let path = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_string(),
            };
            let bad_signature = record.get("bad_signature").and_then(Value::as_bool) == Some(true);
            let signed = callback_headers(shared, &path, body.as_bytes(), bad_signature);
            signed.into_iter().fold(request, |builder, (name, value)| {
                builder.header(name, value)
            })
        }
        // The envelope signs inside the body; Payin's GET left above.
        Gateway::BluePay | Gateway::BluePayJt | Gateway::SgatePayin => request,
    }
}
