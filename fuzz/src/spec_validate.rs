//! Spec validation: paybind's validator of request bodies against the bundled specs.
//!
//! Input: byte 0 picks the spec, byte 1 the component schema, the rest is JSON. Oracle: the
//! verdict is deterministic, an accepted value is accepted again after a serialise/parse
//! round trip, and a refusal names a field and a reason.

use paybind::spec::Spec;
use serde_json::Value;

fn specs() -> [&'static Spec; 3] {
    [
        paybind::bluepay::spec(),
        paybind::bluepay_jt::spec(),
        paybind::sgate::spec(),
    ]
}

fn schema_names(spec: &Spec) -> Vec<&str> {
    spec.document()
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Every component schema's `example`, addressed as the input does.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (s, spec) in specs().into_iter().enumerate() {
        for (n, name) in schema_names(spec).into_iter().enumerate().take(256) {
            let Some(example) = spec.schema(name).and_then(|schema| schema.get("example")) else {
                continue;
            };
            let mut seed = vec![s as u8, n as u8];
            seed.extend(serde_json::to_vec(example).expect("json"));
            seeds.push(seed);
        }
    }
    seeds
}

/// Validates `data`; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let [s, n, json @ ..] = data else {
        return;
    };
    let spec = specs()[usize::from(*s) % 3];
    let names = schema_names(spec);
    if names.is_empty() {
        return;
    }
    let name = names[usize::from(*n) % names.len()];
    let Ok(value) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let verdict = spec.validate(name, &value);
    assert_eq!(
        spec.validate(name, &value),
        verdict,
        "validation is not deterministic"
    );
    match verdict {
        Ok(()) => {
            let text = serde_json::to_string(&value).expect("serialises");
            let again: Value = serde_json::from_str(&text).expect("its own text parses");
            assert_eq!(
                spec.validate(name, &again),
                Ok(()),
                "{name}: accepted once, not twice"
            );
        }
        Err(error) => assert!(!error.reason.is_empty(), "a refusal without a reason"),
    }
}
