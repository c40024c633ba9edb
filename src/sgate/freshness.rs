//! Freshness of signed answers and callbacks: a valid signature proves SGATE made a message,
//! not that it made it for this request or just now. An answer or callback whose signed
//! `V-Timestamp` is further than the window from the local clock is refused, and an optional
//! bounded memory of `(V-Timestamp, V-Nonce-Str)` pairs refuses the same signed message twice
//! inside the window.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::error::SignatureError;
use crate::memory::BoundedSet;

/// The window used unless configured: five minutes either side of the local clock.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// How fresh a signed message must be.
#[derive(Debug, Clone)]
pub(crate) struct Freshness {
    /// `None`: no time check (explicitly switched off).
    pub(crate) window: Option<Duration>,
    /// `None`: no replay memory.
    pub(crate) nonces: Option<Arc<NonceMemory>>,
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            window: Some(DEFAULT_WINDOW),
            nonces: None,
        }
    }
}

impl Freshness {
    /// Checks a message whose signature verified.
    pub(crate) fn check(
        &self,
        clock: &SharedClock,
        timestamp: i64,
        nonce: &str,
    ) -> Result<(), SignatureError> {
        let now = clock.now_seconds();
        if let Some(window) = self.window {
            if now.abs_diff(timestamp) > window.as_secs() {
                return Err(SignatureError::Stale {
                    timestamp,
                    now,
                    window_seconds: window.as_secs(),
                });
            }
        }
        match &self.nonces {
            Some(memory) if !memory.first_time(timestamp, nonce) => Err(SignatureError::Replayed),
            _ => Ok(()),
        }
    }
}

/// A bounded memory of the `(V-Timestamp, V-Nonce-Str)` pairs of verified messages. When full,
/// the oldest pair is forgotten; with a capacity above the number of messages a window holds,
/// no replay inside the window passes. Share one between clients of the same merchant.
#[derive(Debug)]
pub struct NonceMemory(BoundedSet<(i64, String)>);

impl NonceMemory {
    /// A memory of at most `capacity` pairs (at least one).
    pub fn new(capacity: usize) -> Self {
        Self(BoundedSet::new(capacity))
    }

    /// Records the pair; `false` when it was already there (a replay).
    pub fn first_time(&self, timestamp: i64, nonce: &str) -> bool {
        self.0.first_time(&(timestamp, nonce.to_string()))
    }
}
