//! Developer chores for paybind (`cargo xtask <command>`): export the specs for other languages,
//! check the specs and everything derived from them, and prove the export usable from Python.

use std::path::{Path, PathBuf};

// The bundling code build.rs uses, so the exported bundle is the document the clients are
// generated from.
pub mod bench;
#[path = "../../build/bundle.rs"]
pub mod bundle;
pub mod check;
pub mod convert;
pub mod cross;
pub mod docs_diff;
pub mod examples;
pub mod export;
pub mod fuzz;
// The one table of gateways, shared with build.rs and the library.
#[path = "../../build/gateways.rs"]
pub mod gateways;
pub mod spec_diff;
pub mod util;
// The spec checks build.rs makes before generating, so check reports what the build would refuse.
#[path = "../../build/validate.rs"]
pub mod validate;
pub mod wire;

pub use gateways::{GatewayRow, Signing, GATEWAYS};

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.join(".."))
}
