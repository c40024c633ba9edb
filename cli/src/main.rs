//! `paybind`: the command line of the paybind crate, for integrators chasing a "sign error".
//!
//! Every subcommand prints JSON on stdout (`--pretty` to indent it), a typed JSON error on
//! stderr, and exits 0 (ok), 1 (gateway or API error), 2 (usage or input error: nothing was
//! sent) or 3 (a signature did not verify). Keys and secrets are never printed.

// Like the library: no unsafe code.
#![deny(unsafe_code)]

mod call;
mod config;
mod envelope_cmd;
mod gateway_arg;
mod input;
mod keygen;
mod output;
mod progress;
mod sandbox_cmd;
mod sgate_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::Value;

use call::{CallArgs, OperationsArgs};
use envelope_cmd::{MintNotificationArgs, SignArgs, VerifyNotificationArgs};
use keygen::KeygenArgs;
use output::{print_error, print_json, CliError, EXIT_OK, EXIT_USAGE};
use sandbox_cmd::SandboxArgs;
use sgate_cmd::{SgateMintCallbackArgs, SgateSignArgs, SgateVerifyArgs};

/// Typed, code-generated bindings for BluePay, BluePay JT and SGATE, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "paybind",
    version,
    propagate_version = true,
    arg_required_else_help = true,
    after_help = "\
Output: JSON on stdout; errors as {\"error\": {\"kind\": …, \"message\": …}} on stderr.
Exit codes: 0 ok, 1 gateway/API error, 2 usage or input error (nothing sent), 3 signature verification failure.

Examples:
  paybind keygen --bits 4096 --out keys/
  paybind bluepay sign --private-key keys/private.pem --app-id APP --param '{\"timestamp\":1676017834369}'
  paybind sgate sign --private-key keys/private.pem --api-key KEY --method GET --url /openApi/v1/merchant/balance
  paybind bluepay mint-notification --private-key test-gateway.pem --param '{\"eventName\":\"qrcode.payment.success\"}'
  paybind operations bluepay --pretty
  paybind call bluepay balance_inquiry --param '{}'
  paybind sandbox --memory --keys-dir ./sandbox-keys"
)]
struct Cli {
    /// Indented JSON for humans (and a table for `operations`).
    #[arg(long, global = true)]
    pretty: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a merchant RSA key pair: PEM and the bare Base64 the consoles expect.
    Keygen(KeygenArgs),
    /// BluePay / BluePay JT envelope signing and notification verification.
    #[command(subcommand)]
    Bluepay(BluepayCommand),
    /// SGATE header signing and verification.
    #[command(subcommand)]
    Sgate(SgateCommand),
    /// Call any operation of a gateway with a JSON param, validated before sending.
    Call(CallArgs),
    /// List the operations of a gateway with their summaries.
    Operations(OperationsArgs),
    /// Run the local sandbox of all three gateways on 127.0.0.1.
    Sandbox(SandboxArgs),
}

#[derive(Debug, Subcommand)]
enum BluepayCommand {
    /// Sign a param: prints the envelope {appId, param, sign}.
    Sign(SignArgs),
    /// Verify a notification body and print the typed event, or exit 3.
    VerifyNotification(VerifyNotificationArgs),
    /// Mint a notification as the gateway POSTs it, signed with its private key: prints the
    /// body {param, sign}.
    MintNotification(MintNotificationArgs),
}

#[derive(Debug, Subcommand)]
enum SgateCommand {
    /// Sign a request: prints the signature data, its MD5 and the five V-* headers.
    Sign(SgateSignArgs),
    /// Verify an SGATE signature (an answer or a callback); exit 0 or 3.
    Verify(SgateVerifyArgs),
    /// Mint a callback as SGATE POSTs it, signed now with the system private key: prints
    /// {headers, body}.
    MintCallback(SgateMintCallbackArgs),
}

fn main() -> ExitCode {
    let pretty_requested = std::env::args_os().any(|a| a == "--pretty");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(usage_error(e, pretty_requested)),
    };
    let pretty = cli.pretty;
    let outcome: Result<Option<Value>, CliError> = match &cli.command {
        Command::Keygen(args) => keygen::run(args).map(Some),
        Command::Bluepay(BluepayCommand::Sign(args)) => envelope_cmd::sign(args).map(Some),
        Command::Bluepay(BluepayCommand::VerifyNotification(args)) => {
            envelope_cmd::verify_notification(args).map(Some)
        }
        Command::Bluepay(BluepayCommand::MintNotification(args)) => {
            envelope_cmd::mint_notification(args).map(Some)
        }
        Command::Sgate(SgateCommand::Sign(args)) => sgate_cmd::sign(args).map(Some),
        Command::Sgate(SgateCommand::Verify(args)) => sgate_cmd::verify(args).map(Some),
        Command::Sgate(SgateCommand::MintCallback(args)) => {
            sgate_cmd::mint_callback(args).map(Some)
        }
        Command::Operations(args) => {
            for line in call::list(args.api, pretty) {
                output::print_line(&line);
            }
            Ok(None)
        }
        Command::Call(args) => runtime().and_then(|rt| rt.block_on(call::run(args)).map(Some)),
        Command::Sandbox(args) => runtime()
            .and_then(|rt| rt.block_on(sandbox_cmd::run(args, pretty)))
            .map(|()| None),
    };
    match outcome {
        Ok(Some(value)) => {
            print_json(&value, pretty);
            ExitCode::from(EXIT_OK)
        }
        Ok(None) => ExitCode::from(EXIT_OK),
        Err(error) => {
            print_error(&error, pretty);
            ExitCode::from(error.exit)
        }
    }
}

/// A single-threaded runtime: one command, one request at a time.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::gateway("runtime", format!("cannot start the runtime: {e}")))
}

/// Help and version go to stdout with exit 0; a usage error is a typed error with exit 2.
fn usage_error(e: clap::Error, pretty: bool) -> u8 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            EXIT_OK
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            EXIT_USAGE
        }
        _ => {
            let text = e.render().to_string();
            // clap's text without its "Usage:" and "For more information" lines, on one line.
            let message = text
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty() && !l.starts_with("Usage: ") && !l.starts_with("For more")
                })
                .collect::<Vec<_>>()
                .join(" ");
            let message = message.trim_start_matches("error: ").to_string();
            let mut error = CliError::usage(message);
            if let Some(usage) = text.lines().find_map(|l| l.trim().strip_prefix("Usage: ")) {
                error = error.with("usage", usage.to_string());
            }
            print_error(&error, pretty);
            EXIT_USAGE
        }
    }
}
