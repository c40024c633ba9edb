//! # paybind
//!
//! Typed, code-generated bindings for the payment gateways merchants in Thailand and Saudi
//! Arabia integrate with: the BluePay Open API, BluePay JT and SGATE Payout.
//!
//! The OpenAPI files under `openapi/` are the source of truth; `build.rs` generates each client
//! with progenitor, and a hand-written signing layer wraps it. See the README for a tour.
#![warn(missing_docs)]

#[macro_use]
mod macros;

pub mod clock;
pub mod codes;
pub mod keys;
pub mod money;
pub mod spec;

#[cfg(feature = "envelope")]
pub mod envelope;

#[cfg(feature = "bluepay")]
pub mod bluepay;

#[cfg(feature = "bluepay-jt")]
pub mod bluepay_jt;
