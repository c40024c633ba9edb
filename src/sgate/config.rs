//! What an SGATE client needs: the environment, the API KEY, the merchant's private key and
//! SGATE's system public key, with the client options every gateway shares.

use std::sync::Arc;

use super::freshness::{self, NonceMemory};
use super::notifications::Notifications;
use super::signing::{ApiKey, NonceSource, RandomNonce, SgateContext};
use crate::config::{client_options, ClientOptions, ClientParts, ConfigError, Environment};
use crate::gateways::{GatewayRow, Setting};
use crate::keys::{PrivateKey, PublicKey};
use crate::pipeline::GatewayCode;

/// Everything an SGATE client needs. Keys are parsed before a `Config` exists, so a bad key
/// fails there, never at the first request. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Config {
    options: ClientOptions,
    api_key: ApiKey,
    merchant_private_key: PrivateKey,
    system_public_key: PublicKey,
    nonce: Arc<dyn NonceSource>,
    freshness: freshness::Freshness,
}

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
            options: ClientOptions::new(environment),
            api_key: ApiKey::new(api_key),
            merchant_private_key,
            system_public_key,
            nonce: Arc::new(RandomNonce),
            freshness: freshness::Freshness::default(),
        }
    }

    /// How far a signed answer's or callback's `V-Timestamp` may be from the local clock
    /// (default [`freshness::DEFAULT_WINDOW`], 5 minutes). Outside it the message is refused as
    /// [`SignatureError::Stale`](crate::error::SignatureError::Stale): a validly signed answer
    /// from another time (a replay) is not an answer to this request. `None` switches the check
    /// off — only for a clock you cannot trust and with [`Config::remember_nonces`] on.
    pub fn freshness_window(mut self, window: Option<std::time::Duration>) -> Self {
        self.freshness.window = window;
        self
    }

    /// Remembers the `(V-Timestamp, V-Nonce-Str)` of the last `capacity` verified answers and
    /// callbacks, and refuses one seen again as
    /// [`SignatureError::Replayed`](crate::error::SignatureError::Replayed). Off by default.
    /// A callback answered with a status other than 200 may come back with the same signature
    /// (the docs do not say whether SGATE signs its retries afresh): with this on, answer every
    /// verified callback 200 and de-duplicate its event yourself.
    pub fn remember_nonces(mut self, capacity: usize) -> Self {
        self.freshness.nonces = Some(Arc::new(NonceMemory::new(capacity)));
        self
    }

    /// Where `V-Nonce-Str` comes from (32 random letters and digits unless set).
    pub fn nonce_source(mut self, nonce: impl NonceSource + 'static) -> Self {
        self.nonce = Arc::new(nonce);
        self
    }

    client_options!();

    /// A config from the environment variables of `row` (the generated `config_from_env()`
    /// names them).
    pub(crate) fn from_env(row: &'static GatewayRow) -> Result<Self, ConfigError> {
        let variables = crate::config::from_env::Variables { row };
        Ok(Self::new(
            variables.environment()?,
            variables.required(Setting::ApiKey)?,
            variables.private_key(Setting::PrivateKey)?,
            variables.public_key(Setting::SystemPublicKey)?,
        ))
    }

    /// Resolves the base URL, builds the HTTP client, the signing context of the facade client
    /// and its callback verifier (same keys, clock and freshness).
    pub(crate) fn into_parts(
        self,
        gateway: &'static GatewayCode,
    ) -> Result<ClientParts<SgateContext, Notifications>, ConfigError> {
        let endpoint = self.options.resolve(gateway.spec())?;
        let notifications = Notifications::new(
            self.api_key.clone(),
            self.system_public_key.clone(),
            self.merchant_private_key.clone(),
        )
        .with_clock(endpoint.clock.clone())
        .with_freshness(self.freshness.clone());
        let context = SgateContext::new(
            self.api_key,
            self.merchant_private_key,
            self.system_public_key,
            endpoint.clock,
            self.nonce,
            endpoint.transport,
        )
        .with_freshness(self.freshness);
        Ok(ClientParts {
            base_url: endpoint.base_url,
            http: endpoint.http,
            context,
            notifications,
        })
    }
}
