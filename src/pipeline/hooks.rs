//! progenitor's hooks around a generated client, for the generated client used directly
//! (`Client::generated()`): `pre` hands the request progenitor built to the pipeline's prepare
//! stage and the gateway's seal; `exec` sends it through the one transport and opens the answer.
//! A failure is told in progenitor's own terms, so an answer that was not opened is never
//! parsed. The facade methods do not come here: they take the pipeline.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use progenitor_client::OperationInfo;

use super::prepare;
use super::wire::{Sent, Wire};
use crate::error::{Error, SealError, WireCode};

/// The `pre` hook: prepare the body or query progenitor made, then seal.
pub(crate) async fn pre<W: Wire, E>(
    wire: &W,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), progenitor_client::Error<E>> {
    prepare_and_seal(wire, request, info)
        .await
        .map_err(|e| progenitor_client::Error::Custom(e.to_string()))
}

async fn prepare_and_seal<W: Wire>(
    wire: &W,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<WireCode>> {
    // progenitor adds the spec's version as a header; no gateway has a use for it.
    request.headers_mut().remove("api-version");
    let op = wire
        .gateway()
        .operation(info.operation_id)
        .ok_or_else(|| SealError::Request(format!("unknown operation {}", info.operation_id)))?;
    let pairs: Vec<(String, String)> = request
        .url()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let prepared = prepare::query(wire, op, pairs.clone())?;
    if prepared != pairs {
        request
            .url_mut()
            .query_pairs_mut()
            .clear()
            .extend_pairs(prepared);
    }
    let body = match request.body().and_then(reqwest::Body::as_bytes) {
        Some(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| SealError::Request("request body is not UTF-8".into()))?;
            let body = prepare::body(wire, op, text)?;
            *request.body_mut() = Some(body.clone().into());
            body
        }
        None => Bytes::new(),
    };
    wire.seal(request, &body).await?;
    Ok(())
}

/// The `exec` hook: send through the one transport, then open the answer. An answer that does
/// not open keeps its status and headers, but its body is replaced by one that fails to read,
/// so nothing in it is parsed.
pub(crate) async fn exec<W: Wire>(
    http: &reqwest::Client,
    wire: &W,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let sent = Sent::of(&request);
    let response = wire.transport().send(http, request).await?;
    let (status, version, headers) = (
        response.status(),
        http::Version::HTTP_11,
        response.headers().clone(),
    );
    let opened = match wire.transport().read::<WireCode>(response).await {
        Ok(answer) => wire.open::<WireCode>(&sent, answer),
        Err(Error::Transport { source, .. } | Error::Timeout(source)) => return Err(source),
        // A redirect or an answer over the cap: refused unread.
        Err(refused) => Err(refused),
    };
    let body = match opened {
        Ok(opened) => reqwest::Body::from(opened),
        Err(refused) => reqwest::Body::wrap_stream(Refused(Some(refused.to_string()))),
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// A body whose reading fails with why the answer was refused.
struct Refused(Option<String>);

#[derive(Debug, thiserror::Error)]
#[error("answer refused: {0}")]
struct RefusedAnswer(String);

impl futures_core::Stream for Refused {
    type Item = Result<Bytes, RefusedAnswer>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.take().map(|why| Err(RefusedAnswer(why))))
    }
}

/// Implements progenitor's `ClientHooks` for a generated client whose context is a [`Wire`].
macro_rules! wire_hooks {
    ($client:ty, $context:ty) => {
        impl ::progenitor_client::ClientHooks<$context> for $client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                $crate::pipeline::hooks::pre(
                    ::progenitor_client::ClientInfo::inner(self),
                    request,
                    info,
                )
                .await
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                $crate::pipeline::hooks::exec(
                    ::progenitor_client::ClientInfo::client(self),
                    ::progenitor_client::ClientInfo::inner(self),
                    request,
                )
                .await
            }
        }
    };
}
pub(crate) use wire_hooks;
