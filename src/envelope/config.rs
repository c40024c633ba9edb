//! Configuration of an envelope client (BluePay, BluePay JT).

use std::sync::Arc;

use super::notifications::NotificationVerifier;
use super::signing::{HashAlgorithm, RsaSigner, Signer};
use super::wire::{EnvelopeContext, TimestampUnit};
use crate::config::{client_options, ClientOptions, ClientParts, ConfigError, Environment};
use crate::gateways::{GatewayRow, Setting};
use crate::keys::{PrivateKey, PublicKey};
use crate::pipeline::GatewayCode;

/// Everything an envelope client needs. Keys are parsed before a `Config` exists, so a bad key
/// fails there, never at the first request. `Debug` shows no key material.
#[derive(Debug, Clone)]
pub struct Config {
    options: ClientOptions,
    app_id: String,
    signer: RequestSigner,
    hash: HashAlgorithm,
    gateway_public_key: PublicKey,
    timestamp_unit: TimestampUnit,
}

/// Who signs requests: the merchant key in process (with the configured hash), or a signer of
/// the caller's (an HSM or KMS, which decides its hash).
#[derive(Debug, Clone)]
enum RequestSigner {
    Key(Box<PrivateKey>),
    Custom(Arc<dyn Signer>),
}

impl Config {
    /// A config for `environment`, with the app id the gateway issued, the merchant's private
    /// key (signs requests, SHA256withRSA unless [`Config::hash`] says otherwise) and the
    /// gateway's public key (verifies its notifications) — the same four things, in the same
    /// order, as an SGATE config.
    pub fn new(
        environment: Environment,
        app_id: impl Into<String>,
        merchant_private_key: PrivateKey,
        gateway_public_key: PublicKey,
    ) -> Self {
        Self::with(
            environment,
            app_id.into(),
            RequestSigner::Key(Box::new(merchant_private_key)),
            gateway_public_key,
        )
    }

    /// A config whose requests are signed by `signer` (an HSM or KMS, say). The signer decides
    /// the hash; [`Config::hash`] then only affects notification verification.
    pub fn with_signer(
        environment: Environment,
        app_id: impl Into<String>,
        signer: Arc<dyn Signer>,
        gateway_public_key: PublicKey,
    ) -> Self {
        Self::with(
            environment,
            app_id.into(),
            RequestSigner::Custom(signer),
            gateway_public_key,
        )
    }

    fn with(
        environment: Environment,
        app_id: String,
        signer: RequestSigner,
        gateway_public_key: PublicKey,
    ) -> Self {
        Self {
            options: ClientOptions::new(environment),
            app_id,
            signer,
            hash: HashAlgorithm::Sha256,
            gateway_public_key,
            timestamp_unit: TimestampUnit::Milliseconds,
        }
    }

    /// The signature hash, for requests signed with the merchant key given to [`Config::new`]
    /// and for notifications. SHA-256 unless set; the docs never show it (see the README's
    /// unconfirmed points).
    pub fn hash(mut self, hash: HashAlgorithm) -> Self {
        self.hash = hash;
        self
    }

    /// Unit of the `timestamp` stamped on each param (milliseconds unless set).
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.timestamp_unit = unit;
        self
    }

    client_options!();

    /// A config from the environment variables of `row` (the generated `config_from_env()`
    /// of each envelope gateway names them).
    pub(crate) fn from_env(row: &'static GatewayRow) -> Result<Self, ConfigError> {
        let variables = crate::config::from_env::Variables { row };
        let key = variables.private_key(Setting::PrivateKey)?;
        let mut config = Self::new(
            variables.environment()?,
            variables.required(Setting::AppId)?,
            key,
            variables.public_key(Setting::PublicKey)?,
        );
        match variables.optional(Setting::Hash)?.as_deref() {
            None | Some("sha256") => {}
            Some("sha1") => config = config.hash(HashAlgorithm::Sha1),
            Some(_) => return Err(variables.refuse(Setting::Hash, "is neither sha256 nor sha1")),
        }
        match variables.optional(Setting::TimestampUnit)?.as_deref() {
            None | Some("ms") => {}
            Some("s") => config = config.timestamp_unit(TimestampUnit::Seconds),
            Some(_) => return Err(variables.refuse(Setting::TimestampUnit, "is neither ms nor s")),
        }
        Ok(config)
    }

    /// Resolves the base URL, builds the HTTP client and the signing context of the facade client.
    pub(crate) fn into_parts(
        self,
        gateway: &'static GatewayCode,
    ) -> Result<ClientParts<EnvelopeContext, NotificationVerifier>, ConfigError> {
        let endpoint = self.options.resolve(gateway.spec())?;
        let signer: Arc<dyn Signer> = match self.signer {
            RequestSigner::Key(key) => Arc::new(RsaSigner::new(&key, self.hash)),
            RequestSigner::Custom(signer) => signer,
        };
        let context = EnvelopeContext {
            gateway,
            app_id: self.app_id,
            signer,
            clock: endpoint.clock,
            timestamp_unit: self.timestamp_unit,
            transport: endpoint.transport,
        };
        let verifier = NotificationVerifier::new(self.gateway_public_key, self.hash);
        Ok(ClientParts {
            base_url: endpoint.base_url,
            http: endpoint.http,
            context,
            notifications: verifier,
        })
    }
}
