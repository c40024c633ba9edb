//! The command line's input cap (issue 11, item 1): stdin and files are read up to 16 MiB;
//! more is an input error (exit 2) and nothing is sent. A loopback listener counts the
//! connections `paybind call` makes.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::Ordering;

use serde_json::Value;

use paybind_test_support::{self as common, raw_server};

const BIN: &str = env!("CARGO_BIN_EXE_paybind");
/// The cap of `src/bin/paybind/input.rs`.
const LIMIT: usize = 16 << 20;

/// `paybind call bluepay balance_inquiry` against `url`, with `stdin` piped in and `extra`
/// arguments. Writing stops quietly when paybind closes its stdin (it reads no more than it
/// must).
fn call(url: &str, extra: &[&str], stdin: Vec<u8>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(["call", "bluepay", "balance_inquiry"])
        .args(extra);
    for (name, _) in std::env::vars() {
        if name.starts_with("PAYBIND_") {
            command.env_remove(name);
        }
    }
    command
        .env("PAYBIND_BLUEPAY_URL", url)
        .env("PAYBIND_BLUEPAY_APP_ID", "c9b002aef1d7496c9df078d937896605")
        .env(
            "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE",
            common::fixture("merchant-2048.pem"),
        )
        .env(
            "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE",
            common::fixture("gateway-2048.pub.pem"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run paybind");
    let mut input = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("paybind output");
    writer.join().expect("writer");
    output
}

/// A JSON param of exactly `size` bytes: `{"remark":"xxx…"}`.
fn param_of(size: usize) -> Vec<u8> {
    let mut bytes = b"{\"remark\":\"".to_vec();
    bytes.resize(size - 2, b'x');
    bytes.extend_from_slice(b"\"}");
    bytes
}

fn error_of(out: &Output) -> Value {
    let value: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    value["error"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_over_16_mib_is_refused_and_nothing_is_sent() {
    let balance = br#"{"code":10000,"message":"Success","data":{"balance":"10000.00"}}"#;
    let answer = [
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            balance.len()
        )
        .into_bytes(),
        balance.to_vec(),
    ]
    .concat();
    let (url, connections) = raw_server(answer).await;

    // The listener counts: a small param is sent (one connection, exit 0).
    let small = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || call(&url, &[], b"{}".to_vec()))
            .await
            .unwrap()
    };
    assert_eq!(
        small.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&small.stderr)
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // One byte over the cap on stdin, then as a file: refused before anything is sent.
    let over = param_of(LIMIT + 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("param.json");
    std::fs::write(&file, &over).unwrap();
    let file = file.to_str().unwrap().to_string();
    for (what, extra, stdin) in [
        ("stdin", Vec::new(), over.clone()),
        (
            "--param-file",
            vec!["--param-file".to_string(), file],
            Vec::new(),
        ),
    ] {
        let url = url.clone();
        let out = tokio::task::spawn_blocking(move || {
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            call(&url, &extra, stdin)
        })
        .await
        .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}: exit 2 (input error)");
        assert!(out.stdout.is_empty(), "{what}");
        let error = error_of(&out);
        assert_eq!(error["kind"], "too_large", "{what}: {error}");
        assert_eq!(error["limit"], LIMIT, "{what}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("larger than 16777216 bytes"),
            "{what}: {message}"
        );
        assert!(!message.contains("xxxx"), "{what}: the input is not echoed");
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "no connection for an input over the cap"
    );
}
