//! The one error of every gateway call, generic over the gateway's code table: BluePay's, BluePay
//! JT's and SGATE's calls fail with the same variants and answer the same questions —
//! [`Error::code`], [`Error::is_retryable`], [`Error::may_have_been_sent`], [`Error::raw_body`].
//! Each gateway module names its instance (`paybind::bluepay::Error`, `paybind::sgate::Error`).

use bytes::Bytes;

use crate::codes::Code;
use crate::spec::ValidationError;

/// A gateway's answer with a business code other than success.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<C> {
    /// The code, generated from the spec (unknown codes are kept as `Unknown(n)`).
    pub code: C,
    /// The gateway's `message`.
    pub message: String,
    /// The gateway's request id, to quote to its support (SGATE's `requestId`; the envelope
    /// gateways send none).
    pub request_id: Option<String>,
    /// The response body exactly as received (sensitive members still encrypted).
    pub raw: Bytes,
}

/// An answer kept whole because it could not be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// The HTTP status the gateway (or whoever answered) sent.
    pub status: http::StatusCode,
    /// The headers as received.
    pub headers: http::HeaderMap,
    /// The body as received.
    pub body: Bytes,
}

/// Why the signature of an answer or callback was refused. It contains no key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A signing header is absent.
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    /// A signing header is not what it must be (e.g. `V-Timestamp` not a number).
    #[error("header {0} is malformed")]
    MalformedHeader(&'static str),
    /// The signature is not Base64.
    #[error("V-Signature is not Base64")]
    NotBase64,
    /// The signature does not verify with the gateway's public key.
    #[error("signature does not verify with the system public key")]
    Mismatch,
}

/// Why a request could not be sealed (signed, its sensitive members encrypted). Nothing was
/// sent. It contains no key material and no plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The signer failed (an unreachable KMS, say).
    #[error("{0}")]
    Signer(String),
    /// A sensitive member could not be encrypted.
    #[error("cannot encrypt {field}: {reason}")]
    Encryption {
        /// The member (`cardno`).
        field: String,
        /// Why (never the value).
        reason: String,
    },
    /// A signing header would not be a valid HTTP header value.
    #[error("{0} is not a valid header value")]
    Header(&'static str),
    /// The request could not be built (a bad base URL, an unserialisable body).
    #[error("request cannot be built: {0}")]
    Request(String),
}

/// Everything that can go wrong with a call. Match on the variant; see also [`Error::code`],
/// [`Error::is_retryable`], [`Error::may_have_been_sent`] and [`Error::raw_body`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: Code> {
    /// The request breaks a rule of the spec (a length, a format, a conditional rule); nothing
    /// was sent. `field` names the member as the gateway's docs do.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The request could not be signed, or a sensitive member not encrypted; nothing was sent.
    #[error("request not signed: {0}")]
    Signing(#[from] SealError),
    /// The gateway answered with a business code other than success.
    #[error("gateway error {}: {}", .0.code, .0.message)]
    Api(ApiError<C>),
    /// SGATE could not authenticate the merchant and said so with an empty `V-Signature` (wrong
    /// API KEY, merchant key or signature, expired request, ...). The body is unsigned, so
    /// `code` and `message` are what it claims, not verified facts.
    #[error("the gateway did not authenticate the request (unsigned answer, claimed code {})", .code.map(|c| c.code().to_string()).unwrap_or_else(|| "none".into()))]
    Authentication {
        /// The code the unsigned body claims, if it has one.
        code: Option<C>,
        /// The message the unsigned body claims.
        message: String,
        /// The answer as received.
        response: Box<RawResponse>,
    },
    /// The answer's signature is missing or does not verify with the gateway's public key:
    /// nothing in it was parsed. It may be forged or damaged in transit.
    #[error("answer rejected: {reason}")]
    BadSignature {
        /// What is wrong with the signature.
        reason: SignatureError,
        /// The answer as received.
        response: Box<RawResponse>,
    },
    /// A sensitive member of a verified answer could not be decrypted with the merchant
    /// private key (wrong key configured, or corrupt data).
    #[error("cannot decrypt {field}: {reason}")]
    Decryption {
        /// Path of the member (`data.custominfo.cardno`).
        field: String,
        /// Why (never the value).
        reason: String,
        /// The verified body as received (the member still encrypted).
        raw: Bytes,
    },
    /// The gateway answered with an HTTP status other than the documented ones.
    #[error("HTTP {status} from the gateway")]
    Http {
        /// The HTTP status.
        status: http::StatusCode,
        /// The body as received.
        raw: Bytes,
    },
    /// The answer is not the documented JSON (or lacks `data` on success).
    #[error("unexpected response body: {reason}")]
    Decode {
        /// What did not fit.
        reason: String,
        /// The body as received (sensitive members still encrypted).
        raw: Bytes,
    },
    /// No answer within the configured timeout. The request may have reached the gateway:
    /// check the status of the order before sending it again.
    #[error("timed out waiting for the gateway (the request may have been processed)")]
    Timeout(#[source] reqwest::Error),
    /// The connection failed. `may_have_been_sent` says whether the request could have reached
    /// the gateway.
    #[error("transport error (may have been sent: {may_have_been_sent})")]
    Transport {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// False only when the connection was never established.
        may_have_been_sent: bool,
    },
    /// Writing a downloaded file to the caller's writer failed.
    #[error("writing the download failed: {0}")]
    Io(#[source] std::io::Error),
}

impl<C: Code> Error<C> {
    /// The gateway's code: for [`Error::Api`], and the claimed code of
    /// [`Error::Authentication`].
    pub fn code(&self) -> Option<C> {
        match self {
            Error::Api(api) => Some(api.code),
            Error::Authentication { code, .. } => *code,
            _ => None,
        }
    }

    /// Whether sending the same request again later may succeed: a code the spec marks
    /// retryable, HTTP 429/500/502/503/504, or a connection that was never established.
    /// Timeouts are not, without first checking the order's status, because the first attempt
    /// may have succeeded.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.code.is_retryable(),
            Error::Http { status, .. } => crate::codes::http_status_is_retryable(*status),
            Error::Transport {
                may_have_been_sent, ..
            } => !may_have_been_sent,
            _ => false,
        }
    }

    /// Whether the gateway may have received and processed the request. `false` means it
    /// certainly did not (validation, signing, connection refused).
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Validation(_) | Error::Signing(_) => false,
            Error::Transport {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            _ => true,
        }
    }

    /// The response body as received, when there was one.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(api) => Some(&api.raw),
            Error::Authentication { response, .. } | Error::BadSignature { response, .. } => {
                Some(&response.body)
            }
            Error::Decryption { raw, .. } | Error::Http { raw, .. } | Error::Decode { raw, .. } => {
                Some(raw)
            }
            _ => None,
        }
    }

    /// A reqwest failure as a typed error: timeouts apart, and whether the request left.
    pub(crate) fn transport(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport {
                may_have_been_sent: !e.is_connect(),
                source: e,
            }
        }
    }

    /// A business failure: the code, message and request id an answer carries.
    pub(crate) fn api(code: i64, message: String, request_id: Option<String>, raw: Bytes) -> Self {
        Error::Api(ApiError {
            code: C::from_code(code),
            message,
            request_id,
            raw,
        })
    }

    /// A body that is not what the gateway documents.
    pub(crate) fn decode(reason: impl Into<String>, raw: Bytes) -> Self {
        Error::Decode {
            reason: reason.into(),
            raw,
        }
    }

    /// The same error with the codes of another table (the number on the wire is kept).
    pub(crate) fn recode<D: Code>(self) -> Error<D> {
        let recode = |code: C| D::from_code(code.code());
        match self {
            Error::Validation(e) => Error::Validation(e),
            Error::Signing(e) => Error::Signing(e),
            Error::Api(api) => Error::Api(ApiError {
                code: recode(api.code),
                message: api.message,
                request_id: api.request_id,
                raw: api.raw,
            }),
            Error::Authentication {
                code,
                message,
                response,
            } => Error::Authentication {
                code: code.map(recode),
                message,
                response,
            },
            Error::BadSignature { reason, response } => Error::BadSignature { reason, response },
            Error::Decryption { field, reason, raw } => Error::Decryption { field, reason, raw },
            Error::Http { status, raw } => Error::Http { status, raw },
            Error::Decode { reason, raw } => Error::Decode { reason, raw },
            Error::Timeout(e) => Error::Timeout(e),
            Error::Transport {
                source,
                may_have_been_sent,
            } => Error::Transport {
                source,
                may_have_been_sent,
            },
            Error::Io(e) => Error::Io(e),
        }
    }
}

/// A code as received, before the gateway's table names it: what the hooks around a generated
/// client report, since one hook serves gateways with different tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WireCode(pub(crate) i64);

impl std::fmt::Display for WireCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Code for WireCode {
    fn code(&self) -> i64 {
        self.0
    }
    fn from_code(code: i64) -> Self {
        Self(code)
    }
    fn message(&self) -> Option<&'static str> {
        None
    }
    fn is_retryable(&self) -> bool {
        false
    }
    fn name(&self) -> std::borrow::Cow<'static, str> {
        format!("Unknown({})", self.0).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn one_error_type_is_send_sync_and_keeps_codes_across_tables() {
        assert_send_sync::<Error<WireCode>>();
        let err: Error<WireCode> = Error::api(1401, "dup".into(), Some("r1".into()), Bytes::new());
        let same: Error<WireCode> = err.recode();
        assert_eq!(same.code(), Some(WireCode(1401)));
        assert!(same.may_have_been_sent());
        let sealed: Error<WireCode> = SealError::Header("V-Api-Key").into();
        assert!(!sealed.may_have_been_sent());
        assert_eq!(
            sealed.to_string(),
            "request not signed: V-Api-Key is not a valid header value"
        );
    }
}
