//! Developer chores for paybind (`cargo xtask <command>`): export the specs for other languages,
//! check the specs and everything derived from them, and prove the export usable from Python.

use std::path::{Path, PathBuf};

// The bundling code build.rs uses, so the exported bundle is the document the clients are
// generated from.
#[path = "../../build/bundle.rs"]
pub mod bundle;
pub mod check;
pub mod convert;
pub mod cross;
pub mod examples;
pub mod export;
pub mod util;
pub mod wire;

/// How a gateway signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gateway {
    /// BluePay, BluePay JT: the signed `{appId, param, sign}` body.
    Envelope,
    /// SGATE: `V-*` signature headers.
    HeaderSigned,
}

/// One API with a spec under `openapi/`.
#[derive(Debug)]
pub struct Api {
    /// Directory name under `schema/` and `api` column of the error tables.
    pub name: &'static str,
    /// Spec file under `openapi/`.
    pub file: &'static str,
    pub gateway: Gateway,
}

pub const APIS: &[Api] = &[
    Api {
        name: "bluepay",
        file: "bluepay.yaml",
        gateway: Gateway::Envelope,
    },
    Api {
        name: "bluepay-jt",
        file: "bluepay-jt.yaml",
        gateway: Gateway::Envelope,
    },
    Api {
        name: "sgate-payout",
        file: "sgate-payout.yaml",
        gateway: Gateway::HeaderSigned,
    },
];

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.join(".."))
}
