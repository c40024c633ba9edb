//! The `{appId, param, sign}` envelope that BluePay and BluePay JT share: the business parameters
//! are serialised to JSON, that exact text is signed with the merchant's RSA key, and the three
//! fields are sent; notifications come back as `{param, sign}` signed by the gateway.
//!
//! Layers: the progenitor-generated client → [`hooks`] (sign and wrap the body it serialised,
//! unwrap the answer) → [`call`] (validation, timestamps, tracing, typed errors) → each gateway's
//! facade. The gateways' modules only configure this one mechanism.

#[cfg(feature = "axum")]
pub mod axum;
pub(crate) mod call;
mod config;
pub mod errors;
pub(crate) mod gateway;
pub(crate) mod hooks;
pub mod notify;
pub mod sign;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SharedClock};

pub use config::{ClockDebug, Config, ConfigError, Environment};
pub use errors::{ApiError, Error};
pub use notify::{NotificationVerifier, NotifyError};
pub use sign::{HashAlgorithm, RsaSigner, SignError, SignFuture, Signer};

/// The code every envelope gateway uses for success.
pub const SUCCESS_CODE: i64 = 10000;

/// Unit of the `timestamp` paybind puts in each `param`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimestampUnit {
    /// Milliseconds since the epoch (13 digits) — most doc examples use this.
    #[default]
    Milliseconds,
    /// Seconds since the epoch (10 digits) — the refund and direct-debit examples use this.
    Seconds,
}

/// What the hooks around the generated client need: who is calling and how to sign.
/// `Debug` shows no key material.
#[derive(Clone, Debug)]
pub struct EnvelopeContext {
    pub(crate) gateway: &'static str,
    pub(crate) app_id: String,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) clock: SharedClock,
    pub(crate) timestamp_unit: TimestampUnit,
    pub(crate) connect_retries: u32,
}

impl EnvelopeContext {
    pub(crate) fn new(gateway: &'static str, app_id: String, signer: Arc<dyn Signer>) -> Self {
        Self {
            gateway,
            app_id,
            signer,
            clock: SharedClock::default(),
            timestamp_unit: TimestampUnit::default(),
            connect_retries: 2,
        }
    }

    pub(crate) fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = SharedClock(clock);
        self
    }

    /// The timestamp to stamp on a param now.
    pub(crate) fn timestamp(&self) -> i64 {
        let millis = self.clock.0.now_millis();
        match self.timestamp_unit {
            TimestampUnit::Milliseconds => millis,
            TimestampUnit::Seconds => millis.div_euclid(1000),
        }
    }
}

/// Pause before retry `attempt` (1-based) of a request whose connection was never established.
pub(crate) fn connect_backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.min(6))
}

/// Implements progenitor's `ClientHooks` for a generated envelope client.
macro_rules! envelope_hooks {
    ($client:ty) => {
        impl ::progenitor_client::ClientHooks<$crate::envelope::EnvelopeContext> for $client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                $crate::envelope::hooks::seal(::progenitor_client::ClientInfo::inner(self), request)
                    .await
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                $crate::envelope::hooks::send(
                    ::progenitor_client::ClientInfo::client(self),
                    ::progenitor_client::ClientInfo::inner(self),
                    request,
                )
                .await
            }
        }
    };
}
pub(crate) use envelope_hooks;
