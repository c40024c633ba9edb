//! The `{appId, param, sign}` envelope that BluePay and BluePay JT share: the business parameters
//! are serialised to JSON, that exact text is signed with the merchant's RSA key, and the three
//! fields are sent; notifications come back as `{param, sign}` signed by the gateway.
//!
//! Layers: the generated code (progenitor's models, the operation table) → the one request
//! pipeline (`src/pipeline/`: stamp, validate, serialise once, send, decode) → this
//! family's wire (`wire.rs`; seal: sign and wrap; open: unwrap `{code, message, data}`) → each
//! gateway's facade. The gateways' modules only configure this one mechanism.

#[cfg(feature = "axum")]
pub mod axum;
mod config;
pub mod notifications;
pub mod signing;
mod wire;

pub use crate::config::{ConfigError, Environment};
pub use crate::error::{ApiError, Error};
/// Kept at its old path: the events module serves every gateway now.
pub use crate::events::{self, EventKey, SeenEvents};
pub use config::Config;
pub use notifications::{NotificationError, NotificationVerifier};
pub use signing::{HashAlgorithm, RsaSigner, SignError, SignFuture, Signer};
pub use wire::{EnvelopeContext, TimestampUnit, SUCCESS_CODE};
