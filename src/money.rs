//! Money types. Amounts are exact integers of minor units (satang, halalas, cents); no `f64`
//! ever carries money through paybind.
//!
//! Exactness on the wire: paybind enables serde_json's `arbitrary_precision` (see Cargo.toml),
//! so a JSON number reaches these types as the digits it was written with — also where paybind
//! reads a body into a `serde_json::Value` first (SGATE encryption, decryption and callbacks) —
//! and the `decimal` module turns those digits into minor units with integer arithmetic only.
//! Every `i64` of minor units reads back to itself; text that is not exact in minor units (more
//! than two decimal places, an exponent that leaves a fraction of a cent, a value outside `i64`)
//! is an [`AmountError`] naming the rule.

mod decimal;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use decimal::{Syntax, Unit};

/// The longest part of a refused input an [`AmountError`] repeats (bytes from the network can
/// be arbitrarily long).
const ECHO_LIMIT: usize = 40;

/// Which rule an amount broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AmountErrorKind {
    /// Not a decimal number (`12,5`, `1.`, `abc`).
    Syntax,
    /// More than two decimal places in major units (`18.751`, `18.7500000000000001`).
    TooManyDecimals,
    /// A fraction of a minor unit where whole minor units are documented (`500.5` satang).
    FractionalMinorUnits,
    /// Outside the 64-bit range of minor units.
    OutOfRange,
    /// The JSON value has another type than the one documented for this amount.
    WrongType,
}

/// Why a text or JSON value is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("amount {rule}, got {input}")]
pub struct AmountError {
    kind: AmountErrorKind,
    rule: &'static str,
    input: String,
}

impl AmountError {
    fn new(kind: AmountErrorKind, expected: &'static str, input: &str) -> Self {
        let rule = match kind {
            AmountErrorKind::Syntax | AmountErrorKind::WrongType => expected,
            AmountErrorKind::TooManyDecimals => "must have at most 2 decimal places",
            AmountErrorKind::FractionalMinorUnits => EXPECT_MINOR,
            AmountErrorKind::OutOfRange => "is outside the 64-bit range of minor units",
        };
        let input = match input.char_indices().nth(ECHO_LIMIT) {
            Some((cut, _)) => format!("{:?}…", &input[..cut]),
            None => format!("{input:?}"),
        };
        Self { kind, rule, input }
    }

    /// Which rule was broken.
    pub fn kind(&self) -> AmountErrorKind {
        self.kind
    }

    /// The rule, in the API's words, without the input: `must have at most 2 decimal places`.
    /// The spec validator says it of the field (`amount: must have at most 2 decimal places`).
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

/// What the three types expect, in the API's terms (the rule of a syntax or type error).
const EXPECT_MAJOR: &str = "must be a decimal number such as 18.75";
const EXPECT_MINOR: &str = "must be a whole number of satang (minor units), e.g. 150 for THB 1.50";
const EXPECT_DECIMAL_STRING: &str = "must be a decimal string such as \"10000.00\"";

/// The rule `value` breaks as an amount of the spec's money component `component` (`Amount`,
/// `Decimal2`, `DecimalAmount`: the components build.rs generates as these types); `None` when
/// it is a valid amount of that type, or `component` is not money. The spec validator states
/// this rule for a money field, so that the wording lives here only; bounds such as
/// `minimum: 0` stay the spec's.
pub(crate) fn broken_rule(component: &str, value: &serde_json::Value) -> Option<&'static str> {
    let value = value.clone();
    let result = match component {
        "Amount" => Amount::from_json(value).map(drop),
        "Decimal2" => Decimal2::from_json(value).map(drop),
        "DecimalAmount" => DecimalAmount::from_json(value).map(drop),
        _ => return None,
    };
    result.err().map(|e| e.rule)
}

fn parse(
    text: &str,
    unit: Unit,
    syntax: Syntax,
    expected: &'static str,
) -> Result<i64, AmountError> {
    decimal::parse(text, unit, syntax).map_err(|kind| AmountError::new(kind, expected, text))
}

/// A JSON amount as it was written: a number's digits, or a string.
enum Wire {
    Number(String),
    Text(String),
}

impl Wire {
    /// Reads any JSON value; with `arbitrary_precision`, a number keeps its written digits
    /// whether it comes from text, a `serde_json::Value` or serde's buffered content.
    fn of(value: serde_json::Value, expected: &'static str) -> Result<Self, AmountError> {
        match value {
            serde_json::Value::Number(n) => Ok(Wire::Number(n.to_string())),
            serde_json::Value::String(s) => Ok(Wire::Text(s)),
            other => {
                // Named by type only: the value could be anything, secrets included.
                let found = match other {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Array(_) => "an array",
                    _ => "an object",
                };
                Err(AmountError::new(
                    AmountErrorKind::WrongType,
                    expected,
                    found,
                ))
            }
        }
    }
}

/// Reads a JSON value and makes an amount of it (`from_json` of one of the three types).
///
/// The value is asked for as serde_json's raw text, not with `Value::deserialize`: out of a
/// `serde_json::Value`, serde_json (1.0.15x, `arbitrary_precision`) hands a number that looks
/// like a float over as an `f64` and re-spells it, so `70687721501641.63` came back as
/// `…641.62` (both are shortest spellings of the one f64 between them). serde_json's own
/// deserialisers answer the raw-text request with the digits as written; serde's buffered
/// content and other formats answer with `visit_newtype_struct` and are read as a `Value`.
fn deserialize_with<'de, D: Deserializer<'de>, T>(
    d: D,
    from_json: fn(serde_json::Value) -> Result<T, AmountError>,
) -> Result<T, D::Error> {
    let value = d.deserialize_newtype_struct(RAW_VALUE_TOKEN, WrittenValue)?;
    from_json(value).map_err(serde::de::Error::custom)
}

/// The serde name of `serde_json::value::RawValue` (serde_json's `raw::TOKEN`, needs its
/// `raw_value` feature): a serde_json deserialiser asked for a newtype of this name hands over
/// the value's JSON text. A test (`money_exact`) reads an amount out of a `Value` through it.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A JSON value with its numbers as written (see [`deserialize_with`]).
struct WrittenValue;

impl<'de> serde::de::Visitor<'de> for WrittenValue {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON amount")
    }

    /// serde_json's raw-text map: `Value` reads that text again, keeping every digit.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde_json::Value::deserialize(d)
    }

    // Deserialisers that answer a newtype request with the value itself (serde's own
    // `IntoDeserializer` values, some query-string and config formats).
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(text.into())
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Self::Value, E> {
        Ok(number.into())
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Self::Value, E> {
        Ok(number.into())
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(number).map_or(serde_json::Value::Null, Into::into))
    }
}

/// Decodes a paybind model (or anything else) from a `serde_json::Value` without losing an
/// amount's digits: use it instead of `serde_json::from_value` when you hold a `Value`.
///
/// The money types read their digits exactly either way, but the generated models keep
/// unknown members (a field a gateway adds later) through `#[serde(flatten)]`, and on that path
/// `serde_json::from_value` passes a float-looking number through an `f64`: a kept member
/// `70687721501641.63` comes out `…641.62`. Decoding from the value's text keeps every digit;
/// paybind decodes notifications and callbacks this way.
///
/// ```
/// use paybind::money::{from_value_exact, Decimal2};
/// let value: serde_json::Value = serde_json::from_str("70687721501641.63").unwrap();
/// let amount: Decimal2 = from_value_exact(value).unwrap();
/// assert_eq!(amount.minor_units(), 7_068_772_150_164_163);
/// ```
pub fn from_value_exact<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    serde_json::from_str(&value.to_string())
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
    /// Parses a decimal in major units with at most two decimal places.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR).map(Self)
    }
}

impl fmt::Display for Amount {
    /// Major units with two decimal places (`500.20`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl From<i64> for Amount {
    fn from(minor: i64) -> Self {
        Self(minor)
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// Accepts a JSON integer of minor units, or a string of one (some doc examples quote
    /// numbers). A number whose value is whole (`5000.0`, `5e3`) is accepted; a fraction of a
    /// minor unit is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_with(d, Self::from_json)
    }
}

impl Amount {
    fn from_json(value: serde_json::Value) -> Result<Self, AmountError> {
        let minor = match Wire::of(value, EXPECT_MINOR)? {
            Wire::Number(text) => parse(&text, Unit::Minor, Syntax::JsonNumber, EXPECT_MINOR),
            Wire::Text(text) => parse(text.trim(), Unit::Minor, Syntax::Plain, EXPECT_MINOR),
        };
        minor.map(Self)
    }
}

/// An amount written as a decimal string in major units with two decimal places, such as the
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
    /// Parses a decimal in major units with at most two decimal places.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR).map(Self)
    }
}

impl fmt::Display for DecimalAmount {
    /// Major units with two decimal places (`10000.00`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl Serialize for DecimalAmount {
    /// The documented decimal string with two decimal places.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&decimal::format_major(self.0))
    }
}

impl<'de> Deserialize<'de> for DecimalAmount {
    /// Accepts only the documented decimal string: a bare number would be ambiguous between
    /// major and minor units (BluePay JT sends its balance as integer minor units).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_with(d, Self::from_json)
    }
}

impl DecimalAmount {
    fn from_json(value: serde_json::Value) -> Result<Self, AmountError> {
        let minor = match Wire::of(value, EXPECT_DECIMAL_STRING)? {
            Wire::Text(text) => parse(
                text.trim(),
                Unit::Major,
                Syntax::Plain,
                EXPECT_DECIMAL_STRING,
            ),
            Wire::Number(text) => Err(AmountError::new(
                AmountErrorKind::WrongType,
                EXPECT_DECIMAL_STRING,
                &text,
            )),
        };
        minor.map(Self)
    }
}

/// An amount written as a JSON number with at most two decimal places (SGATE's `100.50`),
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
    /// Parses a decimal in major units with at most two decimal places.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR).map(Self)
    }
}

impl fmt::Display for Decimal2 {
    /// Major units with two decimal places (`100.50`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_major(self.0))
    }
}

impl Serialize for Decimal2 {
    /// Written as the shortest exact JSON number: `100.5` for 100.50, `100` for 100.00.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = decimal::json_number_text(self.0);
        // With arbitrary_precision a Number holds these digits and is written as them.
        let number: serde_json::Number = text
            .parse()
            .map_err(|_| serde::ser::Error::custom(format!("cannot write amount {text}")))?;
        number.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Decimal2 {
    /// Accepts a JSON number or a decimal string; more than two decimal places is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_with(d, Self::from_json)
    }
}

impl Decimal2 {
    fn from_json(value: serde_json::Value) -> Result<Self, AmountError> {
        let minor = match Wire::of(value, EXPECT_MAJOR)? {
            Wire::Number(text) => parse(&text, Unit::Major, Syntax::JsonNumber, EXPECT_MAJOR),
            Wire::Text(text) => parse(text.trim(), Unit::Major, Syntax::Plain, EXPECT_MAJOR),
        };
        minor.map(Self)
    }
}
