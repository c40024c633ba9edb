//! The insta snapshots against the generated code, and the sandbox's committed JSON Schemas
//! (`schema/sandbox/`: config file and fixtures) against the types the sandbox reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{problem, Problem};

/// Runs the snapshot tests without letting insta write anything: a snapshot that differs from
/// the generated code fails them.
pub fn check_snapshots(root: &Path) -> Result<Vec<Problem>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The snapshot tests are the modules `generated` (every file build.rs writes), `snapshots`
    // and `sgate_snapshots` (the bytes sent) of the one integration-test binary `it`; the two
    // filters select all three. `sandbox_config_schema` compares schema/sandbox/ with the
    // schemas schemars makes of the sandbox's types (it never writes without PAYBIND_BLESS).
    let args = [
        "test",
        "--locked",
        "--all-features",
        "--test",
        "it",
        "--",
        "generated::",
        "snapshots::",
        "sandbox_config_schema::",
    ];
    eprintln!("xtask check: cargo {} (INSTA_UPDATE=no)", args.join(" "));
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(args)
        .env("INSTA_UPDATE", "no")
        .env("RUST_BACKTRACE", "0")
        .env_remove("INSTA_FORCE_PASS")
        .env_remove("INSTA_FORCE_UPDATE")
        .env_remove("PAYBIND_BLESS")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", PathBuf::from(&cargo).display()))?;
    if status.success() {
        return Ok(Vec::new());
    }
    Ok(vec![problem(
        "tests/it/snapshots",
        "",
        format!(
            "the snapshot tests fail ({status}; their output is above): the snapshots are out of date with the generated code (review with `cargo insta review`), schema/sandbox/ is out of date with the sandbox's types (`PAYBIND_BLESS=1 cargo test --all-features --test it sandbox_config_schema`), or the tests are broken"
        ),
    )])
}
