//! The outbox: every state change that the gateways document a notification for produces one,
//! signed with the gateway's key and POSTed to the merchant's URL until it is acknowledged —
//! with exponential backoff and a bounded number of attempts, each attempt recorded. Also the
//! worker that runs scheduled jobs (delayed outcomes) on the sandbox clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

use super::state::{i, lock, next_seq, s, set, Gateway, Shared};
use super::store::{StoreError, Tx};

/// How notifications are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyPolicy {
    /// Attempts before a notification is given up (at least 1).
    pub max_attempts: u32,
    /// Pause after the first failed attempt; doubled after each further failure.
    pub initial_backoff: Duration,
    /// Longest pause between attempts.
    pub max_backoff: Duration,
    /// Time allowed for one attempt (connect and answer).
    pub timeout: Duration,
}

impl Default for NotifyPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(5),
        }
    }
}

/// Queues a notification. `payload` is the param (envelope gateways) or the callback JSON
/// (SGATE, sensitive members already encrypted). `bad_signature` signs it wrongly on purpose
/// (fault injection).
pub fn enqueue(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gateway: Gateway,
    event: &str,
    url: &str,
    payload: &Value,
    bad_signature: bool,
) -> Result<String, StoreError> {
    let n = next_seq(tx, "notification")?;
    let id = format!("N{n:08}");
    let text = payload.to_string();
    let body = match gateway {
        Gateway::Sgate => text.clone(),
        _ => {
            let mut sign = shared.envelope_signer.sign_base64(text.as_bytes());
            if bad_signature {
                sign = corrupt(&sign);
            }
            json!({ "param": text, "sign": sign }).to_string()
        }
    };
    let now = shared.now_ms();
    tx.put(
        "notification",
        &id,
        json!({
            "id": id,
            "gateway": gateway,
            "event": event,
            "url": url,
            "payload": payload,
            "body": body,
            "bad_signature": bad_signature,
            "status": "pending",
            "attempts": [],
            "created_ms": now,
            "next_attempt_ms": now,
        }),
    );
    tx.put("outbox", &id, json!({ "due_ms": now }));
    Ok(id)
}

/// Flips bits of a Base64 signature so it no longer verifies.
pub fn corrupt(signature_b64: &str) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    match engine.decode(signature_b64) {
        Ok(mut bytes) if !bytes.is_empty() => {
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x5a;
            engine.encode(bytes)
        }
        _ => "AAAA".to_string(),
    }
}

/// Whether `url` points at this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The background loop: runs due jobs and delivers due notifications until `stop` fires.
pub async fn worker(shared: Arc<Shared>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let in_flight = Arc::new(std::sync::Mutex::new(
        std::collections::HashSet::<String>::new(),
    ));
    loop {
        tokio::select! {
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(25)) => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
        run_due_jobs(&shared);
        let due = match due_notifications(&shared) {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "sandbox outbox unreadable");
                continue;
            }
        };
        for id in due {
            if !lock(&in_flight).insert(id.clone()) {
                continue;
            }
            let shared = shared.clone();
            let in_flight = in_flight.clone();
            tokio::spawn(async move {
                if let Err(e) = attempt(&shared, &id).await {
                    tracing::warn!(error = %e, notification = %id, "sandbox delivery bookkeeping failed");
                }
                lock(&in_flight).remove(&id);
            });
        }
    }
}

fn due_notifications(shared: &Shared) -> Result<Vec<String>, StoreError> {
    let now = shared.now_ms();
    let rows = shared.read(|store| store.list("outbox"))?;
    Ok(rows
        .into_iter()
        .filter(|(_, v)| i(v, "due_ms") <= now)
        .map(|(k, _)| k)
        .collect())
}

/// One delivery attempt of notification `id`, recorded.
async fn attempt(shared: &Shared, id: &str) -> Result<(), StoreError> {
    let Some(record) = shared.read(|store| store.get("notification", id))? else {
        shared.with_tx(|tx| {
            tx.delete("outbox", id);
            Ok::<_, StoreError>(())
        })?;
        return Ok(());
    };
    let gateway: Gateway =
        serde_json::from_value(record["gateway"].clone()).unwrap_or(Gateway::BluePay);
    let url_text = s(&record, "url").to_string();
    let body = s(&record, "body").to_string();
    let number = record["attempts"].as_array().map_or(0, Vec::len) + 1;
    let started = Instant::now();
    let at_ms = shared.now_ms();

    let (status, error, answer, acknowledged, give_up) =
        match reqwest::Url::parse(&url_text) {
            Err(e) => (None, Some(format!("not a URL: {e}")), None, false, true),
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
                        let bytes = response.bytes().await.unwrap_or_default();
                        let text: String = String::from_utf8_lossy(&bytes).chars().take(512).collect();
                        let ok = code == 200
                            && match gateway {
                                Gateway::Sgate => true,
                                _ => ack_ok(&bytes),
                            };
                        (Some(code), None, Some(text), ok, false)
                    }
                    Err(e) => (None, Some(transport_error(&e)), None, false, false),
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
        let attempts = u32::try_from(number).unwrap_or(u32::MAX);
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
        } else if attempts >= policy.max_attempts.max(1) {
            set(
                &mut record,
                json!({ "status": "failed", "next_attempt_ms": null }),
            );
            tx.delete("outbox", id);
        } else {
            let next = shared.now_ms().saturating_add(backoff_ms(policy, attempts));
            set(
                &mut record,
                json!({ "status": "retrying", "next_attempt_ms": next }),
            );
            tx.put("outbox", id, json!({ "due_ms": next }));
        }
        tx.put("notification", id, record);
        Ok(())
    })
}

/// Pause after failed attempt `n` (1-based): initial × 2^(n−1), at most the maximum.
pub fn backoff_ms(policy: &NotifyPolicy, n: u32) -> i64 {
    let initial = u64::try_from(policy.initial_backoff.as_millis()).unwrap_or(u64::MAX);
    let max = u64::try_from(policy.max_backoff.as_millis()).unwrap_or(u64::MAX);
    let factor = 1u64 << n.saturating_sub(1).min(30);
    i64::try_from(initial.saturating_mul(factor).min(max)).unwrap_or(i64::MAX)
}

fn transport_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        "transport error".into()
    }
}

/// The documented acknowledgement `{"code": 10000, "message": "Success"}` (code as a number
/// or a digit string).
fn ack_ok(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| match v.get("code") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(t)) => t.trim().parse().ok(),
            _ => None,
        })
        == Some(crate::envelope::SUCCESS_CODE)
}

fn build_request(
    shared: &Shared,
    gateway: Gateway,
    url: &reqwest::Url,
    body: &str,
    record: &Value,
) -> reqwest::RequestBuilder {
    let request = shared
        .http
        .post(url.clone())
        .header("content-type", "application/json")
        .body(body.to_string());
    match gateway {
        Gateway::Sgate => {
            let path = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            };
            let bad = record.get("bad_signature").and_then(Value::as_bool) == Some(true);
            let signed = super::sgate::sign_headers(shared, &path, "POST", body.as_bytes(), bad);
            signed
                .into_iter()
                .fold(request, |r, (name, value)| r.header(name, value))
        }
        _ => request,
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs

fn run_due_jobs(shared: &Shared) {
    let now = shared.now_ms();
    let due: Vec<(String, Value)> = match shared.read(|store| store.list("job")) {
        Ok(rows) => rows
            .into_iter()
            .filter(|(_, v)| i(v, "due_ms") <= now)
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "sandbox jobs unreadable");
            return;
        }
    };
    for (key, job) in due {
        let action = job.get("action").cloned().unwrap_or(Value::Null);
        let result = shared.with_tx(|tx| {
            tx.delete("job", &key);
            match s(&action, "type") {
                t if t.starts_with("sg_") => super::sgate::run_job(tx, shared, &action),
                _ => super::envelope::run_job(tx, shared, &action),
            }
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, job = %key, "sandbox job failed; dropped");
            let _ = shared.with_tx(|tx| {
                tx.delete("job", &key);
                Ok::<_, StoreError>(())
            });
        }
        shared.wake.notify_one();
    }
}
