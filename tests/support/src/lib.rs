//! Helpers shared by paybind's test suites (the SDK's in `tests/it`, the command line's in
//! `cli/tests`): the fixture keys, the sandbox as the tests start it, the `openssl` command line as an independent implementation
//! to check signatures against, and a raw loopback server. Not published.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use paybind::keys::PrivateKey;
use paybind_sandbox::{NotifyPolicy, Sandbox, SandboxConfig, SandboxKeys, Storage};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Whether the tests run under CI (`CI` set, and not to `false`, `0` or nothing, as CI services
/// set it): there, nothing is skipped for want of data and nothing committed is rewritten.
/// (The same rule as `xtask::in_ci`.)
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
}

/// The path of `tests/fixtures/{name}`.
pub fn fixture(name: &str) -> String {
    format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fixture key, parsed once per test run: a parse runs aws-lc's RSA key check (C built at -O0
/// in a debug build), and nearly every test starts a sandbox with four of these keys.
pub fn key(name: &str) -> PrivateKey {
    static PARSED: Mutex<BTreeMap<String, PrivateKey>> = Mutex::new(BTreeMap::new());
    let mut parsed = PARSED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    parsed
        .entry(name.to_owned())
        .or_insert_with(|| PrivateKey::from_file(fixture(name)).expect("fixture key"))
        .clone()
}

/// The fixture keys (generating four RSA keys per test would be slow in debug builds).
pub fn fixture_keys() -> SandboxKeys {
    SandboxKeys {
        bluepay_merchant: key("merchant-2048.pem"),
        bluepay_gateway: key("gateway-2048.pem"),
        sgate_merchant: key("sgate-merchant-2048.pem"),
        sgate_system: key("sgate-system-2048.pem"),
    }
}

/// A sandbox config for tests: in memory, fixture keys, fast automatic outcomes and retries.
pub fn config() -> SandboxConfig {
    SandboxConfig {
        storage: Storage::Memory,
        keys: Some(fixture_keys()),
        auto_delay: Duration::from_millis(50),
        notify: NotifyPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(400),
            timeout: Duration::from_secs(5),
        },
        ..SandboxConfig::default()
    }
}

pub async fn sandbox() -> Sandbox {
    Sandbox::start(config()).await.expect("sandbox starts")
}

/// The public key of the fixture private key `name`, written by `openssl pkey -pubout` into
/// `dir`.
pub fn openssl_public_pem(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let public = dir.join(format!("{name}.pub.pem"));
    let public_text = public.to_str().expect("UTF-8 path");
    openssl_out(&[
        "pkey",
        "-pubout",
        "-in",
        &fixture(name),
        "-out",
        public_text,
    ]);
    public
}

/// `openssl args…` (the independent implementation the tests compare with), which must succeed;
/// its stdout. A failure shows openssl's stderr.
pub fn openssl_out(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command line is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The raw signature `openssl dgst <digest> -sign key` makes of `data` (`digest` such as
/// `-sha256`).
pub fn openssl_sign(key: &std::path::Path, digest: &str, data: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data");
    std::fs::write(&input, data).unwrap();
    let key = key.to_str().expect("UTF-8 path");
    openssl_out(&[
        "dgst",
        digest,
        "-sign",
        key,
        input.to_str().expect("UTF-8 path"),
    ])
}

/// [`openssl_out`] as text.
pub fn openssl_ok(args: &[&str]) -> String {
    String::from_utf8_lossy(&openssl_out(args)).into_owned()
}

/// Whether `openssl dgst -sha256 -verify public -signature sig message` says "Verified OK"
/// for a BluePay envelope's `param` (the message) and its decoded `sign`.
pub fn openssl_verifies(
    dir: &std::path::Path,
    public: &std::path::Path,
    message: &[u8],
    signature: &[u8],
) -> bool {
    openssl_verifies_digest(dir, public, "-sha256", message, signature)
}

/// Whether `openssl dgst <digest> -verify public -signature sig message` says "Verified OK"
/// (`digest` such as `-sha1`, or `-md5` for SGATE, whose message is the MD5 hex text).
pub fn openssl_verifies_digest(
    dir: &std::path::Path,
    public: &std::path::Path,
    digest: &str,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let message_file = dir.join("param.txt");
    let signature_file = dir.join("sig.bin");
    std::fs::write(&message_file, message).unwrap();
    std::fs::write(&signature_file, signature).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["dgst", digest, "-verify"])
        .arg(public)
        .arg("-signature")
        .arg(&signature_file)
        .arg(&message_file)
        .output()
        .expect("the openssl command line is installed");
    out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "Verified OK"
}

/// A loopback server answering every request with `answer`; counts the connections it got.
pub async fn raw_server(answer: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                read_request(&mut socket).await;
                let _ = socket.write_all(&answer).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, hits)
}

/// Reads one request: the head, then `Content-Length` bytes of body.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return;
            }
        }
    }
}
