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
    assert_eq!(checked.requests, 13, "one request example per operation");
    assert!(checked.components >= 6, "{}", checked.components);
}

/// From the operation table (not the spec walk above): every operation has a summary and a
/// request example, the example passes paybind's validator and the independent `jsonschema`
/// crate, and the same example without one of its required members fails both.
#[test]
fn every_request_example_is_valid_and_every_operation_has_one() {
    let mut gateways = vec![(
        "bluepay",
        paybind::bluepay::spec(),
        paybind::bluepay::operations(),
    )];
    #[cfg(feature = "bluepay-jt")]
    gateways.push((
        "bluepay-jt",
        paybind::bluepay_jt::spec(),
        paybind::bluepay_jt::operations(),
    ));
    for (name, spec, operations) in gateways {
        assert!(!operations.is_empty(), "{name}");
        for op in operations {
            assert!(!op.summary.is_empty(), "{name} {}", op.id);
            let schema = op
                .body_schema
                .unwrap_or_else(|| panic!("{name} {}: no request body", op.id));
            let example = common::request_example(spec, op);
            spec.validate(schema, &example)
                .unwrap_or_else(|e| panic!("{name} {}: paybind refuses the example: {e}", op.id));
            let errors = common::schema_errors(spec.document(), schema, &example);
            assert!(errors.is_empty(), "{name} {}: {errors:?}", op.id);

            let required = &spec.document()["components"]["schemas"][schema]["required"];
            let Some(first) = required.as_array().and_then(|r| r.first()) else {
                continue;
            };
            let first = first.as_str().unwrap();
            let mut broken = example.clone();
            broken.as_object_mut().unwrap().remove(first);
            assert!(
                spec.validate(schema, &broken).is_err(),
                "{name} {}: paybind accepts the example without {first}",
                op.id
            );
            assert!(
                !common::schema_errors(spec.document(), schema, &broken).is_empty(),
                "{name} {}: jsonschema accepts the example without {first}",
                op.id
            );
        }
    }
}

/// Enum values the docs spell two ways, as (received spelling, the spelling paybind keeps):
/// BluePay JT's `TicketStatus` tables say `CLOSED`, its notification example sends `Closed`
/// (`x-decision` in `openapi/bluepay-jt.yaml`). Nothing else is folded.
const TWO_SPELLINGS: &[(&str, &str)] = &[("Closed", "CLOSED")];

/// Equal, except that a value of [`TWO_SPELLINGS`] may come back in the spelling paybind keeps.
pub(crate) fn same_modulo_spelling(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::String(x), Value::String(y)) => {
            x == y
                || TWO_SPELLINGS
                    .iter()
                    .any(|(received, kept)| y == received && x == kept)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_modulo_spelling(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_modulo_spelling(v, w)))
        }
        _ => got == want,
    }
}

#[test]
fn the_comparison_folds_only_the_listed_spellings() {
    use serde_json::json;
    assert!(same_modulo_spelling(&json!("CLOSED"), &json!("Closed")));
    assert!(same_modulo_spelling(
        &json!({"a": ["x"]}),
        &json!({"a": ["x"]})
    ));
    for (got, want) in [
        (json!("1000000"), json!("10000.00")),
        (json!("closed"), json!("Closed")),
        (json!("PENDING"), json!("Pending")),
        (json!("2022-11-28 22:10:10"), json!("20221128221010")),
        (json!({"a": 1}), json!({"a": 1, "b": null})),
    ] {
        assert!(!same_modulo_spelling(&got, &want), "{got} == {want}");
    }
}
