//! What an SGATE client needs: the environment, the API KEY, the merchant's private key and
//! SGATE's system public key, with the client options every gateway shares.

use std::sync::Arc;

use super::freshness::{self, NonceMemory};
use super::signing::{ApiKey, NonceSource, RandomNonce};
use crate::config::{client_options, ClientOptions, Environment};
use crate::keys::{PrivateKey, PublicKey};

/// Everything an SGATE client needs. Keys are parsed before a `Config` exists, so a bad key
/// fails there, never at the first request. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Config {
    pub(super) options: ClientOptions,
    pub(super) api_key: ApiKey,
    pub(super) merchant_private_key: PrivateKey,
    pub(super) system_public_key: PublicKey,
    pub(super) nonce: Arc<dyn NonceSource>,
    pub(super) freshness: freshness::Freshness,
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
}
