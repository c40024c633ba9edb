//! What the running sandbox reads from its configuration.

use std::time::Duration;

/// Settings that the running sandbox reads (from the `SandboxConfig` it started with).
#[derive(Debug, Clone)]
pub struct Settings {
    pub bluepay_app_id: String,
    pub bluepay_jt_app_id: String,
    pub sgate_api_key: String,
    pub timestamp_window: Option<Duration>,
    pub auto_delay: Duration,
    pub notify: NotifyPolicy,
    pub allow_external_notify: bool,
    pub envelope_hash: crate::envelope::HashAlgorithm,
    /// The per-run secret every admin call must present.
    pub admin_token: String,
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
