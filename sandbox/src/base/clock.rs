//! The sandbox clock (real time plus an offset the admin API moves, saturating at the ends of
//! `i64`) and the gateways' time formats.

use std::sync::atomic::{AtomicI64, Ordering};

/// Real time plus an offset in ms. Every sum saturates, so an extreme offset set through the
/// admin API gives extreme (or empty) times, never an overflow.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock `offset_ms` away from real time.
    pub fn new(offset_ms: i64) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// The sandbox time in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now()
            .timestamp_millis()
            .saturating_add(self.offset())
    }

    /// The offset from real time in ms.
    pub fn offset(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The offset after moving by `by_ms` (not applied: see [`Clock::set_offset`]).
    pub fn moved(&self, by_ms: i64) -> i64 {
        self.offset().saturating_add(by_ms)
    }

    /// Sets the offset.
    pub fn set_offset(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }
}

/// `instant_ms` plus `seconds`, saturating.
pub fn plus_seconds(instant_ms: i64, seconds: i64) -> i64 {
    instant_ms.saturating_add(seconds.saturating_mul(1000))
}

/// Thailand: UTC+7 (BluePay's times).
const BANGKOK: i32 = 7;
/// Riyadh: UTC+3 (SGATE's times).
const RIYADH: i32 = 3;

fn at_offset(instant_ms: i64, hours: i32) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let zone = chrono::FixedOffset::east_opt(hours * 3600)?;
    chrono::DateTime::from_timestamp_millis(instant_ms)
        .map(|utc_time| utc_time.with_timezone(&zone))
}

/// `yyyy-MM-dd HH:mm:ss` at UTC+`hours` (empty beyond chrono's range).
fn local_text(instant_ms: i64, hours: i32) -> String {
    at_offset(instant_ms, hours)
        .map(|local_time| local_time.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// BluePay time text: `yyyy-MM-dd HH:mm:ss` in Thailand.
pub fn bangkok_time(instant_ms: i64) -> String {
    local_text(instant_ms, BANGKOK)
}

/// The Thai calendar date of an instant.
pub fn bangkok_date(instant_ms: i64) -> Option<chrono::NaiveDate> {
    at_offset(instant_ms, BANGKOK).map(|local_time| local_time.date_naive())
}

/// SGATE time text: `yyyy-MM-dd HH:mm:ss` in Riyadh.
pub fn riyadh_time(instant_ms: i64) -> String {
    local_text(instant_ms, RIYADH)
}

/// The Riyadh calendar date of an instant.
pub fn riyadh_date(instant_ms: i64) -> Option<chrono::NaiveDate> {
    at_offset(instant_ms, RIYADH).map(|local_time| local_time.date_naive())
}
