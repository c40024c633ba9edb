//! Help, usage errors and the operation lists.

use super::*;

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
        "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE",
        "PAYBIND_BLUEPAY_JT_",
        "PAYBIND_SGATE_API_KEY",
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE",
        "PAYBIND_BLUEPAY_HASH",
        "PAYBIND_BLUEPAY_JT_TIMESTAMP_UNIT",
        "PAYBIND_SGATE_PAYIN_URL",
        "PAYBIND_SGATE_PAYIN_KEY",
        "PAYBIND_SGATE_PAYIN_SECRET",
        "PAYBIND_SGATE_PAYIN_MERCHANT_ID",
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
