//! Load benchmark of the sandbox: the sandbox runs in a child process (this same binary with
//! `--serve`), the load comes from this process over loopback. For each key size it measures
//! signed requests per second and the p50/p99 latency of two calls:
//!
//! - BluePay `balance_inquiry`: the client signs `param`, the sandbox verifies the signature,
//!   checks the param against the spec and answers;
//! - SGATE `merchant_balance`: the client signs the `V-*` headers, the sandbox verifies them and
//!   signs its answer, the client verifies that signature.
//!
//! Run (a bench target, so it is built in release, where the RSA arithmetic no longer dominates;
//! the `--bench` argument cargo adds is ignored):
//! `cargo bench -p paybind-benches --bench sandbox_load -- --seconds 10 --concurrency 8 --bits 2048,4096`
//!
//! Loopback only; every loop is bounded by time and by a request cap; the child is stopped at
//! the end.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paybind::keys::{PrivateKey, PublicKey};
use paybind_sandbox::{Sandbox, SandboxConfig, Storage};

const MAX_REQUESTS: usize = 1_000_000;

struct Options {
    seconds: u64,
    concurrency: usize,
    bits: Vec<usize>,
}

fn value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn options(args: &[String]) -> Result<Options, String> {
    let seconds: u64 = value(args, "--seconds")
        .unwrap_or("10")
        .parse()
        .map_err(|_| "--seconds N")?;
    let concurrency: usize = value(args, "--concurrency")
        .unwrap_or("8")
        .parse()
        .map_err(|_| "--concurrency N")?;
    let bits = value(args, "--bits")
        .unwrap_or("2048,4096")
        .split(',')
        .map(|b| {
            b.trim()
                .parse::<usize>()
                .map_err(|_| "--bits 2048,4096".to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Options {
        seconds: seconds.clamp(1, 600),
        concurrency: concurrency.clamp(1, 256),
        bits,
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = if args.iter().any(|a| a == "--serve") {
        serve(&args)
    } else {
        options(&args).and_then(|o| drive(&o))
    };
    if let Err(e) = result {
        eprintln!("sandbox_load: {e}");
        std::process::exit(1);
    }
}

/// Child: run the sandbox until stdin closes.
fn serve(args: &[String]) -> Result<(), String> {
    let bits: usize = value(args, "--bits")
        .unwrap_or("2048")
        .parse()
        .map_err(|_| "--bits")?;
    let keys_dir = PathBuf::from(value(args, "--keys-dir").ok_or("--keys-dir DIR")?);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let sandbox = Sandbox::start(SandboxConfig {
            storage: Storage::Memory,
            keys_dir: Some(keys_dir),
            key_bits: bits,
            ..SandboxConfig::default()
        })
        .await
        .map_err(|e| e.to_string())?;
        println!("READY {}", sandbox.base_url());
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        // The parent closes stdin (or dies): stop.
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin()
                .read_line(&mut sink)
                .map(|n| n > 0)
                .unwrap_or(false)
            {
                sink.clear();
            }
        })
        .await;
        sandbox.shutdown().await;
        Ok(())
    })
}

struct ChildSandbox {
    child: Child,
    base_url: String,
}

impl Drop for ChildSandbox {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_child(bits: usize, keys_dir: &Path) -> Result<ChildSandbox, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["--serve", "--bits", &bits.to_string(), "--keys-dir"])
        .arg(keys_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the sandbox process: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("READY ") {
                let _ = tx.send(url.to_string());
                return;
            }
        }
    });
    // Generating 4096-bit keys takes a while.
    let base_url = rx
        .recv_timeout(Duration::from_secs(300))
        .map_err(|_| "the sandbox process did not become ready")?;
    Ok(ChildSandbox { child, base_url })
}

struct Stats {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Stats {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }
}

async fn load<F, Fut>(seconds: u64, concurrency: usize, call: F) -> Stats
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let per_worker = MAX_REQUESTS / concurrency;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let call = call.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline && latencies.len() + errors < per_worker {
                let t = Instant::now();
                if call().await {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut stats = Stats {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for worker in workers {
        if let Ok((latencies, errors)) = worker.await {
            stats.latencies.extend(latencies);
            stats.errors += errors;
        }
    }
    stats.elapsed = started.elapsed();
    stats.latencies.sort();
    stats
}

fn report(name: &str, bits: usize, stats: &Stats) {
    let rate = stats.latencies.len() as f64 / stats.elapsed.as_secs_f64();
    println!(
        "| {name} | RSA-{bits} | {:>7.0} | {:>8.2} | {:>8.2} | {:>6} | {} |",
        rate,
        stats.percentile(0.50).as_secs_f64() * 1000.0,
        stats.percentile(0.99).as_secs_f64() * 1000.0,
        stats.latencies.len(),
        stats.errors
    );
}

fn drive(options: &Options) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    println!(
        "sandbox load: {} s per run, {} concurrent clients, sandbox in a child process on loopback",
        options.seconds, options.concurrency
    );
    println!("\n| call | keys | signed req/s | p50 ms | p99 ms | requests | errors |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for &bits in &options.bits {
        let dir = std::env::temp_dir().join(format!(
            "paybind-sandbox-load-{}-{bits}",
            std::process::id()
        ));
        let child = spawn_child(bits, &dir)?;
        let read = |name: &str| dir.join(format!("{name}.pem"));
        let merchant =
            PrivateKey::from_file(read("bluepay-merchant-private")).map_err(|e| e.to_string())?;
        let sgate_merchant =
            PrivateKey::from_file(read("sgate-merchant-private")).map_err(|e| e.to_string())?;
        let sgate_system =
            PublicKey::from_file(read("sgate-system-public")).map_err(|e| e.to_string())?;
        let defaults = SandboxConfig::default();

        let bluepay = paybind::bluepay::Client::new(paybind::bluepay::Config::new(
            paybind::bluepay::Environment::Url(format!("{}/bluepay", child.base_url)),
            defaults.bluepay_app_id.clone(),
            merchant.clone(),
            merchant.public_key(),
        ))
        .map_err(|e| e.to_string())?;
        let stats = runtime.block_on(load(options.seconds, options.concurrency, move || {
            let client = bluepay.clone();
            async move {
                client
                    .balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder())
                    .await
                    .is_ok()
            }
        }));
        report("BluePay balance_inquiry", bits, &stats);

        let sgate = paybind::sgate::Client::new(paybind::sgate::Config::new(
            paybind::sgate::Environment::Url(format!("{}/sgate", child.base_url)),
            defaults.sgate_api_key.clone(),
            sgate_merchant,
            sgate_system,
        ))
        .map_err(|e| e.to_string())?;
        let stats = runtime.block_on(load(options.seconds, options.concurrency, move || {
            let client = sgate.clone();
            async move { client.merchant_balance().await.is_ok() }
        }));
        report("SGATE merchant_balance", bits, &stats);
        drop(child);
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
