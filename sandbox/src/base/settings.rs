//! How a sandbox is configured: storage, keys, credentials, timing and notification delivery
//! (what `Sandbox::start` takes, and what the running sandbox reads).

use std::path::PathBuf;
use std::time::Duration;

use super::keys::SandboxKeys;
use paybind::envelope::HashAlgorithm;

/// Where the sandbox keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// An SQLite database file (created when missing); a restart loses nothing.
    File(PathBuf),
    /// An in-memory SQLite database, gone when the sandbox stops (tests).
    Memory,
}

/// Everything `Sandbox::start` needs. `Default` is a file-backed sandbox in
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
    /// The world to start in, and to return to on `POST /admin/reset`: balances, orders,
    /// customers, rules, faults (the crate docs' "Fixtures"). A start with fixtures begins
    /// from them, forgetting what a state file held.
    pub fixtures: Option<FixtureSource>,
    /// The BluePay app id the sandbox accepts.
    pub bluepay_app_id: String,
    /// The BluePay JT app id the sandbox accepts.
    pub bluepay_jt_app_id: String,
    /// The SGATE API KEY the sandbox accepts.
    pub sgate_api_key: String,
    /// The SGATE Payin key (`x-auth-key`) the sandbox accepts.
    pub sgate_payin_key: String,
    /// The secret SGATE Payin requests are signed with (HMAC-SHA256). A sandbox's, not a
    /// secret of anyone's: `paybind sandbox` prints it.
    pub sgate_payin_secret: String,
    /// The SGATE Payin merchant ID of the sandbox's one merchant (the `{MERCHANT_ID}` of its
    /// paths, the start of its order IDs).
    pub sgate_payin_merchant_id: String,
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
            fixtures: None,
            bluepay_app_id: "5a4db0c1e2f34b6a8c9d0e1f2a3b4c5d".into(),
            bluepay_jt_app_id: "3d717fb236534ef0a63f7c44c25260c6".into(),
            sgate_api_key: "sandbox-sgate-api-key".into(),
            sgate_payin_key: "sandbox-sgate-payin-key".into(),
            sgate_payin_secret: "sandbox-sgate-payin-secret".into(),
            sgate_payin_merchant_id: "M100001".into(),
            timestamp_window: Some(Duration::from_secs(300)),
            auto_delay: Duration::from_secs(1),
            notify: NotifyPolicy::default(),
            allow_external_notify: false,
            envelope_hash: HashAlgorithm::Sha256,
        }
    }
}

/// Where fixtures come from ([`SandboxConfig::fixtures`]).
#[derive(Debug, Clone, PartialEq)]
pub enum FixtureSource {
    /// A JSON file, or TOML when its name ends in `.toml`.
    File(PathBuf),
    /// The fixtures as a JSON value.
    Value(serde_json::Value),
}

impl From<PathBuf> for FixtureSource {
    fn from(path: PathBuf) -> Self {
        FixtureSource::File(path)
    }
}

impl From<&std::path::Path> for FixtureSource {
    fn from(path: &std::path::Path) -> Self {
        FixtureSource::File(path.to_path_buf())
    }
}

impl From<serde_json::Value> for FixtureSource {
    fn from(value: serde_json::Value) -> Self {
        FixtureSource::Value(value)
    }
}

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

/// Names of the settings the admin API (and the config file) accepts.
pub const SETTINGS: &[&str] = &[
    "bluepay_payout_notify_url",
    "bluepay_jt_payout_notify_url",
    "sgate_callback_url",
];
