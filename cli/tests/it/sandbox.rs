//! sandbox: the subcommand serves, and `call` reaches it with the variables it prints.

use super::*;

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
        "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE",
        "PAYBIND_BLUEPAY_JT_URL",
        "PAYBIND_BLUEPAY_JT_APP_ID",
        "PAYBIND_BLUEPAY_JT_PRIVATE_KEY_FILE",
        "PAYBIND_BLUEPAY_JT_PUBLIC_KEY_FILE",
        "PAYBIND_SGATE_URL",
        "PAYBIND_SGATE_API_KEY",
        "PAYBIND_SGATE_PRIVATE_KEY_FILE",
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
        "PAYBIND_SGATE_PAYIN_URL",
        "PAYBIND_SGATE_PAYIN_KEY",
        "PAYBIND_SGATE_PAYIN_SECRET",
        "PAYBIND_SGATE_PAYIN_MERCHANT_ID",
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

    // SGATE Payin: its URL includes /api_v1; an order made, then read back by its ID.
    assert_eq!(
        description["sgate_payin_url"],
        format!("{base}/sgate-payin/api_v1")
    );
    let out = run(&["call", "sgate-payin", "merchant_detail"], &env, None);
    assert_ok(&out);
    let order =
        r#"{"merchantOrderId":"CLIPAYIN1","name":"test","amount":"12.02","currency":"SAR"}"#;
    let out = run(
        &[
            "call",
            "sgate-payin",
            "merchant_add_order",
            "--param",
            order,
        ],
        &env,
        None,
    );
    assert_ok(&out);
    let id = stdout_json(&out)["id"].as_str().unwrap().to_string();
    let out = run(
        &[
            "call",
            "sgate-payin",
            "order_detail",
            "--param",
            &format!(r#"{{"ORDER_ID":"{id}"}}"#),
        ],
        &env,
        None,
    );
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["status"], "pending");
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
