//! The gateways the sandbox simulates: paybind's generated identity
//! ([`paybind::gateways::Gateway`]; the sandbox compiles every gateway in), with what only the
//! sandbox needs of it: the documented message of a result code.

pub use paybind::gateways::Gateway;

/// The documented message of `gateway`'s result code `code` ("Error" for a code the spec does
/// not list).
pub fn code_message(gateway: Gateway, code: i64) -> &'static str {
    let message = match gateway {
        Gateway::BluePay => paybind::bluepay::ResultCode::from_code(code).message(),
        Gateway::BluePayJt => paybind::bluepay_jt::ResultCode::from_code(code).message(),
        Gateway::Sgate => paybind::sgate::ResultCode::from_code(code).message(),
        // Its codes are words, not numbers: `wire::sgate_payin::refusal` has them.
        Gateway::SgatePayin => None,
    };
    message.unwrap_or("Error")
}
