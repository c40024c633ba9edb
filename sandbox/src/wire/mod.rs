//! The wire layer: each signing family's checks on what arrives and its way of answering —
//! the `{appId, param, sign}` envelope of BluePay and JT, SGATE's signed `V-*` headers. It
//! stands on `base` only; the business layer above never touches signatures.

pub mod envelope;
pub mod sgate;
pub mod signature_reason;
