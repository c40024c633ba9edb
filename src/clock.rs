//! Where request times come from. Injectable so tests and snapshots are reproducible; one trait
//! for every gateway (timestamps of BluePay params, SGATE's `V-Timestamp`, callback ages).

use std::fmt;
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
use std::sync::Arc;

/// A source of the current time. `Debug` so a configuration holding one can be printed.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        // Before 1970 (a badly set clock) reads as negative milliseconds, as chrono did.
        let now = std::time::SystemTime::now();
        match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        }
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_millis(&self) -> i64 {
        self.0
    }
}

/// A clock shared by a configuration, its client and its verifiers.
#[derive(Clone, Debug)]
#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
pub(crate) struct SharedClock(pub(crate) Arc<dyn Clock>);

#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
impl SharedClock {
    pub(crate) fn new(clock: impl Clock + 'static) -> Self {
        Self(Arc::new(clock))
    }

    /// Milliseconds since the Unix epoch.
    pub(crate) fn now_millis(&self) -> i64 {
        self.0.now_millis()
    }

    /// Unix seconds.
    pub(crate) fn now_seconds(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }
}

#[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
impl Default for SharedClock {
    fn default() -> Self {
        Self::new(SystemClock)
    }
}
