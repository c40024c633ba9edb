//! Exactness of the money types: the issue's counterexamples, the gateways' number forms, the
//! error rules, and a round trip over the whole `i64` range of minor units.

use paybind::money::{Amount, Decimal2, DecimalAmount};
use serde_json::json;

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
        assert_eq!(parsed.minor_units(), Some(minor), "{text}");
        let written = serde_json::to_string(&parsed).unwrap();
        assert_eq!(written, text);
        assert_eq!(serde_json::from_str::<Decimal2>(&written).unwrap(), parsed);
    }
}

/// Received amounts keep every decimal place (SGATE pays KWD in fils); what a program parses
/// to send keeps the two places the docs allow.
#[test]
fn decimal2_reads_every_received_decimal_and_refuses_it_to_send() {
    for (text, shown, places) in [
        ("18.7500000000000001", "18.7500000000000001", 16),
        ("\"18.7500000000000001\"", "18.7500000000000001", 16),
        ("18.751", "18.751", 3),
        ("1.234", "1.234", 3),
        ("0.001", "0.001", 3),
        ("18.750", "18.75", 2),
    ] {
        let amount: Decimal2 = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(amount.to_string(), shown, "{text}");
        assert_eq!(amount.decimal_places(), places, "{text}");
        let written = serde_json::to_string(&amount).unwrap();
        assert_eq!(serde_json::from_str::<Decimal2>(&written).unwrap(), amount);
    }
    let kwd: Decimal2 = serde_json::from_str("1.234").unwrap();
    assert_eq!(kwd.to_scaled(3), Some(1234));
    assert_eq!(
        kwd.minor_units(),
        None,
        "1.234 is no whole number of hundredths"
    );
    assert_eq!(serde_json::to_string(&kwd).unwrap(), "1.234");
    let error = "18.7500000000000001".parse::<Decimal2>().unwrap_err();
    assert!(
        error.to_string().contains("at most 2 decimal places"),
        "{error}"
    );
    assert!("1.234".parse::<Decimal2>().is_err());
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

/// A program's own `serde_json::Value` holds a float as an `f64` (paybind switches no
/// serde_json feature on): up to 15 significant digits, an amount read out of it is exact.
#[test]
fn decimal2_reads_exactly_out_of_a_json_value_up_to_15_significant_digits() {
    for minor in all_values().filter(|m| m.unsigned_abs() < 1_000_000_000_000_000) {
        let amount = Decimal2::from_minor_units(minor);
        let value = json!({ "amount": amount });
        let back: Decimal2 = serde_json::from_value(value["amount"].clone()).unwrap();
        assert_eq!(back, amount, "{value}");
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
            Some(minor),
            "{text}"
        );
        assert_eq!(
            text.parse::<Amount>().unwrap().minor_units(),
            Some(minor),
            "{text}"
        );
        assert_eq!(
            text.parse::<DecimalAmount>().unwrap().minor_units(),
            Some(minor),
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
        assert_eq!(amount.minor_units(), Some(*minor), "{text}");
    }
}

/// SGATE pays KWD, whose minor unit (the fils) has three decimal places.
#[test]
fn decimal2_reads_kwd_fils() {
    for (text, fils) in [
        ("1.234", 1234),
        ("0.005", 5),
        ("1000.250", 1_000_250),
        ("2", 2000),
    ] {
        let amount: Decimal2 = serde_json::from_str(text).unwrap();
        assert_eq!(amount.to_scaled(3), Some(fils), "{text}");
        assert_eq!(Decimal2::from_scaled(fils, 3), Some(amount), "{text}");
    }
    let a: Decimal2 = serde_json::from_str("1.234").unwrap();
    let b: Decimal2 = serde_json::from_str("1.23").unwrap();
    assert!(a > b);
    assert_eq!(format!("{a:?}"), "Decimal2(1.234)");
}

/// Amounts inside a generated SGATE model, whose unknown members are kept through
/// `#[serde(flatten)]`. serde buffers such a model's members as `f64`s before they reach the
/// money types, so straight from serde_json it is exact up to 15 significant digits; paybind's
/// own decoding of answers, notifications and callbacks is exact at any size (tests
/// `received_money`).
#[cfg(feature = "sgate")]
#[test]
fn decimal2_in_generated_sgate_model_is_exact() {
    let body = r#"{"amount":7068772950168.41,"fee":0.94,"realamount":1.234,"x-future":1.50}"#;
    let order: paybind::sgate::types::PaymentOrder = serde_json::from_str(body).unwrap();
    assert_eq!(
        order.amount.and_then(Decimal2::minor_units),
        Some(706_877_295_016_841)
    );
    assert_eq!(order.fee.and_then(Decimal2::minor_units), Some(94));
    assert_eq!(order.realamount.and_then(|a| a.to_scaled(3)), Some(1234));
    let written = serde_json::to_string(&order).unwrap();
    assert!(
        written.contains(r#""amount":7068772950168.41"#),
        "{written}"
    );
    assert!(written.contains(r#""realamount":1.234"#), "{written}");
    assert_eq!(order.extra["x-future"], json!(1.5));
}

#[test]
fn decimal2_refuses_what_is_not_exact_in_minor_units() {
    let cases: &[(&str, &str)] = &[
        ("1e400", "outside the 64-bit range"),
        ("92233720368547758.08", "outside the 64-bit range"),
        ("-92233720368547758.09", "outside the 64-bit range"),
        ("100000000000000000000", "outside the 64-bit range"),
        ("1e-400", "beyond the 18th decimal place"),
        ("1.0000000000000000001", "beyond the 18th decimal place"),
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
    assert_eq!(amount("50020").unwrap(), Some(50_020));
    assert_eq!(amount("\"50020\"").unwrap(), Some(50_020));
    assert_eq!(amount("5e3").unwrap(), Some(5_000));
    assert_eq!(amount("5000.0").unwrap(), Some(5_000));
    // A fraction of a satang a gateway sends is kept, not refused.
    let received: Amount = serde_json::from_str("500.5").unwrap();
    assert_eq!(received.to_scaled(3), Some(5005));
    assert_eq!(serde_json::to_string(&received).unwrap(), "500.5");
    let error = amount("true").unwrap_err().to_string();
    assert!(
        error.contains("amount must be a whole number of satang (minor units), e.g. 150"),
        "{error}"
    );
    let error = amount("9223372036854775808").unwrap_err().to_string();
    assert!(error.contains("outside the 64-bit range"), "{error}");

    let balance = |text: &str| serde_json::from_str::<DecimalAmount>(text);
    assert_eq!(
        balance("\"10000.00\"").unwrap().minor_units(),
        Some(1_000_000)
    );
    let error = balance("3688").unwrap_err().to_string();
    assert!(error.contains("amount must be a decimal string"), "{error}");
    assert_eq!(balance("\"10000.001\"").unwrap().to_string(), "10000.001");
    let error = "10000.001"
        .parse::<DecimalAmount>()
        .unwrap_err()
        .to_string();
    assert!(error.contains("at most 2 decimal places"), "{error}");
}

#[test]
fn an_error_never_repeats_the_input() {
    let long = format!("\"{}.123\"", "9".repeat(10_000));
    let error = serde_json::from_str::<Decimal2>(&long)
        .unwrap_err()
        .to_string();
    assert!(!error.contains("999"), "{error}");
    let error = serde_json::from_str::<Decimal2>("\"4111111111111111x\"")
        .unwrap_err()
        .to_string();
    assert!(!error.contains("4111"), "{error}");
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
    assert_eq!(
        Decimal2::deserialize(text).unwrap().minor_units(),
        Some(1875)
    );
    let text = StrDeserializer::<Error>::new("10000.00");
    assert_eq!(
        DecimalAmount::deserialize(text).unwrap().minor_units(),
        Some(1_000_000)
    );
    let whole = U64Deserializer::<Error>::new(50_020);
    assert_eq!(
        Amount::deserialize(whole).unwrap().minor_units(),
        Some(50_020)
    );
    let negative = I64Deserializer::<Error>::new(-5);
    assert_eq!(
        Amount::deserialize(negative).unwrap().minor_units(),
        Some(-5)
    );
    let float = F64Deserializer::<Error>::new(0.5);
    assert_eq!(
        Decimal2::deserialize(float).unwrap().minor_units(),
        Some(50)
    );
    let received = StrDeserializer::<Error>::new("18.751");
    assert_eq!(
        Decimal2::deserialize(received).unwrap().to_string(),
        "18.751"
    );
    let refused = StrDeserializer::<Error>::new("18,75");
    let error = Decimal2::deserialize(refused).unwrap_err().to_string();
    assert!(error.contains("must be a decimal number"), "{error}");
}

#[test]
fn every_money_type_reads_its_documented_text_with_try_from() {
    assert_eq!(
        Decimal2::try_from("18.75").unwrap(),
        Decimal2::from_minor_units(1875)
    );
    assert_eq!(
        DecimalAmount::try_from(String::from("10000.00")).unwrap(),
        DecimalAmount::from_minor_units(1_000_000)
    );
    assert_eq!(Amount::try_from("500.20").unwrap(), Amount::from(50020));
    // The same rule as parsing: what is sent has at most two decimal places, and the error
    // names the rule without the value.
    let error = Decimal2::try_from("18.755").unwrap_err();
    assert!(!error.to_string().contains("18.755"), "{error}");
    assert!(Amount::try_from("lots").is_err());
    // Debug and Display agree, in major units with every digit.
    let received: Decimal2 = serde_json::from_str("1.234").unwrap();
    assert_eq!(format!("{received:?} {received}"), "Decimal2(1.234) 1.234");
}
