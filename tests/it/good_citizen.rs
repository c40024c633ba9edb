//! paybind leaves the program it is built into as it found it: serde_json, shared with the
//! merchant's own code, keeps its default behaviour with every paybind feature on (this test
//! binary builds paybind with all of them). Each assertion fails under serde_json's
//! `arbitrary_precision` or `preserve_order`, which paybind once switched on for everyone.

use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize, PartialEq)]
struct Priced {
    name: String,
    #[serde(flatten)]
    price: Price,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Price {
    price: f64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum Quantity {
    Count(u64),
    Weight(f64),
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "kind")]
enum Measure {
    Weight { kg: f64 },
}

#[test]
fn a_float_in_a_flattened_untagged_or_tagged_type_parses() {
    let priced: Priced = serde_json::from_str(r#"{"name":"Mango","price":12.5}"#).unwrap();
    assert_eq!(priced.price.price, 12.5);
    let weight: Quantity = serde_json::from_str("1.25").unwrap();
    assert_eq!(weight, Quantity::Weight(1.25));
    let measure: Measure = serde_json::from_str(r#"{"kind":"Weight","kg":0.5}"#).unwrap();
    assert_eq!(measure, Measure::Weight { kg: 0.5 });
}

#[test]
fn json_values_compare_by_value_and_keep_their_keys_sorted() {
    let a: Value = serde_json::from_str("1.50").unwrap();
    let b: Value = serde_json::from_str("1.5").unwrap();
    assert_eq!(a, b);
    // Canonical JSON a merchant signs for another provider from a `Value`: sorted keys.
    let value: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
    assert_eq!(value.to_string(), r#"{"a":2,"b":1}"#);
    assert_eq!(json!({"z": 1, "m": 2}).to_string(), r#"{"m":2,"z":1}"#);
}
