//! SGATE Payout API and Virtual Account API: customers (payees), payment orders (payouts),
//! OTPs, banks, exchange rates, the daily statement, incoming virtual-account transfers, and the
//! callbacks SGATE sends back.
//!
//! Everything is generated from `openapi/sgate-payout.yaml` except the security layer: every
//! request is checked against the spec (lengths, formats, conditional rules) before anything is
//! sent, its sensitive members (`identity`, `cardno`, `stcaccount`) are RSA-encrypted with the
//! system public key, and it is signed in the `V-*` headers with the merchant private key. Every
//! answer's signature is verified with the system public key before anything in it is read, and
//! its encrypted members are decrypted with the merchant private key, so the models hold plain
//! values — as [`Sensitive`], which never prints in `Debug`. Amounts are exact
//! [`Decimal2`](crate::money::Decimal2) values.
//!
//! Keys: SGATE gives each merchant its **system public key**; the merchant makes its own RSA
//! 2048 key pair and gives SGATE the public half. PEM (PKCS#8 or PKCS#1) and bare Base64 DER are
//! accepted.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::keys::{PrivateKey, PublicKey};
//! use paybind::sgate::{types, Client, Config, Environment, StatementOutcome};
//!
//! let config = Config::new(
//!     Environment::Sandbox,
//!     "your-api-key",
//!     PrivateKey::from_file("merchant-private.pem")?,
//!     PublicKey::from_file("sgate-system-public.pem")?,
//! );
//! let client = Client::new(config)?;
//!
//! // POST operations take the model's builder, whose setters take the documented values; a
//! // value that does not convert and every broken rule come back together as one
//! // `Error::Validation` naming the fields, and nothing is sent.
//! let order = client
//!     .payment_order_create(
//!         types::PaymentOrderCreateParam::builder()
//!             .mercustomid("u004")
//!             .payeeuid("PAY12345678")
//!             .amount("18.75")
//!             .currency("SAR")
//!             .paymentmethod("bankTransfer"),
//!     )
//!     .await?;
//! println!("order {:?} is {:?}", order.ticketid, order.status);
//!
//! // GET operations set their query on a typed builder (`query`); sensitive filters are encrypted.
//! let customers = client
//!     .customer_list(|q| q.pagesize(50).cardno("5123450000000001"))
//!     .await?;
//! for customer in &customers {
//!     // Decrypted for you; `Debug` prints `Sensitive(redacted)`.
//!     let same_card = customer.cardno.as_ref().is_some_and(|c| c.expose() == "5123450000000001");
//!     println!("{:?}: {same_card}", customer.customid);
//! }
//!
//! // The statement streams into any writer; HTTP 202 means "not ready yet".
//! let mut file = std::fs::File::create("statement.xlsx")?;
//! match client.statement_download().day("2024-06-26".parse()?).to_writer(&mut file).await? {
//!     StatementOutcome::Written { bytes, .. } => println!("{bytes} bytes"),
//!     StatementOutcome::NotReady(not_ready) => println!("later: {}", not_ready.message),
//!     _ => {}
//! }
//!
//! // Callbacks: verify, then answer HTTP 200.
//! # let (headers, body) = (http::HeaderMap::new(), Vec::<u8>::new());
//! match client.notifications().verify(&headers, "/sgate/callback", &body)? {
//!     paybind::sgate::Notification::SalaryStatusChange(event) => println!("{:?}", event.data.status),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```

// The generated `Notification` enum holds whole customers and orders in some variants.
#![allow(clippy::large_enum_variant)]

#[cfg(feature = "axum")]
pub mod axum;
mod config;
pub mod crypto;
pub mod download;
pub mod freshness;
mod json;
pub mod notifications;
mod sensitive;
pub mod signing;
pub mod upload;
mod wire;

#[cfg(feature = "axum")]
pub use self::axum::{Ack, VerifiedNotification};
pub use crate::config::{ConfigError, Environment};
pub use crate::error::RawResponse;
pub use crate::events::{EventKey, SeenEvents};
pub use config::Config;
pub use crypto::{CryptoError, Sensitive};
pub use download::{NotReady, StatementOutcome};
pub use freshness::NonceMemory;
pub use notifications::{NotificationError, Notifications, ACK_STATUS};
pub use signing::{ApiKey, FixedNonce, NonceSource, RandomNonce};

/// SGATE answered with a `code` other than 200 (a business failure).
pub type ApiError = crate::error::ApiError<ResultCode>;

/// The former name of [`ResultCode`] (SGATE's docs say "status code"; it clashed with
/// `http::StatusCode`).
#[deprecated(since = "0.1.0", note = "renamed `ResultCode`")]
pub type StatusCode = ResultCode;

/// The hand-written request builders of the operations progenitor cannot generate
/// (multipart upload; the statement, a file or a JSON answer).
pub mod manual {
    pub use super::download::StatementDownload;
    pub use super::upload::CustomerFileUpload;
}

// The module's skeleton (`types`, `Error`, `spec()`, `Client`…), its operations, models,
// query builders and notifications, generated from the gateway table and the spec
// (paybind-codegen).
include!(concat!(env!("OUT_DIR"), "/sgate_extras.rs"));
