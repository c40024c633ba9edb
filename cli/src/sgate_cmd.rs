//! `paybind sgate sign`, `verify` and `mint-callback`: SGATE's `V-*` header signature by hand.

use paybind::clock::{Clock as _, SystemClock};
use paybind::sgate::signing::{
    digest_hex, sign_digest, signature_data, verify_digest, API_VERSION, HEADER_API_KEY,
    HEADER_API_VERSION, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use paybind::sgate::{NonceSource as _, RandomNonce};
use paybind::testing::sgate::CallbackSigner;
use paybind::testing::JsonText;
use serde_json::{json, Map, Value};

use crate::input;
use crate::output::CliError;
use crate::{SgateMintCallbackArgs, SgateSignArgs, SgateVerifyArgs};

/// The signed `url` is the path and query as sent, never a whole URL.
fn check_url(url: &str) -> Result<(), CliError> {
    if url.starts_with('/') {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--url is the path and query as sent (for example /openApi/v1/payee/custom/list?pageno=1), not {url:?}"
        )))
    }
}

fn body_text(bytes: Vec<u8>) -> Result<String, CliError> {
    input::utf8(bytes, "the body")
}

pub fn sign(args: &SgateSignArgs) -> Result<Value, CliError> {
    let request = &args.request;
    check_url(&request.url)?;
    let body = match &args.body_file {
        Some(path) => body_text(input::read_file(path, "body file")?)?,
        None => String::new(),
    };
    let key = input::private_key(&args.private_key)?;
    let timestamp = match args.timestamp {
        Some(t) => t,
        None => SystemClock.now_millis().div_euclid(1000),
    };
    let nonce = args.nonce.clone().unwrap_or_else(|| RandomNonce.nonce());
    let method = request.method.as_str();
    let data = signature_data(
        &request.api_key,
        timestamp,
        &nonce,
        &request.url,
        method,
        &body,
    );
    let md5 = digest_hex(&data);
    let signature = sign_digest(&key, &md5);
    let mut headers = Map::new();
    headers.insert(HEADER_API_KEY.into(), API_KEY_NOT_SHOWN.into());
    headers.insert(HEADER_API_VERSION.into(), API_VERSION.into());
    headers.insert(HEADER_TIMESTAMP.into(), timestamp.to_string().into());
    headers.insert(HEADER_NONCE.into(), nonce.clone().into());
    headers.insert(HEADER_SIGNATURE.into(), signature.into());
    let shown = shown_data(timestamp, &nonce, &request.url, method, &body);
    Ok(json!({ "signature_data": shown, "md5": md5, "headers": headers }))
}

/// What stands for the API KEY in output: the key is a secret and is never printed (the caller
/// has it; put it in `V-Api-Key` yourself).
const API_KEY_NOT_SHOWN: &str = "<API KEY, not shown>";

/// The signed text as printed: the API KEY replaced by [`API_KEY_NOT_SHOWN`].
fn shown_data(timestamp: i64, nonce: &str, url: &str, method: &str, body: &str) -> String {
    signature_data(API_KEY_NOT_SHOWN, timestamp, nonce, url, method, body)
}

pub fn verify(args: &SgateVerifyArgs) -> Result<Value, CliError> {
    let request = &args.request;
    check_url(&request.url)?;
    let body = match &args.body_file {
        Some(path) => body_text(input::read_file(path, "body file")?)?,
        None => body_text(input::read_stdin("the body")?.ok_or_else(|| {
            CliError::usage(
                "give --body-file FILE or pipe the body on stdin (--body-file /dev/null for an empty body)",
            )
        })?)?,
    };
    let key = input::public_key(&args.public_key)?;
    let data = signature_data(
        &request.api_key,
        args.timestamp,
        &args.nonce,
        &request.url,
        request.method.as_str(),
        &body,
    );
    let md5 = digest_hex(&data);
    let method = request.method.as_str();
    let shown = shown_data(args.timestamp, &args.nonce, &request.url, method, &body);
    match verify_digest(&key, &md5, &args.signature) {
        Ok(()) => Ok(json!({ "verified": true, "signature_data": shown, "md5": md5 })),
        Err(reason) => Err(CliError::signature(format!(
            "{reason} (check the system public key, API KEY, url, method, timestamp, nonce and body)"
        ))
        .with("reason", reason.to_string())
        .with("signature_data", shown)
        .with("md5", md5)),
    }
}

/// A callback as SGATE POSTs it, minted by `paybind::testing`: its `V-*` headers (the API KEY
/// as a placeholder) and body.
pub fn mint_callback(args: &SgateMintCallbackArgs) -> Result<Value, CliError> {
    let body = match &args.body_file {
        Some(path) => body_text(input::read_file(path, "body file")?)?,
        None => body_text(input::read_stdin("the body")?.ok_or_else(|| {
            CliError::usage("give --body-file FILE or pipe the callback body on stdin")
        })?)?,
    };
    let mut signer = CallbackSigner::new(
        args.api_key.as_str(),
        input::private_key(&args.private_key)?,
    );
    if let Some(path) = &args.encrypt_to {
        signer = signer.encrypt_to(input::public_key(path)?);
    }
    let callback = signer.callback(&args.url, JsonText(&body))?;
    let mut headers = Map::new();
    headers.insert(HEADER_API_KEY.into(), API_KEY_NOT_SHOWN.into());
    for name in [
        HEADER_API_VERSION,
        HEADER_TIMESTAMP,
        HEADER_NONCE,
        HEADER_SIGNATURE,
    ] {
        let value = callback.headers.get(name).and_then(|v| v.to_str().ok());
        headers.insert(name.into(), value.unwrap_or_default().into());
    }
    let body = input::utf8(callback.body, "the minted body")?;
    Ok(json!({ "headers": headers, "body": body }))
}
