//! `paybind sandbox`: the local simulator of BluePay, BluePay JT and SGATE on 127.0.0.1. Prints
//! one JSON line — where each gateway is, the credentials it accepts, its key files and the
//! `PAYBIND_*` variables that point `paybind call` at it (and the admin API's token) — then
//! serves until stopped. Keys are generated once and kept in a directory (beside the data
//! file, or a per-user cache directory with `--memory`), so later starts are quick.

use paybind_sandbox::{Gateway, Sandbox, SandboxConfig, Storage};
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
    config.key_bits = args.key_bits.bits();
    config.keys_dir = match (&args.keys_dir, args.memory) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => Some(cached_keys_dir(config.key_bits)),
        (None, false) => None,
    };
    config.config_file = args.config.clone();
    config
}

/// Where `--memory` keeps its keys: `$XDG_CACHE_HOME/paybind/sandbox-keys-{bits}`, else
/// `~/.cache/...`, else the temporary directory (keys of a local simulator, not secrets of
/// anyone's; files are owner-only).
fn cached_keys_dir(bits: usize) -> std::path::PathBuf {
    let name = format!("sandbox-keys-{bits}");
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| std::path::PathBuf::from(home).join(".cache"))
        });
    match cache {
        Some(dir) => dir.join("paybind").join(name),
        None => std::env::temp_dir().join(format!("paybind-{name}")),
    }
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
    set("PAYBIND_SANDBOX_ADMIN_URL", Some(sandbox.admin_url()));
    set(
        "PAYBIND_SANDBOX_ADMIN_TOKEN",
        Some(sandbox.admin_token().to_string()),
    );
    json!({
        "base_url": sandbox.base_url(),
        "bluepay_url": sandbox.bluepay_url(),
        "bluepay_jt_url": sandbox.bluepay_jt_url(),
        "sgate_url": sandbox.sgate_url(),
        "admin_url": sandbox.admin_url(),
        "root_urls": Gateway::ALL
            .iter()
            .map(|g| (g.id().to_string(), json!(sandbox.root_url(*g))))
            .collect::<Map<String, Value>>(),
        "admin_token": sandbox.admin_token(),
        "dashboard_url": sandbox.dashboard_url(),
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
    print_json(&describe(&sandbox), pretty);
    sandbox.wait().await;
    Ok(())
}
