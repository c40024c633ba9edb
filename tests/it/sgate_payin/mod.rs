//! SGATE Payin, the HMAC-signed gateway, over real loopback HTTP against a stand-in of its API
//! (`stub`; the sandbox's Payin has tests of its own, `sandbox_sgate_payin`): its signature
//! against the docs' own Node example (`signing`), its client (`client`), its callbacks,
//! believed only through the order the API returns (`callbacks`), and its payment links
//! against the docs' page (`links`).

mod callbacks;
mod client;
mod links;
mod signing;
mod stub;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// `tests/fixtures/sgate-payin`: the docs' pages and the JavaScript the oracles run.
fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sgate-payin")
}

/// What the fixture script `script` prints (JSON) for `input` on its standard input, run by
/// `node`, which is required: the browser tests need it too, and CI installs it.
fn run_node(script: &str, input: &Value) -> Value {
    let mut child = Command::new("node")
        .arg(fixtures().join(script))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`node` runs (it is installed with the browser tests' tooling)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node {script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}
