//! What an SGATE Payin client needs: the environment (its base URL ends in `/api_v1`), the key
//! and secret SGATE issued for signing, and the merchant ID, with the client options every
//! gateway shares.

use super::signing::Secret;
use super::wire::HmacContext;
use crate::config::{client_options, ClientOptions, ClientParts, ConfigError, Environment};
use crate::gateways::{GatewayRow, Setting};
use crate::pipeline::GatewayCode;

/// Everything an SGATE Payin client needs. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Config {
    options: ClientOptions,
    key: String,
    secret: Secret,
    merchant_id: String,
}

impl Config {
    /// A config for `environment` (an explicit URL includes the `/api_v1` root: every signed
    /// `uri` is the path below it), with the `key` and `secret` SGATE issued for signing and the
    /// merchant's ID (`M448726`), which fills the `{MERCHANT_ID}` of every path that has one.
    pub fn new(
        environment: Environment,
        key: impl Into<String>,
        secret: impl Into<Secret>,
        merchant_id: impl Into<String>,
    ) -> Self {
        Self {
            options: ClientOptions::new(environment),
            key: key.into(),
            secret: secret.into(),
            merchant_id: merchant_id.into(),
        }
    }

    client_options!();

    /// A config from the environment variables of `row` (the generated `config_from_env()`
    /// names them).
    pub(crate) fn from_env(row: &'static GatewayRow) -> Result<Self, ConfigError> {
        let variables = crate::config::from_env::Variables { row };
        Ok(Self::new(
            variables.environment()?,
            variables.required(Setting::Key)?,
            Secret::new(variables.required(Setting::Secret)?),
            variables.required(Setting::MerchantId)?,
        ))
    }

    /// Resolves the base URL and builds the HTTP client and the signing context. SGATE Payin's
    /// callbacks are checked with the client itself, so there is no verifier to build.
    pub(crate) fn into_parts(
        self,
        gateway: &'static GatewayCode,
    ) -> Result<ClientParts<HmacContext, ()>, ConfigError> {
        let endpoint = self.options.resolve(gateway.spec())?;
        let context = HmacContext::new(
            self.key,
            self.secret,
            self.merchant_id,
            &endpoint.base_url,
            endpoint.clock,
            endpoint.transport,
        )?;
        Ok(ClientParts {
            base_url: endpoint.base_url,
            http: endpoint.http,
            context,
            notifications: (),
        })
    }
}
