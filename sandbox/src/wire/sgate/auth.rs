//! SGATE's check of a request's `V-*` headers: API key, version, user agent, the MD5withRSA
//! signature over the path and query exactly as received (prefix included) with the merchant
//! public key, and the timestamp window. A refusal is SGATE's code for it.

use axum::http::HeaderMap;

use crate::base::shared::Shared;
use crate::wire::signature_reason::{why_not, Hash};
use paybind::sgate::signing::{
    digest_hex, signature_data, verify_digest, API_VERSION, HEADER_API_KEY, HEADER_API_VERSION,
    HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

/// A refusal: SGATE's code and, where it helps a developer, why (empty otherwise).
pub type Refused = (i64, String);

fn code(code: i64) -> Refused {
    (code, String::new())
}

pub fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    url: &str,
    method: &str,
    body: &str,
) -> Result<(), Refused> {
    let text = |name: &str| headers.get(name).map(|value| value.to_str().map(str::trim));
    let api_key = match text(HEADER_API_KEY) {
        None => return Err(code(1200)),
        Some(Err(_)) => return Err(code(1209)),
        Some(Ok(key)) => key,
    };
    if api_key != shared.settings.sgate_api_key {
        return Err((1201, "unknown API key".into()));
    }
    match text(HEADER_API_VERSION) {
        None => return Err(code(1208)),
        Some(Ok(version)) if version == API_VERSION => {}
        Some(_) => return Err(code(1210)),
    }
    if !headers.contains_key("user-agent") {
        return Err(code(1211));
    }
    let (Some(Ok(timestamp)), Some(Ok(nonce)), Some(Ok(signature))) = (
        text(HEADER_TIMESTAMP),
        text(HEADER_NONCE),
        text(HEADER_SIGNATURE),
    ) else {
        return Err(code(1208));
    };
    let timestamp: i64 = timestamp.parse().map_err(|_| code(1209))?;
    if nonce.is_empty() || nonce.len() > 128 {
        return Err(code(1209));
    }
    let signed = |path: &str| {
        digest_hex(&signature_data(
            api_key, timestamp, nonce, path, method, body,
        ))
    };
    let digest = signed(url);
    let merchant = shared.keys.sgate_merchant.public_key();
    verify_digest(&merchant, &digest, signature)
        .map_err(|_| (1213, why_refused(shared, url, &digest, signature, signed)))?;
    if let Some(window) = shared.settings.timestamp_window {
        let now = shared.now_ms().div_euclid(1000);
        if now.abs_diff(timestamp) > window.as_secs() {
            return Err((
                1204,
                format!(
                    "V-Timestamp is {} s from the sandbox clock; the window is {} s",
                    now.abs_diff(timestamp),
                    window.as_secs()
                ),
            ));
        }
    }
    Ok(())
}

/// Why the signature over `digest` (of the data signed with `url`) does not verify; first the
/// most common SGATE slip: the path signed without the prefix it was sent under (the sandbox
/// serves SGATE under `/sgate`).
fn why_refused(
    shared: &Shared,
    url: &str,
    digest: &str,
    signature: &str,
    signed: impl Fn(&str) -> String,
) -> String {
    let merchant = shared.keys.sgate_merchant.public_key();
    if let Some(unprefixed) = url.strip_prefix("/sgate") {
        if verify_digest(&merchant, &signed(unprefixed), signature).is_ok() {
            return format!(
                "the bytes received differ from the bytes signed: {unprefixed} was signed, \
                 {url} was requested (sign the path and query exactly as sent, prefix included)"
            );
        }
    }
    let others = [
        ("SGATE system key", shared.keys.sgate_system.public_key()),
        (
            "BluePay merchant key",
            shared.keys.bluepay_merchant.public_key(),
        ),
    ];
    why_not(&merchant, Hash::Md5, digest.as_bytes(), signature, &others)
}
