//! Every test of paybind lives in this binary (the command line's in `cli/tests`). The library
//! (and the sandbox's and the binary) is declared with `test = false` in
//! Cargo.toml, so that `cargo test` compiles it once instead of a second time as a unit-test
//! harness; a `#[test]` written inside `src/` would therefore compile in no build and never run.
//! This test finds any.

use std::path::{Path, PathBuf};

/// What marks a line as a unit test, or as code compiled only for unit tests: `#[test]`,
/// `#[tokio::test]` (any `…::test` attribute), or a `cfg` naming `test` (`#[cfg(test)]`,
/// `#[cfg(all(test, feature = "x"))]`, `cfg_attr(test, …)`).
fn marker(code: &str) -> Option<&'static str> {
    if code.contains("#[test]") {
        return Some("#[test]");
    }
    if code.contains("#[") && (code.contains("::test]") || code.contains("::test(")) {
        return Some("#[…::test]");
    }
    let cfg_names_test = code.contains("cfg(") || code.contains("cfg_attr(");
    let names_test = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "test");
    (cfg_names_test && names_test).then_some("cfg(test)")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// `file:line: marker` of every unit-test marker in `dir`'s Rust files.
fn unit_test_markers(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.sort();
    let mut hits = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if let Some(marker) = marker(code) {
                let shown = file.strip_prefix(dir).unwrap_or(&file);
                hits.push(format!("{}:{}: {marker}", shown.display(), n + 1));
            }
        }
    }
    hits
}

/// Whether the package at `dir` declares its library (or binary) `test = false`.
fn target_has_no_harness(dir: &Path) -> bool {
    let cargo_toml = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
    cargo_toml
        .split("\n[")
        .filter(|section| section.starts_with("lib]") || section.starts_with("[bin]]"))
        .any(|section| section.lines().any(|line| line.trim() == "test = false"))
}

#[test]
fn no_package_has_unit_tests_that_would_never_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The SDK, the simulator (tested by tests/it) and the command line (by cli/tests).
    for package in [root.to_path_buf(), root.join("sandbox"), root.join("cli")] {
        assert!(
            target_has_no_harness(&package),
            "{}: this check exists because the target is not compiled as a test harness",
            package.display()
        );
        let hits = unit_test_markers(&package.join("src"));
        assert!(
            hits.is_empty(),
            "unit tests in {}/src never run (`test = false`); move them into the package's \
             tests and test through the public API:\n{}",
            package.display(),
            hits.join("\n")
        );
    }
}

#[test]
fn the_scan_finds_a_unit_test() {
    // The scan itself, on a folder holding a test module, a commented-out marker and a cfg
    // that is not `test`.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("inner")).expect("subfolder");
    std::fs::write(
        dir.path().join("inner/a.rs"),
        "#[cfg(fuzzing)]\nfn f() {}\n// #[test] in a comment\n#[cfg(all(test, feature = \"x\"))]\nmod tests {\n    #[tokio::test]\n    async fn t() {}\n    #[test]\n    fn u() {}\n}\n",
    )
    .expect("write");
    let hits = unit_test_markers(dir.path());
    let shown: Vec<&str> = hits
        .iter()
        .map(|h| h.rsplit_once(".rs:").map_or(h.as_str(), |(_, at)| at))
        .collect();
    assert_eq!(shown, ["4: cfg(test)", "6: #[…::test]", "8: #[test]"]);
}
