//! SGATE Payout API and Virtual Account API: customers (payees), payment orders (payouts),
//! OTPs, banks, exchange rates, the daily statement, incoming virtual-account transfers, and the
//! callbacks SGATE sends back.
//!
//! Everything is generated from `openapi/sgate-payout.yaml` except the security layer: every
//! request is checked against the spec (lengths, formats, conditional rules) before anything is
//! sent, its sensitive members (`identity`, `cardno`, `stcaccount`) are RSA-encrypted with the
//! system public key, and it is signed in the `V-*` headers with the merchant private key. Every
//! answer's signature is verified with the system public key before anything in it is read, and
//! its encrypted members are decrypted with the merchant private key, so the models hold plain
//! values — as [`Sensitive`], which never prints in `Debug`. Amounts are exact
//! [`Decimal2`](crate::money::Decimal2) values.
//!
//! Keys: SGATE gives each merchant its **system public key**; the merchant makes its own RSA
//! 2048 key pair and gives SGATE the public half. PEM (PKCS#8 or PKCS#1) and bare Base64 DER are
//! accepted.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::keys::{PrivateKey, PublicKey};
//! use paybind::money::Decimal2;
//! use paybind::sgate::{types, Client, Config, Environment, StatementOutcome};
//!
//! let config = Config::new(
//!     Environment::Sandbox,
//!     "your-api-key",
//!     PrivateKey::from_file("merchant-private.pem")?,
//!     PublicKey::from_file("sgate-system-public.pem")?,
//! );
//! let client = Client::new(config)?;
//!
//! // POST operations take the generated model's builder; a bad value or a broken rule is an
//! // `Error::Validation` naming the field, and nothing is sent.
//! let order = client
//!     .payment_order_create(
//!         types::PaymentOrderCreateParam::builder()
//!             .mercustomid(Some("u004".parse::<types::PaymentOrderCreateParamMercustomid>()?))
//!             .payeeuid("PAY12345678")
//!             .amount("18.75".parse::<Decimal2>()?)
//!             .currency(types::PaymentOrderCreateParamCurrency::Sar)
//!             .paymentmethod(types::PaymentOrderCreateParamPaymentmethod::BankTransfer),
//!     )
//!     .await?;
//! println!("order {:?} is {:?}", order.ticketid, order.status);
//!
//! // GET operations set their query on the generated builder; sensitive filters are encrypted.
//! let customers = client
//!     .customer_list(|q| q.pagesize(50u64).cardno("5123450000000001"))
//!     .await?;
//! for customer in &customers {
//!     // Decrypted for you; `Debug` prints `Sensitive(redacted)`.
//!     let same_card = customer.cardno.as_ref().is_some_and(|c| c.expose() == "5123450000000001");
//!     println!("{:?}: {same_card}", customer.customid);
//! }
//!
//! // The statement streams into any writer; HTTP 202 means "not ready yet".
//! let mut file = std::fs::File::create("statement.xlsx")?;
//! match client.statement_download().day("2024-06-26".parse()?).to_writer(&mut file).await? {
//!     StatementOutcome::Written { bytes, .. } => println!("{bytes} bytes"),
//!     StatementOutcome::NotReady(not_ready) => println!("later: {}", not_ready.message),
//!     _ => {}
//! }
//!
//! // Callbacks: verify, then answer HTTP 200.
//! # let (headers, body) = (http::HeaderMap::new(), Vec::<u8>::new());
//! match client.verify_callback(&headers, "/sgate/callback", &body)? {
//!     paybind::sgate::Notification::SalaryStatusChange(event) => println!("{:?}", event.data.status),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```

// The generated `Notification` enum holds whole customers and orders in some variants.
#![allow(clippy::large_enum_variant)]

mod call;
pub mod callbacks;
pub mod crypto;
pub mod download;
pub mod errors;
pub(crate) mod hooks;
mod json;
pub mod signing;
pub mod upload;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::keys::{PrivateKey, PublicKey};
use crate::spec::{Operation, ResponseData, Spec};

pub use callbacks::{CallbackError, CallbackVerifier, CALLBACK_ACK_STATUS};
pub use crypto::{CryptoError, Sensitive};
pub use download::{NotReady, StatementOutcome};
pub use errors::{ApiError, Error, RawResponse};
pub use signing::{ApiKey, FixedNonce, NonceSource, RandomNonce};

/// The code progenitor generated from the SGATE spec: the raw client (whose hooks validate,
/// encrypt, sign, verify and decrypt every call) and every model under [`types`].
#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, dead_code)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/sgate_client.rs"));
}

pub use generated::types;

/// The hand-written request builders of the operations progenitor cannot generate
/// (multipart upload; the statement, a file or a JSON answer).
pub mod manual {
    pub use super::download::StatementDownload;
    pub use super::upload::CustomerFileUpload;
}

include!(concat!(env!("OUT_DIR"), "/sgate_extras.rs"));

/// The bundled spec, parsed once.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    // build.rs proved the embedded text is JSON; a failure here is a build bug.
    SPEC.get_or_init(|| Spec::parse(SPEC_JSON).expect("the bundled SGATE spec is JSON"))
}

/// Every operation of the spec.
pub fn operations() -> &'static [Operation] {
    OPERATIONS
}

/// Where SGATE is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `http://vbank.test.sgate.sa` (the spec's sandbox server; plain HTTP, as documented).
    Sandbox,
    /// `https://vbank.sgate.sa` (the spec's production server).
    Production,
    /// An explicit base URL without `/openApi/v1` (a proxy, or a local test server). Any path
    /// it has is part of the signed `url` (the signature covers the path as sent).
    Url(String),
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The spec names no host for this environment.
    #[error("the spec lists no {0} server")]
    UnknownHost(&'static str),
    /// The base URL is not an http(s) URL.
    #[error("base URL {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Everything an SGATE client needs. Keys are parsed before a `Config` exists, so a bad key
/// fails there, never at the first request. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Config {
    environment: Environment,
    api_key: ApiKey,
    merchant_private_key: PrivateKey,
    system_public_key: PublicKey,
    timeout: Duration,
    connect_timeout: Duration,
    clock: Option<Arc<dyn DebugClock>>,
    nonce: Arc<dyn NonceSource>,
    connect_retries: u32,
}

/// A [`Clock`] that can sit in a `Debug` struct.
pub trait DebugClock: Clock + std::fmt::Debug {}
impl<T: Clock + std::fmt::Debug> DebugClock for T {}

impl Config {
    /// A config for `environment`, with the API KEY SGATE issued, the merchant's private key
    /// (signs requests, decrypts answers) and SGATE's system public key for this merchant
    /// (verifies answers and callbacks, encrypts sensitive request members).
    pub fn new(
        environment: Environment,
        api_key: impl Into<String>,
        merchant_private_key: PrivateKey,
        system_public_key: PublicKey,
    ) -> Self {
        Self {
            environment,
            api_key: ApiKey::new(api_key),
            merchant_private_key,
            system_public_key,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            clock: None,
            nonce: Arc::new(RandomNonce),
            connect_retries: 2,
        }
    }

    /// Total time allowed for one request and its answer (default 30 s). Statement downloads
    /// are bounded by it too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to establish the connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Where `V-Timestamp` comes from (the system clock unless set).
    pub fn clock(mut self, clock: impl Clock + std::fmt::Debug + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Where `V-Nonce-Str` comes from (32 random letters and digits unless set).
    pub fn nonce_source(mut self, nonce: impl NonceSource + 'static) -> Self {
        self.nonce = Arc::new(nonce);
        self
    }

    /// How often a request whose connection could not be established is tried again (default
    /// 2). Such a request never reached SGATE, so this cannot send anything twice.
    pub fn connect_retries(mut self, retries: u32) -> Self {
        self.connect_retries = retries;
        self
    }

    fn base_url(&self) -> Result<String, ConfigError> {
        let wanted = match &self.environment {
            Environment::Url(url) => return check_url(url),
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        };
        spec()
            .document()
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|s| s.get("x-environment").and_then(Value::as_str) == Some(wanted))
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .ok_or(ConfigError::UnknownHost(wanted))
            .and_then(check_url)
    }
}

fn check_url(url: &str) -> Result<String, ConfigError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.trim_end_matches('/').to_string())
    } else {
        Err(ConfigError::BadUrl(url.to_string()))
    }
}

struct ClockAdapter(Arc<dyn DebugClock>);

impl Clock for ClockAdapter {
    fn now_millis(&self) -> i64 {
        self.0.now_millis()
    }
}

/// An SGATE client. Cheap to clone; share one per merchant.
#[derive(Debug, Clone)]
pub struct Client {
    generated: generated::Client,
    callbacks: CallbackVerifier,
}

impl Client {
    /// Builds a client (and its HTTP connection pool).
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let base_url = config.base_url()?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(signing::USER_AGENT)
            .build()?;
        let clock: Arc<dyn Clock> = match config.clock {
            Some(clock) => Arc::new(ClockAdapter(clock)),
            None => Arc::new(SystemClock),
        };
        let context = signing::SgateContext::new(
            config.api_key.clone(),
            config.merchant_private_key.clone(),
            config.system_public_key.clone(),
            clock.clone(),
            config.nonce,
            config.connect_retries,
        );
        let callbacks = CallbackVerifier::new(
            config.api_key,
            config.system_public_key,
            config.merchant_private_key,
        )
        .with_clock(clock);
        Ok(Self {
            generated: generated::Client::new_with_client(&base_url, http, context),
            callbacks,
        })
    }

    /// The generated client underneath. Its hooks still validate, encrypt, sign, verify and
    /// decrypt; its errors are progenitor's, not [`Error`].
    pub fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// The callback verifier built from this client's keys.
    pub fn callbacks(&self) -> &CallbackVerifier {
        &self.callbacks
    }

    /// Verifies a callback SGATE POSTed to the merchant and returns it typed, with its
    /// sensitive members decrypted. `url_path` is the path (and query) of the callback URL as
    /// SGATE called it, `body` the raw body. Answer a verified callback with HTTP 200
    /// ([`CALLBACK_ACK_STATUS`]); anything else makes SGATE retry.
    pub fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        url_path: &str,
        body: &[u8],
    ) -> Result<Notification, CallbackError> {
        self.callbacks.verify_callback(headers, url_path, body)
    }

    fn context(&self) -> &signing::SgateContext {
        progenitor_client::ClientInfo::inner(&self.generated)
    }

    async fn call<B, T, R, F, Fut>(
        &self,
        op: &'static Operation,
        builder: B,
        send: F,
    ) -> Result<R::Data, Error>
    where
        T: TryFrom<B>,
        T::Error: std::fmt::Display,
        R: ResponseData,
        F: FnOnce(T) -> Fut,
        Fut: std::future::Future<
            Output = Result<progenitor_client::ResponseValue<R>, progenitor_client::Error<()>>,
        >,
    {
        call::call_body(op, builder, send).await
    }

    async fn call_query<R, Fut>(&self, op: &'static Operation, sent: Fut) -> Result<R::Data, Error>
    where
        R: ResponseData,
        Fut: std::future::Future<
            Output = Result<progenitor_client::ResponseValue<R>, progenitor_client::Error<()>>,
        >,
    {
        call::call_query(op, sent).await
    }
}
