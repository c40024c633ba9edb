//! The sandbox config file has a JSON Schema generated with schemars from the types the sandbox
//! reads it into; the committed copy must match, and the schema and the sandbox must agree on
//! what a config file may say.
//!
//! After changing those types: `PAYBIND_BLESS=1 cargo test --test it sandbox_config_schema`.

use crate::common;

use paybind_sandbox::{config_file_schema, Sandbox, SandboxConfig, Storage};
use serde_json::{json, Value};

const COMMITTED: &str = "schema/sandbox/config.schema.json";

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED)
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&config_file_schema()).unwrap()
    );
    if std::env::var_os("PAYBIND_BLESS").is_some() {
        std::fs::create_dir_all(committed_path().parent().unwrap()).unwrap();
        std::fs::write(committed_path(), &text).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == text,
        "{COMMITTED} is out of date: run `PAYBIND_BLESS=1 cargo test --test it sandbox_config_schema`"
    );
}

fn example_config() -> Value {
    json!({
        "faults": [
            {"gateway": "bluepay", "operation": "qr_code_create", "latency_ms": 250, "times": 2},
            {"gateway": "sgate", "operation": "*", "bad_signature": "corrupt"}
        ],
        "rules": [
            {"gateway": "bluepay", "kind": "payout", "amount_ends_with": "13", "outcome": "failed",
             "failed_code": -10004, "failed_message": "Transaction Channel Rejected"}
        ],
        "settings": {},
        "channels": {}
    })
}

async fn sandbox_accepts(config: &Value) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sandbox.json");
    std::fs::write(&file, config.to_string()).unwrap();
    Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(common::fixture_keys()),
        config_file: Some(file),
        ..SandboxConfig::default()
    })
    .await
    .is_ok()
}

fn schema_accepts(config: &Value) -> bool {
    jsonschema::validator_for(&config_file_schema())
        .expect("the schema compiles")
        .is_valid(config)
}

#[tokio::test]
async fn schema_and_sandbox_agree_on_config_files() {
    let good = example_config();
    assert!(schema_accepts(&good));
    assert!(sandbox_accepts(&good).await);

    let mut unknown_field = example_config();
    unknown_field["faults"][0]["latency"] = json!(5);
    let mut bad_enum = example_config();
    bad_enum["faults"][1]["bad_signature"] = json!("sometimes");
    let mut missing_outcome = example_config();
    missing_outcome["rules"][0]
        .as_object_mut()
        .unwrap()
        .remove("outcome");
    for bad in [unknown_field, bad_enum, missing_outcome] {
        assert!(!schema_accepts(&bad), "schema accepted {bad}");
        assert!(!sandbox_accepts(&bad).await, "sandbox accepted {bad}");
    }
}
