//! Money types. Amounts are exact integers of minor units (satang, halalas, cents); no `f64`
//! ever carries money through paybind's public API.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text or number is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid amount {input:?}: {reason}")]
pub struct AmountError {
    input: String,
    reason: &'static str,
}

impl AmountError {
    fn new(input: impl Into<String>, reason: &'static str) -> Self {
        Self {
            input: input.into(),
            reason,
        }
    }
}

/// Parses `"500.20"`, `"500.2"` or `"500"` into minor units (50020); at most two fraction digits.
fn parse_major(text: &str) -> Result<i64, AmountError> {
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(AmountError::new(
            text,
            "expected digits with an optional '.'",
        ));
    }
    if fraction.len() > 2 {
        return Err(AmountError::new(text, "more than two fraction digits"));
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| AmountError::new(text, "too large"))?;
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let minor = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| AmountError::new(text, "too large"))?;
    Ok(if negative { -minor } else { minor })
}

fn format_major(minor: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
}

/// An amount in integer minor units, as BluePay sends it (`50020` is THB 500.20).
///
/// ```
/// use paybind::money::Amount;
/// let a: Amount = "500.20".parse().unwrap();
/// assert_eq!(a.minor_units(), 50020);
/// assert_eq!(a.to_string(), "500.20");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(transparent)]
pub struct Amount(i64);

impl Amount {
    /// An amount of `minor` minor units (satang): `Amount::from_minor_units(50020)` is 500.20.
    pub const fn from_minor_units(minor: i64) -> Self {
        Self(minor)
    }
    /// The amount in minor units.
    pub const fn minor_units(self) -> i64 {
        self.0
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    /// Parses a decimal in major units with at most two fraction digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_major(s).map(Self)
    }
}

impl fmt::Display for Amount {
    /// Major units with two fraction digits (`500.20`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_major(self.0, f)
    }
}

impl From<i64> for Amount {
    fn from(minor: i64) -> Self {
        Self(minor)
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// Accepts a JSON integer, or a string of digits (some doc examples quote numbers).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::codes::deserialize_code(d).map(Self)
    }
}

/// An amount written as a decimal string in major units with two fraction digits, such as the
/// BluePay balance `"10000.00"`. Held as exact minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DecimalAmount(i64);

impl DecimalAmount {
    /// An amount of `minor` minor units.
    pub const fn from_minor_units(minor: i64) -> Self {
        Self(minor)
    }
    /// The amount in minor units (`"10000.00"` is 1 000 000).
    pub const fn minor_units(self) -> i64 {
        self.0
    }
}

impl FromStr for DecimalAmount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_major(s).map(Self)
    }
}

impl fmt::Display for DecimalAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_major(self.0, f)
    }
}

impl Serialize for DecimalAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DecimalAmount {
    /// Accepts only the documented decimal string: a bare number would be ambiguous between
    /// major and minor units.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount written as a JSON number with at most two fraction digits (SGATE's `100.50`),
/// held as exact minor units and written back as the same decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Decimal2(i64);

impl Decimal2 {
    /// An amount of `minor` minor units (halalas, fils, cents).
    pub const fn from_minor_units(minor: i64) -> Self {
        Self(minor)
    }
    /// The amount in minor units.
    pub const fn minor_units(self) -> i64 {
        self.0
    }
}

impl FromStr for Decimal2 {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_major(s).map(Self)
    }
}

impl fmt::Display for Decimal2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_major(self.0, f)
    }
}

impl Serialize for Decimal2 {
    /// Written as a JSON number: `100.5` for 100.50, `100` for 100.00 — the value is exact.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.to_string();
        let text = text.trim_end_matches('0').trim_end_matches('.');
        let number: serde_json::Number = text
            .parse()
            .map_err(|_| serde::ser::Error::custom("amount out of range"))?;
        number.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Decimal2 {
    /// Accepts a JSON number or a decimal string; more than two fraction digits is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let text = match &value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => number_text(n),
            _ => return Err(serde::de::Error::custom("amount must be a number")),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The shortest decimal text of a JSON number (`1e2` becomes `100`).
fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        // Shortest round-trip f64 formatting never uses exponents in Display.
        n.as_f64().map(|f| f.to_string()).unwrap_or(text)
    } else {
        text
    }
}
