//! The gateways paybind binds, as one table: names, spec file, module, feature and signing
//! family of each, and (for those compiled in) its spec and operations.
//!
//! The table itself is `build/gateways.rs`, the same file `build.rs` generates the gateways
//! from and `xtask` exports them from; the sandbox and the command line read it here, so a
//! gateway is listed in one place.
//!
//! ```
//! let bluepay = paybind::gateways::Gateway::by_id("bluepay").unwrap();
//! assert_eq!(bluepay.spec_file, "bluepay.yaml");
//! assert!(bluepay.is_enabled() == bluepay.spec().is_some());
//! ```

#[path = "../build/gateways.rs"]
mod table;

pub use table::{Gateway, Signing, GATEWAYS};

// `Gateway::{is_enabled, spec, operations}`, generated from the table by build.rs.
include!(concat!(env!("OUT_DIR"), "/gateways.rs"));
