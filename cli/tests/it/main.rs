//! The `paybind` command line (this package's binary), run as a separate process: every subcommand's stdout, stderr and
//! exit code (0 ok, 1 gateway error, 2 usage/input error, 3 signature failure), its signatures
//! checked with the `openssl` command line, and `call` against local loopback gateways.
//!
//! One file per area: `help` (help, usage errors, operation lists), `keygen`, `bluepay_sign` and
//! `sgate_sign` (offline signing and verification), `mint` (notifications and callbacks minted
//! as the gateways send them), `call_bluepay` and `call_sgate` (`call`
//! against the loopback gateways in `gateway` and `sgate_gateway`), `call_payin` (SGATE Payin,
//! against its own stand-in), and `sandbox` (the
//! `sandbox` subcommand). The process helpers they share are here.

mod bluepay_sign;
mod call_bluepay;
mod call_payin;
mod call_sgate;
mod gateway;
mod help;
mod keygen;
mod mint;
mod sandbox;
mod sandbox_trigger;
mod sgate_gateway;
mod sgate_sign;

mod keygen_sizes;
mod limits;
mod refusals;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use paybind::envelope::HashAlgorithm;
use paybind::keys::PrivateKey;
use serde_json::{json, Value};

use paybind_test_support::openssl_ok;

const BIN: &str = env!("CARGO_BIN_EXE_paybind");

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(paybind_test_support::fixture(name))
}

/// The binary with `args`, no `PAYBIND_*` variable from the outside, `env` added, and `stdin`
/// piped in (or an empty stdin).
fn run(args: &[&str], env: &[(&str, String)], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(BIN);
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("PAYBIND_") {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run paybind");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("write stdin");
        }
    }
    child.wait_with_output().expect("paybind output")
}

/// `run` off the async runtime, so a test's in-process server keeps answering.
async fn run_async(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &env, None)
    })
    .await
    .expect("join")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The typed error on stderr.
fn stderr_error(out: &Output) -> Value {
    let value: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(value["error"]["exit_code"], json!(code(out)), "{value}");
    value["error"].clone()
}

fn assert_ok(out: &Output) {
    assert_eq!(
        code(out),
        0,
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is installed (.ci/run installs it)")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The SPKI PEM of a fixture private key, written into `dir`.
fn public_pem_of(private: &Path, dir: &Path) -> PathBuf {
    let out = dir.join(format!(
        "{}.pub.pem",
        private
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or("key")
    ));
    openssl_ok(&["pkey", "-in", s(private), "-pubout", "-out", s(&out)]);
    out
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("Base64")
}

/// Owned arguments for [`run_async`].
fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

/// `openssl dgst -verify` of a Base64 signature over `message`.
fn openssl_verifies(public_pem: &Path, digest: &str, message: &[u8], sign: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let msg = dir.path().join("message");
    let sig = dir.path().join("sig");
    std::fs::write(&msg, message).unwrap();
    std::fs::write(&sig, unb64(sign)).unwrap();
    let out = openssl(&[
        "dgst",
        digest,
        "-verify",
        s(public_pem),
        "-signature",
        s(&sig),
        s(&msg),
    ]);
    out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "Verified OK"
}
