//! Every example in the envelope specs fits the generated models and the spec itself: request
//! examples serialise back to an equivalent `param`, response and notification examples
//! deserialise and keep every field, and each validates against its schema with both paybind's
//! validator (requests) and the independent `jsonschema` crate.

use crate::common;

use serde_json::Value;

type Roundtrip = fn(&str, Value) -> Option<Result<Value, serde_json::Error>>;

struct Checked {
    requests: usize,
    responses: usize,
    components: usize,
}

fn check_spec(name: &str, spec: &paybind::spec::Spec, roundtrip: Roundtrip) -> Checked {
    let doc = spec.document();
    let mut checked = Checked {
        requests: 0,
        responses: 0,
        components: 0,
    };
    let fits = |schema: &str, example: &Value, what: &str| {
        let errors = common::schema_errors(doc, schema, example);
        assert!(errors.is_empty(), "{name} {what}: {errors:?}");
        let back = roundtrip(schema, example.clone())
            .unwrap_or_else(|| panic!("{name} {what}: no model for {schema}"))
            .unwrap_or_else(|e| panic!("{name} {what}: does not decode: {e}"));
        let expected = common::without_nulls(example);
        assert!(
            same_modulo_spelling(&back, &expected),
            "{name} {what}: changed in the round trip\n  got: {back}\n want: {expected}"
        );
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        let op = &item["post"];
        let id = op["operationId"].as_str().unwrap();
        let reference = |p: &str| {
            op.pointer(p)
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap().to_string())
        };
        if let (Some(schema), Some(example)) = (
            reference("/requestBody/content/application~1json/schema/$ref"),
            op.pointer("/requestBody/content/application~1json/example"),
        ) {
            spec.validate(&schema, example)
                .unwrap_or_else(|e| panic!("{name} {id} {path}: request example: {e}"));
            fits(&schema, example, &format!("{id} request example"));
            checked.requests += 1;
        }
        if let (Some(schema), Some(example)) = (
            reference("/responses/200/content/application~1json/schema/$ref"),
            op.pointer("/responses/200/content/application~1json/example"),
        ) {
            fits(&schema, example, &format!("{id} response example"));
            checked.responses += 1;
        }
    }
    for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
        if body["type"] == "object" && !body["example"].is_null() {
            fits(
                schema,
                &body["example"],
                &format!("component {schema} example"),
            );
            checked.components += 1;
        }
    }
    checked
}

#[test]
fn bluepay_examples_round_trip() {
    let checked = check_spec(
        "bluepay",
        paybind::bluepay::spec(),
        paybind::bluepay::roundtrip_schema,
    );
    assert_eq!(checked.requests, 17, "one request example per operation");
    assert!(checked.responses >= 4, "{}", checked.responses);
    assert!(checked.components >= 6, "{}", checked.components);
}

#[cfg(feature = "bluepay-jt")]
#[test]
fn bluepay_jt_examples_round_trip() {
    let checked = check_spec(
        "bluepay-jt",
        paybind::bluepay_jt::spec(),
        paybind::bluepay_jt::roundtrip_schema,
    );
    assert_eq!(checked.requests, 12, "one request example per operation");
    assert!(checked.components >= 6, "{}", checked.components);
}

#[test]
fn every_request_example_is_valid_and_every_operation_has_one() {
    for op in paybind::bluepay::operations() {
        assert!(op.body_schema.is_some(), "{}", op.id);
        assert!(!op.summary.is_empty(), "{}", op.id);
    }
}

/// Equal, except that a received enum value the spec lists in two spellings (`Closed` and
/// `CLOSED`) comes back in the spelling paybind sends.
fn same_modulo_spelling(a: &Value, b: &Value) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y || fold(x) == fold(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_modulo_spelling(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_modulo_spelling(v, w)))
        }
        _ => a == b,
    }
}
