//! Entry points for the fuzz targets in `fuzz/`, compiled only with `--cfg fuzzing` (which
//! `cargo xtask fuzz` and cargo-fuzz set). SGATE's answer check is the pipeline's
//! [`Wire::open`], which has no public function of its own; the targets reach the real one
//! here, on in-memory answers instead of a network round trip.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::clock::{FixedClock, SharedClock};
use crate::config::{DEFAULT_MAX_ANSWER_BYTES, DEFAULT_MAX_DOWNLOAD_BYTES};
use crate::keys::{PrivateKey, PublicKey};
use crate::pipeline::transport::{Answer, Limits, Transport};
use crate::pipeline::{Sent, Wire};
use crate::sgate::signing::{ApiKey, RandomNonce, SgateContext};
use crate::sgate::ResultCode;

/// SGATE's answer check (signature, freshness, `code`, decryption of `sensitiveFields`) with
/// fixed keys and the default freshness window.
pub struct SgateAnswers(SgateContext);

impl SgateAnswers {
    /// `now_millis` is the clock the freshness window is measured against: fixed, so the
    /// signed seeds (and a corpus kept from an earlier run) are judged the same in every run.
    pub fn new(
        api_key: &str,
        merchant_key: PrivateKey,
        system_key: PublicKey,
        now_millis: i64,
    ) -> Self {
        let limits = Limits {
            answer: DEFAULT_MAX_ANSWER_BYTES,
            download: DEFAULT_MAX_DOWNLOAD_BYTES,
        };
        let (_, transport) = Transport::http_client(
            None,
            Duration::from_secs(30),
            Duration::from_secs(10),
            0,
            limits,
            Vec::new(),
        )
        .expect("an HTTP client");
        Self(SgateContext::new(
            ApiKey::new(api_key),
            merchant_key,
            system_key,
            SharedClock::new(FixedClock(now_millis)),
            Arc::new(RandomNonce),
            transport,
        ))
    }

    /// Whether the answer's signature verifies for the request `method path_and_query` and its
    /// `V-Timestamp` is inside the freshness window.
    pub fn signature_verified(
        &self,
        method: &str,
        path_and_query: &str,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> bool {
        let Some((sent, answer)) = parts(method, path_and_query, status, headers.clone(), body)
        else {
            return false;
        };
        self.0.check::<ResultCode>(&sent, &answer).is_ok()
    }

    /// The body the generated code would decode (decrypted), or why the answer was set aside.
    pub fn open(
        &self,
        method: &str,
        path_and_query: &str,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Vec<u8>, String> {
        let (sent, answer) = parts(method, path_and_query, status, headers.clone(), body)
            .ok_or("not a request and status")?;
        Wire::open::<ResultCode>(&self.0, &sent, answer)
            .map(|body| body.to_vec())
            .map_err(|e| format!("{e:?}"))
    }

    /// The answer opened and decoded as component `schema`, as a typed call does: its error is
    /// the call's own [`Error`](crate::sgate::Error) (the typed call's reason also names the
    /// member's path).
    #[allow(clippy::too_many_arguments)]
    pub fn decode(
        &self,
        method: &str,
        path_and_query: &str,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        schema: &str,
    ) -> Result<(), crate::sgate::Error> {
        use crate::error::{Error, RawBody};
        let Some((sent, answer)) = parts(method, path_and_query, status, headers.clone(), body)
        else {
            return Err(Error::decode(
                "not a request and status",
                RawBody::default(),
            ));
        };
        let kept = || self.0.gateway().keep(answer.body.clone());
        let opened = Wire::open::<ResultCode>(&self.0, &sent, answer.clone())?;
        let value: serde_json::Value =
            serde_json::from_slice(&opened).map_err(|e| Error::decode(e.to_string(), kept()))?;
        match crate::sgate::roundtrip_schema(schema, value) {
            Some(Err(e)) => Err(Error::decode(e.to_string(), kept())),
            _ => Ok(()),
        }
    }
}

fn parts(
    method: &str,
    path_and_query: &str,
    status: u16,
    headers: http::HeaderMap,
    body: &[u8],
) -> Option<(Sent, Answer)> {
    let sent = Sent {
        method: http::Method::from_bytes(method.as_bytes()).ok()?,
        path_and_query: path_and_query.to_string(),
    };
    let answer = Answer {
        status: http::StatusCode::from_u16(status).ok()?,
        headers,
        body: Bytes::copy_from_slice(body),
    };
    Some((sent, answer))
}
