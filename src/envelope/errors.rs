//! The error of an envelope client (BluePay, BluePay JT): one enum to match on, with the
//! gateway's code, retryability and the raw response kept for debugging.

use bytes::Bytes;

use crate::codes::Code;
use crate::spec::ValidationError;

/// A gateway's answer with a code other than success.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<C> {
    /// The code, generated from the spec (unknown codes are kept as `Unknown(n)`).
    pub code: C,
    /// The gateway's `message`.
    pub message: String,
    /// The response body exactly as received.
    pub raw: Bytes,
}

/// Everything that can go wrong with a call. Match on the variant; see also [`Error::code`],
/// [`Error::is_retryable`] and [`Error::may_have_been_sent`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: Code> {
    /// The request breaks a rule of the spec; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The request could not be signed; nothing was sent.
    #[error("request not signed: {0}")]
    Signing(String),
    /// The gateway answered with a code other than success.
    #[error("gateway error {}: {}", .0.code, .0.message)]
    Api(ApiError<C>),
    /// The gateway answered with an HTTP status other than 200.
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
        /// The body as received.
        raw: Bytes,
    },
    /// No answer within the configured timeout. The request may have reached the gateway:
    /// check the status of the order before sending it again.
    #[error("timed out waiting for the gateway (the request may have been processed)")]
    Timeout(#[source] reqwest::Error),
    /// Writing a downloaded file to the caller's writer failed.
    #[error("writing the download failed: {0}")]
    Io(#[source] std::io::Error),
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
}

impl<C: Code> Error<C> {
    /// The gateway's code, for [`Error::Api`].
    pub fn code(&self) -> Option<C> {
        match self {
            Error::Api(api) => Some(api.code),
            _ => None,
        }
    }

    /// Whether sending the same request again later may succeed: a retryable gateway code, HTTP
    /// 429/500/502/503/504, or a connection that was never established. Timeouts are not retryable
    /// without first checking the order's status, because the first attempt may have succeeded.
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
            Error::Http { raw, .. } | Error::Decode { raw, .. } => Some(raw),
            _ => None,
        }
    }
}
