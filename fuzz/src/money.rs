//! Money parsing: `Decimal2` (SGATE JSON numbers), `Amount` (minor units), `DecimalAmount`
//! (decimal strings), from JSON text, through a `serde_json::Value`, and from `FromStr`.
//!
//! Input: JSON text (or a plain decimal for `FromStr`). Oracle: parse → serialise → parse is
//! the identity on every path; a received plain decimal (`-?digits(.digits)?`, as a JSON number
//! or a JSON string) is read as exactly the amount worked out on its text alone (no paybind, no
//! floating point), every decimal place kept, and refused only beyond 18 decimal places or
//! outside `i64`; `FromStr` (text to send) refuses more than two decimal places; JSON text and a
//! `serde_json::Value` read the same amount wherever a Value holds the number exactly (up to 15
//! significant digits: paybind leaves serde_json's `arbitrary_precision` off).

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
        // Trailing zeros past 15 digits: serde_json's default float parser is one ULP off.
        "18.57004700002000000",
        "1.234",
        "\"1.234\"",
        "1000000000000000.01",
        // An f64 would be written with an exponent (7.5e-7): amounts are written as decimals.
        "75e-08",
        "0.0000000000000000200000000",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// What an exact reader must make of a plain decimal `-?digits(.digits)?`, worked out on the
/// text alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exact {
    /// Read as `units × 10^-places` major units (`places` ≥ 2, no trailing zero beyond 2).
    Scaled { units: i64, places: u32 },
    /// A non-zero digit beyond the 18th decimal place of a major unit.
    TooPrecise,
    /// Outside `i64` units.
    OutOfRange,
}

/// `None` when `token` is not a plain decimal; `shift` is the number of decimal places of a
/// major unit one text unit has (0 for major units, 2 for minor units).
fn exact(token: &str, shift: usize) -> Option<Exact> {
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
    // Minor units written out as a decimal: the text's digits with the point moved `shift`
    // places further left.
    let fraction = fraction.unwrap_or("");
    let all = format!("{whole}{fraction}");
    let places = fraction.len() + shift;
    // Keep at least two places; drop trailing zeros beyond them.
    let (mut all, mut places) = (all, places);
    while places < 2 {
        all.push('0');
        places += 1;
    }
    while places > 2 && all.ends_with('0') {
        all.pop();
        places -= 1;
    }
    let significant = all.trim_start_matches('0');
    if significant.is_empty() {
        return Some(Exact::Scaled {
            units: 0,
            places: 2,
        });
    }
    if places > 18 {
        return Some(Exact::TooPrecise);
    }
    if significant.len() > 19 {
        return Some(Exact::OutOfRange);
    }
    let magnitude: i128 = significant.parse().expect("at most 19 digits");
    let value = if negative { -magnitude } else { magnitude };
    let places = u32::try_from(places).expect("at most 18");
    Some(i64::try_from(value).map_or(Exact::OutOfRange, |units| Exact::Scaled { units, places }))
}

/// An amount as (units, places), read back through its public API.
fn scaled(places: u32, to_scaled: Option<i64>, decimal_places: u32) -> Option<(i64, u32)> {
    (decimal_places == places)
        .then_some(to_scaled?)
        .map(|units| (units, places))
}

/// `units × 10^-places` as the shortest exact decimal text (`18.5`, `2002`, `-0.001`).
fn shortest(units: i64, places: u32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let digits = units.unsigned_abs().to_string();
    let places = places as usize;
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = padded.split_at(padded.len() - places);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
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

/// Whether `result` (units and places, as read) is what [`exact`] says of the text.
fn agrees(result: Option<(i64, u32)>, expected: Exact, path: &str, text: &str) {
    match expected {
        Exact::Scaled { units, places } => {
            assert_eq!(result, Some((units, places)), "{path}: {text}")
        }
        Exact::TooPrecise | Exact::OutOfRange => {
            assert_eq!(result, None, "{path}: {text} is {expected:?}")
        }
    }
}

/// The reading of an amount as (units, places).
macro_rules! reading {
    ($amount:expr) => {{
        let amount = $amount;
        let places = amount.decimal_places();
        scaled(places, amount.to_scaled(places), places)
    }};
}

fn check_decimal2(text: &str) {
    let parsed = serde_json::from_str::<Decimal2>(text);
    if let Ok(amount) = parsed {
        let written = serde_json::to_string(&amount).expect("serialises");
        let again: Decimal2 = serde_json::from_str(&written).expect("its own text parses");
        assert_eq!(again, amount, "{text} → {written} → another amount");
        let (units, places) = reading!(amount).expect("an amount reads back");
        assert_eq!(written, shortest(units, places), "{text}");
    }
    value_agrees(text, &parsed, serde_json::from_value::<Decimal2>);
    let read = parsed.as_ref().ok().and_then(|a| reading!(*a));
    if let Some(expected) = json_number_token(text).and_then(|t| exact(t, 0)) {
        agrees(read, expected, "Decimal2 from a JSON number", text);
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 0)) {
        agrees(read, expected, "Decimal2 from a JSON string", text);
    }
}

/// Digits of a plain decimal token, every zero included.
fn written_digits(token: &str) -> usize {
    token.chars().filter(char::is_ascii_digit).count()
}

/// The same text read into a `serde_json::Value` first gives the same amount, or is refused
/// too, wherever the Value holds the number exactly: always for strings; for numbers, up to 15
/// written digits without an exponent, where serde_json's default float parser is exact (an
/// `f64` holds 15 digits, and beyond them, zeros included, serde_json without its
/// `float_roundtrip` feature may land one ULP off: `18.57004700002000000`,
/// `0.0000000000000000200000000`).
fn value_agrees<T: PartialEq + std::fmt::Debug>(
    text: &str,
    from_text: &Result<T, serde_json::Error>,
    from_value: fn(Value) -> Result<T, serde_json::Error>,
) {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        assert!(from_text.is_err(), "{text}: not JSON, yet read");
        return;
    };
    let exact_in_value = match &value {
        Value::Number(_) => {
            let token = json_trim(text);
            !token.contains(['e', 'E']) && written_digits(token) <= 15
        }
        _ => true,
    };
    if !exact_in_value {
        return;
    }
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
        let (units, places) = reading!(amount).expect("an amount reads back");
        // Minor units: the same digits two places further right.
        assert_eq!(written, shortest(units, places - 2), "minor units: {text}");
    }
    let read = parsed.as_ref().ok().and_then(|a| reading!(*a));
    if let Some(expected) = json_number_token(text).and_then(|t| exact(t, 2)) {
        agrees(read, expected, "Amount from a JSON number", text);
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 2)) {
        agrees(read, expected, "Amount from a JSON string", text);
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
    let read = parsed.as_ref().ok().and_then(|a| reading!(*a));
    if json_number_token(text).and_then(|t| exact(t, 0)).is_some() {
        // A bare number is ambiguous between major and minor units: only strings are read.
        assert_eq!(read, None, "DecimalAmount read a JSON number: {text}");
    }
    if let Some(expected) = json_string(text).and_then(|s| exact(s.trim(), 0)) {
        agrees(read, expected, "DecimalAmount from a JSON string", text);
    }
}

/// `FromStr` of the three types (text to send): the exact reading when it has at most two
/// decimal places, and the rule broken named by kind.
fn check_from_str(text: &str) {
    let results = [
        text.parse::<Decimal2>().map(|a| a.minor_units()),
        text.parse::<Amount>().map(|a| a.minor_units()),
        text.parse::<DecimalAmount>().map(|a| a.minor_units()),
    ];
    for result in &results {
        let expected = match exact(text.trim(), 0) {
            None => Err(AmountErrorKind::Syntax),
            Some(Exact::Scaled { units, places: 2 }) => Ok(Some(units)),
            Some(Exact::Scaled { .. } | Exact::TooPrecise) => Err(AmountErrorKind::TooManyDecimals),
            Some(Exact::OutOfRange) => Err(AmountErrorKind::OutOfRange),
        };
        let got = result.as_ref().copied().map_err(|e| e.kind());
        // Beyond 18 places the reader may name either rule: both say "too many decimals".
        let same_family = matches!(
            (&got, &expected),
            (
                Err(AmountErrorKind::TooPrecise),
                Err(AmountErrorKind::TooManyDecimals)
            )
        );
        assert!(
            got == expected || same_family,
            "FromStr of {text:?}: {got:?} vs {expected:?}"
        );
        if let Err(error) = result {
            // No error repeats its input: it says the rule and nothing else.
            assert_eq!(error.to_string(), format!("amount {}", error.rule()));
            assert_eq!(
                format!("{error:?}"),
                format!(
                    "AmountError {{ kind: {:?}, rule: {:?} }}",
                    error.kind(),
                    error.rule()
                )
            );
        }
    }
    if let Ok(Some(minor)) = results[0] {
        let shown = Decimal2::from_minor_units(minor).to_string();
        assert_eq!(
            shown.parse::<Decimal2>().ok().and_then(|a| a.minor_units()),
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
