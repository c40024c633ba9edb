//! A local, stateful simulator of BluePay, BluePay JT and SGATE (feature `sandbox`).
//!
//! One loopback HTTP server serves every operation of `openapi/bluepay.yaml`,
//! `openapi/bluepay-jt.yaml` and `openapi/sgate-payout.yaml`, each gateway under its own path
//! prefix: `{base}/bluepay`, `{base}/bluepay-jt`, `{base}/sgate`. Routes and request
//! validation come from the specs' operation tables and schemas (an operation added to a YAML is
//! served, validated, and answered with its documented example until it is given behaviour).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::sandbox::{Sandbox, SandboxConfig, Storage};
//! let sandbox = Sandbox::start(SandboxConfig { storage: Storage::Memory, ..Default::default() }).await?;
//! let client = paybind::bluepay::Client::new(sandbox.bluepay_config())?;
//! let balance = client.balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder()).await?;
//! assert_eq!(balance.balance.to_string(), "10000.00");
//! # Ok(()) }
//! ```
//!
//! # What it checks
//!
//! BluePay and JT: the `appId` (21003), the RSA signature over `param` with the merchant public
//! key (21001), `param` against the operation's schema and `x-rules` (21002), the timestamp
//! (missing: 21008; further than [`SandboxConfig::timestamp_window`] from the sandbox clock:
//! 21009; seconds and milliseconds are both read), duplicate `mchOrderId` (21007), duplicate
//! `idempotencyId` (21015), unknown transactions (21006), the merchant balance (21014), the
//! refund rules 21401–21409 (60 days against the sandbox clock) and the void rules 21500–21505.
//!
//! SGATE: the `V-*` headers (1200, 1201, 1208, 1209, 1210, 1211), the MD5withRSA signature over
//! the path and query exactly as received — `/sgate` prefix included — (1213), the timestamp
//! window (1204), decryption of sensitive members with the system private key (1203), body and
//! query against the spec (1102 missing, 1103 invalid), then the business codes (1101, 1300,
//! 1302, 1304, 1401–1404, 1501, 1607–1611, …). Every answer is signed with the system private
//! key; authentication failures carry an empty `V-Signature`, as SGATE's do.
//!
//! # Lifecycles and who decides them
//!
//! Pending operations end by the first matching [`OutcomeRule`] (admin `PUT /admin/rules`, or
//! the config file), else by the built-in rules:
//!
//! | kind | built-in outcome |
//! |---|---|
//! | `payout`, `direct_debit`, `refund` | amount ending in `04` (minor units): failed, `failedCode` −10004; ending in `99`: stays pending; otherwise completed after [`SandboxConfig::auto_delay`] |
//! | `qr`, `webpay` | pending until the payer pays: `POST /admin/{gateway}/orders/{mchOrderId}/pay` (or `/fail`) |
//! | direct-debit authorization | pending until `POST /admin/{gateway}/direct-debit/{requestId}/authorize` (or `/reject`) |
//! | JT ticket | pending until `POST /admin/bluepay-jt/tickets/{ticketNo}/status` |
//! | SGATE customer | test accounts (sgate.md §A13, by card number, IBAN or STCPay number) are reviewed automatically after the delay; others stay Incomplete until the ID photo is uploaded, then Pending until `POST /admin/sgate/customers/{id}/approve` (`reject`, `ban`); `autoapproval` 1 approves automatically |
//! | SGATE payment order | test accounts: Transferred or Error per the table after the delay; others pending until `POST /admin/sgate/orders/{id}/complete` (or `fail`) |
//!
//! Every state change that the docs give a notification for queues it — signed with the gateway
//! key (SGATE: headers signed with the system key, sensitive members encrypted with the
//! merchant public key) — and POSTs it to the `notifyUrl` / `refundCallbackUrl` / configured
//! callback URL with exponential backoff ([`NotifyPolicy`]) until it is acknowledged (BluePay,
//! JT: HTTP 200 with `{"code":10000,...}`; SGATE: HTTP 200). Each attempt is recorded:
//! `GET /admin/notifications`. Only loopback URLs are called unless
//! [`SandboxConfig::allow_external_notify`]. Payout notifications and SGATE callbacks go to
//! the URLs set with `PUT /admin/settings` (`bluepay_payout_notify_url`,
//! `bluepay_jt_payout_notify_url`, `sgate_callback_url`).
//!
//! # Fault injection
//!
//! Per gateway and operation ([`Fault`]): latency, an HTTP status, a dropped connection,
//! malformed JSON, a bad signature, a documented error code, or a canned body — with
//! `PUT /admin/faults` or the `faults` list of the config file.
//!
//! # Config file
//!
//! [`SandboxConfig::config_file`] is JSON, applied at every start:
//! `{"faults": [Fault...], "rules": [OutcomeRule...], "settings": {"sgate_callback_url": "..."},
//! "channels": {"bluepay": {"TRUEMONEY_URL": {"partial_refund": false}}}}`.

mod admin;
mod envelope;
mod faults;
mod notify;
mod server;
mod sgate;
mod state;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

pub use faults::{Fault, SignatureFault};
pub use notify::NotifyPolicy;
pub use state::{Gateway, LoggedRequest, OutcomeRule};
pub use store::{SqliteStore, StateStore, StoreError};

use crate::envelope::HashAlgorithm;
use crate::keys::{KeyError, PrivateKey, PublicKey};

/// Where the sandbox keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// An SQLite database file (created when missing); a restart loses nothing.
    File(PathBuf),
    /// An in-memory SQLite database, gone when the sandbox stops (tests).
    Memory,
}

/// The key pairs of the simulated merchant and gateways. `Debug` shows only key sizes.
#[derive(Debug, Clone)]
pub struct SandboxKeys {
    /// The merchant's private key for BluePay and JT (give it to the clients); the sandbox
    /// verifies requests with its public half.
    pub bluepay_merchant: PrivateKey,
    /// BluePay's private key: signs notifications (verify them with its public half).
    pub bluepay_gateway: PrivateKey,
    /// The merchant's SGATE private key (signs requests, decrypts answers).
    pub sgate_merchant: PrivateKey,
    /// SGATE's system private key (signs answers and callbacks, decrypts requests).
    pub sgate_system: PrivateKey,
}

impl SandboxKeys {
    /// Four new RSA key pairs of `bits` bits (generated in parallel; 4096 bits takes a while).
    pub async fn generate(bits: usize) -> Result<Self, SandboxError> {
        let mut tasks = Vec::new();
        for _ in 0..4 {
            tasks.push(tokio::task::spawn_blocking(move || generate_key(bits)));
        }
        let mut keys = Vec::new();
        for task in tasks {
            let key = task
                .await
                .map_err(|e| SandboxError::Config(format!("key generation stopped: {e}")))??;
            keys.push(key);
        }
        let mut keys = keys.into_iter();
        let mut next = || {
            keys.next()
                .ok_or_else(|| SandboxError::Config("key generation".into()))
        };
        Ok(Self {
            bluepay_merchant: next()?,
            bluepay_gateway: next()?,
            sgate_merchant: next()?,
            sgate_system: next()?,
        })
    }

    /// BluePay's (and JT's) public key, to verify notifications.
    pub fn bluepay_gateway_public(&self) -> PublicKey {
        self.bluepay_gateway.public_key()
    }

    /// SGATE's system public key, to verify answers and callbacks and encrypt requests.
    pub fn sgate_system_public(&self) -> PublicKey {
        self.sgate_system.public_key()
    }
}

fn generate_key(bits: usize) -> Result<PrivateKey, SandboxError> {
    Ok(PrivateKey::generate(bits)?)
}

/// A key file the sandbox wrote or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFile {
    /// What the key is for (`bluepay-merchant-private`, ...).
    pub role: String,
    /// Where it is.
    pub path: PathBuf,
}

/// Everything [`Sandbox::start`] needs. `Default` is a file-backed sandbox in
/// `./.paybind-sandbox/` on an ephemeral port.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Where the state lives.
    pub storage: Storage,
    /// Directory of the key files: read when present, generated and written when missing. When
    /// `None`: `keys/` beside the database file, or in memory only for [`Storage::Memory`].
    pub keys_dir: Option<PathBuf>,
    /// Keys given directly (tests); they take precedence over `keys_dir`.
    pub keys: Option<SandboxKeys>,
    /// Size of generated keys (2048 or 4096).
    pub key_bits: usize,
    /// JSON config file with faults, rules, settings and channels (see the module docs).
    pub config_file: Option<PathBuf>,
    /// The BluePay app id the sandbox accepts.
    pub bluepay_app_id: String,
    /// The BluePay JT app id the sandbox accepts.
    pub bluepay_jt_app_id: String,
    /// The SGATE API KEY the sandbox accepts.
    pub sgate_api_key: String,
    /// Accepted distance between a request's timestamp and the sandbox clock (`None`: any).
    pub timestamp_window: Option<Duration>,
    /// Delay before automatic outcomes (payouts completing, test accounts being reviewed).
    pub auto_delay: Duration,
    /// Notification delivery: attempts and backoff.
    pub notify: NotifyPolicy,
    /// Deliver notifications to URLs that are not loopback (off: such notifications are
    /// recorded as undeliverable).
    pub allow_external_notify: bool,
    /// Signature hash of the envelope gateways (requests verified, notifications signed).
    pub envelope_hash: HashAlgorithm,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            storage: Storage::File(PathBuf::from(".paybind-sandbox/state.db")),
            keys_dir: None,
            keys: None,
            key_bits: 2048,
            config_file: None,
            bluepay_app_id: "5a4db0c1e2f34b6a8c9d0e1f2a3b4c5d".into(),
            bluepay_jt_app_id: "3d717fb236534ef0a63f7c44c25260c6".into(),
            sgate_api_key: "sandbox-sgate-api-key".into(),
            timestamp_window: Some(Duration::from_secs(300)),
            auto_delay: Duration::from_secs(1),
            notify: NotifyPolicy::default(),
            allow_external_notify: false,
            envelope_hash: HashAlgorithm::Sha256,
        }
    }
}

/// Why the sandbox could not start, or an admin call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A key could not be read, generated or parsed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// Which file or directory.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The state database failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The configuration (or config file) is not usable.
    #[error("sandbox configuration: {0}")]
    Config(String),
    /// The admin API answered with an error.
    #[error("admin API: HTTP {status}: {message}")]
    Admin {
        /// HTTP status.
        status: u16,
        /// The error text.
        message: String,
    },
    /// An HTTP call to the sandbox failed.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
}

/// A running sandbox. Stops when dropped.
pub struct Sandbox {
    shared: Arc<state::Shared>,
    base_url: String,
    key_paths: Vec<KeyFile>,
    stop: tokio::sync::watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
    admin: Admin,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("key_paths", &self.key_paths)
            .finish_non_exhaustive()
    }
}

const KEY_ROLES: [&str; 4] = [
    "bluepay-merchant",
    "bluepay-gateway",
    "sgate-merchant",
    "sgate-system",
];

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SandboxError {
    let what = what.into();
    move |source| SandboxError::Io { what, source }
}

async fn keys_from_dir(
    dir: &Path,
    bits: usize,
) -> Result<(SandboxKeys, Vec<KeyFile>), SandboxError> {
    std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
    let mut loaded = Vec::new();
    let mut files = Vec::new();
    for role in KEY_ROLES {
        let private = dir.join(format!("{role}-private.pem"));
        let public = dir.join(format!("{role}-public.pem"));
        let key = if private.exists() {
            PrivateKey::from_file(&private)?
        } else {
            let key = tokio::task::spawn_blocking(move || generate_key(bits))
                .await
                .map_err(|e| SandboxError::Config(format!("key generation stopped: {e}")))??;
            write_key(&private, &public, &key)?;
            key
        };
        if !public.exists() {
            write_public(&public, &key)?;
        }
        files.push(KeyFile {
            role: format!("{role}-private"),
            path: private,
        });
        files.push(KeyFile {
            role: format!("{role}-public"),
            path: public,
        });
        loaded.push(key);
    }
    let mut it = loaded.into_iter();
    let mut next = || it.next().ok_or_else(|| SandboxError::Config("keys".into()));
    let keys = SandboxKeys {
        bluepay_merchant: next()?,
        bluepay_gateway: next()?,
        sgate_merchant: next()?,
        sgate_system: next()?,
    };
    Ok((keys, files))
}

fn write_key(private: &Path, public: &Path, key: &PrivateKey) -> Result<(), SandboxError> {
    let pem = key.to_pkcs8_pem()?;
    write_secret(private, pem.as_bytes())?;
    write_public(public, key)
}

fn write_public(path: &Path, key: &PrivateKey) -> Result<(), SandboxError> {
    let pem = key.public_key().to_spki_pem()?;
    std::fs::write(path, pem).map_err(io(format!("cannot write {}", path.display())))
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(io(format!("cannot write {}", path.display())))?;
    file.write_all(bytes)
        .map_err(io(format!("cannot write {}", path.display())))
}

/// The JSON Schema (2020-12) of the sandbox config file ([`SandboxConfig::config_file`]),
/// generated with schemars from the types the sandbox reads it into. The repository keeps a
/// copy in `schema/sandbox/config.schema.json` for editors and other languages.
pub fn config_file_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(FileConfig)).unwrap_or(Value::Null)
}

/// The sandbox config file: faults, outcome rules, settings and channel capabilities.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    faults: Vec<Fault>,
    #[serde(default)]
    rules: Option<Vec<OutcomeRule>>,
    #[serde(default)]
    settings: serde_json::Map<String, Value>,
    #[serde(default)]
    channels: serde_json::Map<String, Value>,
}

fn read_config_file(path: &Path) -> Result<FileConfig, SandboxError> {
    let text =
        std::fs::read_to_string(path).map_err(io(format!("cannot read {}", path.display())))?;
    let config: FileConfig = serde_json::from_str(&text)
        .map_err(|e| SandboxError::Config(format!("{}: {e}", path.display())))?;
    if let Some(bad) = config
        .faults
        .iter()
        .find(|f| !faults::valid_target(&f.gateway, &f.operation))
    {
        return Err(SandboxError::Config(format!(
            "{}: no operation {} on gateway {}",
            path.display(),
            bad.operation,
            bad.gateway
        )));
    }
    if let Some(unknown) = config
        .settings
        .keys()
        .find(|k| !admin::SETTINGS.contains(&k.as_str()))
    {
        return Err(SandboxError::Config(format!(
            "{}: unknown setting {unknown}",
            path.display()
        )));
    }
    Ok(config)
}

fn apply_config_file(shared: &state::Shared, config: FileConfig) -> Result<(), StoreError> {
    shared.with_tx(|tx| {
        for fault in &config.faults {
            faults::put(tx, fault)?;
        }
        if let Some(rules) = &config.rules {
            tx.put(
                "meta",
                "rules",
                serde_json::to_value(rules).unwrap_or(json!([])),
            );
        }
        if !config.settings.is_empty() {
            let mut current = tx.get("meta", "settings")?.unwrap_or(json!({}));
            state::set(&mut current, Value::Object(config.settings.clone()));
            tx.put("meta", "settings", current);
        }
        for (gw, channels) in &config.channels {
            for (code, caps) in channels.as_object().into_iter().flatten() {
                tx.put("channel", &format!("{gw}:{code}"), caps.clone());
            }
        }
        Ok(())
    })
}

impl Sandbox {
    /// Opens the state, loads or generates the keys, binds 127.0.0.1 and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let file_config = match &config.config_file {
            Some(path) => Some(read_config_file(path)?),
            None => None,
        };
        let (keys, key_paths) = match (&config.keys, &config.keys_dir, &config.storage) {
            (Some(keys), _, _) => (keys.clone(), Vec::new()),
            (None, Some(dir), _) => keys_from_dir(dir, config.key_bits).await?,
            (None, None, Storage::File(db)) => {
                let dir = db.parent().unwrap_or(Path::new(".")).join("keys");
                keys_from_dir(&dir, config.key_bits).await?
            }
            (None, None, Storage::Memory) => {
                (SandboxKeys::generate(config.key_bits).await?, Vec::new())
            }
        };
        let store: Box<dyn StateStore> = match &config.storage {
            Storage::File(path) => Box::new(SqliteStore::open(path)?),
            Storage::Memory => Box::new(SqliteStore::memory()?),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(io(format!("cannot listen on 127.0.0.1:{}", config.port)))?;
        let addr = listener
            .local_addr()
            .map_err(io("cannot read the listening address"))?;
        let base_url = format!("http://{addr}");
        let settings = state::Settings {
            bluepay_app_id: config.bluepay_app_id.clone(),
            bluepay_jt_app_id: config.bluepay_jt_app_id.clone(),
            sgate_api_key: config.sgate_api_key.clone(),
            timestamp_window: config.timestamp_window,
            auto_delay: config.auto_delay,
            notify: config.notify.clone(),
            allow_external_notify: config.allow_external_notify,
            envelope_hash: config.envelope_hash,
        };
        let shared = state::Shared::new(settings, store, keys, base_url.clone())?;
        if let Some(file_config) = file_config {
            apply_config_file(&shared, file_config)?;
        }
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(server::serve(
            listener,
            server::router(shared.clone()),
            stopped.clone(),
        ));
        let worker = tokio::spawn(notify::worker(shared.clone(), stopped));
        let admin = Admin {
            http: reqwest::Client::new(),
            base: format!("{base_url}/admin"),
        };
        tracing::info!(%base_url, "paybind sandbox listening");
        Ok(Sandbox {
            shared,
            base_url,
            key_paths,
            stop,
            server: Some(server),
            worker: Some(worker),
            admin,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The BluePay base URL, for `Environment::Url`.
    pub fn bluepay_url(&self) -> String {
        self.shared.gateway_url(Gateway::BluePay)
    }

    /// The BluePay JT base URL, for `Environment::Url`.
    pub fn bluepay_jt_url(&self) -> String {
        self.shared.gateway_url(Gateway::BluePayJt)
    }

    /// The SGATE base URL (without `/openApi/v1`), for `Environment::Url`.
    pub fn sgate_url(&self) -> String {
        self.shared.gateway_url(Gateway::Sgate)
    }

    /// The admin API base URL (`{base}/admin`).
    pub fn admin_url(&self) -> String {
        format!("{}/admin", self.base_url)
    }

    /// The keys in use.
    pub fn keys(&self) -> &SandboxKeys {
        &self.shared.keys
    }

    /// The key files read or written (empty when the keys live only in memory).
    pub fn key_paths(&self) -> &[KeyFile] {
        &self.key_paths
    }

    /// The BluePay app id the sandbox accepts.
    pub fn bluepay_app_id(&self) -> &str {
        &self.shared.settings.bluepay_app_id
    }

    /// The JT app id the sandbox accepts.
    pub fn bluepay_jt_app_id(&self) -> &str {
        &self.shared.settings.bluepay_jt_app_id
    }

    /// The SGATE API KEY the sandbox accepts.
    pub fn sgate_api_key(&self) -> &str {
        &self.shared.settings.sgate_api_key
    }

    /// A BluePay client config for this sandbox (URL, app id, merchant key, gateway key).
    pub fn bluepay_config(&self) -> crate::bluepay::Config {
        let keys = self.keys();
        crate::bluepay::Config::new(
            crate::bluepay::Environment::Url(self.bluepay_url()),
            self.bluepay_app_id(),
            &keys.bluepay_merchant,
        )
        .hash(self.shared.settings.envelope_hash)
        .gateway_public_key(keys.bluepay_gateway_public())
    }

    /// A BluePay JT client config for this sandbox.
    pub fn bluepay_jt_config(&self) -> crate::bluepay_jt::Config {
        let keys = self.keys();
        crate::bluepay_jt::Config::new(
            crate::bluepay_jt::Environment::Url(self.bluepay_jt_url()),
            self.bluepay_jt_app_id(),
            &keys.bluepay_merchant,
        )
        .hash(self.shared.settings.envelope_hash)
        .gateway_public_key(keys.bluepay_gateway_public())
    }

    /// An SGATE client config for this sandbox.
    pub fn sgate_config(&self) -> crate::sgate::Config {
        let keys = self.keys();
        crate::sgate::Config::new(
            crate::sgate::Environment::Url(self.sgate_url()),
            self.sgate_api_key(),
            keys.sgate_merchant.clone(),
            keys.sgate_system_public(),
        )
    }

    /// The admin API client.
    pub fn admin(&self) -> &Admin {
        &self.admin
    }

    /// Every request received (newest last; the last 2000).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    /// Every notification with its delivery attempts (as `GET /admin/notifications`).
    pub fn notifications(&self) -> Result<Vec<Value>, SandboxError> {
        Ok(self
            .shared
            .read(|store| store.list("notification"))?
            .into_iter()
            .map(|(_, n)| n)
            .collect())
    }

    /// Serves until the process is stopped (or the server task ends).
    pub async fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Stops serving and waits for the server and worker to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in [self.server.take(), self.worker.take()]
            .into_iter()
            .flatten()
        {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in [self.server.take(), self.worker.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

/// A small client of the admin API (JSON in, JSON out).
#[derive(Debug, Clone)]
pub struct Admin {
    http: reqwest::Client,
    base: String,
}

impl Admin {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, SandboxError> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            let message = value
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            return Err(SandboxError::Admin { status, message });
        }
        Ok(value)
    }

    /// `GET {base}/admin/{path}`.
    pub async fn get(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// `POST {base}/admin/{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// `PUT {base}/admin/{path}` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// `DELETE {base}/admin/{path}`.
    pub async fn delete(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}
