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

// Written and read as its id (`bluepay`, `bluepay-jt`, `sgate`): how configuration files and
// the sandbox's admin API name a gateway.
impl serde::Serialize for Gateway {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Gateway {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Gateway::from_id(&id).ok_or_else(|| {
            let known: Vec<&str> = Gateway::ALL.iter().map(|gateway| gateway.id()).collect();
            serde::de::Error::custom(format!(
                "not a gateway compiled into paybind (known: {})",
                known.join(", ")
            ))
        })
    }
}
