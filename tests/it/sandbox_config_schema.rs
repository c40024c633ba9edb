//! The sandbox config file and the fixtures format have JSON Schemas generated with schemars
//! from the types the sandbox reads them into; the committed copies must match, and each
//! schema and the sandbox must agree on what a file may say.
//!
//! After changing those types: `PAYBIND_BLESS=1 cargo test --test it sandbox_config_schema`
//! (never under CI, where a stale copy fails whatever `PAYBIND_BLESS` says).

use crate::common;

use paybind_sandbox::{config_file_schema, fixtures_schema, Sandbox, SandboxConfig, Storage};
use serde_json::{json, Value};

const COMMITTED: &str = "schema/sandbox/config.schema.json";
const COMMITTED_FIXTURES: &str = "schema/sandbox/fixtures.schema.json";

fn committed_path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
}

fn assert_committed(file: &str, schema: &Value) {
    let text = format!("{}\n", serde_json::to_string_pretty(schema).unwrap());
    let bless = std::env::var_os("PAYBIND_BLESS").is_some();
    if bless && common::in_ci() {
        eprintln!("PAYBIND_BLESS is ignored under CI: {file} is compared, not rewritten");
    } else if bless {
        std::fs::create_dir_all(committed_path(file).parent().unwrap()).unwrap();
        std::fs::write(committed_path(file), &text).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path(file)).unwrap_or_default();
    assert!(
        committed == text,
        "{file} is out of date: run `PAYBIND_BLESS=1 cargo test --test it sandbox_config_schema`"
    );
}

#[test]
fn the_committed_schema_is_up_to_date() {
    assert_committed(COMMITTED, &config_file_schema());
}

#[test]
fn the_committed_fixtures_schema_is_up_to_date() {
    assert_committed(COMMITTED_FIXTURES, &fixtures_schema());
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

fn example_fixtures() -> Value {
    json!({
        "balances": {"bluepay": 100, "sgate": {"SAR": "10.50"}},
        "rules": [{"kind": "qr", "outcome": "completed"}],
        "faults": [{"gateway": "bluepay", "operation": "*", "latency_ms": 1}],
        "settings": {"sgate_callback_url": "http://127.0.0.1:9/cb"},
        "orders": [{"name": "o", "kind": "qr", "mchOrderId": "SCHEMA1", "amount": 100, "status": "completed"}],
        "refunds": [{"order": "o", "mchRefundOrderId": "SCHEMARF1"}],
        "customers": [{"name": "c", "mercustomid": "schema-c", "ibanaccount": "SA4420000001234567891234"}],
        "payment_orders": [{"customer": "c", "payeeuid": "SCHEMAPAY1", "amount": "1.00", "paymentmethod": "bankTransfer"}],
        "payin_orders": [{"merchantOrderId": "SCHEMAPI1", "amount": "5.00", "status": "paid"}],
        "payin_refunds": [{"order": "SCHEMAPI1", "status": "failed"}]
    })
}

async fn sandbox_accepts_fixtures(fixtures: &Value) -> bool {
    Sandbox::start(SandboxConfig {
        fixtures: Some(fixtures.clone().into()),
        ..common::config()
    })
    .await
    .is_ok()
}

fn fixtures_schema_accepts(fixtures: &Value) -> bool {
    jsonschema::validator_for(&fixtures_schema())
        .expect("the schema compiles")
        .is_valid(fixtures)
}

#[tokio::test]
async fn schema_and_sandbox_agree_on_fixtures() {
    let good = example_fixtures();
    assert!(fixtures_schema_accepts(&good));
    assert!(sandbox_accepts_fixtures(&good).await);

    let mut unknown_field = example_fixtures();
    unknown_field["customers"][0]["nickname"] = json!("c");
    let mut bad_enum = example_fixtures();
    bad_enum["orders"][0]["kind"] = json!("cheque");
    let mut missing_amount = example_fixtures();
    missing_amount["orders"][0]
        .as_object_mut()
        .unwrap()
        .remove("amount");
    let mut bad_decimal = example_fixtures();
    bad_decimal["balances"]["sgate"]["SAR"] = json!("ten");
    let mut unknown_gateway = example_fixtures();
    unknown_gateway["orders"][0]["gateway"] = json!("sgate");
    let mut payin_state = example_fixtures();
    payin_state["payin_orders"][0]["status"] = json!("completed");
    let mut payin_decimals = example_fixtures();
    payin_decimals["payin_orders"][0]["amount"] = json!("5.001");
    for bad in [
        unknown_field,
        bad_enum,
        missing_amount,
        bad_decimal,
        unknown_gateway,
        payin_state,
        payin_decimals,
    ] {
        assert!(!fixtures_schema_accepts(&bad), "schema accepted {bad}");
        assert!(
            !sandbox_accepts_fixtures(&bad).await,
            "sandbox accepted {bad}"
        );
    }
}
