//! The two hooks around the generated client: `seal` turns the JSON body progenitor serialised
//! into the signed envelope; `send` sends it and marks answers whose `code` is not success so
//! the generated code does not parse them as data.

use base64::Engine as _;
use bytes::Bytes;
use serde::Serialize;

use super::{connect_backoff, EnvelopeContext, SUCCESS_CODE};

/// Marks a rebuilt response whose HTTP status was 200 but whose `code` was not success.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GatewayRejection;

/// Status given to such a response so the generated code reports it as unexpected, body intact.
pub(crate) const REJECTION_STATUS: http::StatusCode = http::StatusCode::UNPROCESSABLE_ENTITY;

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "appId")]
    app_id: &'a str,
    param: &'a str,
    sign: &'a str,
}

/// Signs the serialised body byte for byte and replaces it with `{appId, param, sign}`.
pub(crate) async fn seal<E>(
    ctx: &EnvelopeContext,
    request: &mut reqwest::Request,
) -> Result<(), progenitor_client::Error<E>> {
    // progenitor adds the spec's version as a header; the gateways have no use for it.
    request.headers_mut().remove("api-version");
    let param = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .ok_or_else(|| progenitor_client::Error::Custom("request has no JSON body".into()))?;
    let param = std::str::from_utf8(param)
        .map_err(|_| progenitor_client::Error::Custom("request body is not UTF-8".into()))?
        .to_owned();
    let signature = ctx
        .signer
        .sign(param.as_bytes())
        .await
        .map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
    let sign = base64::engine::general_purpose::STANDARD.encode(signature);
    let body = serde_json::to_vec(&Envelope {
        app_id: &ctx.app_id,
        param: &param,
        sign: &sign,
    })
    .map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
    *request.body_mut() = Some(body.into());
    Ok(())
}

/// Sends the sealed request. A connection that could not be established is retried (the
/// request never left), with the same signed bytes; anything else is not.
pub(crate) async fn send(
    client: &reqwest::Client,
    ctx: &EnvelopeContext,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let mut request = request;
    let mut attempt = 0;
    let response = loop {
        let spare = (attempt < ctx.connect_retries)
            .then(|| request.try_clone())
            .flatten();
        match (client.execute(request).await, spare) {
            (Err(e), Some(spare)) if e.is_connect() => {
                attempt += 1;
                tracing::debug!(attempt, "connection failed before sending; retrying");
                tokio::time::sleep(connect_backoff(attempt)).await;
                request = spare;
            }
            (result, _) => break result?,
        }
    };
    mark_rejection(response).await
}

#[derive(serde::Deserialize)]
struct CodeOnly {
    #[serde(deserialize_with = "crate::codes::deserialize_code")]
    code: i64,
}

/// Rebuilds a 200 answer; one whose `code` is not success gets [`REJECTION_STATUS`] and the
/// [`GatewayRejection`] mark, with the body unchanged.
async fn mark_rejection(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    if response.status() != http::StatusCode::OK {
        return Ok(response);
    }
    let version = response.version();
    let headers = response.headers().clone();
    let body: Bytes = response.bytes().await?;
    let rejected = serde_json::from_slice::<CodeOnly>(&body).is_ok_and(|c| c.code != SUCCESS_CODE);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    if rejected {
        *rebuilt.status_mut() = REJECTION_STATUS;
        rebuilt.extensions_mut().insert(GatewayRejection);
    }
    Ok(reqwest::Response::from(rebuilt))
}
