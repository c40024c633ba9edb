//! SGATE Payin's wire: *seal* adds the five `x-auth-*` headers (an HMAC of the path below the
//! service root and the operation's docs name, see [`signing`](super::signing)); *open* takes a
//! success's body as the record it is (Payin has no envelope and signs no answer), and a
//! failure's `{code, message}` as the gateway's refusal.

use bytes::Bytes;

use super::signing::{Secret, SignedHeaders};
use crate::clock::SharedClock;
use crate::codes::{Code, WireCode};
use crate::config::ConfigError;
use crate::error::{Error, SealError};
use crate::pipeline::transport::{Answer, Transport};
use crate::pipeline::{GatewayCode, Sent, Wire};
use crate::spec::Operation;

/// What the generated SGATE Payin client carries: key, secret and merchant ID, the path of the
/// service root (what the signed `uri` is below), the clock and the transport policy. `Debug`
/// shows no secret.
#[derive(Clone, Debug)]
pub(crate) struct HmacContext {
    key: String,
    secret: Secret,
    merchant_id: String,
    /// The base URL's path (`/api_v1`, or `/sgate-payin/api_v1` on a sandbox), without a
    /// trailing `/`.
    root: String,
    clock: SharedClock,
    transport: Transport,
}

impl HmacContext {
    pub(crate) fn new(
        key: String,
        secret: Secret,
        merchant_id: String,
        base_url: &str,
        clock: SharedClock,
        transport: Transport,
    ) -> Result<Self, ConfigError> {
        let root = reqwest::Url::parse(base_url)
            .map_err(|_| ConfigError::BadUrl(base_url.to_string()))?
            .path()
            .trim_end_matches('/')
            .to_string();
        Ok(Self {
            key,
            secret,
            merchant_id,
            root,
            clock,
            transport,
        })
    }

    /// The signed `uri` of a request path: the path below the service root.
    fn uri<'a>(&self, path: &'a str) -> Result<&'a str, SealError> {
        path.strip_prefix(self.root.as_str())
            .filter(|uri| uri.starts_with('/'))
            .ok_or_else(|| SealError::Request("the request path is not below the base URL".into()))
    }
}

impl Wire for HmacContext {
    fn gateway(&self) -> &'static GatewayCode {
        &super::GATEWAY
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn timestamp(&self) -> Option<i64> {
        // Payin's bodies carry no timestamp; x-auth-timestamp is part of the seal.
        None
    }

    fn encrypt(&self, _field: &str, plain: &str) -> Result<String, SealError> {
        // Payin has no field encryption: a sensitive member (card number, CVV) goes as it is,
        // over TLS. It stays out of Debug, logs and errors by its type and the spec's marks.
        Ok(plain.to_string())
    }

    fn path_value(&self, name: &str) -> Option<&str> {
        // The path parameter the generated facade does not take (codegen's hmac_signed.rs,
        // `CONFIGURED`).
        (name == "MERCHANT_ID").then_some(self.merchant_id.as_str())
    }

    async fn seal(
        &self,
        op: &'static Operation,
        request: &mut reqwest::Request,
        _body: &[u8],
    ) -> Result<(), SealError> {
        let method = op
            .name
            .ok_or_else(|| SealError::Request(format!("{} has no x-method to sign", op.id)))?;
        let uri = self.uri(request.url().path())?;
        let timestamp = self.clock.now_seconds();
        let signed = SignedHeaders::sign(&self.secret, &self.key, uri, method, timestamp);
        let headers = request.headers_mut();
        for (name, value) in signed.pairs() {
            let value = http::HeaderValue::from_str(&value).map_err(|_| SealError::Header(name))?;
            headers.insert(name, value);
        }
        Ok(())
    }

    fn open<C: Code>(&self, _sent: &Sent, answer: Answer) -> Result<Bytes, Error<C>> {
        if answer.status.is_success() {
            return Ok(answer.body);
        }
        let kept = || self.gateway().keep(answer.body.clone());
        // A 4xx is the gateway refusing the request: its code is the answer. A 5xx is a fault
        // whose outcome is unknown (it may have acted): an HTTP error, whatever its body says
        // (kept, for a human).
        if answer.status.is_client_error() {
            if let Some(refusal) = refusal_of(&answer.body) {
                let code = WireCode::Text(&refusal.code);
                return Err(Error::api(code, refusal.message, None, kept()));
            }
        }
        Err(Error::http(answer.status, kept()))
    }
}

/// The `{code, message}` of a failure's body, when it has them.
struct Refusal {
    code: String,
    message: String,
}

fn refusal_of(body: &[u8]) -> Option<Refusal> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "crate::codes::deserialize_text_code")]
        code: String,
        #[serde(default)]
        message: Option<String>,
    }
    let body: Body = serde_json::from_slice(body).ok()?;
    Some(Refusal {
        code: body.code,
        message: body.message.unwrap_or_default(),
    })
}
