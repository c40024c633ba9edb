//! The gateways the sandbox simulates: the crate's generated identity
//! ([`crate::gateways::Gateway`]; the sandbox's feature compiles every gateway in), with what
//! only the sandbox needs of it: the documented message of a result code and the id as its
//! serialised form.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::gateways::Gateway;

impl Gateway {
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

// Serialised as its id (`bluepay`, `bluepay-jt`, `sgate`), as the admin API and the rules file
// name it.
impl Serialize for Gateway {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Gateway {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Gateway::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("no gateway {id}")))
    }
}
