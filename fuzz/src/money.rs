//! Money parsing: `Decimal2` (SGATE JSON numbers), `Amount` (minor units), `DecimalAmount`
//! (decimal strings), from JSON text, through a `serde_json::Value`, and from `FromStr`.
//!
//! Input: JSON text (or a plain decimal for `FromStr`). Oracle: parse → serialise → parse is
//! the identity on every path; JSON text and a Value read the same amount; a plain decimal
//! (`-?digits(.digits)?`, as a JSON number, a JSON string or `FromStr` text) is read as exactly
//! the minor units worked out on its text alone (no paybind, no floating point), and refused
//! when it is not exact: more than two decimal places (`18.7500000000000001`, `18.751`; trailing
//! zeros are no decimal place), a fraction of a minor unit, outside `i64` — with the rule's
//! [`AmountErrorKind`] where the error says which.

use paybind::money::{Amount, AmountErrorKind, Decimal2, DecimalAmount};
use serde_json::Value;

/// Amounts in the gateways' forms, edge values, and near misses.
pub fn seeds() -> Vec<Vec<u8>> {
    [
        "18.75",
        "2002",
        "0.94",
        "1",
        "1.5",
        "1.50",
        "\"1.50\"",
        "\"10000.00\"",
        "50020",
        "\"50020\"",
        "1.875e1",
        "1E2",
        "-0",
        "0.0",
        "18.7500000000000001",
        "70687729501682.41",
        // Its f64 is halfway between two 16-digit spellings: a Value once re-spelt it.
        "\t70687721501641.63\t",
        "92233720368547758.07",
        "-92233720368547758.08",
        "92233720368547758.08",
        "1e400",
        "\"12,50\"",
        "5000.0",
        "5e3",
        "-1.01",
        "100.001",
        "18.750",
        "\"18.751\"",
        "\" 18.75 \"",
        "\"500.5\"",
        "\"500.0\"",
        "\"-0.001\"",
        "\"007.50\"",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// What an exact reader must make of a plain decimal `-?digits(.digits)?`, worked out on the
/// text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exact {
    /// Read as this many minor units.
    Minor(i64),
    /// Finer than one minor unit (more than two decimal places in major units).
    TooPrecise,
    /// Outside `i64` minor units.
    OutOfRange,
}

/// `None` when `token` is not a plain decimal; `scale` is the number of decimal places one
/// minor unit has in the text (2 for major units, 0 for minor units).
fn exact(token: &str, scale: usize) -> Option<Exact> {
    let unsigned = token.strip_prefix('-').unwrap_or(token);
    let negative = unsigned.len() < token.len();
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    let fraction = fraction.unwrap_or("").trim_end_matches('0');
    if fraction.len() > scale {
        return Some(Exact::TooPrecise);
    }
    let minor = format!("{whole}{fraction:0<scale$}");
    let minor = minor.trim_start_matches('0');
    if minor.len() > 19 {
        return Some(Exact::OutOfRange);
    }
    // At most 19 digits: an i128 holds it; i64 decides the range.
    let magnitude: i128 = if minor.is_empty() {
        0
    } else {
        minor.parse().expect("at most 19 digits")
    };
    let value = if negative { -magnitude } else { magnitude };
    Some(i64::try_from(value).map_or(Exact::OutOfRange, Exact::Minor))
}

/// The shortest JSON number of `minor` hundredths, as text (`18.5`, `2002`, `-0.01`).
fn shortest_json(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let cents = format!("{:02}", abs % 100);
    let cents = cents.trim_end_matches('0');
    if cents.is_empty() {
        format!("{sign}{}", abs / 100)
    } else {
        format!("{sign}{}.{cents}", abs / 100)
    }
}

/// The JSON whitespace around a value.
fn json_trim(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\n', '\r'])
}

/// The token, if `text` is one JSON number serde_json reads as written (it refuses leading
/// zeros such as `007`).
fn json_number_token(text: &str) -> Option<&str> {
    let token = json_trim(text);
    let unsigned = token.strip_prefix('-').unwrap_or(token);
    let leading_zero =
        unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0.");
    (!leading_zero).then_some(token)
}

/// The contents, if `text` is one JSON string without escapes or control characters.
fn json_string(text: &str) -> Option<&str> {
    let inner = json_trim(text).strip_prefix('"')?.strip_suffix('"')?;
    let plain = !inner.contains(['"', '\\']) && !inner.chars().any(|c| c < ' ');
    plain.then_some(inner)
}

/// Whether `result` is what [`exact`] says of the text.
fn agrees(result: Option<i64>, expected: Exact, path: &str, text: &str) {
    match expected {
        Exact::Minor(minor) => assert_eq!(result, Some(minor), "{path}: {text}"),
        Exact::TooPrecise | Exact::OutOfRange => {
            assert_eq!(result, None, "{path}: {text} is {expected:?}")
        }
    }
}

fn check_decimal2(text: &str) {
    let parsed = serde_json::from_str::<Decimal2>(text);
    if let Ok(amount) = parsed {
        let written = serde_json::to_string(&amount).expect("serialises");
        let again: Decimal2 = serde_json::from_str(&written).expect("its own text parses");
        assert_eq!(again, amount, "{text} → {written} → another amount");
        assert_eq!(written, shortest_json(amount.minor_units()), "{text}");
    }
    value_agrees(text, &parsed, serde_json::from_value::<Decimal2>);
    let minor = parsed.as_ref().ok().map(|a| a.minor_units());
    if let Some(expected) = json_number_token(text).and_then(|t| exact(t, 2)) {
        agrees(minor, expected, "Decimal2 from a JSON number", text);
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 2)) {
        agrees(minor, expected, "Decimal2 from a JSON string", text);
    }
}

/// The same text read into a `serde_json::Value` first gives the same amount, or is refused
/// too (paybind reads SGATE bodies and every notification into a Value first).
fn value_agrees<T: PartialEq + std::fmt::Debug>(
    text: &str,
    from_text: &Result<T, serde_json::Error>,
    from_value: fn(Value) -> Result<T, serde_json::Error>,
) {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        assert!(from_text.is_err(), "{text}: not JSON, yet read");
        return;
    };
    let via_value = from_value(value).ok();
    assert_eq!(
        via_value.as_ref(),
        from_text.as_ref().ok(),
        "{text}: a Value read another amount"
    );
}

fn check_amount(text: &str) {
    let parsed = serde_json::from_str::<Amount>(text);
    value_agrees(text, &parsed, serde_json::from_value::<Amount>);
    if let Ok(amount) = parsed {
        let written = serde_json::to_string(&amount).expect("serialises");
        assert_eq!(
            serde_json::from_str::<Amount>(&written).ok(),
            Some(amount),
            "{text}"
        );
        assert_eq!(
            written,
            amount.minor_units().to_string(),
            "an integer of minor units"
        );
    }
    let minor = parsed.as_ref().ok().map(|a| a.minor_units());
    if let Some(expected) = json_number_token(text).and_then(|t| exact(t, 0)) {
        agrees(minor, expected, "Amount from a JSON number", text);
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 0)) {
        agrees(minor, expected, "Amount from a JSON string", text);
    }
}

fn check_decimal_amount(text: &str) {
    let parsed = serde_json::from_str::<DecimalAmount>(text);
    value_agrees(text, &parsed, serde_json::from_value::<DecimalAmount>);
    if let Ok(amount) = parsed {
        let written = serde_json::to_string(&amount).expect("serialises");
        assert_eq!(written, format!("\"{amount}\""), "a decimal string");
        assert_eq!(
            serde_json::from_str::<DecimalAmount>(&written).ok(),
            Some(amount),
            "{text}"
        );
    }
    let minor = parsed.as_ref().ok().map(|a| a.minor_units());
    if json_number_token(text).and_then(|t| exact(t, 2)).is_some() {
        // A bare number is ambiguous between major and minor units: only strings are read.
        assert_eq!(minor, None, "DecimalAmount read a JSON number: {text}");
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 2)) {
        agrees(minor, expected, "DecimalAmount from a JSON string", text);
    }
}

/// `FromStr` of the three types: the same exact reading, and the rule broken named by kind.
fn check_from_str(text: &str) {
    let results = [
        text.parse::<Decimal2>().map(Decimal2::minor_units),
        text.parse::<Amount>().map(Amount::minor_units),
        text.parse::<DecimalAmount>()
            .map(DecimalAmount::minor_units),
    ];
    let kind = |r: &Result<i64, paybind::money::AmountError>| r.as_ref().err().map(|e| e.kind());
    for result in &results {
        let expected = match exact(text.trim(), 2) {
            None => Err(AmountErrorKind::Syntax),
            Some(Exact::Minor(minor)) => Ok(minor),
            Some(Exact::TooPrecise) => Err(AmountErrorKind::TooManyDecimals),
            Some(Exact::OutOfRange) => Err(AmountErrorKind::OutOfRange),
        };
        let got = result
            .as_ref()
            .copied()
            .map_err(|_| kind(result).expect("an error"));
        assert_eq!(got, expected, "FromStr of {text:?}");
    }
    if let Ok(minor) = results[0] {
        let shown = Decimal2::from_minor_units(minor).to_string();
        assert_eq!(
            shown.parse::<Decimal2>().map(Decimal2::minor_units).ok(),
            Some(minor),
            "{text} → {shown}"
        );
        let decimals = shown.rsplit_once('.').map(|(_, f)| f.len());
        assert_eq!(decimals, Some(2), "Display writes two decimals: {shown}");
    }
}

/// Reads `data` as every money type; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_decimal2(text);
    check_amount(text);
    check_decimal_amount(text);
    check_from_str(text);
}
