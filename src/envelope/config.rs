//! Configuration of an envelope client (BluePay, BluePay JT).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::notify::NotificationVerifier;
use super::sign::{HashAlgorithm, RsaSigner, Signer};
use super::{EnvelopeContext, TimestampUnit};
use crate::clock::Clock;
use crate::keys::{KeyError, PublicKey};
use crate::spec::Spec;

/// Where the gateway is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The gateway's test system, as the spec's `servers` name it.
    Sandbox,
    /// The gateway's live system, as the spec's `servers` name it.
    Production,
    /// An explicit base URL (the host the gateway assigned you, or a local sandbox).
    Url(String),
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key could not be loaded.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The spec names no concrete host for this environment.
    #[error("{0}")]
    UnknownHost(String),
    /// The base URL is not an http(s) URL.
    #[error("base URL {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Everything an envelope client needs. Keys are parsed before a `Config` exists, so a bad key
/// fails here, never at the first request. `Debug` shows no key material.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) environment: Environment,
    pub(crate) app_id: String,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) hash: HashAlgorithm,
    pub(crate) gateway_public_key: Option<PublicKey>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) timestamp_unit: TimestampUnit,
    pub(crate) clock: Option<Arc<dyn ClockDebug>>,
    pub(crate) connect_retries: u32,
}

/// A [`Clock`] that can sit in a `Debug` struct.
pub trait ClockDebug: Clock + std::fmt::Debug {}
impl<T: Clock + std::fmt::Debug> ClockDebug for T {}

impl Config {
    /// A config signing with the merchant's private key (SHA256withRSA).
    pub fn new(
        environment: Environment,
        app_id: impl Into<String>,
        merchant_private_key: &crate::keys::PrivateKey,
    ) -> Self {
        let signer = Arc::new(RsaSigner::new(merchant_private_key, HashAlgorithm::Sha256));
        Self::with_signer(environment, app_id, signer)
    }

    /// A config whose requests are signed by `signer` (an HSM or KMS, say). The signer decides
    /// the hash; [`Config::hash`] then only affects notification verification.
    pub fn with_signer(
        environment: Environment,
        app_id: impl Into<String>,
        signer: Arc<dyn Signer>,
    ) -> Self {
        Self {
            environment,
            app_id: app_id.into(),
            signer,
            hash: HashAlgorithm::Sha256,
            gateway_public_key: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            timestamp_unit: TimestampUnit::Milliseconds,
            clock: None,
            connect_retries: 2,
        }
    }

    /// The signature hash, for requests signed with an in-process key and for notifications.
    /// SHA-256 unless set; the docs never show it (see the README's unconfirmed points).
    pub fn hash(
        mut self,
        hash: HashAlgorithm,
        merchant_private_key: &crate::keys::PrivateKey,
    ) -> Self {
        self.hash = hash;
        self.signer = Arc::new(RsaSigner::new(merchant_private_key, hash));
        self
    }

    /// The gateway's public key, to verify notifications.
    pub fn gateway_public_key(mut self, key: PublicKey) -> Self {
        self.gateway_public_key = Some(key);
        self
    }

    /// Total time allowed for one request and its answer (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to establish the connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Unit of the `timestamp` stamped on each param (milliseconds unless set).
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.timestamp_unit = unit;
        self
    }

    /// Where timestamps come from (the system clock unless set).
    pub fn clock(mut self, clock: impl Clock + std::fmt::Debug + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// How often a request whose connection could not be established is tried again (default
    /// 2). Such a request never reached the gateway, so this cannot send anything twice.
    pub fn connect_retries(mut self, retries: u32) -> Self {
        self.connect_retries = retries;
        self
    }

    /// Resolves the base URL, builds the HTTP client and the signing context.
    pub(crate) fn into_parts(
        self,
        gateway: &'static str,
        spec: &Spec,
    ) -> Result<Parts, ConfigError> {
        let base_url = base_url(&self.environment, spec)?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("paybind/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let mut context = EnvelopeContext::new(gateway, self.app_id, self.signer);
        if let Some(clock) = self.clock {
            context = context.with_clock(Arc::new(ClockAdapter(clock)));
        }
        context.timestamp_unit = self.timestamp_unit;
        context.connect_retries = self.connect_retries;
        let verifier = self
            .gateway_public_key
            .map(|key| NotificationVerifier::new(key, self.hash));
        Ok(Parts {
            base_url,
            http,
            context,
            verifier,
        })
    }
}

struct ClockAdapter(Arc<dyn ClockDebug>);

impl Clock for ClockAdapter {
    fn now_millis(&self) -> i64 {
        self.0.now_millis()
    }
}

/// What a gateway module needs to make its generated client.
pub(crate) struct Parts {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) context: EnvelopeContext,
    pub(crate) verifier: Option<NotificationVerifier>,
}

/// The base URL for an environment: explicit, or the spec's server marked `x-environment`.
pub(crate) fn base_url(environment: &Environment, spec: &Spec) -> Result<String, ConfigError> {
    let wanted = match environment {
        Environment::Url(url) => return check_url(url),
        Environment::Sandbox => "sandbox",
        Environment::Production => "production",
    };
    let servers = spec.document().get("servers").and_then(Value::as_array);
    let server = servers
        .into_iter()
        .flatten()
        .find(|s| s.get("x-environment").and_then(Value::as_str) == Some(wanted));
    let url = server.and_then(|s| s.get("url")).and_then(Value::as_str);
    match url {
        Some(url) if !url.contains('{') => check_url(url),
        _ => {
            let why = server
                .and_then(|s| s.get("x-unconfirmed"))
                .and_then(Value::as_str)
                .unwrap_or("the spec lists no such server");
            Err(ConfigError::UnknownHost(format!(
                "no {wanted} host is known ({why}); use Environment::Url with the host the gateway gave you"
            )))
        }
    }
}

fn check_url(url: &str) -> Result<String, ConfigError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.trim_end_matches('/').to_string())
    } else {
        Err(ConfigError::BadUrl(url.to_string()))
    }
}
