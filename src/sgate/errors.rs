//! The one error type of the SGATE client: match on the variant; see also [`Error::code`],
//! [`Error::is_retryable`], [`Error::may_have_been_sent`] and [`Error::raw_body`].

use bytes::Bytes;

use super::signing::SignatureError;
use super::StatusCode;
use crate::spec::ValidationError;

/// SGATE answered with a `code` other than 200 (a business failure).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The code, generated from the spec's status-code table (unknown codes kept as `Unknown`).
    pub code: StatusCode,
    /// SGATE's `message`.
    pub message: String,
    /// SGATE's `requestId`, to quote to its support.
    pub request_id: Option<String>,
    /// The response body exactly as received (verified; sensitive members still encrypted).
    pub raw: Bytes,
}

/// An answer kept whole because it could not be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// The HTTP status SGATE (or whoever answered) sent.
    pub status: http::StatusCode,
    /// The headers as received.
    pub headers: http::HeaderMap,
    /// The body as received.
    pub body: Bytes,
}

/// Everything that can go wrong with an SGATE call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a rule of the spec (a length, a format, a conditional rule); nothing
    /// was sent. `field` names the member as SGATE's docs do.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A sensitive field could not be encrypted, or the request could not be signed; nothing was
    /// sent.
    #[error("request not signed: {0}")]
    Signing(String),
    /// SGATE answered with a `code` other than 200.
    #[error("SGATE error {}: {}", .0.code, .0.message)]
    Api(ApiError),
    /// SGATE could not authenticate the merchant and said so with an empty `V-Signature` (wrong
    /// API KEY, merchant key or signature, expired request, ...). The body is unsigned, so
    /// `code` and `message` are what it claims, not verified facts.
    #[error("SGATE did not authenticate the request (unsigned answer, claimed code {})", .code.map(|c| c.code().to_string()).unwrap_or_else(|| "none".into()))]
    Authentication {
        /// The code the unsigned body claims, if it has one.
        code: Option<StatusCode>,
        /// The message the unsigned body claims.
        message: String,
        /// The answer as received.
        response: Box<RawResponse>,
    },
    /// The answer's signature is missing or does not verify with the system public key:
    /// nothing in it was parsed. It may be forged or damaged in transit.
    #[error("SGATE answer rejected: {reason}")]
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
    /// SGATE answered with an HTTP status other than the documented ones (platform faults are
    /// HTTP 500/501/503).
    #[error("HTTP {status} from SGATE")]
    Http {
        /// The HTTP status.
        status: http::StatusCode,
        /// The body as received.
        raw: Bytes,
    },
    /// A verified answer is not the documented JSON (or lacks `data` on success).
    #[error("unexpected response body: {reason}")]
    Decode {
        /// What did not fit.
        reason: String,
        /// The body, with decrypted members replaced by `"<redacted>"`.
        raw: Bytes,
    },
    /// No answer within the configured timeout. The request may have reached SGATE: look the
    /// order up (`payment_order_detail` by `payeeuid`) before sending it again.
    #[error("timed out waiting for SGATE (the request may have been processed)")]
    Timeout(#[source] reqwest::Error),
    /// The connection failed.
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

impl Error {
    /// SGATE's code: for [`Error::Api`], and the claimed code of [`Error::Authentication`].
    pub fn code(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.code),
            Error::Authentication { code, .. } => *code,
            _ => None,
        }
    }

    /// Whether sending the same request again later may succeed: a code the spec marks
    /// retryable, HTTP 429/500/502/503/504, or a connection that was never established.
    /// Timeouts are not, without first checking the order's status.
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

    /// Whether SGATE may have received and processed the request. `false` means it certainly
    /// did not (validation, signing, connection refused).
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
}
