//! Money types. Amounts are exact decimals; no `f64` ever carries money through paybind.
//!
//! What paybind **receives** is read exactly at any scale the gateway sends: `1.234` KWD (SGATE
//! pays Kuwaiti dinars in fils, three decimal places) is kept as 1.234, never refused or
//! rounded. What paybind **sends** keeps the docs' rules: the spec validator refuses an amount
//! with more than two decimal places in major units (or a fraction of a satang where whole
//! satang are documented) before anything is signed, naming the field; [`FromStr`] applies the
//! same rule to text a program parses to send.
//!
//! Exactness on the wire without touching serde_json's features (paybind enables none that
//! change how the rest of a program behaves): the money types ask serde_json for a value's raw
//! JSON text (its `raw_value` feature, which only adds API) and read the digits with integer
//! arithmetic only (the `decimal` module). Errors name the rule, never the value.

mod decimal;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use decimal::{Exact, Syntax, Unit};

/// Which rule an amount broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AmountErrorKind {
    /// Not a decimal number (`12,5`, `1.`, `abc`).
    Syntax,
    /// More than two decimal places in major units where an amount is sent (`18.751`).
    TooManyDecimals,
    /// A fraction of a minor unit where whole minor units are sent (`500.5` satang).
    FractionalMinorUnits,
    /// Outside the 64-bit range of paybind's exact amounts.
    OutOfRange,
    /// The JSON value has another type than the one documented for this amount.
    WrongType,
    /// A non-zero digit beyond the 18th decimal place: finer than paybind keeps.
    TooPrecise,
}

/// Why a text or JSON value is not a valid amount. It says the rule only: the refused value
/// may be anything (a decrypted member, a card number sent in the wrong field), so it is never
/// repeated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("amount {rule}")]
pub struct AmountError {
    kind: AmountErrorKind,
    rule: &'static str,
}

impl AmountError {
    fn new(kind: AmountErrorKind, expected: &'static str) -> Self {
        let rule = match kind {
            AmountErrorKind::Syntax | AmountErrorKind::WrongType => expected,
            AmountErrorKind::TooManyDecimals => "must have at most 2 decimal places",
            AmountErrorKind::FractionalMinorUnits => EXPECT_MINOR,
            AmountErrorKind::OutOfRange => "is outside the 64-bit range of exact amounts",
            AmountErrorKind::TooPrecise => "has a non-zero digit beyond the 18th decimal place",
        };
        Self { kind, rule }
    }

    /// Which rule was broken.
    pub fn kind(&self) -> AmountErrorKind {
        self.kind
    }

    /// The rule, in the API's words: `must have at most 2 decimal places`. The spec validator
    /// says it of the field (`amount: must have at most 2 decimal places`).
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

impl From<std::convert::Infallible> for AmountError {
    /// A conversion that cannot fail (a ready amount, `Amount: From<i64>`), so that a builder's
    /// money setter takes it beside the text conversions (`TryInto<Amount>`).
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// What the three types expect, in the API's terms (the rule of a syntax or type error).
const EXPECT_MAJOR: &str = "must be a decimal number such as 18.75";
const EXPECT_MINOR: &str = "must be a whole number of satang (minor units), e.g. 150 for THB 1.50";
const EXPECT_DECIMAL_STRING: &str = "must be a decimal string such as \"10000.00\"";

/// The rule `value` breaks as an amount **sent** in the spec's money component `component`
/// (`Amount`, `Decimal2` and `PositiveDecimal2`, `DecimalAmount`: the components build.rs
/// generates as these types);
/// `None` when it is a valid amount to send, or `component` is not money. The spec validator
/// states this rule for a money field, so that the wording lives here only; bounds such as
/// `minimum: 0` and `exclusiveMinimum` stay the spec's.
pub(crate) fn broken_rule(component: &str, value: &serde_json::Value) -> Option<&'static str> {
    let value = value.clone();
    let result = match component {
        "Amount" => Amount::from_json(value)
            .and_then(Amount::sendable)
            .map(drop),
        "Decimal2" | "PositiveDecimal2" => Decimal2::from_json(value)
            .and_then(Decimal2::sendable)
            .map(drop),
        "DecimalAmount" => DecimalAmount::from_json(value)
            .and_then(DecimalAmount::sendable)
            .map(drop),
        _ => return None,
    };
    result.err().map(|e| e.rule)
}

fn parse(
    text: &str,
    unit: Unit,
    syntax: Syntax,
    expected: &'static str,
) -> Result<Exact, AmountError> {
    decimal::parse(text, unit, syntax).map_err(|kind| AmountError::new(kind, expected))
}

/// An amount as sent: whole in the documented minor unit, or the rule `kind` it breaks.
fn whole_minor(amount: Exact, kind: AmountErrorKind) -> Result<Exact, AmountError> {
    match amount.minor() {
        Some(_) => Ok(amount),
        None => Err(AmountError::new(kind, "")),
    }
}

/// Writes an amount as a JSON number with exactly `text`'s digits. Up to 15 significant digits
/// and 4 decimal places an `f64` carries them and every format writes them back (serde_json as
/// the shortest spelling, which is `text`, without an exponent); beyond, serde_json is asked to
/// write the digits as they are (`0.00000075`, not `7.5e-7`).
fn serialize_number<S: Serializer>(s: S, text: &str, amount: Exact) -> Result<S::Ok, S::Error> {
    if let Some(whole) = text.parse::<i64>().ok().filter(|_| !text.contains('.')) {
        return s.serialize_i64(whole);
    }
    if decimal::significant_digits(amount) <= 15 && amount.places() <= 4 {
        if let Ok(float) = text.parse::<f64>() {
            return s.serialize_f64(float);
        }
    }
    let raw = serde_json::value::RawValue::from_string(text.to_string())
        .map_err(|_| serde::ser::Error::custom("an amount could not be written"))?;
    raw.serialize(s)
}
/// A JSON amount as it was written: a number's digits, or a string.
enum Written {
    Number(String),
    Text(String),
}

impl Written {
    /// Reads a JSON value (the spec validator's); a number as `Value` spells it.
    fn of_value(value: serde_json::Value, expected: &'static str) -> Result<Self, AmountError> {
        match value {
            serde_json::Value::Number(n) => Ok(Written::Number(n.to_string())),
            serde_json::Value::String(s) => Ok(Written::Text(s)),
            // The rule names the expected type only: the value could be anything.
            _ => Err(AmountError::new(AmountErrorKind::WrongType, expected)),
        }
    }

    /// Reads a value's raw JSON text: a number keeps the digits it was written with.
    fn of_raw(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        match raw.as_bytes().first()? {
            b'"' => serde_json::from_str(raw).ok().map(Written::Text),
            b'-' | b'0'..=b'9' => Some(Written::Number(raw.to_string())),
            _ => None,
        }
    }
}

/// What a deserialiser handed over for an amount: its written form, or another JSON type.
type Handed = Option<Written>;

/// Reads a JSON value and makes an amount of it (`from_written` of one of the three types).
///
/// The value is asked for as serde_json's raw text (a newtype named like `RawValue`, which
/// serde_json answers with the text as written, from text and from a `Value` alike): through
/// `Value::deserialize` a number that looks like a float passes through an `f64`, and 16 or
/// more significant digits lose their last one. serde's buffered content and other formats
/// answer with `visit_newtype_struct` or the value itself, and are read as they give it.
fn deserialize_with<'de, D: Deserializer<'de>, T>(
    d: D,
    expected: &'static str,
    from_written: fn(Written) -> Result<T, AmountError>,
) -> Result<T, D::Error> {
    let handed = d.deserialize_newtype_struct(RAW_VALUE_TOKEN, WrittenValue)?;
    handed
        .ok_or_else(|| AmountError::new(AmountErrorKind::WrongType, expected))
        .and_then(from_written)
        .map_err(serde::de::Error::custom)
}

/// The serde name of `serde_json::value::RawValue` (serde_json's `raw::TOKEN`, needs its
/// `raw_value` feature): a serde_json deserialiser asked for a newtype of this name hands over
/// the value's JSON text. A test (`money_exact`) reads an amount out of a `Value` through it.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON value with its numbers as written (see [`deserialize_with`]).
struct WrittenValue;

impl<'de> serde::de::Visitor<'de> for WrittenValue {
    type Value = Handed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON amount")
    }

    /// serde_json's raw-text map: one member whose value is the JSON text.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Handed, A::Error> {
        let Some(_token) = map.next_key::<String>()? else {
            return Ok(None);
        };
        let raw: String = map.next_value()?;
        Ok(Written::of_raw(&raw))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Handed, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(Written::of_value(value, "").ok())
    }

    // Deserialisers that answer a newtype request with the value itself (serde's own
    // `IntoDeserializer` values, some query-string and config formats).
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Handed, E> {
        Ok(Some(Written::Text(text.to_string())))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Handed, E> {
        Ok(Some(Written::Number(number.to_string())))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Handed, E> {
        Ok(Some(Written::Number(number.to_string())))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Handed, E> {
        // Rust spells a finite f64 as its shortest exact decimal, without an exponent.
        Ok(number
            .is_finite()
            .then(|| Written::Number(number.to_string())))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Handed, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Handed, E> {
        Ok(None)
    }
}

/// What the three money types share: exact construction, reading and comparison.
macro_rules! exact_amount {
    ($name:ident) => {
        impl $name {
            /// An amount of `minor` minor units (hundredths of a major unit: satang, halalas).
            pub const fn from_minor_units(minor: i64) -> Self {
                Self(Exact::from_minor(minor))
            }

            /// `units × 10^-places` major units: `from_scaled(1234, 3)` is 1.234 (KWD in
            /// fils). `None` beyond 18 decimal places or the 64-bit range.
            pub fn from_scaled(units: i64, places: u32) -> Option<Self> {
                Exact::from_scaled(units, places).map(Self)
            }

            /// The amount in minor units (hundredths of a major unit), or `None` when a gateway
            /// sent more decimal places than two (`1.234`): read those with
            /// [`to_scaled`](Self::to_scaled).
            pub fn minor_units(self) -> Option<i64> {
                self.0.minor()
            }

            /// The amount in units of `10^-places` major units, when it is whole in them:
            /// `to_scaled(3)` of 1.234 is 1234, of 18.75 it is 18750.
            pub fn to_scaled(self, places: u32) -> Option<i64> {
                self.0.to_scaled(places)
            }

            /// Decimal places in major units: 2, or more when the gateway sent more (3 for
            /// `1.234`; trailing zeros are no decimal place).
            pub fn decimal_places(self) -> u32 {
                self.0.places()
            }
        }

        impl fmt::Debug for $name {
            /// The type and the amount in major units: `Decimal2(18.75)`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "{}({})",
                    stringify!($name),
                    decimal::format_major(self.0)
                )
            }
        }

        impl TryFrom<&str> for $name {
            type Error = AmountError;
            /// The documented text in major units, as [`FromStr`] reads it (`"18.75"`).
            fn try_from(text: &str) -> Result<Self, AmountError> {
                text.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = AmountError;
            /// The documented text in major units, as [`FromStr`] reads it (`"18.75"`).
            fn try_from(text: String) -> Result<Self, AmountError> {
                text.parse()
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Reads a received amount exactly, at any scale (see the type's documentation for
            /// the JSON forms it accepts).
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_with(d, Self::EXPECTED, Self::from_written)
            }
        }

        impl $name {
            /// Reads a JSON value as a received amount (the spec validator's `Value`).
            fn from_json(value: serde_json::Value) -> Result<Self, AmountError> {
                Written::of_value(value, Self::EXPECTED).and_then(Self::from_written)
            }
        }
    };
}

/// An amount in integer minor units, as BluePay sends it (`50020` is THB 500.20).
///
/// Received: a JSON integer of minor units, or a string of one (some doc examples quote
/// numbers); a fraction of a satang a gateway sends (`500.5`) is kept exactly. Sent: whole
/// satang only.
///
/// ```
/// use paybind::money::Amount;
/// let a: Amount = "500.20".parse().unwrap();
/// assert_eq!(a.minor_units(), Some(50020));
/// assert_eq!(a.to_string(), "500.20");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Amount(Exact);

exact_amount!(Amount);

impl Amount {
    const EXPECTED: &'static str = EXPECT_MINOR;

    fn from_written(written: Written) -> Result<Self, AmountError> {
        let amount = match written {
            Written::Number(text) => parse(&text, Unit::Minor, Syntax::JsonNumber, EXPECT_MINOR),
            Written::Text(text) => parse(text.trim(), Unit::Minor, Syntax::Plain, EXPECT_MINOR),
        };
        amount.map(Self)
    }

    fn sendable(self) -> Result<Self, AmountError> {
        whole_minor(self.0, AmountErrorKind::FractionalMinorUnits).map(Self)
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    /// Parses a decimal in major units with at most two decimal places (what can be sent).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let amount = parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR)?;
        whole_minor(amount, AmountErrorKind::TooManyDecimals).map(Self)
    }
}

impl fmt::Display for Amount {
    /// Major units with two decimal places (`500.20`), or every place received (`5.005`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl From<i64> for Amount {
    fn from(minor: i64) -> Self {
        Self::from_minor_units(minor)
    }
}

impl Serialize for Amount {
    /// The integer of minor units (`50020`); a received fraction of one as its digits (`500.5`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_number(s, &decimal::format_minor(self.0), self.0)
    }
}

/// An amount written as a decimal string in major units, such as the BluePay balance
/// `"10000.00"`. Sent with two decimal places; received at any scale.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DecimalAmount(Exact);

exact_amount!(DecimalAmount);

impl DecimalAmount {
    const EXPECTED: &'static str = EXPECT_DECIMAL_STRING;

    /// Only the documented decimal string: a bare number would be ambiguous between major and
    /// minor units (BluePay JT sends its balance as integer minor units).
    fn from_written(written: Written) -> Result<Self, AmountError> {
        match written {
            Written::Text(text) => parse(
                text.trim(),
                Unit::Major,
                Syntax::Plain,
                EXPECT_DECIMAL_STRING,
            )
            .map(Self),
            Written::Number(_) => Err(AmountError::new(
                AmountErrorKind::WrongType,
                EXPECT_DECIMAL_STRING,
            )),
        }
    }

    fn sendable(self) -> Result<Self, AmountError> {
        whole_minor(self.0, AmountErrorKind::TooManyDecimals).map(Self)
    }
}

impl FromStr for DecimalAmount {
    type Err = AmountError;
    /// Parses a decimal in major units with at most two decimal places (what can be sent).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let amount = parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR)?;
        Self(amount).sendable()
    }
}

impl fmt::Display for DecimalAmount {
    /// Major units with two decimal places (`10000.00`), or every place received.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl Serialize for DecimalAmount {
    /// The documented decimal string (`"10000.00"`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&decimal::format_major(self.0))
    }
}

/// An amount written as a JSON number in major units (SGATE's `100.50`), held exactly and
/// written back as the same decimal number. Sent with at most two decimal places ("accurate to
/// two decimal places"); received at any scale (`1.234` KWD).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Decimal2(Exact);

exact_amount!(Decimal2);

impl Decimal2 {
    const EXPECTED: &'static str = EXPECT_MAJOR;

    /// A JSON number or a decimal string.
    fn from_written(written: Written) -> Result<Self, AmountError> {
        let amount = match written {
            Written::Number(text) => parse(&text, Unit::Major, Syntax::JsonNumber, EXPECT_MAJOR),
            Written::Text(text) => parse(text.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR),
        };
        amount.map(Self)
    }

    fn sendable(self) -> Result<Self, AmountError> {
        whole_minor(self.0, AmountErrorKind::TooManyDecimals).map(Self)
    }
}

impl FromStr for Decimal2 {
    type Err = AmountError;
    /// Parses a decimal in major units with at most two decimal places (what can be sent).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let amount = parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR)?;
        Self(amount).sendable()
    }
}

impl fmt::Display for Decimal2 {
    /// Major units with two decimal places (`100.50`), or every place received (`1.234`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl Serialize for Decimal2 {
    /// The shortest exact JSON number: `100.5` for 100.50, `100` for 100.00, `1.234`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_number(s, &decimal::shortest_major(self.0), self.0)
    }
}
