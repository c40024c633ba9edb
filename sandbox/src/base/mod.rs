//! The bottom layer of the sandbox: what every other layer stands on and nothing here imports
//! from above — HTTP answers and handler errors, the store and its transactions, the clock,
//! ids, the request log, outcome rules, faults, keys, settings and the shared state.

pub mod admin_api;
pub mod clock;
pub mod error;
pub mod faults;
pub mod gateway;
pub mod http;
pub mod ids;
pub mod json;
pub mod keys;
pub mod log;
pub mod random;
pub mod rules;
pub mod settings;
pub mod shared;
pub mod spec_data;
pub mod store;
