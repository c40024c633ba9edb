//! The three gateways the sandbox serves, and what each one's bundled spec says.

use serde::{Deserialize, Serialize};

/// The three gateways the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gateway {
    /// BluePay Open API.
    #[serde(rename = "bluepay")]
    BluePay,
    /// BluePay JT Open API.
    #[serde(rename = "bluepay-jt")]
    BluePayJt,
    /// SGATE Payout API.
    #[serde(rename = "sgate")]
    Sgate,
}

impl Gateway {
    /// The path prefix and name (`bluepay`, `bluepay-jt`, `sgate`).
    pub fn name(self) -> &'static str {
        match self {
            Gateway::BluePay => "bluepay",
            Gateway::BluePayJt => "bluepay-jt",
            Gateway::Sgate => "sgate",
        }
    }

    /// The gateway of a path prefix.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bluepay" => Some(Gateway::BluePay),
            "bluepay-jt" => Some(Gateway::BluePayJt),
            "sgate" => Some(Gateway::Sgate),
            _ => None,
        }
    }

    /// The bundled spec of this gateway.
    pub fn spec(self) -> &'static crate::spec::Spec {
        match self {
            Gateway::BluePay => crate::bluepay::spec(),
            Gateway::BluePayJt => crate::bluepay_jt::spec(),
            Gateway::Sgate => crate::sgate::spec(),
        }
    }

    /// The operations of this gateway's spec.
    pub fn operations(self) -> &'static [crate::spec::Operation] {
        match self {
            Gateway::BluePay => crate::bluepay::operations(),
            Gateway::BluePayJt => crate::bluepay_jt::operations(),
            Gateway::Sgate => crate::sgate::operations(),
        }
    }

    /// The documented message of a result code of this gateway.
    pub fn message(self, code: i64) -> &'static str {
        let message = match self {
            Gateway::BluePay => crate::bluepay::ResultCode::from_code(code).message(),
            Gateway::BluePayJt => crate::bluepay_jt::ResultCode::from_code(code).message(),
            Gateway::Sgate => crate::sgate::ResultCode::from_code(code).message(),
        };
        message.unwrap_or("Error")
    }
}
