//! `cargo xtask bench`: paybind's RSA speed as a ratio of OpenSSL's, measured in one session.
//!
//! Runs `openssl speed -elapsed -mr rsa2048 rsa4096`, then the criterion bench
//! `benches/crypto.rs` (and, with `--baseline BINARY`, an older build of that bench, e.g. one
//! copied from `target/release/deps/crypto-*` before a change), then `openssl speed` again. The
//! machine may be shared, so every figure is wall-clock time (`-elapsed`, as criterion measures)
//! and the OpenSSL reference is the mean of the runs around the criterion runs; both are
//! printed.
//!
//! Ratios are rates, paybind ÷ OpenSSL: 1.0 is OpenSSL's speed, higher is faster. OpenSSL's
//! figure is the RSA operation on a pre-hashed input; paybind's includes hashing the ~140-byte
//! message (well under a microsecond for MD5, SHA-1 and SHA-256), so the same reference serves
//! all three hashes. Also prints `balance_inquiry` over loopback ÷ the hand-written reqwest call
//! (times: lower is better, 1.0 is no overhead), and ÷ the same hand-written call through a
//! client with paybind's settings (a total timeout costs a timer per request).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Key sizes measured.
const BITS: [u32; 2] = [2048, 4096];
/// Hashes measured, as the bench names them.
const HASHES: [&str; 3] = ["sha256", "sha1", "md5"];

/// OpenSSL's sign and verify rates for one key size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpensslRate {
    /// Modulus size in bits.
    pub bits: u32,
    /// Signatures per second.
    pub sign: f64,
    /// Verifications per second.
    pub verify: f64,
}

/// Reads `openssl speed -mr` output: lines `+F2:<index>:<bits>:<sign/s>:<verify/s>`.
pub fn parse_openssl_speed(text: &str) -> Vec<OpensslRate> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.trim().strip_prefix("+F2:")?.split(':').collect();
            Some(OpensslRate {
                bits: fields.get(1)?.parse().ok()?,
                sign: fields.get(2)?.parse().ok()?,
                verify: fields.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

fn openssl_speed(seconds: u32) -> Result<Vec<OpensslRate>, String> {
    let mut command = Command::new("openssl");
    command.args(["speed", "-elapsed", "-mr", "-seconds", &seconds.to_string()]);
    command.args(BITS.map(|b| format!("rsa{b}")));
    eprintln!("xtask bench: {command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    if !output.status.success() {
        return Err(format!("openssl speed failed: {}", output.status));
    }
    let rates = parse_openssl_speed(&String::from_utf8_lossy(&output.stdout));
    if rates.len() != BITS.len() {
        return Err("openssl speed printed no +F2 lines for rsa2048/rsa4096".into());
    }
    Ok(rates)
}

fn run_status(mut command: Command) -> Result<(), String> {
    eprintln!("xtask bench: {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

/// The current bench through cargo, results under `criterion_dir`.
fn criterion(root: &Path, criterion_dir: &Path, filter: Option<&str>) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .env("CRITERION_HOME", criterion_dir)
        .args(["bench", "-p", "paybind-benches", "--bench", "crypto", "--"]);
    command.args(filter);
    run_status(command)
}

/// A prebuilt bench binary (an older build), results under `criterion_dir`.
fn baseline(binary: &Path, criterion_dir: &Path, filter: Option<&str>) -> Result<(), String> {
    let mut command = Command::new(binary);
    command.env("CRITERION_HOME", criterion_dir).arg("--bench");
    command.args(filter);
    run_status(command)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Mean time of one criterion benchmark, in nanoseconds.
fn mean_ns(criterion_dir: &Path, group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json.pointer("/mean/point_estimate")?.as_f64()
}

fn mean(a: &OpensslRate, b: &OpensslRate) -> OpensslRate {
    OpensslRate {
        bits: a.bits,
        sign: (a.sign + b.sign) / 2.0,
        verify: (a.verify + b.verify) / 2.0,
    }
}

/// "µs  ratio" of one benchmark against an OpenSSL rate, or dashes when it was not measured.
fn cell(criterion_dir: &Path, group: &str, id: &str, openssl: f64) -> String {
    match mean_ns(criterion_dir, group, id) {
        Some(ns) => format!("{:>10.1} {:>7.2}×", ns / 1e3, 1e9 / ns / openssl),
        None => format!("{:>10} {:>8}", "-", "-"),
    }
}

fn call_line(label: &str, criterion_dir: &Path) {
    let paybind = mean_ns(criterion_dir, "call", "balance_inquiry");
    let by_hand = mean_ns(criterion_dir, "call", "hand-written");
    if let (Some(paybind), Some(by_hand)) = (paybind, by_hand) {
        println!(
            "{label}: balance_inquiry over loopback {:.1} µs, hand-written reqwest + serde call \
             {:.1} µs: {:.3}× (goal ≤ 1.05×)",
            paybind / 1e3,
            by_hand / 1e3,
            paybind / by_hand
        );
        if let Some(careful) = mean_ns(criterion_dir, "call", "hand-written-with-timeouts") {
            println!(
                "{label}: the hand-written call with paybind's client settings (timeouts, user \
                 agent, no redirects) {:.1} µs: balance_inquiry is {:.3}× that",
                careful / 1e3,
                paybind / careful
            );
        }
    }
}

/// Runs everything and prints the table.
pub fn run(
    root: &Path,
    seconds: u32,
    filter: Option<&str>,
    baseline_binary: Option<&Path>,
) -> Result<(), String> {
    let target = target_dir(root);
    let current_dir = target.join("criterion");
    let baseline_dir = target.join("criterion-baseline");
    let before = openssl_speed(seconds)?;
    if let Some(binary) = baseline_binary {
        baseline(binary, &baseline_dir, filter)?;
    }
    criterion(root, &current_dir, filter)?;
    let after = openssl_speed(seconds)?;

    println!("\nOpenSSL, wall clock, {seconds} s per figure, before / after the criterion runs:");
    for (b, a) in before.iter().zip(&after) {
        println!(
            "  rsa{}: sign {:.0}/s / {:.0}/s, verify {:.0}/s / {:.0}/s",
            b.bits, b.sign, a.sign, b.verify, a.verify
        );
    }
    let with_baseline = baseline_binary.is_some();
    print!(
        "\n{:<7} {:<7} {:<5} {:>10}",
        "op", "hash", "bits", "openssl/s"
    );
    if with_baseline {
        print!(" {:>10} {:>8}", "before µs", "ratio");
    }
    println!(" {:>10} {:>8}", "paybind µs", "ratio");
    for (b, a) in before.iter().zip(&after) {
        let reference = mean(b, a);
        let group = format!("rsa-{}", reference.bits);
        for op in ["sign", "verify"] {
            let openssl = if op == "sign" {
                reference.sign
            } else {
                reference.verify
            };
            for hash in HASHES {
                let id = format!("{op}-{hash}");
                print!("{op:<7} {hash:<7} {:<5} {openssl:>10.0}", reference.bits);
                if with_baseline {
                    print!(" {}", cell(&baseline_dir, &group, &id, openssl));
                }
                println!(" {}", cell(&current_dir, &group, &id, openssl));
            }
        }
    }
    println!();
    if with_baseline {
        call_line("before", &baseline_dir);
    }
    call_line("paybind", &current_dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_machine_readable_openssl_speed() {
        let text = "+DTP:2048:private:rsa:1\n+R7:2512:2048:1.00\n\
                    +F2:2:2048:2512.244898:41621.212121\n+F2:4:4096:380.5:10500\n";
        assert_eq!(
            parse_openssl_speed(text),
            vec![
                OpensslRate {
                    bits: 2048,
                    sign: 2512.244898,
                    verify: 41621.212121
                },
                OpensslRate {
                    bits: 4096,
                    sign: 380.5,
                    verify: 10500.0
                },
            ]
        );
    }
}
