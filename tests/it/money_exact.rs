//! Exactness of the money types: the issue's counterexamples, the gateways' number forms, the
//! error rules, and a round trip over the whole `i64` range of minor units.

use paybind::money::{Amount, Decimal2, DecimalAmount};
use serde_json::{json, Value};

/// Minor-unit values that stress the edges: zero, ±1, the `i64` ends, powers of ten and of two
/// (2^53 is where an f64 stops holding every integer), and the issue's counterexample.
fn edge_values() -> Vec<i64> {
    let mut values = vec![
        0,
        1,
        -1,
        5,
        10,
        99,
        100,
        101,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ];
    values.push(7_068_772_950_168_240);
    // Its f64 is halfway between …641.62 and …641.63: a `Value` re-spelt it (fuzz `money`).
    values.push(7_068_772_150_164_163);
    for power in 0..19 {
        let p = 10i64.pow(power);
        values.extend([p - 1, p, p + 1, -p]);
    }
    for bits in 40..63 {
        let p = 1i64 << bits;
        values.extend([p - 1, p, p + 1, -p, -(p + 1)]);
    }
    values
}

/// A deterministic spread over the whole range (xorshift; no seed to record).
fn spread(count: usize) -> impl Iterator<Item = i64> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    std::iter::repeat_with(move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Mix wide and narrow magnitudes: every few values keep only some low bits.
        let shift = (state % 64) as u32;
        (state as i64) >> (shift % 4 * 16)
    })
    .take(count)
}

fn all_values() -> impl Iterator<Item = i64> {
    edge_values().into_iter().chain(spread(50_000))
}

/// The issue's counterexample: through an f64, 70687729501682.41 came back as …682.4 (the f64
/// nearest to it prints shortest as …682.4), so the signed number changed.
#[test]
fn decimal2_issue_counterexample_70687729501682_41_keeps_its_last_cent() {
    for (text, minor) in [
        ("70687729501682.41", 7_068_772_950_168_241),
        ("70687729501682.4", 7_068_772_950_168_240),
    ] {
        let parsed: Decimal2 = serde_json::from_str(text).unwrap();
        assert_eq!(parsed.minor_units(), minor, "{text}");
        let written = serde_json::to_string(&parsed).unwrap();
        assert_eq!(written, text);
        assert_eq!(serde_json::from_str::<Decimal2>(&written).unwrap(), parsed);
    }
}

#[test]
fn decimal2_refuses_18_7500000000000001_naming_the_rule() {
    for text in [
        "18.7500000000000001",
        "\"18.7500000000000001\"",
        "18.751",
        "0.001",
    ] {
        let error = serde_json::from_str::<Decimal2>(text)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("amount must have at most 2 decimal places"),
            "{text}: {error}"
        );
    }
    let error = "18.7500000000000001".parse::<Decimal2>().unwrap_err();
    assert!(
        error.to_string().contains("at most 2 decimal places"),
        "{error}"
    );
}

#[test]
fn decimal2_round_trips_every_value_through_json_text() {
    for minor in all_values() {
        let amount = Decimal2::from_minor_units(minor);
        let text = serde_json::to_string(&amount).unwrap();
        let back: Decimal2 = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{minor}: {text} does not read back: {e}"));
        assert_eq!(back, amount, "{text}");
        assert!(!text.contains(['e', 'E', '"']), "{text}");
    }
}

/// The SGATE layer reads every body into a `serde_json::Value` (to encrypt, decrypt, validate);
/// the amount must survive that step too, in both directions.
#[test]
fn decimal2_round_trips_every_value_through_a_json_value() {
    for minor in all_values() {
        let amount = Decimal2::from_minor_units(minor);
        let body = serde_json::to_string(&json!({ "amount": amount })).unwrap();
        let value: Value = serde_json::from_str(&body).unwrap();
        let resent = serde_json::to_string(&value).unwrap();
        assert_eq!(resent, body, "a Value changed the amount's digits");
        let back: Decimal2 = serde_json::from_value(value["amount"].clone()).unwrap();
        assert_eq!(back, amount, "{body}");
    }
}

#[test]
fn amount_and_decimal_amount_round_trip_every_value() {
    for minor in all_values() {
        let amount = Amount::from_minor_units(minor);
        let text = serde_json::to_string(&amount).unwrap();
        assert_eq!(serde_json::from_str::<Amount>(&text).unwrap(), amount);
        let decimal = DecimalAmount::from_minor_units(minor);
        let text = serde_json::to_string(&decimal).unwrap();
        assert_eq!(
            serde_json::from_str::<DecimalAmount>(&text).unwrap(),
            decimal
        );
    }
}

#[test]
fn display_and_from_str_round_trip_every_value() {
    for minor in all_values() {
        let text = Decimal2::from_minor_units(minor).to_string();
        assert_eq!(
            text.parse::<Decimal2>().unwrap().minor_units(),
            minor,
            "{text}"
        );
        assert_eq!(
            text.parse::<Amount>().unwrap().minor_units(),
            minor,
            "{text}"
        );
        assert_eq!(
            text.parse::<DecimalAmount>().unwrap().minor_units(),
            minor,
            "{text}"
        );
    }
}

/// How SGATE writes amounts (reference/sgate.md: 2002, 18.75, 0.94, balance 999999, callback
/// 1600) and the other forms of the same values a JSON writer may produce.
#[test]
fn decimal2_reads_sgate_number_forms() {
    let cases: &[(&str, i64)] = &[
        ("2002", 200_200),
        ("18.75", 1875),
        ("17.81", 1781),
        ("0.94", 94),
        ("127.79", 12_779),
        ("999999", 99_999_900),
        ("1600", 160_000),
        ("1", 100),
        ("1.5", 150),
        ("1.50", 150),
        ("1.500", 150),
        ("\"1.50\"", 150),
        ("-0", 0),
        ("0.0", 0),
        ("1.875e1", 1875),
        ("1E2", 10_000),
        ("2.002E+3", 200_200),
        ("1875e-2", 1875),
        ("1.0E7", 1_000_000_000),
        ("92233720368547758.07", i64::MAX),
        ("-92233720368547758.08", i64::MIN),
    ];
    for (text, minor) in cases {
        let amount: Decimal2 = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(amount.minor_units(), *minor, "{text}");
    }
}

/// The same amounts inside a generated SGATE model, whose unknown members are kept through
/// `#[serde(flatten)]`, and through the `Value` step the SGATE layer takes.
#[cfg(feature = "sgate")]
#[test]
fn decimal2_in_generated_sgate_model_is_exact() {
    let body = r#"{"amount":70687729501682.41,"fee":0.94,"realamount":70687721501641.63,"x-future":1.50,"x-later":70687721501641.63}"#;
    let order: paybind::sgate::types::PaymentOrder = serde_json::from_str(body).unwrap();
    assert_eq!(
        order.amount.map(Decimal2::minor_units),
        Some(7_068_772_950_168_241)
    );
    assert_eq!(order.fee.map(Decimal2::minor_units), Some(94));
    assert_eq!(
        order.realamount.map(Decimal2::minor_units),
        Some(7_068_772_150_164_163)
    );
    // Not `serde_json::from_value`: it passes a kept unknown member through an f64, and
    // "x-later" came out …641.62.
    let via_value: paybind::sgate::types::PaymentOrder =
        paybind::money::from_value_exact(serde_json::from_str::<Value>(body).unwrap()).unwrap();
    assert_eq!(via_value, order);
    let via_value_written = serde_json::to_string(&via_value).unwrap();
    assert!(
        via_value_written.contains(r#""x-later":70687721501641.63"#),
        "{via_value_written}"
    );
    let written = serde_json::to_string(&order).unwrap();
    assert!(
        written.contains(r#""amount":70687729501682.41"#),
        "{written}"
    );
    assert!(written.contains(r#""x-future":1.50"#), "{written}");
    let refused = r#"{"amount":18.7500000000000001}"#;
    let error = serde_json::from_str::<paybind::sgate::types::PaymentOrder>(refused).unwrap_err();
    assert!(
        error.to_string().contains("at most 2 decimal places"),
        "{error}"
    );
}

#[test]
fn decimal2_refuses_what_is_not_exact_in_minor_units() {
    let cases: &[(&str, &str)] = &[
        ("1e400", "outside the 64-bit range"),
        ("92233720368547758.08", "outside the 64-bit range"),
        ("-92233720368547758.09", "outside the 64-bit range"),
        ("100000000000000000000", "outside the 64-bit range"),
        ("1e-400", "at most 2 decimal places"),
        ("1.8751e1", "at most 2 decimal places"),
        ("true", "amount must be a decimal number"),
        ("null", "amount must be a decimal number"),
        ("\"12,50\"", "amount must be a decimal number"),
        ("\"1.\"", "amount must be a decimal number"),
        ("\"1e2\"", "amount must be a decimal number"),
        ("\"NaN\"", "amount must be a decimal number"),
        ("\"inf\"", "amount must be a decimal number"),
        ("\"+1\"", "amount must be a decimal number"),
    ];
    for (text, rule) in cases {
        let error = serde_json::from_str::<Decimal2>(text)
            .map(|a| panic!("{text} was accepted as {a}"))
            .unwrap_err()
            .to_string();
        assert!(error.contains(rule), "{text}: {error}");
    }
}

/// BluePay: integer minor units (`50020`), quoted in some doc examples; the balance is the
/// decimal string `"10000.00"`, and JT's integer balance must not be read as major units.
#[test]
fn bluepay_amount_forms() {
    let amount = |text: &str| serde_json::from_str::<Amount>(text).map(Amount::minor_units);
    assert_eq!(amount("50020").unwrap(), 50_020);
    assert_eq!(amount("\"50020\"").unwrap(), 50_020);
    assert_eq!(amount("5e3").unwrap(), 5_000);
    assert_eq!(amount("5000.0").unwrap(), 5_000);
    let error = amount("500.20").unwrap_err().to_string();
    assert!(
        error.contains("amount must be a whole number of satang (minor units), e.g. 150"),
        "{error}"
    );
    let error = amount("9223372036854775808").unwrap_err().to_string();
    assert!(error.contains("outside the 64-bit range"), "{error}");

    let balance = |text: &str| serde_json::from_str::<DecimalAmount>(text);
    assert_eq!(balance("\"10000.00\"").unwrap().minor_units(), 1_000_000);
    let error = balance("3688").unwrap_err().to_string();
    assert!(error.contains("amount must be a decimal string"), "{error}");
    let error = balance("\"10000.001\"").unwrap_err().to_string();
    assert!(error.contains("at most 2 decimal places"), "{error}");
}

#[test]
fn an_error_repeats_a_bounded_part_of_the_input() {
    let long = format!("\"{}.123\"", "9".repeat(10_000));
    let error = serde_json::from_str::<Decimal2>(&long)
        .unwrap_err()
        .to_string();
    assert!(error.len() < 200, "{} bytes", error.len());
    let error = serde_json::from_str::<Decimal2>(r#"{"cardno":"4111111111111111"}"#)
        .unwrap_err()
        .to_string();
    assert!(!error.contains("4111"), "{error}");
}

/// Deserialisers other than serde_json's still work: serde's own value deserialisers answer
/// the money types' raw-text request with the value itself.
#[test]
fn money_types_read_from_serde_value_deserializers() {
    use serde::de::value::{
        Error, F64Deserializer, I64Deserializer, StrDeserializer, U64Deserializer,
    };
    use serde::Deserialize as _;
    let text = StrDeserializer::<Error>::new("18.75");
    assert_eq!(Decimal2::deserialize(text).unwrap().minor_units(), 1875);
    let text = StrDeserializer::<Error>::new("10000.00");
    assert_eq!(
        DecimalAmount::deserialize(text).unwrap().minor_units(),
        1_000_000
    );
    let whole = U64Deserializer::<Error>::new(50_020);
    assert_eq!(Amount::deserialize(whole).unwrap().minor_units(), 50_020);
    let negative = I64Deserializer::<Error>::new(-5);
    assert_eq!(Amount::deserialize(negative).unwrap().minor_units(), -5);
    let float = F64Deserializer::<Error>::new(0.5);
    assert_eq!(Decimal2::deserialize(float).unwrap().minor_units(), 50);
    let refused = StrDeserializer::<Error>::new("18.751");
    let error = Decimal2::deserialize(refused).unwrap_err().to_string();
    assert!(error.contains("at most 2 decimal places"), "{error}");
}
