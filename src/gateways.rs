//! The gateways paybind binds: the generated identity [`Gateway`] (one variant per gateway
//! compiled in) and [`GatewayOperation`], over the one table of rows ([`GATEWAYS`]: names, spec
//! file, module, feature and signing family of each).
//!
//! The table itself is `build/gateways.rs`, the same file `build.rs` generates the gateways
//! (and this enum) from and `xtask` exports them from; the sandbox and the command line match
//! on the enum, so a gateway is listed in one place and a new one is a compile error wherever
//! gateways differ.
//!
//! ```
//! # #[cfg(feature = "bluepay")] {
//! use paybind::gateways::Gateway;
//!
//! let bluepay = Gateway::from_id("bluepay").unwrap();
//! assert_eq!(bluepay, Gateway::BluePay);
//! assert_eq!(bluepay.row().spec_file, "bluepay.yaml");
//! let operation = bluepay.operation("balance_inquiry").unwrap();
//! assert_eq!(operation.spec().method, "POST");
//! # }
//! ```

#[path = "../build/gateways.rs"]
mod table;

pub use table::{GatewayRow, Signing, GATEWAYS};

// `Gateway`, `GatewayOperation` and `GatewayRow::{gateway, is_enabled}`, generated from the
// table by build.rs.
include!(concat!(env!("OUT_DIR"), "/gateways.rs"));
