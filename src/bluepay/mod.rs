//! BluePay Open API (merchant): balance, payouts, QR codes, WebPay, refunds, voids, direct debit,
//! and the notifications BluePay sends back.
//!
//! Everything here is generated from `openapi/bluepay.yaml`, except the configuration below.
//! Each method validates its param against the spec, stamps the timestamp, signs the exact
//! `param` text with the merchant key and sends `{appId, param, sign}`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::bluepay::{types, Client, Config, Environment};
//! use paybind::keys::{PrivateKey, PublicKey};
//!
//! let key = PrivateKey::from_file("merchant-private.pem")?;
//! let bluepay_key = PublicKey::from_file("bluepay-public.pem")?;
//! let environment = Environment::Url("https://api.example".into());
//! let client = Client::new(Config::new(environment, "app-id", key, bluepay_key))?;
//! let qr = client
//!     .qr_code_create(
//!         types::QrCodeCreateParam::builder()
//!             .channel_code("THAI_DYNAMIC_QR")
//!             .mch_order_id("PC880001")
//!             .amount(1000) // satang, as BluePay writes amounts: THB 10.00
//!             .notify_url("https://merchant.example/notify"),
//!     )
//!     .await?;
//! println!("show this QR: {:?}", qr.qr_code_content);
//! # Ok(()) }
//! ```

// The module's skeleton (`types`, `Error`, `spec()`, `Client`, `Notifications`…), its
// operations and models, generated from the gateway table and the spec (paybind-codegen).
include!(concat!(env!("OUT_DIR"), "/bluepay_extras.rs"));
