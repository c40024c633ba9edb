//! The `{appId, param, sign}` envelope that BluePay and BluePay JT share: the business parameters
//! are serialised to JSON, that exact text is signed with the merchant's RSA key, and the three
//! fields are sent; notifications come back as `{param, sign}` signed by the gateway.
//!
//! Layers: the progenitor-generated client (models, operation table) → the one request
//! pipeline ([`crate::pipeline`]: stamp, validate, serialise once, send, decode) → this
//! family's [`wire`] (seal: sign and wrap; open: unwrap `{code, message, data}`) → each
//! gateway's facade. The gateways' modules only configure this one mechanism.

#[cfg(feature = "axum")]
pub mod axum;
mod config;
pub(crate) mod gateway;
pub mod notify;
pub mod sign;
mod wire;

pub use crate::config::{ConfigError, Environment};
pub use crate::error::{ApiError, Error};
pub use config::Config;
pub use notify::{NotificationVerifier, NotifyError};
pub use sign::{HashAlgorithm, RsaSigner, SignError, SignFuture, Signer};
pub use wire::EnvelopeContext;

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
