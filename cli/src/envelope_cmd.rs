//! `paybind bluepay sign`, `verify-notification` and `mint-notification`: the `{appId, param,
//! sign}` envelope of BluePay and BluePay JT, and their `{param, sign}` notifications, by hand.

use std::path::PathBuf;

use paybind::envelope::{NotificationError, RsaSigner};
use paybind::gateways::{Gateway, Signing};
use paybind::testing::JsonText;
use serde_json::{json, Map, Value};

use crate::input;
use crate::output::CliError;
use clap::{Args, ValueEnum};

use crate::gateway_arg::Api;

/// The param of `sign` and `mint-notification`: its JSON text, given or in a file.
#[derive(Debug, Args)]
pub(crate) struct ParamArgs {
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

/// The param text of `--param` or `--param-file`, checked to be a JSON object (the text itself
/// is signed byte for byte).
fn param_text(args: &ParamArgs) -> Result<String, CliError> {
    let param = match (&args.param, &args.param_file) {
        (Some(text), None) => text.clone(),
        (None, Some(path)) => input::utf8(input::read_file(path, "param file")?, "the param file")?,
        _ => {
            return Err(CliError::usage(
                "give exactly one of --param and --param-file",
            ))
        }
    };
    if serde_json::from_str::<Map<String, Value>>(&param).is_err() {
        input::json(&param, "the param")?;
        return Err(CliError::input(
            "json",
            "the param is JSON but not a JSON object",
        ));
    }
    Ok(param)
}

pub fn sign(args: &SignArgs) -> Result<Value, CliError> {
    let param = param_text(&args.param)?;
    let key = input::private_key(&args.private_key)?;
    let signer = RsaSigner::new(&key, args.hash.into());
    let sign = signer.sign_base64(param.as_bytes());
    Ok(json!({ "appId": args.app_id, "param": param, "sign": sign }))
}

/// The body the gateway POSTs, minted by `paybind::testing` (one envelope for BluePay and
/// BluePay JT).
pub fn mint_notification(args: &MintNotificationArgs) -> Result<Value, CliError> {
    let param = param_text(&args.param)?;
    let key = input::private_key(&args.private_key)?;
    let signer = paybind::testing::bluepay::NotificationSigner::new(&key, args.hash.into());
    let body = signer.notification(JsonText(&param))?;
    serde_json::from_slice(&body)
        .map_err(|e| CliError::input("json", paybind::spec::without_value(&e.to_string())))
}

pub fn verify_notification(args: &VerifyNotificationArgs) -> Result<Value, CliError> {
    let body = match &args.body {
        Some(path) => input::read_file(path, "notification body")?,
        None => input::read_stdin("the notification body")?.ok_or_else(|| {
            CliError::usage("give --body FILE or pipe the notification body on stdin")
        })?,
    };
    let key = input::public_key(&args.public_key)?;
    let hash = args.hash.into();
    // Each gateway types its events with its own enum.
    let event = match args.api.0 {
        Gateway::BluePay => paybind::bluepay::Notifications::new(key, hash)
            .verify(&body)
            .map_err(notify_error)
            .and_then(|event| to_json(&event)),
        Gateway::BluePayJt => paybind::bluepay_jt::Notifications::new(key, hash)
            .verify(&body)
            .map_err(notify_error)
            .and_then(|event| to_json(&event)),
        Gateway::Sgate | Gateway::SgatePayin => Err(CliError::usage(format!(
            "{} has no envelope notifications",
            args.api.id()
        ))),
    }?;
    Ok(event)
}

fn to_json<T: serde::Serialize>(event: &T) -> Result<Value, CliError> {
    serde_json::to_value(event)
        .map_err(|e| CliError::input("bad_param", paybind::spec::without_value(&e.to_string())))
}

fn notify_error(e: NotificationError) -> CliError {
    match e {
        NotificationError::BadSignature(reason) => CliError::signature(format!(
            "notification signature rejected: {reason} (wrong gateway public key or --hash, or a forged or altered body)"
        )),
        NotificationError::BadParam { reason, .. } => CliError::input(
            "bad_param",
            format!("the signature verified, but param is not the documented JSON: {reason}"),
        ),
        other => CliError::input("body", other.to_string()),
    }
}

/// Signature hash of the envelope.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub(crate) enum HashArg {
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
pub(crate) struct SignArgs {
    /// The merchant private key (PEM or bare Base64).
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// The app id BluePay issued.
    #[arg(long, value_name = "ID")]
    app_id: String,
    /// Signature hash.
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    hash: HashArg,
    #[command(flatten)]
    param: ParamArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Checks the RSA signature over `param` with the gateway's public key before anything is parsed,
then prints the typed event as {\"kind\": …, \"event\": {…}}. Exit 3 if the signature does not
verify (forged or altered body, wrong key or --hash), 2 if the body is not a notification.

Example:
  paybind bluepay verify-notification --public-key bluepay-public.pem --body notify.json
  curl … | paybind bluepay verify-notification --public-key bluepay-public.pem")]
pub(crate) struct VerifyNotificationArgs {
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
pub(crate) struct MintNotificationArgs {
    /// The gateway's private key (PEM or bare Base64): a test key whose public half your
    /// verifier holds.
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// Signature hash (the one your config verifies with).
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    hash: HashArg,
    #[command(flatten)]
    param: ParamArgs,
}
