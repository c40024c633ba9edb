//! The wire layer: each signing family's checks on what arrives and its way of answering —
//! the `{appId, param, sign}` envelope of BluePay and JT, SGATE's signed `V-*` headers, SGATE
//! Payin's HMAC `x-auth-*` headers and unsigned answers and callbacks. It
//! stands on `base` only; the business layer above never touches signatures.

pub mod envelope;
pub mod sgate;
pub mod sgate_payin;
pub mod signature_reason;
