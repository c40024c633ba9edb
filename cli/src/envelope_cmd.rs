//! `paybind bluepay sign`, `verify-notification` and `mint-notification`: the `{appId, param,
//! sign}` envelope of BluePay and BluePay JT, and their `{param, sign}` notifications, by hand.

use paybind::envelope::{NotificationError, RsaSigner};
use paybind::gateways::Gateway;
use paybind::testing::JsonText;
use serde_json::{json, Map, Value};

use crate::input;
use crate::output::CliError;
use crate::{MintNotificationArgs, SignArgs, VerifyNotificationArgs};

/// The param text of `--param` or `--param-file`, checked to be a JSON object (the text itself
/// is signed byte for byte).
fn param_text(
    param: &Option<String>,
    param_file: &Option<std::path::PathBuf>,
) -> Result<String, CliError> {
    let param = match (param, param_file) {
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
    let param = param_text(&args.param, &args.param_file)?;
    let key = input::private_key(&args.private_key)?;
    let signer = RsaSigner::new(&key, args.hash.into());
    let sign = signer.sign_base64(param.as_bytes());
    Ok(json!({ "appId": args.app_id, "param": param, "sign": sign }))
}

/// The body the gateway POSTs, minted by `paybind::testing` (one envelope for BluePay and
/// BluePay JT).
pub fn mint_notification(args: &MintNotificationArgs) -> Result<Value, CliError> {
    let param = param_text(&args.param, &args.param_file)?;
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
        Gateway::Sgate => Err(CliError::usage(format!(
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
