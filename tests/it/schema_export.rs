//! The committed export under `schema/` (`cargo xtask export`) agrees with what paybind is built
//! from: each exported bundle is the very document build.rs generated the client from, and
//! every documented example is accepted both by the exported JSON Schema (checked by the
//! independent `jsonschema` crate) and by the generated Rust model.

use serde_json::Value;

type Roundtrip = fn(&str, Value) -> Option<Result<Value, serde_json::Error>>;

fn read_json(path: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask export`)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check_api(api: &str, spec: &paybind::spec::Spec, roundtrip: Roundtrip) {
    assert!(
        read_json(&format!("schema/{api}/openapi.json")) == *spec.document(),
        "schema/{api}/openapi.json is not the bundled spec paybind is built from (run `cargo xtask export`)"
    );

    let models = read_json(&format!("schema/{api}/models.schema.json"));
    let examples = read_json(&format!("schema/{api}/examples.json"));
    let mut decoded = 0;
    for entry in examples["examples"].as_array().unwrap() {
        let name = entry["schema"].as_str().unwrap();
        let at = entry["at"].as_str().unwrap();
        let value = &entry["value"];

        let mut root = models.clone();
        root["$ref"] = Value::String(format!("#/$defs/{name}"));
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{api} $defs/{name} does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{api} {at}: the exported JSON Schema refuses it: {errors:?}"
        );

        if let Some(result) = roundtrip(name, value.clone()) {
            result.unwrap_or_else(|e| panic!("{api} {at}: the Rust model {name} refuses it: {e}"));
            decoded += 1;
        }
    }
    assert!(
        decoded >= 10,
        "{api}: only {decoded} examples had a Rust model"
    );
}

#[test]
fn bluepay_export_agrees_with_the_crate() {
    check_api(
        "bluepay",
        paybind::bluepay::spec(),
        paybind::bluepay::roundtrip_schema,
    );
}

#[cfg(feature = "bluepay-jt")]
#[test]
fn bluepay_jt_export_agrees_with_the_crate() {
    check_api(
        "bluepay-jt",
        paybind::bluepay_jt::spec(),
        paybind::bluepay_jt::roundtrip_schema,
    );
}

#[cfg(feature = "sgate")]
#[test]
fn sgate_export_agrees_with_the_crate() {
    check_api(
        "sgate-payout",
        paybind::sgate::spec(),
        paybind::sgate::roundtrip_schema,
    );
}
