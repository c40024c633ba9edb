//! SGATE Payin API (acquiring): payment orders paid on SGATE's hosted cashier or directly (card
//! with 3DS, STC Pay with an SMS code), orders, transactions and refunds looked up, refunds,
//! logistics and after-sale states, and the callbacks SGATE sends when a payment or refund
//! completes.
//!
//! Everything is generated from `openapi/sgate-payin.yaml` except the wire: every request is
//! checked against the spec (its path and header parameters, its body) before anything is sent,
//! then signed with an HMAC-SHA256 of its path and operation name in five `x-auth-*` headers
//! ([`signing`]). Bodies and answers are not signed; an answer is the record itself (a failure
//! is HTTP 4xx/5xx with a string `code`, [`ResultCode`]). Amounts the merchant sends are exact
//! [`DecimalAmount`](crate::money::DecimalAmount)s, those SGATE answers
//! [`Decimal2`](crate::money::Decimal2)s.
//!
//! **Card data.** `order_start_by_direct_mastercard` sends the card number and security code in
//! the body, as SGATE asks (TLS only, no field encryption): paybind holds them as [`Sensitive`]
//! (never in `Debug`, logs, errors), but the merchant's own systems then handle cardholder data
//! and are in PCI DSS scope (typically SAQ D). The hosted cashier keeps them out of scope:
//! prefer it (README, "SGATE Payin").
//!
//! **Payment links** to the hosted cashier, or to the form embedded in the merchant's page, are
//! built from the created order ([`links`]).
//!
//! **Callbacks** are unsigned `GET`s carrying an order ID: [`Callbacks`]
//! (`client.notifications()`) looks the order up and says whether its state confirms the
//! callback, with the body to answer.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::sgate_payin::{types, CashierPage, Client, Config, Environment};
//!
//! let config = Config::new(Environment::Sandbox, "your-key", "your-secret", "M448726");
//! let client = Client::new(config)?;
//!
//! // The merchant ID of the path is the configured one.
//! let order = client
//!     .merchant_add_order(
//!         types::MerchantAddOrderParam::builder()
//!             .merchant_order_id("TEST1672491207")
//!             .name("Game card")
//!             .amount("12.02")
//!             .currency("SAR")
//!             .notification_url("https://shop.example/hooks/sgate-payin"),
//!     )
//!     .await?;
//!
//! // The payer pays on SGATE's hosted cashier: send their browser to the order's link.
//! let link = client
//!     .payment_link(CashierPage::Standard, &order.id, &order.ticket)
//!     .return_url("https://shop.example/paid")
//!     .url()?;
//! println!("redirect the payer to {link}");
//!
//! // Later: the order as SGATE holds it.
//! let order = client.order_detail(&order.id).await?;
//! println!("{:?}", order.status);
//! # Ok(()) }
//! ```

#[cfg(feature = "axum")]
pub mod axum;
pub mod callbacks;
mod config;
mod json;
pub mod links;
pub mod signing;
mod wire;

#[cfg(feature = "axum")]
pub use self::axum::CheckedCallback;
pub use crate::config::{ConfigError, Environment};
pub use crate::events::{EventKey, SeenEvents};
pub use crate::secret::Sensitive;
pub use callbacks::{Ack, CallbackError, CallbackKind, Callbacks, VerifiedCallback};
pub use config::Config;
pub use links::PaymentLink;
pub use signing::Secret;

/// SGATE Payin refused a request (HTTP 4xx with a `code`).
pub type ApiError = crate::error::ApiError<ResultCode>;

// The module's skeleton (`types`, `Error`, `spec()`, `Client`…), its operations, models and
// facade, generated from the gateway table and the spec (paybind-codegen).
include!(concat!(env!("OUT_DIR"), "/sgate_payin_extras.rs"));
