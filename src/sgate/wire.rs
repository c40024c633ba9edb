//! SGATE's wire: *seal* signs method, path and query, and body into the `V-*` headers; *open*
//! verifies an answer's signature **before** reading anything in it, then unwraps
//! `{code, message, data, sensitiveFields, requestId}` and decrypts the members
//! `sensitiveFields` names.

use bytes::Bytes;

use super::crypto::encrypt_field;
use super::sensitive::decrypt_answer;
use super::signing::{
    read_signature, ResponseSignature, SgateContext, SignatureError, API_VERSION, HEADER_API_KEY,
    HEADER_API_VERSION, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use crate::codes::{Code, WireCode};
use crate::error::{Error, RawBody, RawResponse, SealError};
use crate::json_text::{self, RawObject};
use crate::pipeline::transport::{Answer, Transport};
use crate::pipeline::{GatewayCode, Sent, Wire};

/// The code of a processed request.
const SUCCESS: i64 = 200;

impl Wire for SgateContext {
    fn gateway(&self) -> &'static GatewayCode {
        &super::GATEWAY
    }

    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn timestamp(&self) -> Option<i64> {
        // SGATE's params carry no timestamp; V-Timestamp is part of the seal.
        None
    }

    fn encrypt(&self, field: &str, plain: &str) -> Result<String, SealError> {
        encrypt_field(&self.system_key, plain).map_err(|e| SealError::Encryption {
            field: field.into(),
            reason: e.to_string(),
        })
    }

    async fn seal(
        &self,
        _op: &'static crate::spec::Operation,
        request: &mut reqwest::Request,
        body: &[u8],
    ) -> Result<(), SealError> {
        let body = std::str::from_utf8(body)
            .map_err(|_| SealError::Request("the body is not UTF-8".into()))?;
        let sent = Sent::of(request);
        let signed = self.sign_request(sent.method.as_str(), &sent.path_and_query, body);
        let headers = request.headers_mut();
        let mut set = |name: &'static str, value: &str| -> Result<(), SealError> {
            let value = http::HeaderValue::from_str(value).map_err(|_| SealError::Header(name))?;
            headers.insert(name, value);
            Ok(())
        };
        set(HEADER_API_KEY, self.api_key.expose())?;
        set(HEADER_API_VERSION, API_VERSION)?;
        set(HEADER_TIMESTAMP, &signed.timestamp.to_string())?;
        set(HEADER_NONCE, &signed.nonce)?;
        set(HEADER_SIGNATURE, &signed.signature)
    }

    fn open<C: Code>(&self, sent: &Sent, answer: Answer) -> Result<Bytes, Error<C>> {
        self.check(sent, &answer)?;
        let kept = || self.gateway().keep(answer.body.clone());
        if answer.status != http::StatusCode::OK {
            return Err(Error::http(answer.status, kept()));
        }
        // Read with each member's text kept: the answer is re-written only when a member was
        // decrypted, and every other member (an amount's digits) must come out as it came in.
        let mut envelope: RawObject = match json_text::object_of(&answer.body) {
            Ok(envelope) => envelope,
            Err(e) => return Err(Error::decode(e.to_string(), kept())),
        };
        match code_of(&envelope) {
            Some(SUCCESS) => {}
            Some(code) => {
                let (_, message, request_id) = envelope_parts(&envelope);
                return Err(Error::api(
                    WireCode::Number(code),
                    message,
                    request_id,
                    kept(),
                ));
            }
            None => return Err(Error::decode("answer has no integer code", kept())),
        }
        match decrypt_answer(&self.merchant_key, &mut envelope) {
            Ok(false) => Ok(answer.body),
            Ok(true) => json_text::text_of(&envelope)
                .map(Bytes::from)
                .map_err(|e| Error::decode(e.to_string(), kept())),
            Err((field, reason)) => Err(Error::Decryption {
                field,
                reason,
                raw: kept(),
            }),
        }
    }
}

impl SgateContext {
    /// Checks the signature of an answer to `sent`. An error status without any signature is a
    /// platform fault (HTTP, nothing read); an empty `V-Signature` means SGATE did not
    /// authenticate the merchant; anything else must verify with the system public key.
    pub(crate) fn check<C: Code>(&self, sent: &Sent, answer: &Answer) -> Result<(), Error<C>> {
        let (status, headers) = (answer.status, &answer.headers);
        let kept = || self.gateway().keep(answer.body.clone());
        if !status.is_success() && !headers.contains_key(HEADER_SIGNATURE) {
            return Err(Error::http(status, kept()));
        }
        let raw = || kept_response(status, headers, kept());
        let bad = |reason| Error::BadSignature {
            reason,
            response: raw(),
        };
        match read_signature(headers).map_err(bad)? {
            // Unsigned: nothing in the body is read (no code, no message).
            ResponseSignature::Empty => Err(Error::Authentication { response: raw() }),
            ResponseSignature::Present {
                timestamp,
                nonce,
                signature,
            } => {
                let body =
                    std::str::from_utf8(&answer.body).map_err(|_| bad(SignatureError::Mismatch))?;
                let method = sent.method.as_str();
                self.verify(
                    timestamp,
                    nonce,
                    signature,
                    &sent.path_and_query,
                    method,
                    body,
                )
                .and_then(|()| self.freshness.check(&self.clock, timestamp, nonce))
                .map_err(bad)
            }
        }
    }
}

/// An answer kept whole for an error, the API KEY it echoes (`V-Api-Key`) marked sensitive so
/// that `Debug` does not show it.
pub(crate) fn kept_response(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: RawBody,
) -> Box<RawResponse> {
    let mut headers = headers.clone();
    for (name, value) in headers.iter_mut() {
        if name.as_str().eq_ignore_ascii_case(HEADER_API_KEY) {
            value.set_sensitive(true);
        }
    }
    Box::new(RawResponse {
        status,
        headers,
        body,
    })
}

/// The envelope's `code`, as an integer (SGATE sends a number; a digit string is accepted).
fn code_of(envelope: &RawObject) -> Option<i64> {
    let code = envelope.get("code")?;
    match json_text::as_string(code) {
        Some(text) => text.trim().parse().ok(),
        None => code.get().trim().parse().ok(),
    }
}

/// Code, message and requestId of an envelope.
pub(crate) fn envelope_parts(envelope: &RawObject) -> (Option<i64>, String, Option<String>) {
    let text = |key: &str| envelope.get(key).and_then(|raw| json_text::as_string(raw));
    (
        code_of(envelope),
        text("message").unwrap_or_default(),
        text("requestId"),
    )
}
