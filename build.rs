//! Generates paybind's clients from the hand-written specs under `openapi/` with the generator
//! of the workspace crate `paybind-codegen` (codegen/; its documentation lists what it writes):
//! for each gateway of its table whose Cargo feature is on, the bundled spec, the models and
//! the extras, and once the gateway table, all in `OUT_DIR`. tests/it/generated.rs snapshots
//! each file. A broken or missing spec fails the build with the file name and the JSON path of
//! the fault.

use std::path::PathBuf;

use paybind_codegen::GatewayRow;

fn main() {
    // The generator is a dependency: cargo rebuilds and reruns this script when it changes.
    println!("cargo:rerun-if-changed=build.rs");
    let openapi_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")).join("openapi");
    let out_dir = PathBuf::from(env("OUT_DIR"));
    println!("cargo:rerun-if-changed={}", openapi_dir.display());
    if let Ok(entries) = std::fs::read_dir(&openapi_dir) {
        for entry in entries.flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
    if let Err(message) = paybind_codegen::generate(&openapi_dir, &out_dir, feature_on) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("cargo sets {name} for build scripts"))
}

fn feature_on(gateway: &GatewayRow) -> bool {
    let feature = gateway.feature.to_uppercase().replace('-', "_");
    std::env::var_os(format!("CARGO_FEATURE_{feature}")).is_some()
}
