//! The state of a running sandbox that every layer reads: settings, the store, the keys, the
//! clock, the request log, the worker's wake-up and the HTTP client notifications go out with.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use super::clock::Clock;
use super::gateway::Gateway;
use super::keys::SandboxKeys;
use super::log::{LoggedRequest, RequestLog};
use super::settings::SandboxConfig;
use super::store::{StateStore, StoreError, Tx};

/// What puts the world in its first state: the config file and the fixtures, applied at start
/// and by `POST /admin/reset` (given by the layer above, which knows them).
pub type Seed = Box<dyn Fn(&Shared) -> Result<(), String> + Send + Sync>;

/// The state of a running sandbox.
pub struct Shared {
    pub settings: SandboxConfig,
    /// The admin API's token for this run.
    pub admin_token: String,
    store: Mutex<Box<dyn StateStore>>,
    pub keys: SandboxKeys,
    pub envelope_signer: paybind::envelope::RsaSigner,
    pub clock: Clock,
    log: Mutex<RequestLog>,
    pub wake: tokio::sync::Notify,
    pub http: reqwest::Client,
    pub base_url: String,
    seed: Seed,
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
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(
        settings: SandboxConfig,
        admin_token: String,
        store: Box<dyn StateStore>,
        keys: SandboxKeys,
        base_url: String,
        seed: Seed,
    ) -> Result<Arc<Self>, StoreError> {
        let offset = store
            .get("meta", "clock")?
            .and_then(|clock| clock.get("offset_ms").and_then(Value::as_i64))
            .unwrap_or(0);
        let http = super::http::http_client(Some(settings.notify.timeout))
            .map_err(|e| StoreError(format!("HTTP client: {e}")))?;
        let envelope_signer =
            paybind::envelope::RsaSigner::new(&keys.bluepay_gateway, settings.envelope_hash);
        Ok(Arc::new(Self {
            settings,
            admin_token,
            store: Mutex::new(store),
            keys,
            envelope_signer,
            clock: Clock::new(offset),
            log: Mutex::new(RequestLog::default()),
            wake: tokio::sync::Notify::new(),
            http,
            base_url,
            seed,
        }))
    }

    /// Puts the world in its first state: applies the config file and the fixtures.
    pub fn seed(&self) -> Result<(), String> {
        (self.seed)(self)
    }

    /// Returns the world to its first state: every record, the clock's offset and the request
    /// log forgotten, then the config file and the fixtures applied again.
    pub fn reset(&self) -> Result<(), String> {
        lock(&self.store).clear().map_err(|e| e.to_string())?;
        self.clock.set_offset(0);
        *lock(&self.log) = RequestLog::default();
        self.seed()?;
        self.wake.notify_one();
        Ok(())
    }

    /// Runs `work` in one transaction over the store; its writes are committed only when it
    /// returns `Ok`.
    pub fn with_tx<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut store = lock(&self.store);
        let mut tx = Tx::new(store.as_mut());
        let out = work(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Reads without writing.
    pub fn read<T>(&self, work: impl FnOnce(&dyn StateStore) -> T) -> T {
        let store = lock(&self.store);
        work(store.as_ref())
    }

    /// The sandbox clock in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Moves the sandbox clock forward (or back) and persists the offset.
    pub fn advance_clock(&self, by_ms: i64) -> Result<i64, StoreError> {
        let offset = self.clock.moved(by_ms);
        self.with_tx(|tx| {
            tx.put("meta", "clock", json!({ "offset_ms": offset }));
            Ok::<_, StoreError>(())
        })?;
        self.clock.set_offset(offset);
        self.wake.notify_one();
        Ok(offset)
    }

    /// Adds a request to the log (numbered and timed here).
    pub fn log_request(&self, mut entry: LoggedRequest) {
        entry.at_ms = self.now_ms();
        lock(&self.log).push(entry);
    }

    /// The logged requests, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).entries()
    }

    /// The envelope gateways' app id.
    pub fn app_id(&self, gateway: Gateway) -> &str {
        match gateway {
            Gateway::BluePayJt => &self.settings.bluepay_jt_app_id,
            // SGATE and SGATE Payin have no app id; their keys are checked apart.
            Gateway::BluePay | Gateway::Sgate | Gateway::SgatePayin => {
                &self.settings.bluepay_app_id
            }
        }
    }

    /// The URL prefix of a gateway.
    pub fn gateway_url(&self, gateway: Gateway) -> String {
        format!("{}/{}", self.base_url, gateway.id())
    }
}
