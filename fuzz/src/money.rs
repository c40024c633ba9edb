//! Money parsing: `Decimal2` (SGATE JSON numbers), `Amount` (minor units), `DecimalAmount`
//! (decimal strings), from JSON text, through a `serde_json::Value`, and from `FromStr`.
//!
//! Input: JSON text (or a plain decimal for `FromStr`). Oracle: parse → serialise → parse is
//! the identity on every path; JSON text and a Value read the same amount; a plain decimal
//! token is read exactly when it is representable (a textual canonical form computed without
//! paybind's parser), and refused when it is not.

use paybind::money::{Amount, Decimal2, DecimalAmount};
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
        "92233720368547758.07",
        "-92233720368547758.08",
        "92233720368547758.08",
        "1e400",
        "\"12,50\"",
        "5000.0",
        "5e3",
        "-1.01",
        "100.001",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// What an exact reader must make of a plain JSON number token `-?digits(.digits)?`, worked
/// out on the text alone: `Some(Some(text))` the shortest JSON number of the same value,
/// `Some(None)` not representable (more than two decimals, outside `i64` minor units), `None`
/// not a plain token.
fn expected_decimal2(token: &str) -> Option<Option<String>> {
    let (negative, unsigned) = match token.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || unsigned.ends_with('.') {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Some(None);
    }
    let whole = whole.trim_start_matches('0');
    let minor = format!("{whole}{fraction:0<2}");
    let minor = minor.trim_start_matches('0');
    // In range: |minor| ≤ 2^63 − 1 (2^63 when negative), compared as equal-length digit text.
    let limit = if negative {
        "9223372036854775808"
    } else {
        "9223372036854775807"
    };
    if minor.len() > limit.len() || (minor.len() == limit.len() && minor > limit) {
        return Some(None);
    }
    if minor.is_empty() {
        return Some(Some("0".into()));
    }
    let sign = if negative { "-" } else { "" };
    let whole = if whole.is_empty() { "0" } else { whole };
    let text = if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    };
    Some(Some(text))
}

fn check_decimal2(text: &str) {
    let parsed = serde_json::from_str::<Decimal2>(text);
    if let Ok(amount) = parsed {
        let written = serde_json::to_string(&amount).expect("serialises");
        let again: Decimal2 = serde_json::from_str(&written).expect("its own text parses");
        assert_eq!(again, amount, "{text} → {written} → another amount");
        let value: Value = serde_json::from_str(text).expect("accepted text is JSON");
        let via_value: Decimal2 = serde_json::from_value(value).expect("a Value reads too");
        assert_eq!(via_value, amount, "{text}: a Value read another amount");
    }
    let token = text.trim_matches([' ', '\t', '\n', '\r']);
    // serde_json refuses leading zeros in numbers; the oracle covers its accepted tokens.
    let json_token = !token.trim_start_matches('-').starts_with("0")
        || token.trim_start_matches('-').starts_with("0.")
        || token.trim_start_matches('-') == "0";
    if let (true, Some(expected)) = (json_token, expected_decimal2(token)) {
        let written = parsed
            .as_ref()
            .ok()
            .map(|a| serde_json::to_string(a).expect("json"));
        assert_eq!(written, expected, "{token}");
    }
}

fn check_amount(text: &str) {
    if let Ok(amount) = serde_json::from_str::<Amount>(text) {
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
    if let Ok(amount) = serde_json::from_str::<DecimalAmount>(text) {
        let written = serde_json::to_string(&amount).expect("serialises");
        assert_eq!(
            serde_json::from_str::<DecimalAmount>(&written).ok(),
            Some(amount),
            "{text}"
        );
    }
}

fn check_from_str(text: &str) {
    if let Ok(amount) = text.parse::<Decimal2>() {
        let shown = amount.to_string();
        assert_eq!(
            shown.parse::<Decimal2>().ok(),
            Some(amount),
            "{text} → {shown}"
        );
        assert_eq!(
            shown.parse::<Amount>().map(Amount::minor_units).ok(),
            Some(amount.minor_units())
        );
        assert_eq!(
            shown
                .parse::<DecimalAmount>()
                .map(DecimalAmount::minor_units)
                .ok(),
            Some(amount.minor_units())
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
    check_from_str(text);
}
