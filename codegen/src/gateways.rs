//! The one table of the gateways paybind binds.
//!
//! Plain data with no dependencies, read by three: the generator (what to generate, and from
//! which spec), `xtask` (what to export and check) and the library itself
//! (`paybind::gateways`), into which the generator copies this file's items (`gateway_table`)
//! beside the `Gateway` enum it generates from these rows: so nothing here may name anything
//! outside the file. A gateway is added here once; everything else follows from its row, and
//! every `match` on the enum that must handle it fails to compile until it does.

/// How a gateway signs its requests and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// The signed `{appId, param, sign}` body (BluePay and BluePay JT).
    Envelope,
    /// Signed `V-*` headers and RSA encryption of sensitive fields (SGATE).
    HeaderSigned,
    /// An HMAC-SHA256 of the request's path and operation name in `x-auth-*` headers; bodies,
    /// answers and callbacks unsigned (SGATE Payin).
    HmacHeaders,
}

/// One gateway's row: its names, its spec and where its code lives. The library's `Gateway`
/// enum is generated from these rows, one variant each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayRow {
    /// Short name: the command line's argument, the sandbox's path prefix.
    pub id: &'static str,
    /// Name for people.
    pub name: &'static str,
    /// The variant of the library's generated `Gateway` enum.
    pub variant: &'static str,
    /// Spec file under `openapi/`; its stem names the gateway's directory under `schema/`.
    pub spec_file: &'static str,
    /// The library module holding the gateway (`crate::<module>`); also the stem of its
    /// generated files.
    pub module: &'static str,
    /// The Cargo feature that compiles the gateway in.
    pub feature: &'static str,
    /// How the gateway signs.
    pub signing: Signing,
}

/// Every gateway, in the order the docs and the command line list them.
pub const GATEWAYS: &[GatewayRow] = &[
    GatewayRow {
        id: "bluepay",
        name: "BluePay Open API",
        variant: "BluePay",
        spec_file: "bluepay.yaml",
        module: "bluepay",
        feature: "bluepay",
        signing: Signing::Envelope,
    },
    GatewayRow {
        id: "bluepay-jt",
        name: "BluePay JT Open API",
        variant: "BluePayJt",
        spec_file: "bluepay-jt.yaml",
        module: "bluepay_jt",
        feature: "bluepay-jt",
        signing: Signing::Envelope,
    },
    GatewayRow {
        id: "sgate",
        name: "SGATE Payout API",
        variant: "Sgate",
        spec_file: "sgate-payout.yaml",
        module: "sgate",
        feature: "sgate",
        signing: Signing::HeaderSigned,
    },
    GatewayRow {
        id: "sgate-payin",
        name: "SGATE Payin API",
        variant: "SgatePayin",
        spec_file: "sgate-payin.yaml",
        module: "sgate_payin",
        feature: "sgate-payin",
        signing: Signing::HmacHeaders,
    },
];

impl GatewayRow {
    /// The gateway with short name `id`.
    pub fn by_id(id: &str) -> Option<&'static GatewayRow> {
        GATEWAYS.iter().find(|g| g.id == id)
    }

    /// The spec file's name without `.yaml`.
    pub fn spec_stem(&self) -> &'static str {
        self.spec_file
            .strip_suffix(".yaml")
            .unwrap_or(self.spec_file)
    }
}
