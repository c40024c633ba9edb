//! Exact decimal text ⇄ an exact decimal amount. Integers and digit strings only: no floating
//! point at any step, so every amount has exactly one text and reads back to itself.
//!
//! An amount is `units × 10^-places` in major units. Received text keeps every decimal place it
//! was written with (SGATE pays KWD with three); `places` is never below two, and a place beyond
//! the second is kept only when it is not zero, so one amount has one representation.

use std::cmp::Ordering;

use super::AmountErrorKind;

/// The fewest decimal places an amount has: hundredths, the documented minor unit.
pub(super) const MINOR_PLACES: u32 = 2;

/// The most decimal places paybind keeps (attos of a major unit); a finer non-zero digit is
/// refused rather than dropped.
pub(super) const MAX_PLACES: u32 = 18;

/// An exact amount: `units × 10^-places` major units, `MINOR_PLACES ≤ places ≤ MAX_PLACES`,
/// no trailing zero beyond the minor unit.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Exact {
    units: i64,
    places: u32,
}

impl Default for Exact {
    fn default() -> Self {
        Self::from_minor(0)
    }
}

impl Exact {
    /// `minor` hundredths of a major unit.
    pub(super) const fn from_minor(minor: i64) -> Self {
        Self {
            units: minor,
            places: MINOR_PLACES,
        }
    }

    /// `units × 10^-places`, normalised; `None` when `places` is above [`MAX_PLACES`].
    pub(super) fn from_scaled(units: i64, places: u32) -> Option<Self> {
        if places > MAX_PLACES {
            return None;
        }
        let mut exact = Self { units, places };
        while exact.places < MINOR_PLACES {
            exact.units = exact.units.checked_mul(10)?;
            exact.places += 1;
        }
        while exact.places > MINOR_PLACES && exact.units % 10 == 0 {
            exact.units /= 10;
            exact.places -= 1;
        }
        Some(exact)
    }

    /// The amount in units of `10^-places`, when it is whole in them and fits an `i64`.
    pub(super) fn to_scaled(self, places: u32) -> Option<i64> {
        match places.cmp(&self.places) {
            Ordering::Equal => Some(self.units),
            Ordering::Greater => self
                .units
                .checked_mul(10i64.checked_pow(places - self.places)?),
            Ordering::Less => None,
        }
    }

    /// Decimal places beyond the minor unit's two (`1.234` has 3).
    pub(super) fn places(self) -> u32 {
        self.places
    }

    /// Hundredths, when the amount is whole in them.
    pub(super) fn minor(self) -> Option<i64> {
        self.to_scaled(MINOR_PLACES)
    }

    /// Both amounts in units of the finer one's places (exact: at most 18 places, so the
    /// product stays far inside `i128`).
    fn common(self, other: Self) -> (i128, i128) {
        let places = self.places.max(other.places);
        let widen = |e: Self| i128::from(e.units) * 10i128.pow(places - e.places);
        (widen(self), widen(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = self.common(*other);
        a.cmp(&b)
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What one unit of the text is worth.
#[derive(Clone, Copy)]
pub(super) enum Unit {
    /// Major units (`18.75` SAR).
    Major,
    /// Minor units (`50020` satang).
    Minor,
}

impl Unit {
    /// Decimal places of a major unit one text unit shifts by.
    fn shift(self) -> i64 {
        match self {
            Unit::Major => 0,
            Unit::Minor => 2,
        }
    }
}

/// Which spellings are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// A JSON number token (already checked by serde_json): `-?digits(.digits)?([eE][+-]?digits)?`.
    JsonNumber,
    /// A plain decimal, as people and the gateways' decimal strings write it: `-?digits(.digits)?`.
    Plain,
}

/// The largest exponent that is read as written; beyond it every non-zero value is out of range
/// (or finer than paybind keeps), so the exact size no longer matters.
const EXPONENT_CAP: i64 = 1_000_000;

/// Digits of `i64::MAX`; a longer run of significant digits is out of range.
const MAX_DIGITS: usize = 19;

/// Reads `text` as an exact amount, keeping every decimal place it has.
pub(super) fn parse(text: &str, unit: Unit, syntax: Syntax) -> Result<Exact, AmountErrorKind> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match (syntax, unsigned.find(['e', 'E'])) {
        (Syntax::JsonNumber, Some(at)) => (&unsigned[..at], parse_exponent(&unsigned[at + 1..])?),
        _ => (unsigned, 0),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) if is_digits(fraction) => (whole, fraction),
        Some(_) => return Err(AmountErrorKind::Syntax),
        None => (mantissa, ""),
    };
    if !is_digits(whole) {
        return Err(AmountErrorKind::Syntax);
    }
    let mut digits: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes())
        .skip_while(|&b| b == b'0')
        .collect();
    // value = digits × 10^-places in major units.
    let fraction_len = i64::try_from(fraction.len()).map_err(|_| AmountErrorKind::TooPrecise)?;
    let mut places = fraction_len + unit.shift() - exponent;
    while places > i64::from(MINOR_PLACES) && digits.last() == Some(&b'0') {
        digits.pop();
        places -= 1;
    }
    if digits.is_empty() {
        return Ok(Exact::default());
    }
    if places > i64::from(MAX_PLACES) {
        return Err(AmountErrorKind::TooPrecise);
    }
    if places < i64::from(MINOR_PLACES) {
        let zeros = usize::try_from(i64::from(MINOR_PLACES) - places).unwrap_or(usize::MAX);
        if zeros > MAX_DIGITS {
            return Err(AmountErrorKind::OutOfRange);
        }
        digits.resize(digits.len() + zeros, b'0');
        places = i64::from(MINOR_PLACES);
    }
    if digits.len() > MAX_DIGITS {
        return Err(AmountErrorKind::OutOfRange);
    }
    let magnitude = digits
        .iter()
        .fold(0i128, |acc, &b| acc * 10 + i128::from(b - b'0'));
    let signed = if negative { -magnitude } else { magnitude };
    let units = i64::try_from(signed).map_err(|_| AmountErrorKind::OutOfRange)?;
    let places = u32::try_from(places).map_err(|_| AmountErrorKind::TooPrecise)?;
    Ok(Exact { units, places })
}

/// `[+-]?digits`, capped at ±[`EXPONENT_CAP`].
fn parse_exponent(text: &str) -> Result<i64, AmountErrorKind> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !is_digits(digits) {
        return Err(AmountErrorKind::Syntax);
    }
    let significant = digits.trim_start_matches('0');
    let magnitude = if significant.is_empty() {
        0
    } else {
        significant
            .parse::<i64>()
            .map_or(EXPONENT_CAP, |e| e.min(EXPONENT_CAP))
    };
    Ok(if negative { -magnitude } else { magnitude })
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `units × 10^-places` written out: `-1234.50`, `1.234`; exact for every `i64`.
fn format_scaled(units: i64, places: u32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let digits = units.unsigned_abs().to_string();
    let places = places as usize;
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = padded.split_at(padded.len() - places);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Major units with at least two decimals (`-1234.50`, `1.234`).
pub(super) fn format_major(amount: Exact) -> String {
    format_scaled(amount.units, amount.places)
}

/// Minor units with only the decimals they need (`50020`, `500.5`).
pub(super) fn format_minor(amount: Exact) -> String {
    format_scaled(amount.units, amount.places - MINOR_PLACES)
}

/// The shortest exact decimal text of a number in major units (`100.5` for 100.50, `100` for
/// 100.00).
pub(super) fn shortest_major(amount: Exact) -> String {
    let text = format_major(amount);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Significant digits of the amount's units; up to 15 survive a trip through an `f64` and its
/// shortest spelling unchanged.
pub(super) fn significant_digits(amount: Exact) -> usize {
    let digits = amount.units.unsigned_abs().to_string();
    digits.trim_end_matches('0').len()
}
