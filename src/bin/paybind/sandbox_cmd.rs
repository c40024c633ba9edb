//! `paybind sandbox`: the local simulator of BluePay, BluePay JT and SGATE on 127.0.0.1. Prints
//! one JSON line — where each gateway is, the credentials it accepts, its key files and the
//! `PAYBIND_*` variables that point `paybind call` at it — then serves until stopped.

use paybind::sandbox::{Sandbox, SandboxConfig, Storage};
use serde_json::{json, Map, Value};

use crate::output::{chain, print_json, CliError};
use crate::SandboxArgs;

/// The sandbox's settings from the arguments.
fn config(args: &SandboxArgs) -> SandboxConfig {
    let mut config = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    };
    if args.memory {
        config.storage = Storage::Memory;
    } else if let Some(data) = &args.data {
        config.storage = Storage::File(data.clone());
    }
    if let Some(dir) = &args.keys_dir {
        config.keys_dir = Some(dir.clone());
    }
    config.key_bits = args.key_bits.bits();
    config.config_file = args.config.clone();
    config
}

/// Where the sandbox is and how to reach it. No key material, only key file paths.
fn describe(sandbox: &Sandbox) -> Value {
    let file = |role: &str| {
        sandbox
            .key_paths()
            .iter()
            .find(|k| k.role == role)
            .map(|k| k.path.display().to_string())
    };
    let keys: Map<String, Value> = sandbox
        .key_paths()
        .iter()
        .map(|k| (k.role.clone(), Value::String(k.path.display().to_string())))
        .collect();
    let mut env = Map::new();
    let mut set = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            env.insert(name.to_string(), Value::String(value));
        }
    };
    set("PAYBIND_BLUEPAY_URL", Some(sandbox.bluepay_url()));
    set(
        "PAYBIND_BLUEPAY_APP_ID",
        Some(sandbox.bluepay_app_id().to_string()),
    );
    set(
        "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE",
        file("bluepay-merchant-private"),
    );
    set("PAYBIND_BLUEPAY_JT_URL", Some(sandbox.bluepay_jt_url()));
    set(
        "PAYBIND_BLUEPAY_JT_APP_ID",
        Some(sandbox.bluepay_jt_app_id().to_string()),
    );
    set(
        "PAYBIND_BLUEPAY_JT_PRIVATE_KEY_FILE",
        file("bluepay-merchant-private"),
    );
    set("PAYBIND_SGATE_URL", Some(sandbox.sgate_url()));
    set(
        "PAYBIND_SGATE_API_KEY",
        Some(sandbox.sgate_api_key().to_string()),
    );
    set(
        "PAYBIND_SGATE_PRIVATE_KEY_FILE",
        file("sgate-merchant-private"),
    );
    set(
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
        file("sgate-system-public"),
    );
    json!({
        "base_url": sandbox.base_url(),
        "bluepay_url": sandbox.bluepay_url(),
        "bluepay_jt_url": sandbox.bluepay_jt_url(),
        "sgate_url": sandbox.sgate_url(),
        "admin_url": sandbox.admin_url(),
        "bluepay_app_id": sandbox.bluepay_app_id(),
        "bluepay_jt_app_id": sandbox.bluepay_jt_app_id(),
        "sgate_api_key": sandbox.sgate_api_key(),
        "key_files": keys,
        "env": env,
    })
}

pub async fn run(args: &SandboxArgs, pretty: bool) -> Result<(), CliError> {
    let sandbox = Sandbox::start(config(args)).await.map_err(|e| {
        CliError::input(
            "sandbox",
            format!("the sandbox did not start: {}", chain(&e)),
        )
    })?;
    let mut description = describe(&sandbox);
    if sandbox.key_paths().is_empty() {
        description["note"] = Value::String(
            "the keys live in memory only: pass --keys-dir DIR to use the sandbox with paybind call"
                .into(),
        );
    }
    print_json(&description, pretty);
    sandbox.wait().await;
    Ok(())
}
