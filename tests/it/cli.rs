//! The `paybind` command line, run as a separate process: every subcommand's stdout, stderr and
//! exit code (0 ok, 1 gateway error, 2 usage/input error, 3 signature failure), its signatures
//! checked with the `openssl` command line, and `call` against local loopback gateways.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use paybind::envelope::HashAlgorithm;
use paybind::keys::PrivateKey;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_paybind");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
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

fn openssl_ok(args: &[&str]) -> String {
    let out = openssl(args);
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
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

// ---------------------------------------------------------------------------------------------
// Help, usage errors

#[test]
fn every_subcommand_has_help_with_an_example() {
    let commands: &[&[&str]] = &[
        &[],
        &["keygen"],
        &["bluepay", "sign"],
        &["bluepay", "verify-notification"],
        &["sgate", "sign"],
        &["sgate", "verify"],
        &["call"],
        &["operations"],
        &["sandbox"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let out = run(&args, &[], None);
        assert_ok(&out);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Example"), "{command:?}: {help}");
        assert!(help.contains("paybind"), "{command:?}: {help}");
    }
    let call = run(&["call", "--help"], &[], None);
    let help = String::from_utf8_lossy(&call.stdout);
    for var in [
        "PAYBIND_CONFIG",
        "PAYBIND_BLUEPAY_URL",
        "PAYBIND_BLUEPAY_APP_ID",
        "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE",
        "PAYBIND_BLUEPAY_JT_",
        "PAYBIND_SGATE_API_KEY",
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
    ] {
        assert!(help.contains(var), "call --help does not document {var}");
    }
}

#[test]
fn usage_errors_are_typed_and_exit_2() {
    let out = run(&["keygen", "--bits", "1024", "--out", "x"], &[], None);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "usage");
    assert!(error["message"].as_str().unwrap().contains("1024"));

    let out = run(&["frobnicate"], &[], None);
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "usage");

    let out = run(&["--pretty", "operations", "nope"], &[], None);
    assert_eq!(code(&out), 2);
    // --pretty indents errors too.
    assert!(String::from_utf8_lossy(&out.stderr).trim().lines().count() > 1);
    assert_eq!(stderr_error(&out)["kind"], "usage");
}

// ---------------------------------------------------------------------------------------------
// keygen

#[test]
fn keygen_writes_keys_openssl_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("keys");
    let out = run(
        &["keygen", "--bits", "2048", "--out", s(&out_dir)],
        &[],
        None,
    );
    assert_ok(&out);
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!printed.contains("PRIVATE"), "the private key was printed");
    let report = stdout_json(&out);
    assert_eq!(report["bits"], 2048);
    let file = |name: &str| PathBuf::from(report["files"][name].as_str().unwrap());
    let private_pem = file("private_pem");
    let public_pem = file("public_pem");
    let private_b64 = file("private_base64");
    let public_b64 = file("public_base64");
    assert_eq!(private_pem, out_dir.join("private.pem"));

    // PKCS#8 and SPKI PEM, as openssl reads them.
    let pem = std::fs::read_to_string(&private_pem).unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{pem:.40}"
    );
    openssl_ok(&["pkey", "-in", s(&private_pem), "-check", "-noout"]);
    let text = openssl_ok(&["pkey", "-pubin", "-in", s(&public_pem), "-noout", "-text"]);
    assert!(text.contains("2048 bit"), "{text}");
    assert!(std::fs::read_to_string(&public_pem)
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----\n"));

    // The bare Base64 forms are the DER of the same keys.
    let der_private = dir.path().join("private.der");
    std::fs::write(
        &der_private,
        unb64(std::fs::read_to_string(&private_b64).unwrap().trim()),
    )
    .unwrap();
    openssl_ok(&[
        "pkey",
        "-inform",
        "DER",
        "-in",
        s(&der_private),
        "-check",
        "-noout",
    ]);
    let spki_der = Command::new("openssl")
        .args(["pkey", "-in", s(&private_pem), "-pubout", "-outform", "DER"])
        .output()
        .unwrap()
        .stdout;
    let public_text = std::fs::read_to_string(&public_b64).unwrap();
    assert_eq!(public_text.trim(), b64(&spki_der));
    assert_eq!(report["public_key_base64"], public_text.trim());
    // And paybind's own loader takes every form.
    PrivateKey::from_file(&private_b64).unwrap();

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for secret in [&private_pem, &private_b64] {
            let mode = std::fs::metadata(secret).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "{} is readable by others",
                secret.display()
            );
        }
    }

    // An existing key is never replaced without --force.
    let before = std::fs::read(&private_pem).unwrap();
    let again = run(
        &["keygen", "--bits", "2048", "--out", s(&out_dir)],
        &[],
        None,
    );
    assert_eq!(code(&again), 2);
    assert_eq!(stderr_error(&again)["kind"], "exists");
    assert_eq!(std::fs::read(&private_pem).unwrap(), before);
}

// ---------------------------------------------------------------------------------------------
// bluepay sign / verify-notification

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

#[test]
fn bluepay_sign_output_verifies_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let private = fixture("merchant-2048.pem");
    let public = public_pem_of(&private, dir.path());
    // Spacing, key order and Thai text must survive exactly: the text is signed as given.
    let param = r#"{"mchOrderId": "PC880001",  "amount":1000,"remark":"ค่าส่ง example","timestamp":1676017834369}"#;
    for (hash, digest) in [("sha256", "-sha256"), ("sha1", "-sha1")] {
        let out = run(
            &[
                "bluepay",
                "sign",
                "--private-key",
                s(&private),
                "--app-id",
                "c9b002aef1d7496c9df078d937896605",
                "--hash",
                hash,
                "--param",
                param,
            ],
            &[],
            None,
        );
        assert_ok(&out);
        let envelope = stdout_json(&out);
        let keys: Vec<&String> = envelope.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["appId", "param", "sign"]);
        assert_eq!(envelope["appId"], "c9b002aef1d7496c9df078d937896605");
        assert_eq!(envelope["param"], param);
        let sign = envelope["sign"].as_str().unwrap();
        assert!(
            openssl_verifies(&public, digest, param.as_bytes(), sign),
            "{hash}"
        );
        let mut changed = param.as_bytes().to_vec();
        changed[3] ^= 1;
        assert!(!openssl_verifies(&public, digest, &changed, sign));
    }

    // --param-file: the file's bytes exactly, trailing newline included.
    let file = dir.path().join("param.json");
    std::fs::write(&file, "{\"a\":1}\n").unwrap();
    let out = run(
        &[
            "bluepay",
            "sign",
            "--private-key",
            s(&private),
            "--app-id",
            "x",
            "--param-file",
            s(&file),
        ],
        &[],
        None,
    );
    assert_ok(&out);
    let envelope = stdout_json(&out);
    assert_eq!(envelope["param"], "{\"a\":1}\n");
    assert!(openssl_verifies(
        &public,
        "-sha256",
        b"{\"a\":1}\n",
        envelope["sign"].as_str().unwrap()
    ));

    // Input errors exit 2 and print nothing on stdout.
    for (args, kind) in [
        (vec!["--param", "{not json"], "json"),
        (vec!["--param", "[1,2]"], "json"),
    ] {
        let mut full = vec![
            "bluepay",
            "sign",
            "--private-key",
            s(&private),
            "--app-id",
            "x",
        ];
        full.extend(args);
        let out = run(&full, &[], None);
        assert_eq!(code(&out), 2);
        assert!(out.stdout.is_empty());
        assert_eq!(stderr_error(&out)["kind"], kind);
    }
    let out = run(
        &[
            "bluepay",
            "sign",
            "--private-key",
            s(&dir.path().join("missing.pem")),
            "--app-id",
            "x",
            "--param",
            "{}",
        ],
        &[],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "key");
}

/// A notification body whose param openssl signed with `private` (SHA-256).
fn openssl_signed_notification(private: &Path, param: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let msg = dir.path().join("param");
    let sig = dir.path().join("sig");
    std::fs::write(&msg, param).unwrap();
    openssl_ok(&[
        "dgst",
        "-sha256",
        "-sign",
        s(private),
        "-out",
        s(&sig),
        s(&msg),
    ]);
    let sign = b64(&std::fs::read(&sig).unwrap());
    json!({"param": param, "sign": sign})
        .to_string()
        .into_bytes()
}

#[test]
fn bluepay_verify_notification_types_openssl_signed_bodies_and_exits_3_on_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = fixture("gateway-2048.pem");
    let public = public_pem_of(&gateway, dir.path());
    let param = r#"{"eventName":"qrcode.payment.success","mchOrderId":"PC880001","channelCode":"THAI_DYNAMIC_QR","transactionId":"QR123456789","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#;
    let body = openssl_signed_notification(&gateway, param);
    let body_file = dir.path().join("notify.json");
    std::fs::write(&body_file, &body).unwrap();

    // From a file, and from stdin.
    let by_file = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--body",
            s(&body_file),
        ],
        &[],
        None,
    );
    assert_ok(&by_file);
    let by_stdin = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(&body),
    );
    assert_ok(&by_stdin);
    assert_eq!(by_file.stdout, by_stdin.stdout);
    let event = stdout_json(&by_file);
    assert_eq!(event["kind"], "QrCodePayment");
    assert_eq!(event["event"]["transactionId"], "QR123456789");
    assert_eq!(event["event"]["mchOrderId"], "PC880001");
    assert_eq!(event["event"]["amount"], 2300);

    // One satang more: the signature no longer covers it.
    let tampered: Value = serde_json::from_slice(&body).unwrap();
    let tampered = json!({
        "param": tampered["param"].as_str().unwrap().replace("2300", "2301"),
        "sign": tampered["sign"],
    })
    .to_string();
    let out = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(tampered.as_bytes()),
    );
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty(), "a tampered event was printed");
    assert_eq!(stderr_error(&out)["kind"], "signature_mismatch");

    // The right body with the wrong hash, or the wrong key: also 3.
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--hash",
            "sha1",
        ],
        &[],
        Some(&body),
    );
    assert_eq!(code(&out), 3);
    let merchant_public = public_pem_of(&fixture("merchant-2048.pem"), dir.path());
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&merchant_public),
        ],
        &[],
        Some(&body),
    );
    assert_eq!(code(&out), 3);

    // Not a notification at all: an input error.
    let out = run(
        &["bluepay", "verify-notification", "--public-key", s(&public)],
        &[],
        Some(b"hello"),
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "body");

    // A JT notification typed with JT's kinds.
    let jt = r#"{"eventName":"ticket.status.closed","ticketNo":"202510201745349298","ticketStatus":"Closed","transactionStatus":"COMPLETED","customerServiceReply":"refunded"}"#;
    let out = run(
        &[
            "bluepay",
            "verify-notification",
            "--public-key",
            s(&public),
            "--api",
            "bluepay-jt",
        ],
        &[],
        Some(&openssl_signed_notification(&gateway, jt)),
    );
    assert_ok(&out);
    let event = stdout_json(&out);
    assert_eq!(event["kind"], "TicketResult");
    assert_eq!(event["event"]["ticketNo"], "202510201745349298");
}

// ---------------------------------------------------------------------------------------------
// sgate sign / verify

#[test]
fn sgate_sign_reproduces_the_docs_worked_digest_and_openssl_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let private = fixture("sgate-merchant-2048.pem");
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--api-key",
            "xxxxxxxxxxxxxx",
            "--method",
            "GET",
            "--url",
            "/openApi/v1/payee/custom/list",
            "--timestamp",
            "1686647706",
            "--nonce",
            "TIj5tZ3gM6FbprYlKNR2",
        ],
        &[],
        None,
    );
    assert_ok(&out);
    let signed = stdout_json(&out);
    assert_eq!(signed["md5"], "8a5908e27626d79d73dc14bd9ba00e72");
    assert_eq!(
        signed["signature_data"],
        r#"{"api_key":"<API KEY, not shown>","timestamp":1686647706,"nonce_str":"TIj5tZ3gM6FbprYlKNR2","url":"/openApi/v1/payee/custom/list","method":"GET","body":""}"#
    );
    // The API KEY is a secret: printed nowhere, though the signature is over it.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("xxxxxxxxxxxxxx"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("xxxxxxxxxxxxxx"));
    let headers = signed["headers"].as_object().unwrap();
    let names: Vec<&String> = headers.keys().collect();
    assert_eq!(
        names,
        [
            "V-Api-Key",
            "V-Api-Version",
            "V-Timestamp",
            "V-Nonce-Str",
            "V-Signature"
        ]
    );
    assert_eq!(headers["V-Api-Key"], "<API KEY, not shown>");
    assert_eq!(headers["V-Api-Version"], "1");
    assert_eq!(headers["V-Timestamp"], "1686647706");
    assert_eq!(headers["V-Nonce-Str"], "TIj5tZ3gM6FbprYlKNR2");
    // MD5withRSA over the hex digest text, as openssl computes it.
    assert!(openssl_verifies(
        &fixture("sgate-merchant-2048.pub.pem"),
        "-md5",
        b"8a5908e27626d79d73dc14bd9ba00e72",
        headers["V-Signature"].as_str().unwrap()
    ));

    // Default timestamp and nonce: now, and 32 letters and digits; a POST body is signed.
    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"payeeuid":"PAY1","note":"a/b"}"#).unwrap();
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--method",
            "post",
            "--url",
            "/openApi/v1/payee/payCustomTicket/create",
            "--body-file",
            s(&body),
        ],
        &[("PAYBIND_SGATE_API_KEY", "key-from-env".to_string())],
        None,
    );
    assert_ok(&out);
    let signed = stdout_json(&out);
    let data: Value = serde_json::from_str(signed["signature_data"].as_str().unwrap()).unwrap();
    assert_eq!(data["api_key"], "<API KEY, not shown>");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("key-from-env"));
    assert_eq!(data["method"], "POST");
    assert_eq!(data["body"], r#"{"payeeuid":"PAY1","note":"a/b"}"#);
    assert!(signed["signature_data"].as_str().unwrap().contains("a/b"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((data["timestamp"].as_i64().unwrap() - now).abs() < 60);
    let nonce = signed["headers"]["V-Nonce-Str"].as_str().unwrap();
    assert_eq!(nonce.len(), 32);
    assert!(nonce.chars().all(|c| c.is_ascii_alphanumeric()));

    // A whole URL is not what SGATE signs.
    let out = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&private),
            "--api-key",
            "k",
            "--method",
            "GET",
            "--url",
            "https://vbank.sgate.sa/openApi/v1/merchant/balance",
        ],
        &[],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "usage");
}

#[test]
fn sgate_verify_exits_0_or_3() {
    let dir = tempfile::tempdir().unwrap();
    // Something SGATE signed: sign with the system key, verify with its public half.
    let system = fixture("sgate-system-2048.pem");
    let system_public = fixture("sgate-system-2048.pub.pem");
    let body = r#"{"code":200,"message":"success","data":{"status":3}}"#;
    let body_file = dir.path().join("callback.json");
    std::fs::write(&body_file, body).unwrap();
    let signed = run(
        &[
            "sgate",
            "sign",
            "--private-key",
            s(&system),
            "--api-key",
            "test-api-key-0001",
            "--method",
            "POST",
            "--url",
            "/sgate/callback?x=1",
            "--timestamp",
            "1719411600",
            "--nonce",
            "srv7nonce9ABCDEFGHIJ",
            "--body-file",
            s(&body_file),
        ],
        &[],
        None,
    );
    assert_ok(&signed);
    let signature = stdout_json(&signed)["headers"]["V-Signature"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = |body: &[u8], signature: &str, extra: &[&str]| {
        let mut args = vec![
            "sgate",
            "verify",
            "--public-key",
            s(&system_public),
            "--api-key",
            "test-api-key-0001",
            "--method",
            "POST",
            "--url",
            "/sgate/callback?x=1",
            "--timestamp",
            "1719411600",
            "--nonce",
            "srv7nonce9ABCDEFGHIJ",
            "--signature",
            signature,
        ];
        args.extend_from_slice(extra);
        run(&args, &[], Some(body))
    };

    let ok = verify(body.as_bytes(), &signature, &[]);
    assert_ok(&ok);
    let verified = stdout_json(&ok);
    assert_eq!(verified["verified"], true);
    assert_eq!(
        verified["md5"],
        stdout_json(&signed)["md5"],
        "verify recomputes the same digest"
    );
    let by_file = verify(b"", &signature, &["--body-file", s(&body_file)]);
    assert_ok(&by_file);

    let tampered = verify(body.replace('3', "4").as_bytes(), &signature, &[]);
    assert_eq!(code(&tampered), 3);
    assert!(tampered.stdout.is_empty());
    let error = stderr_error(&tampered);
    assert_eq!(error["kind"], "signature_mismatch");
    // The API KEY is signed over but never echoed, on stderr either.
    assert!(!String::from_utf8_lossy(&tampered.stderr).contains("test-api-key-0001"));
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("test-api-key-0001"));
    assert!(error["signature_data"]
        .as_str()
        .unwrap()
        .contains("\"status\\\":4"));

    let garbage = verify(body.as_bytes(), "not base64!", &[]);
    assert_eq!(code(&garbage), 3);

    // The merchant's key is not SGATE's.
    let mut args = vec!["sgate", "verify", "--public-key"];
    let merchant_public = fixture("sgate-merchant-2048.pub.pem");
    args.push(s(&merchant_public));
    args.extend_from_slice(&[
        "--api-key",
        "test-api-key-0001",
        "--method",
        "POST",
        "--url",
        "/sgate/callback?x=1",
        "--timestamp",
        "1719411600",
        "--nonce",
        "srv7nonce9ABCDEFGHIJ",
        "--signature",
        &signature,
    ]);
    let wrong_key = run(&args, &[], Some(body.as_bytes()));
    assert_eq!(code(&wrong_key), 3);
}

// ---------------------------------------------------------------------------------------------
// operations

#[test]
fn operations_lists_every_operation_with_its_summary() {
    let apis: [(&str, &[paybind::spec::Operation]); 3] = [
        ("bluepay", paybind::bluepay::operations()),
        ("bluepay-jt", paybind::bluepay_jt::operations()),
        ("sgate", paybind::sgate::operations()),
    ];
    for (api, ops) in apis {
        let out = run(&["operations", api], &[], None);
        assert_ok(&out);
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), ops.len(), "{api}");
        for (line, op) in lines.iter().zip(ops) {
            let entry: Value = serde_json::from_str(line).unwrap();
            assert_eq!(entry["operationId"], op.id);
            assert_eq!(entry["summary"], op.summary);
            assert_eq!(entry["method"], op.method);
            assert_eq!(entry["path"], op.path);
        }

        let pretty = run(&["operations", api, "--pretty"], &[], None);
        assert_ok(&pretty);
        let table = String::from_utf8(pretty.stdout).unwrap();
        assert_eq!(table.lines().count(), ops.len());
        for (line, op) in table.lines().zip(ops) {
            assert!(line.starts_with(op.id), "{line}");
            assert!(line.ends_with(op.summary), "{line}");
        }
    }
    let sgate = String::from_utf8(run(&["operations", "sgate"], &[], None).stdout).unwrap();
    assert!(sgate
        .lines()
        .any(|l| l.contains("statement_download") && l.contains("\"download\":true")));
}

// ---------------------------------------------------------------------------------------------
// call: BluePay against a local envelope gateway

/// A minimal BluePay / JT gateway on 127.0.0.1: checks `appId` and the signature over `param`
/// as the gateway does (21003, 21001), records what arrived, and answers with a scripted reply
/// per operation or an empty success. GET serves files (report downloads).
mod gateway {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use axum::body::Bytes;
    use axum::http::{Method, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};
    use paybind::envelope::HashAlgorithm;
    use paybind::keys::PublicKey;
    use serde_json::{json, Value};

    #[derive(Debug, Clone)]
    pub struct Received {
        pub operation: String,
        pub param: Value,
        pub signature_ok: bool,
    }

    struct State {
        operations: Vec<(String, String)>,
        app_id: String,
        key: PublicKey,
        hash: HashAlgorithm,
        replies: HashMap<String, Value>,
        files: HashMap<String, Vec<u8>>,
        received: Vec<Received>,
    }

    pub struct Gateway {
        pub base_url: String,
        state: Arc<Mutex<State>>,
    }

    impl Gateway {
        pub async fn start(
            operations: &[paybind::spec::Operation],
            app_id: &str,
            key: PublicKey,
            hash: HashAlgorithm,
        ) -> Self {
            let state = Arc::new(Mutex::new(State {
                operations: operations
                    .iter()
                    .map(|op| (op.path.to_string(), op.id.to_string()))
                    .collect(),
                app_id: app_id.to_string(),
                key,
                hash,
                replies: HashMap::new(),
                files: HashMap::new(),
                received: Vec::new(),
            }));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            let shared = state.clone();
            let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
                let state = shared.clone();
                async move { handle(&state, method, uri, body) }
            });
            tokio::spawn(async move {
                axum::serve(listener, app).await.ok();
            });
            Self {
                base_url: format!("http://{addr}"),
                state,
            }
        }

        /// Answers `operation` with this whole JSON body from now on.
        pub fn reply(&self, operation: &str, body: Value) {
            self.state
                .lock()
                .unwrap()
                .replies
                .insert(operation.to_string(), body);
        }

        pub fn serve_file(&self, path: &str, bytes: Vec<u8>) {
            self.state
                .lock()
                .unwrap()
                .files
                .insert(path.to_string(), bytes);
        }

        pub fn received(&self) -> Vec<Received> {
            self.state.lock().unwrap().received.clone()
        }
    }

    fn handle(state: &Mutex<State>, method: Method, uri: Uri, body: Bytes) -> Response {
        let mut state = state.lock().unwrap();
        if method == Method::GET {
            return match state.files.get(uri.path()) {
                Some(bytes) => bytes.clone().into_response(),
                None => (StatusCode::NOT_FOUND, "no such file").into_response(),
            };
        }
        let Some(operation) = state
            .operations
            .iter()
            .find(|(path, _)| path == uri.path())
            .map(|(_, id)| id.clone())
        else {
            return (StatusCode::NOT_FOUND, "no such operation").into_response();
        };
        let envelope: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let param_text = envelope["param"].as_str().unwrap_or_default();
        let signature_ok = paybind::envelope::sign::verify(
            &state.key,
            state.hash,
            param_text.as_bytes(),
            envelope["sign"].as_str().unwrap_or_default(),
        )
        .is_ok();
        state.received.push(Received {
            operation: operation.clone(),
            param: serde_json::from_str(param_text).unwrap_or(Value::Null),
            signature_ok,
        });
        let answer = if envelope["appId"].as_str() != Some(state.app_id.as_str()) {
            json!({"code": 21003, "message": "Request appId error", "data": null})
        } else if !signature_ok {
            json!({"code": 21001, "message": "Request sign error", "data": null})
        } else {
            state
                .replies
                .get(&operation)
                .cloned()
                .unwrap_or_else(|| json!({"code": 10000, "message": "Success", "data": {}}))
        };
        axum::Json(answer).into_response()
    }
}

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";

fn bluepay_env(base_url: &str, key: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_BLUEPAY_URL", base_url.to_string()),
        ("PAYBIND_BLUEPAY_APP_ID", APP_ID.to_string()),
        ("PAYBIND_BLUEPAY_PRIVATE_KEY_FILE", s(key).to_string()),
    ]
}

fn balance_answer() -> Value {
    json!({"code": 10000, "message": "Success", "data": {"balance": "10000.00"}})
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_bluepay_sends_valid_params_and_refuses_invalid_ones() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let env = bluepay_env(&server.base_url, &merchant);
    let data = json!({
        "mchOrderId": "PC880001",
        "transactionId": "C1051669624201385891",
        "qrCodeContent": "00020101021230830016A000000677010112",
        "channelCode": "THAI_DYNAMIC_QR"
    });
    server.reply(
        "qr_code_create",
        json!({"code": 10000, "message": "Success", "data": data}),
    );
    server.reply("balance_inquiry", balance_answer());

    // A valid param: signed, accepted, `data` printed.
    let param = json!({
        "channelCode": "THAI_DYNAMIC_QR",
        "mchOrderId": "PC880001",
        "amount": 1000,
        "notifyUrl": "https://merchant.example/notify"
    });
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out), data);
    let sent = server.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].operation, "qr_code_create");
    assert!(sent[0].signature_ok);
    for (name, value) in param.as_object().unwrap() {
        assert_eq!(&sent[0].param[name], value, "{name}");
    }
    assert!(sent[0].param["timestamp"].is_i64(), "timestamp stamped");

    // The same from a file, and with --pretty.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("param.json");
    std::fs::write(&file, "{}").unwrap();
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "balance_inquiry",
            "--param-file",
            s(&file),
            "--pretty",
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n  "));
    assert_eq!(server.received().len(), 2);

    // A dynamic QR code without an amount breaks the spec's rule: exit 2, nothing sent.
    let invalid = json!({
        "channelCode": "THAI_DYNAMIC_QR",
        "mchOrderId": "PC880002",
        "notifyUrl": "https://merchant.example/notify"
    });
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &invalid.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["field"], "amount");
    assert_eq!(error["sent"], false);
    // A field of the wrong type, and JSON that is not JSON: also 2.
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            r#"{"mchOrderId": 5}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "validation");
    // Issue 12: every broken rule of the request at once, in the API's words, never a Rust type.
    for (param, field, words) in [
        (
            r#"{"mchOrderId":"x","amount":-5,"payMethodCode":"BANK"}"#,
            "accountNo",
            "is required",
        ),
        (
            r#"{"mchOrderId":"CCP20220428011068111","idempotencyId":"IDP2022042801","amount":1.5,"payMethodCode":"PROMPTPAY","promptpayAccountType":"MSISDN","accountNo":"0812345678"}"#,
            "amount",
            "whole, non-negative number of minor units (satang), e.g. 150 for THB 1.50",
        ),
    ] {
        let out = run_async(
            args(&["call", "bluepay", "payout_create", "--param", param]),
            env.clone(),
        )
        .await;
        assert_eq!(code(&out), 2);
        let error = stderr_error(&out);
        let message = error["message"].as_str().unwrap();
        for internal in ["Wire", "untagged", "enum", ": :", "missing field"] {
            assert!(!message.contains(internal), "{message}");
        }
        let violations = error["violations"].as_array().unwrap();
        assert!(
            violations
                .iter()
                .any(|v| v["field"] == field && v["reason"].as_str().unwrap().contains(words)),
            "{violations:?}"
        );
        assert!(
            violations.iter().all(|v| v["field"] != ""),
            "{violations:?}"
        );
    }
    let out = run_async(
        args(&["call", "bluepay", "qr_code_create", "--param", "{"]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["kind"], "json");
    let out = run_async(args(&["call", "bluepay", "no_such_operation"]), env.clone()).await;
    assert_eq!(code(&out), 2);
    assert_eq!(
        server.received().len(),
        2,
        "an invalid call reached the gateway"
    );

    // A gateway error code: exit 1 with the code, typed.
    server.reply(
        "qr_code_create",
        json!({"code": 21007, "message": "Duplicate mchOrderId", "data": null}),
    );
    let out = run_async(
        args(&[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "api");
    assert_eq!(error["code"], 21007);
    assert_eq!(error["sent"], true);
    assert!(error["raw_body"].as_str().unwrap().contains("21007"));

    // Signed with a key BluePay does not know: its "sign error" (21001), exit 1.
    let other = fixture("gateway-2048.pem");
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry"]),
        bluepay_env(&server.base_url, &other),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["code"], 21001);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("PRIVATE KEY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reads_a_config_file_and_reports_missing_settings() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha1,
    )
    .await;
    server.reply("balance_inquiry", balance_answer());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&merchant, dir.path().join("merchant.pem")).unwrap();
    let config = dir.path().join("paybind.toml");
    std::fs::write(
        &config,
        format!(
            "timeout = 10\n[bluepay]\nurl = \"{}\"\napp_id = \"{APP_ID}\"\nprivate_key_file = \"merchant.pem\"\nhash = \"sha1\"\n",
            server.base_url
        ),
    )
    .unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&config)]),
        vec![],
    )
    .await;
    assert_ok(&out);
    assert!(
        server.received()[0].signature_ok,
        "SHA-1 from the config file"
    );

    // PAYBIND_CONFIG, with an environment variable winning over the file.
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry"]),
        vec![
            ("PAYBIND_CONFIG", s(&config).to_string()),
            ("PAYBIND_BLUEPAY_APP_ID", "another-app".to_string()),
        ],
    )
    .await;
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stderr_error(&out)["code"], 21003);

    // Nothing configured: exit 2 naming the variable, nothing sent.
    let out = run_async(args(&["call", "bluepay", "balance_inquiry"]), vec![]).await;
    assert_eq!(code(&out), 2);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "config");
    assert_eq!(error["variable"], "PAYBIND_BLUEPAY_URL");

    // A broken config file names the line, never quotes it.
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[bluepay]\napi_key = \"s3cret-value\"\nurl = \n").unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&broken)]),
        vec![],
    )
    .await;
    assert_eq!(code(&out), 2);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret-value"));
    // A value of the wrong type is not quoted either (serde's message would).
    let typed = dir.path().join("typed.toml");
    std::fs::write(&typed, "[sgate]\napi_key = 98765432123456\n").unwrap();
    let out = run_async(
        args(&["call", "bluepay", "balance_inquiry", "--config", s(&typed)]),
        vec![],
    )
    .await;
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid type"), "{stderr}");
    assert!(!stderr.contains("98765432123456"), "{stderr}");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_bluepay_jt_downloads_the_report_to_a_file() {
    let merchant = fixture("merchant-2048.pem");
    let key = PrivateKey::from_file(&merchant).unwrap();
    let server = gateway::Gateway::start(
        paybind::bluepay_jt::operations(),
        APP_ID,
        key.public_key(),
        HashAlgorithm::Sha256,
    )
    .await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.serve_file("/files/report.csv.gpg", file.clone());
    server.reply(
        "report_download",
        json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/report.csv.gpg", server.base_url)}}),
    );
    let param = paybind::bluepay_jt::spec()
        .document()
        .pointer("/paths/~1open-api~1report~1download/post/requestBody/content/application~1json/example")
        .cloned()
        .unwrap();
    let env = vec![
        ("PAYBIND_BLUEPAY_JT_URL", server.base_url.clone()),
        ("PAYBIND_BLUEPAY_JT_APP_ID", APP_ID.to_string()),
        (
            "PAYBIND_BLUEPAY_JT_PRIVATE_KEY_FILE",
            s(&merchant).to_string(),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.csv.gpg");
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
            "--out",
            s(&target),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    // Piped: no progress bar, nothing but nothing on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    assert_eq!(report["bytes"], file.len());
    assert_eq!(std::fs::read(&target).unwrap(), file);

    // Without --out: the link.
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(stdout_json(&out)["downloadUrl"]
        .as_str()
        .unwrap()
        .ends_with("/files/report.csv.gpg"));

    // A missing file: exit 1, no partial file left.
    server.reply(
        "report_download",
        json!({"code":10000,"message":"Success",
            "data":{"downloadUrl": format!("{}/files/missing", server.base_url)}}),
    );
    let missing = dir.path().join("missing.gpg");
    let out = run_async(
        args(&[
            "call",
            "bluepay-jt",
            "report_download",
            "--param",
            &param.to_string(),
            "--out",
            s(&missing),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["status"], 404);
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // --out on an operation that is not a download is a usage error.
    let out = run_async(
        args(&["call", "bluepay-jt", "qr_code_detail", "--out", s(&missing)]),
        env,
    )
    .await;
    assert_eq!(code(&out), 2);
}

// ---------------------------------------------------------------------------------------------
// call: SGATE against a local signing SGATE

/// A minimal SGATE on 127.0.0.1: checks each request's `V-*` signature with the merchant public
/// key, decrypts a `cardno` query filter with the system private key, records what arrived,
/// and answers — a scripted reply, the docs' example, or an empty success — signed with the
/// system private key over the path and query as received (optionally damaged after signing).
mod sgate_gateway {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};
    use paybind::keys::{PrivateKey, PublicKey};
    use paybind::sgate::signing::{digest_hex, sign_digest, signature_data, verify_digest};
    use serde_json::{json, Value};

    pub const API_KEY: &str = "test-api-key-0001";
    const NONCE: &str = "srv7nonce9ABCDEFGHIJ";

    /// Answers are signed now: the client refuses an answer outside its freshness window.
    fn timestamp() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[derive(Debug, Clone)]
    pub enum Reply {
        /// This status and JSON.
        Json(u16, Value),
        /// A file (UTF-8 here, so the test can sign over it with `signature_data`).
        File(String),
    }

    #[derive(Debug, Clone)]
    pub struct Received {
        pub method: String,
        pub url: String,
        pub body: String,
        pub signature_ok: bool,
        /// The `cardno` query filter, decrypted.
        pub cardno: Option<String>,
    }

    #[derive(Default)]
    struct State {
        replies: HashMap<String, Reply>,
        received: Vec<Received>,
        tamper: bool,
    }

    pub struct Sgate {
        pub base_url: String,
        state: Arc<Mutex<State>>,
    }

    fn merchant_public() -> PublicKey {
        PublicKey::from_file(super::fixture("sgate-merchant-2048.pub.pem")).unwrap()
    }

    fn system_private() -> PrivateKey {
        PrivateKey::from_file(super::fixture("sgate-system-2048.pem")).unwrap()
    }

    /// Encrypts a member of an answer for the merchant, as SGATE does.
    pub fn for_merchant(plain: &str) -> String {
        paybind::sgate::crypto::encrypt_field(&merchant_public(), plain).unwrap()
    }

    impl Sgate {
        pub async fn start() -> Self {
            let state = Arc::new(Mutex::new(State::default()));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            let shared = state.clone();
            let app = axum::Router::new().fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let state = shared.clone();
                    async move { handle(&state, method, uri, headers, body) }
                },
            );
            tokio::spawn(async move {
                axum::serve(listener, app).await.ok();
            });
            Self {
                base_url: format!("http://{addr}"),
                state,
            }
        }

        pub fn reply(&self, path: &str, reply: Reply) {
            self.state
                .lock()
                .unwrap()
                .replies
                .insert(path.to_string(), reply);
        }

        pub fn tamper(&self, on: bool) {
            self.state.lock().unwrap().tamper = on;
        }

        pub fn received(&self) -> Vec<Received> {
            self.state.lock().unwrap().received.clone()
        }

        pub fn last(&self) -> Received {
            self.received().pop().expect("a request arrived")
        }
    }

    fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The docs' example answer of an operation, when it holds nothing encrypted.
    fn example(method: &str, path: &str) -> Option<Value> {
        let content = paybind::sgate::spec()
            .operation(method, path)?
            .pointer("/responses/200/content/application~1json")?;
        let example = content.get("example").cloned().or_else(|| {
            content
                .get("examples")?
                .as_object()?
                .values()
                .next()?
                .get("value")
                .cloned()
        })?;
        let clear = match example.get("sensitiveFields") {
            None => true,
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            Some(_) => false,
        };
        clear.then_some(example)
    }

    fn handle(
        state: &Mutex<State>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let url = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let body = String::from_utf8_lossy(&body).into_owned();
        let data = signature_data(
            header(&headers, "v-api-key"),
            header(&headers, "v-timestamp").parse().unwrap_or(0),
            header(&headers, "v-nonce-str"),
            &url,
            method.as_str(),
            &body,
        );
        let signature_ok = header(&headers, "v-api-key") == API_KEY
            && verify_digest(
                &merchant_public(),
                &digest_hex(&data),
                header(&headers, "v-signature"),
            )
            .is_ok();
        let cardno = reqwest::Url::parse(&format!("http://sgate{url}"))
            .ok()
            .and_then(|parsed| {
                parsed
                    .query_pairs()
                    .find(|(k, _)| k == "cardno")
                    .map(|(_, v)| v.into_owned())
            })
            .and_then(|v| paybind::sgate::crypto::decrypt_field(&system_private(), &v).ok())
            .map(|plain| plain.expose().to_string());
        let mut state = state.lock().unwrap();
        state.received.push(Received {
            method: method.to_string(),
            url: url.clone(),
            body: body.clone(),
            signature_ok,
            cardno,
        });
        let (status, content_type, answer) = if !signature_ok {
            // SGATE's answer to a request it cannot authenticate: unsigned.
            let mut response =
                axum::Json(json!({"code": 1213, "message": "Signature error"})).into_response();
            response
                .headers_mut()
                .insert("v-signature", "".parse().unwrap());
            return response;
        } else {
            match state.replies.get(uri.path()).cloned() {
                Some(Reply::Json(status, value)) => (status, "application/json", value.to_string()),
                Some(Reply::File(text)) => (200, "application/octet-stream", text),
                None => (
                    200,
                    "application/json",
                    example(method.as_str(), uri.path())
                        .unwrap_or_else(|| {
                            json!({"code": 200, "message": "ok", "data": {}, "sensitiveFields": {}})
                        })
                        .to_string(),
                ),
            }
        };
        let timestamp = timestamp();
        let data = signature_data(API_KEY, timestamp, NONCE, &url, method.as_str(), &answer);
        let signature = sign_digest(&system_private(), &digest_hex(&data));
        let mut answer = answer.into_bytes();
        if state.tamper {
            answer.push(b' ');
        }
        let mut response = (StatusCode::from_u16(status).unwrap(), answer).into_response();
        let h = response.headers_mut();
        h.insert("content-type", content_type.parse().unwrap());
        h.insert("v-timestamp", timestamp.to_string().parse().unwrap());
        h.insert("v-nonce-str", NONCE.parse().unwrap());
        h.insert("v-signature", signature.parse().unwrap());
        if content_type != "application/json" {
            h.insert(
                "content-disposition",
                "attachment; filename=\"GCCRECO_Test_M1_20240626.xlsx\""
                    .parse()
                    .unwrap(),
            );
        }
        response
    }
}

fn sgate_env(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAYBIND_SGATE_URL", base_url.to_string()),
        ("PAYBIND_SGATE_API_KEY", sgate_gateway::API_KEY.to_string()),
        (
            "PAYBIND_SGATE_PRIVATE_KEY_FILE",
            s(&fixture("sgate-merchant-2048.pem")).to_string(),
        ),
        (
            "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
            s(&fixture("sgate-system-2048.pub.pem")).to_string(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sgate_get_post_and_statement() {
    use sgate_gateway::Reply;
    let server = sgate_gateway::Sgate::start().await;
    let env = sgate_env(&server.base_url);

    // GET without parameters.
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), env.clone()).await;
    assert_ok(&out);
    assert_eq!(
        stdout_json(&out),
        json!([{"currency": "SAR", "balance": 999999}])
    );
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.url, "/openApi/v1/merchant/balance");

    // GET with a query: the sensitive filter is encrypted, the answer's member decrypted.
    server.reply(
        "/openApi/v1/payee/custom/list",
        Reply::Json(
            200,
            json!({"code": 200, "message": "ok", "data": [{"customid": "12ad4", "mercustomid": "u004",
                "cardno": sgate_gateway::for_merchant("5123450000000001")}],
                "sensitiveFields": ["cardno"], "requestId": "R1"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"pagesize": 50, "cardno": "5123450000000001"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    let sent = server.last();
    assert!(sent.signature_ok, "the signature covers the encoded query");
    assert!(sent.url.contains("pagesize=50"), "{}", sent.url);
    assert!(
        !sent.url.contains("5123450000000001"),
        "cardno sent in clear"
    );
    assert_eq!(sent.cardno.as_deref(), Some("5123450000000001"));
    let customers = stdout_json(&out);
    assert_eq!(customers[0]["cardno"], "5123450000000001", "{customers}");
    assert_eq!(customers[0]["customid"], "12ad4");

    // A query value the spec refuses: exit 2, nothing sent.
    let before = server.received().len();
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"pagesize": 500}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(stderr_error(&out)["field"], "pagesize");
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "customer_list",
            "--param",
            r#"{"colour": "red"}"#,
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 2);
    assert_eq!(server.received().len(), before);

    // POST: the param is the body.
    let order = json!({
        "mercustomid": "u004",
        "payeeuid": "TEST1234567aa12sd2",
        "amount": 2002,
        "currency": "SAR",
        "paymentmethod": "bankTransfer"
    });
    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(
            200,
            json!({"code": 200, "message": "ok", "data": {"ticketid": "17d59", "payeeuid": "TEST1234567aa12sd2", "status": 0},
                "sensitiveFields": {}, "requestId": "R2"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "payment_order_create",
            "--param",
            &order.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["ticketid"], "17d59");
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.method, "POST");
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["payeeuid"], "TEST1234567aa12sd2");

    // A business failure: exit 1 with SGATE's code.
    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(
            200,
            json!({"code": 1402, "message": "Insufficient balance", "data": {}, "sensitiveFields": {}, "requestId": "R3"}),
        ),
    );
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "payment_order_create",
            "--param",
            &order.to_string(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "api");
    assert_eq!(error["code"], 1402);
    assert_eq!(error["request_id"], "R3");

    // A damaged answer: exit 3, nothing on stdout.
    server.tamper(true);
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), env.clone()).await;
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr_error(&out)["kind"], "signature_mismatch");
    server.tamper(false);

    // A wrong merchant key: SGATE cannot authenticate the request (exit 1).
    let mut wrong = env.clone();
    wrong[2].1 = s(&fixture("merchant-2048.pem")).to_string();
    let out = run_async(args(&["call", "sgate", "merchant_balance"]), wrong).await;
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["kind"], "authentication");

    // The statement streams into --out (quietly: stderr is not a terminal).
    let file = "date,amount\n2024-06-26,18.75\n".repeat(10_000);
    server.reply("/openApi/v1/payee/statement", Reply::File(file.clone()));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("statement.xlsx");
    let out = run_async(
        args(&[
            "call",
            "sgate",
            "statement_download",
            "--param",
            r#"{"day":"2024-06-26"}"#,
            "--out",
            s(&target),
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = stdout_json(&out);
    assert_eq!(written["bytes"], file.len());
    assert_eq!(written["content_verified"], true);
    assert_eq!(written["file_name"], "GCCRECO_Test_M1_20240626.xlsx");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), file);
    assert_eq!(
        server.last().url,
        "/openApi/v1/payee/statement?day=2024-06-26"
    );

    // A damaged file: exit 3, and nothing is left behind.
    server.tamper(true);
    let damaged = dir.path().join("damaged.xlsx");
    let out = run_async(
        args(&["call", "sgate", "statement_download", "--out", s(&damaged)]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 3);
    assert!(!damaged.exists());
    server.tamper(false);

    // Not ready yet (HTTP 202): exit 1, no file.
    server.reply(
        "/openApi/v1/payee/statement",
        Reply::Json(202, json!({"code":1502,"message":"Reconciliation file is being processed.","data":{},"sensitiveFields":{},"requestId":"ABC"})),
    );
    let later = dir.path().join("later.xlsx");
    let out = run_async(
        args(&["call", "sgate", "statement_download", "--out", s(&later)]),
        env.clone(),
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["kind"], "not_ready");
    assert_eq!(error["code"], 1502);
    assert!(!later.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // The statement needs --out; the upload is not a JSON operation. Nothing sent.
    let before = server.received().len();
    let out = run_async(args(&["call", "sgate", "statement_download"]), env.clone()).await;
    assert_eq!(code(&out), 2);
    let out = run_async(args(&["call", "sgate", "customer_file_upload"]), env).await;
    assert_eq!(code(&out), 2);
    assert_eq!(server.received().len(), before);
}

// ---------------------------------------------------------------------------------------------
// sandbox: the subcommand serves, and `call` reaches it with the variables it prints

/// A child process killed when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `paybind sandbox` with `args` and reads the JSON line it prints when ready.
fn start_sandbox(args: &[&str]) -> (Running, Value) {
    start_sandbox_env(args, &[])
}

/// [`start_sandbox`] with environment variables added.
fn start_sandbox_env(args: &[&str], env: &[(&str, &Path)]) -> (Running, Value) {
    use std::io::BufRead as _;
    let mut command = Command::new(BIN);
    command.arg("sandbox").args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("PAYBIND_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    let mut child = Running(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run paybind sandbox"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the sandbox's first line");
    if line.trim().is_empty() {
        let mut err = String::new();
        if let Some(mut stderr) = child.0.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
        }
        panic!("the sandbox printed nothing; stderr: {err}");
    }
    let description: Value = serde_json::from_str(&line).expect("one JSON line");
    (child, description)
}

/// The fixture keys under the names the sandbox reads (so no key is generated).
fn sandbox_keys_dir(dir: &Path) -> PathBuf {
    let keys = dir.join("keys");
    copy_fixture_keys(&keys);
    keys
}

/// The fixture keys copied into `keys` under the sandbox's file names.
fn copy_fixture_keys(keys: &Path) {
    std::fs::create_dir_all(keys).unwrap();
    for (role, fixture_name) in [
        ("bluepay-merchant", "merchant-2048.pem"),
        ("bluepay-gateway", "gateway-2048.pem"),
        ("sgate-merchant", "sgate-merchant-2048.pem"),
        ("sgate-system", "sgate-system-2048.pem"),
    ] {
        std::fs::copy(
            fixture(fixture_name),
            keys.join(format!("{role}-private.pem")),
        )
        .unwrap();
    }
}

fn env_of(description: &Value) -> Vec<(&'static str, String)> {
    const NAMES: &[&str] = &[
        "PAYBIND_BLUEPAY_URL",
        "PAYBIND_BLUEPAY_APP_ID",
        "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE",
        "PAYBIND_BLUEPAY_JT_URL",
        "PAYBIND_BLUEPAY_JT_APP_ID",
        "PAYBIND_BLUEPAY_JT_PRIVATE_KEY_FILE",
        "PAYBIND_SGATE_URL",
        "PAYBIND_SGATE_API_KEY",
        "PAYBIND_SGATE_PRIVATE_KEY_FILE",
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
        "PAYBIND_SANDBOX_ADMIN_URL",
        "PAYBIND_SANDBOX_ADMIN_TOKEN",
    ];
    let env = description["env"].as_object().expect("env");
    assert_eq!(env.len(), NAMES.len(), "{env:?}");
    NAMES
        .iter()
        .map(|name| {
            let value = env[*name].as_str().expect("a string").to_string();
            (*name, value)
        })
        .collect()
}

#[test]
fn sandbox_serves_and_call_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = sandbox_keys_dir(dir.path());
    let (_sandbox, description) =
        start_sandbox(&["--memory", "--keys-dir", s(&keys), "--port", "0"]);
    let base = description["base_url"].as_str().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(description["bluepay_url"], format!("{base}/bluepay"));
    assert_eq!(description["sgate_url"], format!("{base}/sgate"));
    assert!(description["key_files"]["bluepay-gateway-public"].is_string());
    let printed = description.to_string();
    assert!(!printed.contains("PRIVATE KEY"), "key material printed");
    let env = env_of(&description);

    // BluePay: a valid call, then the same order again — the gateway's duplicate code.
    let out = run(&["call", "bluepay", "balance_inquiry"], &env, None);
    assert_ok(&out);
    assert!(stdout_json(&out)["balance"].is_string());
    let qr = r#"{"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"CLI0001","amount":1000,"notifyUrl":"http://127.0.0.1:9/notify"}"#;
    let out = run(
        &["call", "bluepay", "qr_code_create", "--param", qr],
        &env,
        None,
    );
    assert_ok(&out);
    assert!(stdout_json(&out)["qrCodeContent"].is_string());
    let out = run(
        &["call", "bluepay", "qr_code_create", "--param", qr],
        &env,
        None,
    );
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["code"], 21007);
    // Invalid: nothing sent, so no gateway code.
    let out = run(
        &[
            "call",
            "bluepay",
            "qr_code_create",
            "--param",
            r#"{"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"CLI0002","notifyUrl":"http://127.0.0.1:9/n"}"#,
        ],
        &env,
        None,
    );
    assert_eq!(code(&out), 2);

    // JT and SGATE through the same variables.
    let out = run(
        &[
            "call",
            "bluepay-jt",
            "qr_code_detail",
            "--param",
            r#"{"mchOrderId":"NOPE0001"}"#,
        ],
        &env,
        None,
    );
    assert_eq!(code(&out), 1);
    assert_eq!(stderr_error(&out)["code"], 21006);
    let out = run(&["call", "sgate", "merchant_balance"], &env, None);
    assert_ok(&out);
    assert!(stdout_json(&out).as_array().is_some_and(|a| !a.is_empty()));
    let out = run(&["call", "sgate", "exchange_rate"], &env, None);
    assert_ok(&out);
}

#[test]
fn sandbox_keeps_its_state_in_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let keys = sandbox_keys_dir(dir.path());
    let data = dir.path().join("state.db");
    let qr = r#"{"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"CLIKEEP1","amount":1000,"notifyUrl":"http://127.0.0.1:9/notify"}"#;
    {
        let (_sandbox, description) = start_sandbox(&["--data", s(&data), "--keys-dir", s(&keys)]);
        let env = env_of(&description);
        assert_ok(&run(
            &["call", "bluepay", "qr_code_create", "--param", qr],
            &env,
            None,
        ));
    }
    assert!(data.exists());
    let (_sandbox, description) = start_sandbox(&["--data", s(&data), "--keys-dir", s(&keys)]);
    let env = env_of(&description);
    let out = run(
        &[
            "call",
            "bluepay",
            "qr_code_detail",
            "--param",
            r#"{"mchOrderId":"CLIKEEP1"}"#,
        ],
        &env,
        None,
    );
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["mchOrderId"], "CLIKEEP1");

    // --data and --memory exclude each other.
    let out = run(&["sandbox", "--memory", "--data", s(&data)], &[], None);
    assert_eq!(code(&out), 2);
}

#[tokio::test]
async fn sandbox_memory_reuses_cached_keys_and_prints_the_admin_token() {
    // `--memory` without `--keys-dir`: the keys of the per-user cache (fixtures here, so no key
    // is generated), printed as files `paybind call` can use.
    let cache = tempfile::tempdir().unwrap();
    let keys = cache.path().join("paybind").join("sandbox-keys-2048");
    copy_fixture_keys(&keys);
    let (_sandbox, description) =
        start_sandbox_env(&["--memory"], &[("XDG_CACHE_HOME", cache.path())]);
    let env = env_of(&description);
    let var = |name: &str| env.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let key_file = var("PAYBIND_BLUEPAY_PRIVATE_KEY_FILE");
    assert!(Path::new(&key_file).starts_with(&keys), "{key_file}");
    assert!(description.get("note").is_none(), "{description}");
    assert_ok(&run(&["call", "bluepay", "balance_inquiry"], &env, None));

    // The admin API answers with the printed token only.
    let token = var("PAYBIND_SANDBOX_ADMIN_TOKEN");
    assert_eq!(description["admin_token"], token.as_str());
    let clock = format!("{}/clock", var("PAYBIND_SANDBOX_ADMIN_URL"));
    let http = reqwest::Client::new();
    let status = |request: reqwest::RequestBuilder| async move {
        request.send().await.expect("an answer").status().as_u16()
    };
    assert_eq!(status(http.get(&clock)).await, 401);
    assert_eq!(status(http.get(&clock).bearer_auth(&token)).await, 200);
}
