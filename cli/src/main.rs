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
mod input;
mod keygen;
mod output;
mod progress;
mod sandbox_cmd;
mod sgate_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use paybind::gateways::{Gateway, Signing};
use serde_json::Value;

use output::{print_error, print_json, CliError, EXIT_OK, EXIT_USAGE};

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

/// A key size paybind generates (a multiple of 128 from 2048 to 8192; the gateways ask for
/// 2048 or 4096).
#[derive(Debug, Clone, Copy)]
struct Bits(usize);

impl Bits {
    fn bits(self) -> usize {
        self.0
    }

    fn parse(text: &str) -> Result<Self, String> {
        let bits: usize = text
            .parse()
            .map_err(|_| format!("{text} is not a number of bits"))?;
        if paybind::keys::is_generated_size(bits) {
            Ok(Self(bits))
        } else {
            Err(format!(
                "{bits}-bit keys are not generated: use a multiple of 128 from 2048 to 8192 \
                 (the gateways ask for 2048 or 4096)"
            ))
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Writes private.pem (PKCS#8), public.pem (SPKI), private.b64 and public.b64 (bare Base64 of the
DER, one line) into DIR; the private files are readable by their owner only. Prints the file
names and the public key's Base64 (give that to the gateway); never the private key.

Example:
  paybind keygen --bits 4096 --out keys/
  openssl pkey -in keys/private.pem -check -noout")]
struct KeygenArgs {
    /// Key size in bits: 2048 or 4096 for the gateways; any multiple of 128 up to 8192.
    #[arg(long, value_name = "BITS", value_parser = Bits::parse)]
    bits: Bits,
    /// Directory to write the four files into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace existing key files in DIR.
    #[arg(long)]
    force: bool,
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

/// Signature hash of the envelope.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
enum HashArg {
    /// SHA256withRSA (default).
    #[default]
    Sha256,
    /// SHA1withRSA.
    Sha1,
}

impl From<HashArg> for paybind::envelope::HashAlgorithm {
    fn from(hash: HashArg) -> Self {
        match hash {
            HashArg::Sha256 => paybind::envelope::HashAlgorithm::Sha256,
            HashArg::Sha1 => paybind::envelope::HashAlgorithm::Sha1,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
The param text is signed byte for byte as given (not re-serialised), so the printed envelope is
exactly what to send. It must be a JSON object.

Example:
  paybind bluepay sign --private-key keys/private.pem --app-id c9b002aef1d7496c9df078d937896605 \\
      --param '{\"mchOrderId\":\"PC880001\",\"timestamp\":1676017834369}'
  # verify it with openssl:
  paybind bluepay sign … | jq -r .sign | base64 -d > sig.bin
  printf %s \"$PARAM\" | openssl dgst -sha256 -verify keys/public.pem -signature sig.bin")]
struct SignArgs {
    /// The merchant private key (PEM or bare Base64).
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// The app id BluePay issued.
    #[arg(long, value_name = "ID")]
    app_id: String,
    /// Signature hash.
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    hash: HashArg,
    /// The param JSON text.
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "param_file",
        required_unless_present = "param_file"
    )]
    param: Option<String>,
    /// A file holding the param JSON text (its bytes are signed exactly).
    #[arg(long, value_name = "FILE")]
    param_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Checks the RSA signature over `param` with the gateway's public key before anything is parsed,
then prints the typed event as {\"kind\": …, \"event\": {…}}. Exit 3 if the signature does not
verify (forged or altered body, wrong key or --hash), 2 if the body is not a notification.

Example:
  paybind bluepay verify-notification --public-key bluepay-public.pem --body notify.json
  curl … | paybind bluepay verify-notification --public-key bluepay-public.pem")]
struct VerifyNotificationArgs {
    /// The gateway's public key (PEM or bare Base64).
    #[arg(long, value_name = "FILE")]
    public_key: PathBuf,
    /// Signature hash.
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    hash: HashArg,
    /// The notification body as received; stdin when absent.
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// Whose notification kinds to type the event with.
    #[arg(long, value_parser = Api::parser(Some(Signing::Envelope)), default_value = "bluepay")]
    api: Api,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Signs the param text byte for byte as given (not re-serialised) with the gateway's private key,
as BluePay and BluePay JT sign the notifications they POST, and prints the body
{\"param\": …, \"sign\": …} to send to your notification endpoint. For your tests: sign with a
key of your own and give its public half to the verifier under test.

Example:
  paybind keygen --bits 2048 --out test-gateway/
  paybind bluepay mint-notification --private-key test-gateway/private.pem \\
      --param '{\"eventName\":\"qrcode.payment.success\",\"mchOrderId\":\"SHOP42\",\"transactionId\":\"Q123\",\"amount\":50020,\"transactionStatus\":\"COMPLETED\"}' \\
      > notify.json
  curl -X POST http://127.0.0.1:3000/bluepay/notify -H 'Content-Type: application/json' \\
      --data-binary @notify.json
  paybind bluepay verify-notification --public-key test-gateway/public.pem --body notify.json")]
struct MintNotificationArgs {
    /// The gateway's private key (PEM or bare Base64): a test key whose public half your
    /// verifier holds.
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// Signature hash (the one your config verifies with).
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    hash: HashArg,
    /// The param JSON text (an object).
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "param_file",
        required_unless_present = "param_file"
    )]
    param: Option<String>,
    /// A file holding the param JSON text (its bytes are signed exactly).
    #[arg(long, value_name = "FILE")]
    param_file: Option<PathBuf>,
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

/// HTTP method of an SGATE request.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "UPPER")]
enum Method {
    /// GET (signed body is empty).
    Get,
    /// POST.
    Post,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
The signed text is {\"api_key\",\"timestamp\",\"nonce_str\",\"url\",\"method\",\"body\"} as compact JSON;
its MD5 (hex) is signed with MD5withRSA. --url is the path and query exactly as sent. GET and
multipart requests sign an empty body.

Example (the docs' worked example; md5 8a5908e27626d79d73dc14bd9ba00e72):
  paybind sgate sign --private-key keys/private.pem --api-key xxxxxxxxxxxxxx --method GET \\
      --url /openApi/v1/payee/custom/list --timestamp 1686647706 --nonce TIj5tZ3gM6FbprYlKNR2")]
struct SgateSignArgs {
    /// The merchant private key (PEM or bare Base64).
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    #[command(flatten)]
    request: SgateRequestArgs,
    /// The request body (UTF-8); empty when absent.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// V-Timestamp, Unix seconds (default now).
    #[arg(long, value_name = "N")]
    timestamp: Option<i64>,
    /// V-Nonce-Str (default 32 random letters and digits).
    #[arg(long, value_name = "S")]
    nonce: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Recomputes the signature data from the arguments and the body and checks V-Signature with the
system public key. Prints {\"verified\": true, …} and exits 0, or exits 3 with the signature
data and MD5 it checked (compare them with what the other side signed).

Example:
  paybind sgate verify --public-key sgate-system.pem --api-key KEY --method POST \\
      --url /sgate/callback --timestamp 1686647706 --nonce TIj5tZ3gM6FbprYlKNR2 \\
      --signature \"$V_SIGNATURE\" --body-file callback.json")]
struct SgateVerifyArgs {
    /// SGATE's system public key (PEM or bare Base64).
    #[arg(long, value_name = "FILE")]
    public_key: PathBuf,
    #[command(flatten)]
    request: SgateRequestArgs,
    /// V-Timestamp.
    #[arg(long, value_name = "N")]
    timestamp: i64,
    /// V-Nonce-Str.
    #[arg(long, value_name = "S")]
    nonce: String,
    /// V-Signature (Base64).
    #[arg(long, value_name = "SIG")]
    signature: String,
    /// The body as received; stdin when absent.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Signs the body as SGATE signs a callback (MD5withRSA over the MD5 of {api_key, timestamp,
nonce_str, url, method: POST, body}) with the system private key, at the current time with a
random nonce, and prints {\"headers\": {V-Api-Key, V-Api-Version, V-Timestamp, V-Nonce-Str,
V-Signature}, \"body\": …}. With --encrypt-to, the members the spec marks sensitive (cardno,
identity, stcaccount, …; give them in plain text) are first encrypted to the merchant public key,
as SGATE sends them. V-Api-Key is printed as a placeholder: the API KEY is never printed (put
yours in the header; it is inside the signature). Send it within 5 minutes: verifiers refuse an
older V-Timestamp.

Example:
  paybind sgate mint-callback --private-key test-system/private.pem --api-key \"$API_KEY\" \\
      --url /sgate/callback --body-file callback.json --encrypt-to merchant-public.pem > minted.json
  h() { jq -r --arg h \"$1\" '.headers[$h]' minted.json; }
  jq -j .body minted.json | curl -X POST http://127.0.0.1:3000/sgate/callback \\
      -H 'Content-Type: application/json' -H \"V-Api-Key: $API_KEY\" -H 'V-Api-Version: 1' \\
      -H \"V-Timestamp: $(h V-Timestamp)\" -H \"V-Nonce-Str: $(h V-Nonce-Str)\" \\
      -H \"V-Signature: $(h V-Signature)\" --data-binary @-")]
struct SgateMintCallbackArgs {
    /// SGATE's system private key (PEM or bare Base64): a test key whose public half your
    /// verifier holds.
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// The API KEY (signed; never printed).
    #[arg(
        long,
        value_name = "KEY",
        env = "PAYBIND_SGATE_API_KEY",
        hide_env_values = true
    )]
    api_key: String,
    /// The callback URL's path and query as SGATE calls it, e.g. /sgate/callback (or the whole
    /// URL, whose path and query are signed).
    #[arg(long, value_name = "PATH_AND_QUERY")]
    url: String,
    /// The callback body (a JSON object); stdin when absent.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// The merchant public key (PEM or bare Base64) to encrypt the sensitive members to.
    #[arg(long, value_name = "FILE")]
    encrypt_to: Option<PathBuf>,
}

/// What an SGATE signature covers besides its timestamp, nonce and body (`sgate sign` and
/// `sgate verify`).
#[derive(Debug, Args)]
struct SgateRequestArgs {
    /// The API KEY SGATE issued.
    #[arg(
        long,
        value_name = "KEY",
        env = "PAYBIND_SGATE_API_KEY",
        hide_env_values = true
    )]
    api_key: String,
    /// HTTP method of the signed request.
    #[arg(long, value_enum, ignore_case = true)]
    method: Method,
    /// Path and query exactly as sent, e.g. /openApi/v1/payee/custom/list?pageno=1.
    #[arg(long, value_name = "PATH_AND_QUERY")]
    url: String,
}

/// A gateway (`paybind::gateways::Gateway`), named on the command line by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Api(Gateway);

impl Api {
    fn id(self) -> &'static str {
        self.0.id()
    }

    /// The argument's parser: the compiled-in gateways of the table (of one signing family, if
    /// given), each with its name as help.
    fn parser(family: Option<Signing>) -> impl TypedValueParser<Value = Api> {
        let choices = Gateway::ALL
            .iter()
            .map(|gateway| gateway.row())
            .filter(move |row| family.is_none_or(|f| row.signing == f))
            .map(|row| PossibleValue::new(row.id).help(row.name));
        PossibleValuesParser::new(choices).try_map(|id| {
            Gateway::from_id(&id)
                .map(Api)
                .ok_or_else(|| format!("no gateway {id:?}"))
        })
    }
}

#[derive(Debug, Args)]
#[command(after_long_help = call_help(), after_help = call_help())]
struct CallArgs {
    /// The gateway.
    #[arg(value_parser = Api::parser(None))]
    api: Api,
    /// The operationId (see `paybind operations <api>`).
    operation_id: String,
    /// The param as JSON (the body of a POST operation, the query object of an SGATE GET one).
    #[arg(long, value_name = "JSON", conflicts_with = "param_file")]
    param: Option<String>,
    /// A file holding the param JSON.
    #[arg(long, value_name = "FILE")]
    param_file: Option<PathBuf>,
    /// Where to write the file of a download (sgate statement_download, bluepay-jt report_download).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// TOML config file (default: $PAYBIND_CONFIG).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

fn call_help() -> String {
    format!(
        "\
The param comes from --param, --param-file or stdin ({{}} when none is given). It is decoded
into the operation's model and checked against the spec (lengths, patterns, enums, conditional
rules) before anything is signed; a violation exits 2 and nothing is sent. On success the
operation's `data` is printed as JSON. A gateway error exits 1 with its code; an SGATE answer
whose signature does not verify exits 3.

Downloads: `sgate statement_download --param '{{\"day\":\"2024-06-26\"}}' --out statement.xlsx`
and `bluepay-jt report_download --param '{{…}}' --out report.gpg` stream the file (a progress bar
on a terminal, nothing when piped); without --out report_download prints the link.

{}

Examples:
  export PAYBIND_BLUEPAY_URL=https://your-bluepay-host PAYBIND_BLUEPAY_APP_ID=… \\
         PAYBIND_BLUEPAY_PRIVATE_KEY_FILE=keys/private.pem
  paybind call bluepay balance_inquiry --param '{{}}'
  echo '{{\"mchOrderId\":\"PC880001\"}}' | paybind call bluepay qr_code_detail
  paybind call sgate customer_list --param '{{\"pagesize\":50}}' --config paybind.toml",
        config::HELP
    )
}

#[derive(Debug, Args)]
#[command(after_help = "\
One JSON object per line ({\"operationId\", \"method\", \"path\", \"summary\"}); with --pretty an
aligned table.

Example:
  paybind operations sgate --pretty")]
struct OperationsArgs {
    /// The gateway.
    #[arg(value_parser = Api::parser(None))]
    api: Api,
}

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
Serves BluePay under {base}/bluepay, BluePay JT under {base}/bluepay-jt, SGATE under {base}/sgate
and the admin API under {base}/admin, verifying signatures and params like the gateways, with
state that survives a restart (--data) or not (--memory). Prints one JSON object: the URLs, the
app ids and API KEY it accepts, its key files, and under \"env\" the PAYBIND_* variables for
`paybind call`. Serves until stopped (Ctrl-C). With --fixtures it starts in the world the file
describes (balances, orders, customers, rules, faults; schema/sandbox/fixtures.schema.json) and
returns to it on POST /admin/reset.

Example:
  paybind sandbox --port 8600 --data .paybind-sandbox/state.db
  paybind sandbox --memory --fixtures fixtures.json > sandbox.json &
  export $(jq -r '.env | to_entries[] | \"\\(.key)=\\(.value)\"' sandbox.json)
  paybind call bluepay balance_inquiry
  paybind sandbox trigger bluepay qr.paid --override amount=1500"
)]
struct SandboxArgs {
    #[command(subcommand)]
    command: Option<sandbox_cmd::SandboxCommand>,
    /// TCP port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// SQLite file holding the state (default .paybind-sandbox/state.db).
    #[arg(long, value_name = "FILE", conflicts_with = "memory")]
    data: Option<std::path::PathBuf>,
    /// Keep the state in memory only.
    #[arg(long)]
    memory: bool,
    /// Directory of the sandbox's key files: read when present, generated when missing
    /// (default: keys/ beside the data file; with --memory, a per-user cache directory).
    #[arg(long, value_name = "DIR")]
    keys_dir: Option<std::path::PathBuf>,
    /// Size of generated keys, in bits (a multiple of 128 from 2048 to 8192).
    #[arg(long, value_name = "BITS", value_parser = Bits::parse, default_value = "2048")]
    key_bits: Bits,
    /// JSON file of faults, outcome rules and settings applied at start.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Fixtures: the world to start in and to return to on reset (JSON, or TOML by its name).
    #[arg(long, value_name = "FILE")]
    fixtures: Option<std::path::PathBuf>,
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
