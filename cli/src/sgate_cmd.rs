//! `paybind sgate sign`, `verify` and `mint-callback`: SGATE's `V-*` header signature by hand.

use std::path::PathBuf;

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
use clap::{Args, ValueEnum};

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

/// HTTP method of an SGATE request.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "UPPER")]
pub(crate) enum Method {
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
pub(crate) struct SgateSignArgs {
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
pub(crate) struct SgateVerifyArgs {
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
pub(crate) struct SgateMintCallbackArgs {
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
pub(crate) struct SgateRequestArgs {
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
