//! SGATE's check of a request's `V-*` headers: API key, version, user agent, the MD5withRSA
//! signature over the path and query exactly as received (prefix included) with the merchant
//! public key, and the timestamp window. A refusal is SGATE's code for it.

use axum::http::HeaderMap;

use crate::sandbox::base::shared::Shared;
use crate::sgate::signing::{
    digest_hex, signature_data, verify_digest, API_VERSION, HEADER_API_KEY, HEADER_API_VERSION,
    HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

pub fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    url: &str,
    method: &str,
    body: &str,
) -> Result<(), i64> {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().map(str::trim));
    let api_key = match text(HEADER_API_KEY) {
        None => return Err(1200),
        Some(Err(_)) => return Err(1209),
        Some(Ok(k)) => k,
    };
    if api_key != shared.settings.sgate_api_key {
        return Err(1201);
    }
    match text(HEADER_API_VERSION) {
        None => return Err(1208),
        Some(Ok(v)) if v == API_VERSION => {}
        Some(_) => return Err(1210),
    }
    if !headers.contains_key("user-agent") {
        return Err(1211);
    }
    let (Some(Ok(ts)), Some(Ok(nonce)), Some(Ok(signature))) = (
        text(HEADER_TIMESTAMP),
        text(HEADER_NONCE),
        text(HEADER_SIGNATURE),
    ) else {
        return Err(1208);
    };
    let ts: i64 = ts.parse().map_err(|_| 1209)?;
    if nonce.is_empty() || nonce.len() > 128 {
        return Err(1209);
    }
    let data = signature_data(api_key, ts, nonce, url, method, body);
    verify_digest(
        &shared.keys.sgate_merchant.public_key(),
        &digest_hex(&data),
        signature,
    )
    .map_err(|_| 1213)?;
    if let Some(window) = shared.settings.timestamp_window {
        let now = shared.now_ms().div_euclid(1000);
        if now.abs_diff(ts) > window.as_secs() {
            return Err(1204);
        }
    }
    Ok(())
}
