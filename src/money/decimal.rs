//! Exact decimal text ⇄ integer minor units. Integers and digit strings only: no floating point
//! at any step, so every `i64` of minor units has exactly one text and reads back to itself.

use super::AmountErrorKind;

/// What one unit of the text is worth in minor units.
#[derive(Clone, Copy)]
pub(super) enum Unit {
    /// Major units (`18.75` SAR is 1875 halalas): at most two decimal places.
    Major,
    /// Minor units (`50020` satang): whole numbers only.
    Minor,
}

impl Unit {
    /// Powers of ten from one text unit to one minor unit.
    fn scale(self) -> i64 {
        match self {
            Unit::Major => 2,
            Unit::Minor => 0,
        }
    }

    /// The error for a value finer than one minor unit.
    fn too_precise(self) -> AmountErrorKind {
        match self {
            Unit::Major => AmountErrorKind::TooManyDecimals,
            Unit::Minor => AmountErrorKind::FractionalMinorUnits,
        }
    }
}

/// Which spellings are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// A JSON number token (already checked by serde_json): `-?digits(.digits)?([eE][+-]?digits)?`.
    /// An exponent is accepted when the value it spells is exact in minor units (`1.875e1`).
    JsonNumber,
    /// A plain decimal, as people and the gateways' decimal strings write it: `-?digits(.digits)?`.
    Plain,
}

/// The largest exponent that is read as written; beyond it every non-zero value is out of range
/// (or finer than a minor unit), so the exact size no longer matters.
const EXPONENT_CAP: i64 = 1_000_000;

/// Digits of `i64::MAX`; a longer run of significant digits is out of range.
const MAX_DIGITS: usize = 19;

/// Reads `text` as an exact count of minor units.
pub(super) fn parse(text: &str, unit: Unit, syntax: Syntax) -> Result<i64, AmountErrorKind> {
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
    // value = digits × 10^(exponent − fraction digits); minor units = value × 10^scale.
    let fraction_len = i64::try_from(fraction.len()).map_err(|_| unit.too_precise())?;
    let shift = exponent + unit.scale() - fraction_len;
    let mut digits: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes())
        .skip_while(|&b| b == b'0')
        .collect();
    if digits.is_empty() {
        return Ok(0);
    }
    if shift < 0 {
        // The digits below one minor unit must all be zero (`18.750` is 18.75; `18.751` is not).
        let below = usize::try_from(shift.unsigned_abs()).unwrap_or(usize::MAX);
        if below > digits.len() || digits[digits.len() - below..].iter().any(|&b| b != b'0') {
            return Err(unit.too_precise());
        }
        digits.truncate(digits.len() - below);
    } else {
        let zeros = usize::try_from(shift).unwrap_or(usize::MAX);
        if zeros > MAX_DIGITS {
            return Err(AmountErrorKind::OutOfRange);
        }
        digits.resize(digits.len() + zeros, b'0');
    }
    if digits.len() > MAX_DIGITS {
        return Err(AmountErrorKind::OutOfRange);
    }
    let magnitude = digits
        .iter()
        .fold(0i128, |acc, &b| acc * 10 + i128::from(b - b'0'));
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| AmountErrorKind::OutOfRange)
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

/// Major units with exactly two decimals (`-1234.50`); exact for every `i64`, `i64::MIN` included.
pub(super) fn format_major(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The shortest exact JSON number for `minor` (`100.5` for 100.50, `100` for 100.00).
pub(super) fn json_number_text(minor: i64) -> String {
    let text = format_major(minor);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
