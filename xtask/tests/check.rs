//! `xtask check` on the real specs and on a deliberately broken copy of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use xtask::check::{self, Problem};
use xtask::{export, workspace_root};

fn openapi_dir() -> PathBuf {
    workspace_root().join("openapi")
}

/// A copy of `openapi/` in a temporary directory.
fn copy_of_specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in check::spec_files(&openapi_dir()).unwrap() {
        std::fs::copy(openapi_dir().join(&file), dir.path().join(&file)).unwrap();
    }
    dir
}

fn read(dir: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

fn write(dir: &Path, file: &str, spec: &Value) {
    std::fs::write(dir.join(file), xtask::util::yaml_text(spec).unwrap()).unwrap();
}

/// The copy with one fault of each kind `check` must report.
fn break_specs(dir: &Path) {
    let mut bluepay = read(dir, "bluepay.yaml");
    let balance = bluepay
        .pointer_mut("/paths/~1open-api~1account~1balance/post")
        .unwrap()
        .as_object_mut()
        .unwrap();
    balance.remove("operationId").unwrap();
    balance.remove("summary").unwrap();
    *bluepay
        .pointer_mut(
            "/paths/~1open-api~1qr~1generate/post/requestBody/content/application~1json/example/amount",
        )
        .unwrap() = json!("lots");
    bluepay
        .pointer_mut("/paths/~1open-api~1qr~1detail/post/requestBody/content/application~1json")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("example")
        .unwrap();
    *bluepay
        .pointer_mut("/paths/~1open-api~1qr~1detail/post/x-unconfirmed")
        .unwrap() = json!("  ");
    bluepay["components"]["schemas"]["OrphanThing"] = json!({ "type": "string" });
    bluepay["components"]["schemas"]["PayoutNotification"]["example"]["amount"] = json!(-1);
    write(dir, "bluepay.yaml", &bluepay);

    let mut sgate = read(dir, "sgate-payout.yaml");
    sgate
        .pointer_mut("/paths/~1openApi~1v1~1payee~1custom~1list/get/parameters/0")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("example")
        .unwrap();
    *sgate
        .pointer_mut("/paths/~1openApi~1v1~1payee~1custom~1list/get/parameters/1/example")
        .unwrap() = json!(1000);
    sgate["components"]["schemas"]["Customer"]["x-decision"] = Value::Null;
    write(dir, "sgate-payout.yaml", &sgate);
}

fn find<'a>(problems: &'a [Problem], file: &str, at: &str, text: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.file.ends_with(file) && p.at == at && p.message.contains(text))
        .unwrap_or_else(|| {
            let all: Vec<String> = problems.iter().map(Problem::to_string).collect();
            panic!(
                "no problem `{text}` at {file} {at}; found:\n{}",
                all.join("\n")
            )
        })
}

#[test]
fn the_real_specs_pass() {
    let report = check::lint_specs(&openapi_dir()).unwrap();
    let problems: Vec<String> = report.problems.iter().map(Problem::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        report.notes.len(),
        check::ACCEPTED_UNUSED.len(),
        "{:?}",
        report.notes
    );
}

#[test]
fn a_broken_copy_is_reported_with_file_and_json_path() {
    let dir = copy_of_specs();
    break_specs(dir.path());
    let problems = check::lint_specs(dir.path()).unwrap().problems;

    let balance = "/paths/~1open-api~1account~1balance/post";
    find(&problems, "bluepay.yaml", balance, "has no operationId");
    find(&problems, "bluepay.yaml", balance, "has no summary");
    let p = find(
        &problems,
        "bluepay.yaml",
        "/paths/~1open-api~1qr~1generate/post/requestBody/content/application~1json/example",
        "does not validate against its schema",
    );
    assert!(p.message.contains("/amount"), "{p}");
    find(
        &problems,
        "bluepay.yaml",
        "/paths/~1open-api~1qr~1detail/post/requestBody/content/application~1json",
        "has no example",
    );
    find(
        &problems,
        "bluepay.yaml",
        "/paths/~1open-api~1qr~1detail/post/x-unconfirmed",
        "x-unconfirmed has no reason",
    );
    find(
        &problems,
        "bluepay.yaml",
        "/components/schemas/OrphanThing",
        "component OrphanThing is never used",
    );
    let p = find(
        &problems,
        "bluepay.yaml",
        "/components/schemas/PayoutNotification/example",
        "does not validate",
    );
    assert!(p.message.contains("/amount"), "{p}");
    find(
        &problems,
        "sgate-payout.yaml",
        "/paths/~1openApi~1v1~1payee~1custom~1list/get/parameters/0",
        "parameter pageno has no example",
    );
    find(
        &problems,
        "sgate-payout.yaml",
        "/paths/~1openApi~1v1~1payee~1custom~1list/get/parameters/1/example",
        "does not validate",
    );
    find(
        &problems,
        "sgate-payout.yaml",
        "/components/schemas/Customer/x-decision",
        "x-decision has no reason",
    );
    assert_eq!(problems.len(), 10, "{problems:#?}");
}

#[test]
fn a_dangling_reference_is_reported() {
    let dir = copy_of_specs();
    let mut jt = read(dir.path(), "bluepay-jt.yaml");
    jt["info"]["x-notifications"][0]["schema"] = json!("NoSuchNotification");
    write(dir.path(), "bluepay-jt.yaml", &jt);
    let problems = check::lint_specs(dir.path()).unwrap().problems;
    find(
        &problems,
        "bluepay-jt.yaml",
        "/info/x-notifications/0/schema",
        "does not exist",
    );
}

/// What build.rs refuses to generate from is reported by check too, with file and JSON pointer:
/// a schema keyword of the wrong JSON type, a `$ref` to nothing, a key written twice.
#[test]
fn what_the_build_refuses_is_reported() {
    let dir = copy_of_specs();
    let mut bluepay = read(dir.path(), "bluepay.yaml");
    bluepay["components"]["schemas"]["QrCodeCreateParam"]["required"] = json!(5);
    write(dir.path(), "bluepay.yaml", &bluepay);
    let mut jt = read(dir.path(), "bluepay-jt.yaml");
    let param =
        "/paths/~1open-api~1direct~1debit~1token~1apply/post/requestBody/content/application~1json/schema";
    *jt.pointer_mut(param).unwrap() = json!({ "$ref": "#/components/schemas/NoSuchParam" });
    write(dir.path(), "bluepay-jt.yaml", &jt);
    let sgate = std::fs::read_to_string(dir.path().join("sgate-payout.yaml")).unwrap();
    let sgate = sgate.replacen("openapi: ", "openapi: 3.0.3\nopenapi: ", 1);
    std::fs::write(dir.path().join("sgate-payout.yaml"), sgate).unwrap();

    let problems = check::lint_specs(dir.path()).unwrap().problems;
    find(
        &problems,
        "bluepay.yaml",
        "/components/schemas/QrCodeCreateParam/required",
        "must be a list of property names, found 5",
    );
    find(
        &problems,
        "bluepay-jt.yaml",
        &format!("{param}/$ref"),
        "#/components/schemas/NoSuchParam points to nothing",
    );
    find(
        &problems,
        "sgate-payout.yaml",
        "",
        "duplicate entry with key \"openapi\"",
    );
}

#[test]
fn a_stale_export_is_reported() {
    let specs = copy_of_specs();
    let schema = tempfile::tempdir().unwrap();
    let files = export::generate(specs.path()).unwrap();
    export::write_all(&files, schema.path()).unwrap();
    assert_eq!(
        check::check_export(specs.path(), schema.path()).unwrap(),
        vec![]
    );

    let mut sgate = read(specs.path(), "sgate-payout.yaml");
    sgate["components"]["schemas"]["StatusCode"]["x-codes"][0]["message"] = json!("Changed.");
    write(specs.path(), "sgate-payout.yaml", &sgate);
    std::fs::write(schema.path().join("bluepay/left-over.json"), "{}").unwrap();
    let problems = check::check_export(specs.path(), schema.path()).unwrap();
    for file in [
        "sgate-payout/openapi.json",
        "sgate-payout/openapi.yaml",
        "sgate-payout/openapi-wire.json",
        "sgate-payout/models.schema.json",
        "errors.json",
        "errors.csv",
    ] {
        find(&problems, file, "", "out of date with the YAML");
    }
    find(
        &problems,
        "bluepay/left-over.json",
        "",
        "no longer generated",
    );
    // Exporting again fixes it, and removes the left-over file.
    export::write_all(&export::generate(specs.path()).unwrap(), schema.path()).unwrap();
    assert_eq!(
        check::check_export(specs.path(), schema.path()).unwrap(),
        vec![]
    );
    assert!(!schema.path().join("bluepay/left-over.json").exists());
}

#[test]
fn the_binary_fails_with_the_problems_on_stderr() {
    let dir = copy_of_specs();
    break_specs(dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["check", "--no-export", "--no-snapshots", "--openapi"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bluepay.yaml: /paths/~1open-api~1account~1balance/post: POST /open-api/account/balance has no operationId"),
        "{stderr}"
    );
    assert!(stderr.contains("xtask check: 10 problem(s)"), "{stderr}");

    let usage = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["check", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

/// `xtask check` without the SGATE docs history: under CI a problem (exit 1), on a developer's
/// machine a note (the real specs pass).
#[test]
fn a_missing_docs_history_fails_check_under_ci_only() {
    let check = |ci: &str| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["check", "--no-export", "--no-snapshots"])
            .env(xtask::docs_diff::SHARED_DIR_VAR, "/nonexistent/shared")
            .env("CI", ci)
            .output()
            .unwrap()
    };
    let ci = check("true");
    let stderr = String::from_utf8_lossy(&ci.stderr);
    assert_eq!(ci.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("docs-diff cannot run, and CI does not skip it")
            && stderr.contains("/nonexistent/shared/sgate-docs-history not found"),
        "{stderr}"
    );
    let developer = check("false");
    let stderr = String::from_utf8_lossy(&developer.stderr);
    assert_eq!(developer.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("note: docs-diff skipped"), "{stderr}");
}

/// `cargo xtask <command> --help` (or `-h`) shows the usage and succeeds, for every command.
#[test]
fn every_command_takes_help() {
    for command in [
        "export",
        "check",
        "cross-language",
        "docs-diff",
        "spec-diff",
        "bench",
        "fuzz",
        "help",
    ] {
        for flag in ["--help", "-h"] {
            let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args([command, flag])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{command} {flag}");
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                stdout.starts_with("usage: cargo xtask"),
                "{command} {flag}: {stdout}"
            );
        }
    }
}

#[test]
fn the_committed_export_is_up_to_date() {
    let problems = check::check_export(&openapi_dir(), &workspace_root().join("schema")).unwrap();
    let problems: Vec<String> = problems.iter().map(Problem::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn exported_yaml_reads_as_the_json() {
    for file in export::generate(&openapi_dir()).unwrap() {
        let Some(stem) = file.path.strip_suffix(".yaml") else {
            continue;
        };
        let from_yaml: Value = serde_yaml_ng::from_str(&file.text).unwrap();
        let json_file = workspace_root().join("schema").join(format!("{stem}.json"));
        let from_json: Value =
            serde_json::from_str(&std::fs::read_to_string(json_file).unwrap()).unwrap();
        assert_eq!(from_yaml, from_json, "{}", file.path);
    }
}

#[test]
fn exported_models_are_valid_json_schema_and_accept_every_example() {
    for api in xtask::GATEWAYS {
        let dir = workspace_root().join("schema").join(api.spec_stem());
        let models = xtask::util::read_json(&dir.join("models.schema.json")).unwrap();
        jsonschema::meta::validate(&models).unwrap();
        let examples = xtask::util::read_json(&dir.join("examples.json")).unwrap();
        let list = examples["examples"].as_array().unwrap();
        assert!(
            list.len() > 30,
            "{}: {} examples",
            api.spec_stem(),
            list.len()
        );
        for entry in list {
            let name = entry["schema"].as_str().unwrap();
            let errors = check::model_errors(&models, name, &entry["value"]);
            assert!(
                errors.is_empty(),
                "{} {}: {errors:?}",
                api.spec_stem(),
                entry["at"]
            );
        }
        // And the constraints are real: the request examples stop validating when broken.
        let mut refused = 0;
        for entry in list {
            let name = entry["schema"].as_str().unwrap();
            let Some(object) = entry["value"].as_object() else {
                continue;
            };
            if name.ends_with("Param") && models["$defs"][name]["additionalProperties"] == false {
                let mut bad = object.clone();
                bad.insert("unexpectedField".into(), json!(1));
                assert!(!check::model_errors(&models, name, &Value::Object(bad)).is_empty());
                refused += 1;
            }
        }
        assert!(refused > 5, "{}", api.spec_stem());
    }
}

/// The docs pages kept as test fixtures must be their pages of the snapshot, byte for byte: a
/// copy that differs and one that is missing are problems naming the fixture; an exact copy is
/// none. And the repository's own fixtures are, against the snapshot the Payin spec describes.
#[test]
fn docs_pages_kept_as_fixtures_must_equal_their_snapshot_pages() {
    use xtask::check::{check_page_fixtures, PAYIN_PAGE_FIXTURES};
    let root = tempfile::tempdir().unwrap();
    let snapshot = tempfile::tempdir().unwrap();
    let page = snapshot.path().join("en/payinApi/callMethod/callMethod.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(&page, "# Call Method\n").unwrap();
    std::fs::create_dir_all(root.path().join("fixtures")).unwrap();
    let fixtures = [
        ("fixtures/same.md", "en/payinApi/callMethod/callMethod.md"),
        ("fixtures/stale.md", "en/payinApi/callMethod/callMethod.md"),
        (
            "fixtures/missing.md",
            "en/payinApi/callMethod/callMethod.md",
        ),
    ];
    std::fs::write(root.path().join("fixtures/same.md"), "# Call Method\n").unwrap();
    std::fs::write(root.path().join("fixtures/stale.md"), "# Call Method \n").unwrap();
    let problems = check_page_fixtures(root.path(), snapshot.path(), &fixtures);
    let files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        ["fixtures/stale.md", "fixtures/missing.md"],
        "{problems:?}"
    );
    assert!(problems[0].message.contains("differs from"), "{problems:?}");

    if let Ok(history) = xtask::docs_diff::sgate_history() {
        let payin = history
            .join("payin")
            .join(xtask::docs_diff::payin::PAYIN_SNAPSHOT);
        let root = workspace_root();
        let problems = check_page_fixtures(&root, &payin, PAYIN_PAGE_FIXTURES);
        assert!(problems.is_empty(), "{problems:?}");
    } else {
        assert!(!xtask::in_ci(), "CI has the docs history");
    }
}
