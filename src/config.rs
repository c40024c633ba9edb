//! What every gateway's `Config` shares: where the gateway is, the timeouts, the connect
//! retries and the clock — one set of fields and one set of builder methods
//! (`client_options!`), resolved once into the HTTP client and transport policy.

use std::time::Duration;

use serde_json::Value;

#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
pub(crate) mod from_env;

use crate::clock::SharedClock;
use crate::keys::KeyError;
// The schedule is the transport's own; it is public here, beside `connect_retries`.
pub use crate::pipeline::transport::connect_retry_pause;
use crate::pipeline::transport::{HttpSettings, Limits, Transport};
use crate::spec::Spec;

/// Where the gateway is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The gateway's test system, as the spec's `servers` name it.
    Sandbox,
    /// The gateway's live system, as the spec's `servers` name it.
    Production,
    /// An explicit base URL: the host the gateway assigned you, a proxy or a local sandbox
    /// (for SGATE without `/openApi/v1`; any path it has is part of the signed `url`). Scheme,
    /// host, port and path only: user credentials, a query or a fragment are
    /// [`ConfigError::BaseUrlPart`].
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
    /// The base URL is not an http(s) URL (shown without credentials, query or fragment).
    #[error("base URL {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
    /// The base URL has a part that every request would carry after it, or send as
    /// credentials, and errors would show: user credentials, a query or a fragment. Requests
    /// are `base URL + operation path`, so a query would break every path and leak, say, a
    /// token into logs.
    #[error("base URL {url:?} has {reason}; give only scheme, host, port and path")]
    BaseUrlPart {
        /// The URL without its credentials, query and fragment.
        url: String,
        /// Which part it has: `user credentials`, `a query` or `a fragment`.
        reason: &'static str,
    },
    /// An environment variable (`Config` from the environment) is missing or unreadable; the
    /// value is never shown.
    #[error("{variable} {reason}")]
    Variable {
        /// The variable's name.
        variable: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The options every gateway's `Config` carries, with the same defaults.
#[derive(Debug, Clone)]
pub(crate) struct ClientOptions {
    pub(crate) environment: Environment,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) connect_retries: u32,
    pub(crate) clock: SharedClock,
    pub(crate) max_answer_bytes: u64,
    #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
    pub(crate) max_download_bytes: u64,
    pub(crate) link_origins: Option<Vec<String>>,
    pub(crate) http_settings: Option<HttpSettings>,
}

/// What a gateway's `Config` resolves to for its facade `Client` (the generated skeleton's
/// `Client::new`): where to send, with which HTTP client, the signing context `C` and the
/// notification verifier `N`.
pub(crate) struct ClientParts<C, N> {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) context: C,
    /// SGATE Payin keeps no verifier (its callbacks are checked with the client itself).
    #[cfg_attr(not(any(feature = "envelope", feature = "sgate")), allow(dead_code))]
    pub(crate) notifications: N,
}

/// Default cap of an answer read whole: 16 MiB, far above any documented JSON answer.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 16 << 20;
/// Default cap of a downloaded file (statement, report): 1 GiB.
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 1 << 30;

/// The options resolved: what a client sends with.
pub(crate) struct Endpoint {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) transport: Transport,
    pub(crate) clock: SharedClock,
}

impl ClientOptions {
    pub(crate) fn new(environment: Environment) -> Self {
        Self {
            environment,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            connect_retries: 2,
            clock: SharedClock::default(),
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
            max_download_bytes: DEFAULT_MAX_DOWNLOAD_BYTES,
            link_origins: None,
            http_settings: None,
        }
    }

    /// Resolves the base URL and builds the HTTP client.
    pub(crate) fn resolve(&self, spec: &Spec) -> Result<Endpoint, ConfigError> {
        let base_url = base_url(&self.environment, spec)?;
        let limits = Limits {
            answer: self.max_answer_bytes,
            #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
            download: self.max_download_bytes,
        };
        let origins = match &self.link_origins {
            Some(origins) => origins.iter().map(|o| origin(o)).collect(),
            None => origin(&base_url).map(|o| vec![o]),
        }?;
        let (http, transport) = Transport::http_client(
            self.http_settings.as_ref(),
            self.timeout,
            self.connect_timeout,
            self.connect_retries,
            limits,
            origins,
        )?;
        Ok(Endpoint {
            base_url,
            http,
            transport,
            clock: self.clock.clone(),
        })
    }
}

/// The builder methods of [`ClientOptions`], written once for every gateway's `Config` (which
/// keeps its options in a field named `options`).
macro_rules! client_options {
    () => {
        /// Total time allowed for one request and its answer (default 30 s; downloads are
        /// bounded by it too).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = timeout;
            self
        }

        /// Time allowed to establish the connection (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.connect_timeout = timeout;
            self
        }

        /// How often a request whose connection could not be established is tried again
        /// (default 2), with the same signed bytes. Such a request never reached the gateway,
        /// so this cannot send anything twice. Retry `n` waits
        /// [`connect_retry_pause(n)`](crate::config::connect_retry_pause) first.
        pub fn connect_retries(mut self, retries: u32) -> Self {
            self.options.connect_retries = retries;
            self
        }

        /// The largest answer read whole, in bytes (default
        /// [`DEFAULT_MAX_ANSWER_BYTES`](crate::config::DEFAULT_MAX_ANSWER_BYTES), 16 MiB). A
        /// larger one is [`Error::TooLarge`](crate::error::Error::TooLarge), read no further.
        pub fn max_answer_bytes(mut self, limit: u64) -> Self {
            self.options.max_answer_bytes = limit;
            self
        }

        /// The largest file a download streams into the caller's writer, in bytes (default
        /// [`DEFAULT_MAX_DOWNLOAD_BYTES`](crate::config::DEFAULT_MAX_DOWNLOAD_BYTES), 1 GiB).
        /// A file declared larger is refused before a byte is written; one that grows past it
        /// stops with [`Error::TooLarge`](crate::error::Error::TooLarge) (discard what was
        /// written). Only with a gateway that downloads (BluePay JT, SGATE).
        #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
        pub fn max_download_bytes(mut self, limit: u64) -> Self {
            self.options.max_download_bytes = limit;
            self
        }

        /// The origins (`https://files.example.com`, scheme, host and port) a link that a
        /// gateway's answer names may be fetched from (BluePay JT's `download_report`). Default:
        /// the configured gateway's own origin — so `https` only, unless you configured an
        /// `http` base URL (a local sandbox). Any other scheme, host or port is refused before a
        /// connection is made.
        pub fn link_origins<I, S>(mut self, origins: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.options.link_origins = Some(origins.into_iter().map(Into::into).collect());
            self
        }

        /// Adjusts the HTTP client paybind builds: an egress proxy (SGATE accepts production
        /// requests only from allow-listed IPs), your own CA roots, a client certificate for
        /// mTLS, DNS overrides — anything [`reqwest::ClientBuilder`] offers (paybind re-exports
        /// its `reqwest` as [`crate::reqwest`], so the versions match). paybind applies its own
        /// settings after yours, so whatever `adjust` does, the timeouts of this config hold,
        /// no redirect is followed and answers stay within their caps.
        ///
        /// ```no_run
        /// # #[cfg(feature = "bluepay")]
        /// # fn run(
        /// #     key: paybind::keys::PrivateKey,
        /// #     gateway_key: paybind::keys::PublicKey,
        /// # ) -> Result<(), Box<dyn std::error::Error>> {
        /// use paybind::bluepay::{Client, Config, Environment};
        ///
        /// let proxy = paybind::reqwest::Proxy::https("http://egress.internal:3128")?;
        /// let config = Config::new(Environment::Production, "app-id", key, gateway_key)
        ///     .http_client(move |builder| builder.proxy(proxy.clone()));
        /// let client = Client::new(config)?;
        /// # let _ = client; Ok(()) }
        /// ```
        pub fn http_client(
            mut self,
            adjust: impl Fn($crate::reqwest::ClientBuilder) -> $crate::reqwest::ClientBuilder
                + Send
                + Sync
                + 'static,
        ) -> Self {
            self.options.http_settings = Some($crate::pipeline::transport::HttpSettings(
                ::std::sync::Arc::new(adjust),
            ));
            self
        }

        /// Where request times come from (param timestamps, `V-Timestamp`, callback ages); the
        /// system clock unless set.
        pub fn clock(mut self, clock: impl $crate::clock::Clock + 'static) -> Self {
            self.options.clock = $crate::clock::SharedClock::new(clock);
            self
        }
    };
}
pub(crate) use client_options;

/// The base URL for an environment: explicit, or the spec's server marked `x-environment`.
fn base_url(environment: &Environment, spec: &Spec) -> Result<String, ConfigError> {
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

/// The origin (`scheme://host[:port]`) of a URL, as links are compared.
fn origin(url: &str) -> Result<String, ConfigError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
            Ok(parsed.origin().ascii_serialization())
        }
        _ => Err(ConfigError::BadUrl(shown(url))),
    }
}

/// A base URL: http(s), with a host, and nothing but scheme, host, port and path.
fn check_url(url: &str) -> Result<String, ConfigError> {
    let parsed = match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => parsed,
        _ => return Err(ConfigError::BadUrl(shown(url))),
    };
    let reason = if !parsed.username().is_empty() || parsed.password().is_some() {
        Some("user credentials")
    } else if parsed.query().is_some() {
        Some("a query")
    } else if parsed.fragment().is_some() {
        Some("a fragment")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConfigError::BaseUrlPart {
            url: shown(url),
            reason,
        }),
        None => Ok(url.trim_end_matches('/').to_string()),
    }
}

/// A URL as an error shows it: without user credentials, query and fragment, which may be
/// secrets.
fn shown(url: &str) -> String {
    let url = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}
