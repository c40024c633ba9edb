//! Developer chores for paybind (`cargo xtask <command>`): export the specs for other languages,
//! check the specs and everything derived from them, and prove the export usable from Python.

use std::path::{Path, PathBuf};

// The generator's bundling (the exported bundle is the document the clients are generated
// from), its one table of gateways, and its spec checks (check reports what the build would
// refuse), under the paths the rest of xtask names them by.
pub use paybind_codegen::{bundle, gateways, validate};
pub use paybind_codegen::{GatewayRow, Signing, GATEWAYS};

pub mod bench;
pub mod check;
pub mod convert;
pub mod cross;
pub mod docs_diff;
pub mod examples;
pub mod export;
pub mod fuzz;
pub mod spec_diff;
pub mod util;
pub mod wire;

/// Whether this runs under CI (`CI` set, and not to `false`, `0` or nothing, as CI services set
/// it). There, data a developer's machine may lack (the SGATE docs history in `../shared`, the
/// git history) must be present: its absence fails instead of skipping. (The same rule as
/// `paybind_test_support::in_ci` for the SDK's tests.)
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.join(".."))
}
