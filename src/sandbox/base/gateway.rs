//! The three gateways the sandbox simulates. Their ids (the path prefixes), specs and
//! operations come from the crate's one table of gateways (`paybind::gateways`); this enum
//! names the rows the sandbox has behaviour for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A gateway the sandbox serves. Serialised as its id (`bluepay`, `bluepay-jt`, `sgate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gateway {
    /// BluePay Open API.
    BluePay,
    /// BluePay JT Open API.
    BluePayJt,
    /// SGATE Payout API.
    Sgate,
}

impl Gateway {
    /// Every gateway the sandbox serves.
    pub const ALL: [Gateway; 3] = [Gateway::BluePay, Gateway::BluePayJt, Gateway::Sgate];

    /// The library module of this gateway: the key of its row in the table.
    fn module(self) -> &'static str {
        match self {
            Gateway::BluePay => "bluepay",
            Gateway::BluePayJt => "bluepay_jt",
            Gateway::Sgate => "sgate",
        }
    }

    /// This gateway's row of `paybind::gateways`.
    pub fn row(self) -> Option<&'static crate::gateways::Gateway> {
        crate::gateways::GATEWAYS
            .iter()
            .find(|g| g.module == self.module())
    }

    /// The id: path prefix and name (`bluepay`, `bluepay-jt`, `sgate`).
    pub fn name(self) -> &'static str {
        self.row().map_or("", |g| g.id)
    }

    /// The gateway of an id.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
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
        self.row().map_or(&[], |g| g.operations())
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

impl Serialize for Gateway {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Gateway {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Gateway::from_name(&id).ok_or_else(|| serde::de::Error::custom(format!("no gateway {id}")))
    }
}
