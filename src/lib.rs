#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// The one exception is src/keys/c_api.rs (aws-lc's C interface), which allows it for itself.
#![deny(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly (Cargo.toml's [package.metadata.docs.rs]): each
// item then shows the Cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod clock;
pub mod codes;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
pub mod config;
pub mod error;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
pub mod events;
pub mod gateways;
mod json_text;
pub mod keys;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
mod members;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
mod memory;
pub mod money;
pub mod operations;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
mod percent;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
pub(crate) mod pipeline;
#[cfg(feature = "sgate")]
mod random;
#[cfg(any(feature = "envelope", feature = "sgate"))]
pub mod reconcile;
pub mod secret;
pub mod spec;

/// The `reqwest` paybind sends with, for each gateway's `Config::http_client` adjustments (a proxy, your CA roots, a client certificate) and for the transport errors paybind
/// keeps: the same version as paybind's, whatever your own `reqwest` is.
pub use reqwest;

#[cfg(feature = "envelope")]
pub mod envelope;

#[cfg(feature = "bluepay")]
pub mod bluepay;

#[cfg(feature = "bluepay-jt")]
pub mod bluepay_jt;

#[cfg(feature = "sgate")]
pub mod sgate;

#[cfg(feature = "sgate-payin")]
pub mod sgate_payin;

#[cfg(feature = "testing")]
pub mod testing;

/// Entry points for the fuzz targets in `fuzz/` (see CONTRIBUTING.md); not part of the API.
#[cfg(all(fuzzing, feature = "sgate"))]
#[doc(hidden)]
pub mod fuzzing;
