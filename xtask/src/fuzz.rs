//! `cargo xtask fuzz`: builds `fuzz/` with libFuzzer's coverage instrumentation on the stable
//! toolchain and runs each target for a bounded time from its seeds and its kept corpus.
//!
//! cargo-fuzz needs nightly only for sanitizers (`-Zsanitizer`); the coverage instrumentation
//! libFuzzer steers by is plain `-C` codegen options, so this builds with `cargo build` and the
//! flags cargo-fuzz uses for `--sanitizer none`. `--target <host>` keeps the flags off build
//! scripts and proc macros, as cargo-fuzz does. Panics and failed oracles abort the target;
//! libFuzzer saves the input under `<target dir>/fuzz/artifacts/<target>/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The targets in `fuzz/fuzz_targets/` (what each checks: `fuzz/src/<target>.rs`).
pub const TARGETS: &[&str] = &[
    "notification",
    "sgate_answer",
    "sgate_callback",
    "field_decrypt",
    "key_parse",
    "money",
    "spec_validate",
    "no_echo",
];

/// cargo-fuzz's instrumentation with `--sanitizer none`, plus the checks of a debug build.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

/// Seconds per target of `--smoke` (CI's bounded run: 8 targets, well under two minutes).
const SMOKE_SECONDS: u64 = 5;

const USAGE: &str = "\
usage: cargo xtask fuzz [--smoke | --seconds N] [--runs N] [--build-only] [TARGET...]

Builds fuzz/ (libFuzzer, stable toolchain) and runs each TARGET (default: all) for a bounded
time; the corpus is kept under <target dir>/fuzz/corpus/<target>, crashes under
<target dir>/fuzz/artifacts/<target>/.

options:
  --smoke       CI's bounded run: 5 s per target
  --seconds N   seconds per target (default 60)
  --runs N      also stop a target after N executions
  --build-only  build, run nothing

targets: notification sgate_answer sgate_callback field_decrypt key_parse money spec_validate no_echo";

struct Options {
    seconds: u64,
    runs: Option<u64>,
    build_only: bool,
    targets: Vec<String>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        runs: None,
        build_only: false,
        targets: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or(format!("{name} needs a number"))?;
            value
                .parse()
                .map_err(|_| format!("{name}: {value:?} is not a number"))
        };
        match arg.as_str() {
            "--smoke" => options.seconds = SMOKE_SECONDS,
            "--seconds" => options.seconds = number("--seconds")?,
            "--runs" => options.runs = Some(number("--runs")?),
            "--build-only" => options.build_only = true,
            target if TARGETS.contains(&target) => options.targets.push(target.to_string()),
            other => return Err(format!("unknown option or target {other}")),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// `cargo xtask fuzz …`
pub fn main(root: &Path, args: impl Iterator<Item = String>) -> ExitCode {
    let args: Vec<String> = args.collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let options = match parse(args.into_iter()) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(root, &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, options: &Options) -> Result<(), String> {
    let fuzz_dir = target_dir(root).join("fuzz");
    let started = Instant::now();
    let bin_dir = build(root, &fuzz_dir)?;
    println!("xtask fuzz: built in {} s", started.elapsed().as_secs());
    if options.build_only {
        return Ok(());
    }
    let (mut passed, mut failed) = (0, 0);
    for target in &options.targets {
        match run_target(&bin_dir, &fuzz_dir, target, options) {
            Ok(()) => passed += 1,
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    println!("fuzz targets: {passed} passed, {failed} failed");
    if failed > 0 {
        return Err(format!("{failed} fuzz target(s) failed"));
    }
    Ok(())
}

/// Builds every target; returns the directory of the binaries.
fn build(root: &Path, fuzz_dir: &Path) -> Result<PathBuf, String> {
    let host = host_triple()?;
    let status = Command::new(cargo())
        .args([
            "build",
            "--locked",
            "--release",
            "--bins",
            "--target",
            &host,
        ])
        .arg("--manifest-path")
        .arg(root.join("fuzz").join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", fuzz_dir)
        .env("RUSTFLAGS", RUSTFLAGS)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building fuzz/ failed ({status})"));
    }
    Ok(fuzz_dir.join(host).join("release"))
}

fn run_target(
    bin_dir: &Path,
    fuzz_dir: &Path,
    target: &str,
    options: &Options,
) -> Result<(), String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut command = Command::new(bin_dir.join(target));
    command
        .arg(&corpus)
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-print_final_stats=1")
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .env(SEEDS_ENV, &corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(runs) = options.runs {
        command.arg(format!("-runs={runs}"));
    }
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run fuzz target {target}: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let executions = final_stat(&log, "number_of_executed_units").unwrap_or(0);
    let seconds = started.elapsed().as_secs_f64();
    let rate = executions as f64 / seconds.max(0.001);
    if output.status.success() && executions == 0 {
        // A target that ran nothing (no final statistics, or an empty run) checked nothing.
        return Err(format!(
            "fuzz {target}: exited 0 but ran no input (stat::number_of_executed_units is 0 or \
             missing)"
        ));
    }
    if output.status.success() {
        println!(
            "fuzz {target}: {executions} executions in {seconds:.0} s ({rate:.0}/s), 0 crashes"
        );
        return Ok(());
    }
    let tail: Vec<&str> = log.lines().rev().take(40).collect();
    for line in tail.iter().rev() {
        eprintln!("  {line}");
    }
    Err(format!(
        "fuzz {target}: failed after {executions} executions ({}); the input is under {}",
        output.status,
        artifacts.display()
    ))
}

/// Read by fuzz/src/lib.rs: where a target writes its seeds.
const SEEDS_ENV: &str = "PAYBIND_FUZZ_SEEDS";

/// A `stat::NAME: N` line of libFuzzer's final statistics.
fn final_stat(log: &str, name: &str) -> Option<u64> {
    let prefix = format!("stat::{name}:");
    log.lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix(&prefix))
        .and_then(|n| n.trim().parse().ok())
}

fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV names no host".into())
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log =
            "#1024\tDONE cov: 12\nstat::number_of_executed_units: 123456\nstat::peak_rss_mb: 80\n";
        assert_eq!(final_stat(log, "number_of_executed_units"), Some(123_456));
        assert_eq!(final_stat(log, "slowest_unit_time_sec"), None);
    }

    #[test]
    fn options() {
        let args = |s: &str| parse(s.split_whitespace().map(String::from));
        let smoke = args("--smoke money").unwrap();
        assert_eq!(
            (smoke.seconds, smoke.targets.clone()),
            (SMOKE_SECONDS, vec!["money".into()])
        );
        assert_eq!(args("").unwrap().targets.len(), TARGETS.len());
        assert!(args("--seconds x").is_err());
        assert!(args("nonsense").is_err());
    }

    /// A stand-in for a target binary: a shell script that prints `log` and exits `code`.
    fn fake_target(dir: &Path, log: &str, code: i32) {
        use std::os::unix::fs::PermissionsExt;
        let script = dir.join("money");
        let body = format!("#!/bin/sh\nprintf '%s' '{log}' >&2\nexit {code}\n");
        std::fs::write(&script, body).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_crashing_or_failing_target_fails_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let options = parse(["--smoke", "money"].map(String::from).into_iter()).unwrap();
        let run = |log: &str, code| {
            fake_target(dir.path(), log, code);
            run_target(dir.path(), dir.path(), "money", &options)
        };
        let passed = run("stat::number_of_executed_units: 42\n", 0);
        assert_eq!(passed, Ok(()));
        // A success that executed nothing, or printed no statistics, is no success.
        for log in ["stat::number_of_executed_units: 0\n", "INFO: nothing\n"] {
            let idle = run(log, 0).unwrap_err();
            assert!(idle.contains("ran no input"), "{idle}");
        }
        // libFuzzer's exit on a panic (deadly signal) and on a timeout or out-of-memory.
        for (log, code) in [("==1== ERROR: libFuzzer: deadly signal\n", 77), ("", 70)] {
            let failed = run(log, code).unwrap_err();
            assert!(failed.contains("fuzz money: failed"), "{failed}");
        }
    }

    #[test]
    fn every_target_has_a_source_and_a_bin() {
        let root = crate::workspace_root();
        let manifest = std::fs::read_to_string(root.join("fuzz/Cargo.toml")).unwrap();
        for target in TARGETS {
            assert!(
                root.join(format!("fuzz/fuzz_targets/{target}.rs")).exists(),
                "{target}"
            );
            assert!(
                root.join(format!("fuzz/src/{target}.rs")).exists(),
                "{target}"
            );
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target}"
            );
        }
    }
}
