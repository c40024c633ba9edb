//! The scheduler: typed jobs on the sandbox clock, the outbox of signed notifications and
//! callbacks, their delivery with retries, and the worker that drives both. It stands on `base`
//! (and on SGATE's wire signing for callbacks); the business layer schedules into it.

pub mod delivery;
pub mod jobs;
pub mod outbox;
pub mod worker;
