//! The envelope's wire: *seal* signs the param bytes exactly as they are sent and wraps them
//! in `{appId, param, sign}`; *open* unwraps `{code, message, data}`, a code other than success
//! being the gateway's business answer.

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::signing::Signer;
use crate::clock::SharedClock;
use crate::codes::{Code, WireCode};
use crate::error::{Error, SealError};
use crate::pipeline::transport::{Answer, Transport};
use crate::pipeline::{GatewayCode, Sent, Wire};

/// The code every envelope gateway uses for success.
pub const SUCCESS_CODE: i64 = 10000;

/// Unit of the `timestamp` paybind puts in each `param`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimestampUnit {
    /// Milliseconds since the epoch (13 digits) — most doc examples use this.
    #[default]
    Milliseconds,
    /// Seconds since the epoch (10 digits) — the refund and direct-debit examples use this.
    Seconds,
}

/// What a generated envelope client carries: who is calling, how to sign, how to send.
/// `Debug` shows no key material.
#[derive(Clone, Debug)]
pub struct EnvelopeContext {
    pub(crate) gateway: &'static GatewayCode,
    pub(crate) app_id: String,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) clock: SharedClock,
    pub(crate) timestamp_unit: TimestampUnit,
    pub(crate) transport: Transport,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "appId")]
    app_id: &'a str,
    param: &'a str,
    sign: &'a str,
}

/// The head of every answer.
#[derive(Deserialize)]
struct Head {
    #[serde(deserialize_with = "crate::codes::deserialize_code")]
    code: i64,
    #[serde(default)]
    message: Option<String>,
}

impl Wire for EnvelopeContext {
    fn gateway(&self) -> &'static GatewayCode {
        self.gateway
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn timestamp(&self) -> Option<i64> {
        Some(match self.timestamp_unit {
            TimestampUnit::Milliseconds => self.clock.now_millis(),
            TimestampUnit::Seconds => self.clock.now_seconds(),
        })
    }

    /// The envelope carries every member inside the signed param as it is: here `x-sensitive`
    /// marks personal data for redaction (models, errors, logs), not for encryption.
    fn encrypt(&self, _field: &str, plain: &str) -> Result<String, SealError> {
        Ok(plain.to_string())
    }

    async fn seal(
        &self,
        _op: &'static crate::spec::Operation,
        request: &mut reqwest::Request,
        body: &[u8],
    ) -> Result<(), SealError> {
        let param = std::str::from_utf8(body)
            .map_err(|_| SealError::Request("the param is not UTF-8".into()))?;
        let signature = self
            .signer
            .sign(body)
            .await
            .map_err(|e| SealError::Signer(e.to_string()))?;
        let sign = base64::engine::general_purpose::STANDARD.encode(signature);
        let envelope = Envelope {
            app_id: &self.app_id,
            param,
            sign: &sign,
        };
        let sealed =
            serde_json::to_vec(&envelope).map_err(|e| SealError::Request(e.to_string()))?;
        *request.body_mut() = Some(sealed.into());
        Ok(())
    }

    fn open<C: Code>(&self, _sent: &Sent, answer: Answer) -> Result<Bytes, Error<C>> {
        let kept = || self.gateway().keep(answer.body.clone());
        if answer.status != http::StatusCode::OK {
            return Err(Error::http(answer.status, kept()));
        }
        let head: Head = match serde_json::from_slice(&answer.body) {
            Ok(head) => head,
            Err(e) => return Err(Error::decode(e.to_string(), kept())),
        };
        if head.code != SUCCESS_CODE {
            let message = head.message.unwrap_or_default();
            return Err(Error::api(
                WireCode::Number(head.code),
                message,
                None,
                kept(),
            ));
        }
        Ok(answer.body)
    }
}
