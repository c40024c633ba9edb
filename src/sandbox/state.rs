//! What every part of the sandbox shares: the store, the sandbox clock, keys, the request log,
//! ids, time formats, outcome rules and the outbox of notifications.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::store::{StateStore, StoreError, Tx};
use super::SandboxKeys;

/// The three gateways the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gateway {
    /// BluePay Open API.
    #[serde(rename = "bluepay")]
    BluePay,
    /// BluePay JT Open API.
    #[serde(rename = "bluepay-jt")]
    BluePayJt,
    /// SGATE Payout API.
    #[serde(rename = "sgate")]
    Sgate,
}

impl Gateway {
    /// The path prefix and name (`bluepay`, `bluepay-jt`, `sgate`).
    pub fn name(self) -> &'static str {
        match self {
            Gateway::BluePay => "bluepay",
            Gateway::BluePayJt => "bluepay-jt",
            Gateway::Sgate => "sgate",
        }
    }

    /// The gateway of a path prefix.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bluepay" => Some(Gateway::BluePay),
            "bluepay-jt" => Some(Gateway::BluePayJt),
            "sgate" => Some(Gateway::Sgate),
            _ => None,
        }
    }

    /// The bundled spec of this gateway.
    pub fn spec(self) -> &'static crate::spec::Spec {
        match self {
            Gateway::BluePay => crate::bluepay::spec(),
            Gateway::BluePayJt => crate::bluepay_jt::spec(),
            Gateway::Sgate => crate::sgate::spec(),
        }
    }

    /// The operations of this gateway's spec.
    pub fn operations(self) -> &'static [crate::spec::Operation] {
        match self {
            Gateway::BluePay => crate::bluepay::operations(),
            Gateway::BluePayJt => crate::bluepay_jt::operations(),
            Gateway::Sgate => crate::sgate::operations(),
        }
    }

    /// The documented message of a result code of this gateway.
    pub fn message(self, code: i64) -> &'static str {
        let message = match self {
            Gateway::BluePay => crate::bluepay::ResultCode::from_code(code).message(),
            Gateway::BluePayJt => crate::bluepay_jt::ResultCode::from_code(code).message(),
            Gateway::Sgate => crate::sgate::ResultCode::from_code(code).message(),
        };
        message.unwrap_or("Error")
    }
}

/// A failure answered with a gateway code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// The code.
    pub code: i64,
    /// The message.
    pub message: String,
}

impl Fail {
    /// A failure with the documented message of `code` and an optional detail.
    pub fn new(gateway: Gateway, code: i64, detail: impl AsRef<str>) -> Self {
        let base = gateway.message(code);
        let detail = detail.as_ref();
        let message = if detail.is_empty() {
            base.to_string()
        } else {
            format!("{base}: {detail}")
        };
        Self { code, message }
    }

    /// A storage failure: the gateway's general error.
    pub fn internal(gateway: Gateway, e: &StoreError) -> Self {
        let code = match gateway {
            Gateway::Sgate => 1000,
            _ => 21000,
        };
        tracing::warn!(error = %e, "sandbox storage failed");
        Self::new(gateway, code, "sandbox storage error")
    }
}

/// Settings that the running sandbox reads (from [`super::SandboxConfig`]).
#[derive(Debug, Clone)]
pub struct Settings {
    pub bluepay_app_id: String,
    pub bluepay_jt_app_id: String,
    pub sgate_api_key: String,
    pub timestamp_window: Option<Duration>,
    pub auto_delay: Duration,
    pub notify: super::NotifyPolicy,
    pub allow_external_notify: bool,
    pub envelope_hash: crate::envelope::HashAlgorithm,
}

/// One request as the sandbox saw it (kept in memory, newest last, bounded).
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// Sequence number.
    pub seq: u64,
    /// Gateway.
    pub gateway: Gateway,
    /// Operation id (empty when the path matched none).
    pub operation: String,
    /// Method and path as received.
    pub method: String,
    /// Path and query as received.
    pub path: String,
    /// Whether the signature verified.
    pub signature_ok: bool,
    /// The param (envelope) or body (SGATE, sensitive members as sent) as received.
    pub param: Value,
    /// The param text exactly as signed (envelope gateways).
    pub param_text: Option<String>,
    /// The code answered.
    pub code: i64,
    /// The fault applied, if any.
    pub fault: Option<String>,
    /// The request headers (lower-case names; `v-api-key` and `authorization` redacted).
    pub headers: std::collections::BTreeMap<String, String>,
    /// The raw body as text (lossy UTF-8, at most 64 KiB).
    pub body: String,
}

/// The headers of a request as the log keeps them: credentials redacted.
pub fn logged_headers(
    headers: &axum::http::HeaderMap,
) -> std::collections::BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if matches!(name.as_str(), "v-api-key" | "authorization" | "cookie") {
                "<redacted>".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect()
}

/// A body as the log keeps it.
pub fn logged_body(body: &[u8]) -> String {
    let cut = &body[..body.len().min(64 * 1024)];
    String::from_utf8_lossy(cut).into_owned()
}

const LOG_LIMIT: usize = 2000;

/// The state of a running sandbox.
pub struct Shared {
    pub settings: Settings,
    store: Mutex<Box<dyn StateStore>>,
    pub keys: SandboxKeys,
    pub envelope_signer: crate::envelope::RsaSigner,
    clock_offset: AtomicI64,
    log: Mutex<(u64, VecDeque<LoggedRequest>)>,
    pub wake: tokio::sync::Notify,
    pub http: reqwest::Client,
    pub base_url: String,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Locks a std mutex, recovering from a poisoned one (a panic elsewhere must not stop the
/// sandbox).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(
        settings: Settings,
        store: Box<dyn StateStore>,
        keys: SandboxKeys,
        base_url: String,
    ) -> Result<Arc<Self>, StoreError> {
        let offset = store
            .get("meta", "clock")?
            .and_then(|v| v.get("offset_ms").and_then(Value::as_i64))
            .unwrap_or(0);
        let http = reqwest::Client::builder()
            .timeout(settings.notify.timeout)
            .connect_timeout(settings.notify.timeout)
            .user_agent(concat!("paybind-sandbox/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| StoreError(format!("HTTP client: {e}")))?;
        let envelope_signer =
            crate::envelope::RsaSigner::new(&keys.bluepay_gateway, settings.envelope_hash);
        Ok(Arc::new(Self {
            settings,
            store: Mutex::new(store),
            keys,
            envelope_signer,
            clock_offset: AtomicI64::new(offset),
            log: Mutex::new((0, VecDeque::new())),
            wake: tokio::sync::Notify::new(),
            http,
            base_url,
        }))
    }

    /// Runs `f` in one transaction over the store; its writes are committed only when it
    /// returns `Ok`.
    pub fn with_tx<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut store = lock(&self.store);
        let mut tx = Tx::new(store.as_mut());
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Reads without writing.
    pub fn read<T>(&self, f: impl FnOnce(&dyn StateStore) -> T) -> T {
        let store = lock(&self.store);
        f(store.as_ref())
    }

    /// The sandbox clock: real time plus the offset the admin API advanced it by, in ms.
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now()
            .timestamp_millis()
            .saturating_add(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves the sandbox clock forward (or back) and persists the offset.
    pub fn advance_clock(&self, by_ms: i64) -> Result<i64, StoreError> {
        let offset = self
            .clock_offset
            .load(Ordering::Relaxed)
            .saturating_add(by_ms);
        self.with_tx(|tx| {
            tx.put("meta", "clock", json!({ "offset_ms": offset }));
            Ok::<_, StoreError>(())
        })?;
        self.clock_offset.store(offset, Ordering::Relaxed);
        self.wake.notify_one();
        Ok(offset)
    }

    /// The current clock offset in ms.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    pub fn log_request(&self, mut entry: LoggedRequest) {
        let mut log = lock(&self.log);
        log.0 += 1;
        entry.seq = log.0;
        log.1.push_back(entry);
        while log.1.len() > LOG_LIMIT {
            log.1.pop_front();
        }
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).1.iter().cloned().collect()
    }

    /// The envelope gateways' app id.
    pub fn app_id(&self, gateway: Gateway) -> &str {
        match gateway {
            Gateway::BluePayJt => &self.settings.bluepay_jt_app_id,
            _ => &self.settings.bluepay_app_id,
        }
    }

    /// The URL prefix of a gateway.
    pub fn gateway_url(&self, gateway: Gateway) -> String {
        format!("{}/{}", self.base_url, gateway.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Ids, counters, times

/// The next number of the counter `name` (persisted, so ids stay unique across restarts).
pub fn next_seq(tx: &mut Tx<'_>, name: &str) -> Result<i64, StoreError> {
    let key = format!("seq:{name}");
    let next = tx.get("meta", &key)?.and_then(|v| v.as_i64()).unwrap_or(0) + 1;
    tx.put("meta", &key, json!(next));
    Ok(next)
}

/// A gateway-style id: `prefix` followed by 18 digits.
pub fn new_id(tx: &mut Tx<'_>, prefix: &str) -> Result<String, StoreError> {
    let n = next_seq(tx, prefix)?;
    Ok(format!("{prefix}{:018}", 100_000_000_000 + n))
}

/// A random string of letters and digits.
pub fn random_token(len: usize) -> String {
    crate::random::alphanumeric(len)
}

/// 32 upper-case hex characters (SGATE's requestId).
pub fn request_id() -> String {
    let bytes: [u8; 16] = crate::random::bytes();
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn at_offset(ms: i64, hours: i32) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let zone = chrono::FixedOffset::east_opt(hours * 3600)?;
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&zone))
}

/// BluePay time text: `yyyy-MM-dd HH:mm:ss` in Thailand (UTC+7).
pub fn bkk_time(ms: i64) -> String {
    at_offset(ms, 7)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The Thai calendar date of an instant.
pub fn bkk_date(ms: i64) -> Option<chrono::NaiveDate> {
    at_offset(ms, 7).map(|t| t.date_naive())
}

/// SGATE time text: `yyyy-MM-dd HH:mm:ss` in Riyadh (UTC+3).
pub fn riyadh_time(ms: i64) -> String {
    at_offset(ms, 3)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The Riyadh calendar date of an instant.
pub fn riyadh_date(ms: i64) -> Option<chrono::NaiveDate> {
    at_offset(ms, 3).map(|t| t.date_naive())
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

/// A string member.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An optional string member.
pub fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|t| !t.is_empty())
}

/// An integer member.
pub fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Sets members of an object (no-op on non-objects).
pub fn set(v: &mut Value, members: Value) {
    if let (Value::Object(target), Value::Object(source)) = (v, members) {
        for (k, value) in source {
            target.insert(k, value);
        }
    }
}

/// An object without its `null` members.
pub fn compact(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Outcome rules

/// How a pending operation ends when nobody intervenes. The first rule that matches wins; the
/// user's rules (admin API, config file) come before the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    /// Gateway it applies to (`bluepay`, `bluepay-jt`, `sgate`); any when absent.
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
        self.gateway.as_deref().is_none_or(|g| g == gateway.name())
            && self.kind.as_deref().is_none_or(|k| k == kind)
            && self.amount.is_none_or(|a| a == amount)
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
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    Ok(user
        .into_iter()
        .chain(builtin_rules())
        .find(|r| r.matches(gateway, kind, amount))
        .unwrap_or(OutcomeRule {
            outcome: "pending".into(),
            ..OutcomeRule::default()
        }))
}

/// Schedules a job: `action` runs at `due_ms` on the sandbox clock.
pub fn schedule(tx: &mut Tx<'_>, due_ms: i64, action: Value) -> Result<(), StoreError> {
    let id = next_seq(tx, "job")?;
    tx.put(
        "job",
        &format!("{id:012}"),
        json!({ "id": id, "due_ms": due_ms, "action": action }),
    );
    Ok(())
}

/// Schedules the outcome `rule` decided for a pending record.
pub fn schedule_outcome(
    tx: &mut Tx<'_>,
    shared: &Shared,
    rule: &OutcomeRule,
    target: Value,
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
    let mut action = target;
    set(
        &mut action,
        json!({
            "outcome": rule.outcome,
            "failed_code": rule.failed_code,
            "failed_message": rule.failed_message,
        }),
    );
    schedule(tx, due, action)
}
