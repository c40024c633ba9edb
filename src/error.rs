//! The one error of every gateway call, generic over the gateway's code table: BluePay's, BluePay
//! JT's and SGATE's calls fail with the same variants and answer the same questions —
//! [`Error::code`], [`Error::is_retryable`], [`Error::may_have_been_sent`], [`Error::raw_body`].
//! Each gateway module names its instance (`paybind::bluepay::Error`, `paybind::sgate::Error`).

mod raw_body;

pub use raw_body::RawBody;

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
    /// The response body as received; it shows its sensitive members redacted.
    pub raw: RawBody,
    /// Whether sending the same request again cannot double an action: the operation only
    /// reads, or the gateway refuses a repeat by a key the request carries (the spec's
    /// `x-idempotency-key`). Only then is a retryable code a reason to resend.
    pub repeat_safe: bool,
}

/// An answer kept whole because it could not be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// The HTTP status the gateway (or whoever answered) sent.
    pub status: http::StatusCode,
    /// The headers as received; a secret among them (SGATE's `V-Api-Key`) is marked
    /// sensitive, so `Debug` does not show it.
    pub headers: http::HeaderMap,
    /// The body as received; it shows its sensitive members redacted.
    pub body: RawBody,
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
    /// The signature verifies, but its `V-Timestamp` is outside the accepted window around the
    /// local clock: an old answer or callback replayed, or a clock far off.
    #[error("V-Timestamp {timestamp} is outside the accepted window ({now} ± {window_seconds} s)")]
    Stale {
        /// The signed `V-Timestamp` (Unix seconds).
        timestamp: i64,
        /// The local clock (Unix seconds).
        now: i64,
        /// The accepted distance.
        window_seconds: u64,
    },
    /// The signature verifies, but its `V-Timestamp` and `V-Nonce-Str` were seen before within
    /// the window: a replay.
    #[error("V-Nonce-Str was already used inside the accepted window (replay)")]
    Replayed,
    /// The headers verify only with an empty body: the content (a downloaded file) is not
    /// covered by the signature.
    #[error("the signature does not cover the content")]
    ContentUnsigned,
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
/// [`Error::outcome_unknown`], [`Error::is_retryable`], [`Error::may_have_been_sent`] and
/// [`Error::raw_body`].
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
    /// API KEY, merchant key or signature, expired request, ...). The body is unsigned: anyone
    /// on the path could have written it, so nothing in it is read — no code, no message. It
    /// is kept as raw bytes in `response` for a human to look at.
    #[error(
        "the gateway did not authenticate the request (unsigned answer; its body is not read)"
    )]
    Authentication {
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
        /// The verified body as received; it shows its sensitive members redacted.
        raw: RawBody,
    },
    /// The gateway answered with an HTTP status other than the documented ones.
    #[error("HTTP {status} from the gateway")]
    Http {
        /// The HTTP status.
        status: http::StatusCode,
        /// The body as received; it shows its sensitive members redacted.
        raw: RawBody,
        /// Whether sending the same request again cannot double an action (see
        /// [`ApiError::repeat_safe`]).
        repeat_safe: bool,
    },
    /// The server answered with a redirect. paybind follows none: a signed body or the API KEY
    /// never goes to another place than the one configured.
    // The message does not quote `location`: a link may carry a token.
    #[error("HTTP {status} redirect refused (paybind follows no redirect)")]
    Redirect {
        /// The 3xx status.
        status: http::StatusCode,
        /// Where it pointed (`Location`), when it said.
        location: Option<String>,
    },
    /// A link the gateway's answer names (a report's `downloadUrl`) is not on an origin the
    /// configuration allows (`link_origins`); nothing was fetched from it.
    // The message does not quote `url`: a signed download link carries its token.
    #[error("link refused: {reason}")]
    LinkRefused {
        /// The link as the answer gave it.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// The answer (or download) is larger than the configured cap; reading stopped there.
    /// Anything written to a download writer before is incomplete: discard it.
    #[error("the answer exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// The answer is not the documented JSON (or lacks `data` on success).
    #[error("unexpected response body: {reason}")]
    Decode {
        /// What did not fit: the member's path and the rule, never the value.
        reason: String,
        /// The body as received; it shows its sensitive members redacted.
        raw: RawBody,
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
    /// The gateway's code, from a verified (or, for the envelope gateways, the only kind of)
    /// answer: [`Error::Api`]. An unsigned or unverified body yields none.
    pub fn code(&self) -> Option<C> {
        match self {
            Error::Api(api) => Some(api.code.clone()),
            _ => None,
        }
    }

    /// Whether sending the **same** request again may succeed without doubling an action:
    ///
    /// - a connection that was never established: always (nothing was sent);
    /// - a code the spec marks retryable, or HTTP 429/500/502/503/504: only for an operation
    ///   that reads, or that the gateway de-duplicates by a key the request carries (the spec's
    ///   `x-idempotency-key`, e.g. `payeeuid`); for others (`otp_send`, `customer_update`) a
    ///   repeat may act twice, so this is `false` — query the status first;
    /// - a timeout: never without first checking the order's status (the first attempt may
    ///   have succeeded).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.repeat_safe && api.code.is_retryable(),
            Error::Http {
                status,
                repeat_safe,
                ..
            } => *repeat_safe && crate::codes::http_status_is_retryable(*status),
            Error::Transport {
                may_have_been_sent, ..
            } => !may_have_been_sent,
            _ => false,
        }
    }

    /// Whether the outcome is unknown: the gateway may have acted on the request and paybind
    /// does not know whether it did. The one question to ask before reconciling (README, "When
    /// you do not know whether a request was processed"): when it is true, look the order up
    /// with its status query before anything else; when it is false, the error says what
    /// happened.
    ///
    /// - **Known** (`false`): nothing was sent (`Validation`, `Signing`, a connection never
    ///   established); the gateway answered and paybind read the answer — its refusal
    ///   (`Api`, whatever the code), an authentication failure (`Authentication`), a verified
    ///   answer it could not decrypt (`Decryption`), an HTTP 4xx; a download link refused or a
    ///   download not written (`LinkRefused`, `Io`), after the gateway's answer was read.
    /// - **Unknown** (`true`): no answer in time (`Timeout`), the connection broke after the
    ///   request left (`Transport`), an answer that cannot be trusted or read (`BadSignature`,
    ///   `Decode`, `TooLarge`, a redirect), an HTTP 5xx or other status no gateway documents.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Validation(_)
            | Error::Signing(_)
            | Error::Api(_)
            | Error::Authentication { .. }
            | Error::Decryption { .. }
            | Error::LinkRefused { .. }
            | Error::Io(_) => false,
            Error::Http { status, .. } => !status.is_client_error(),
            Error::Transport {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            Error::BadSignature { .. }
            | Error::Redirect { .. }
            | Error::TooLarge { .. }
            | Error::Decode { .. }
            | Error::Timeout(_) => true,
        }
    }

    /// Whether the request may have left paybind (bytes on the wire). `false` means it
    /// certainly did not (validation, signing, connection refused). Whether the gateway may
    /// have *acted* on it is [`Error::outcome_unknown`]: an answer, a refusal included, is a
    /// known outcome although the request was sent.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Validation(_) | Error::Signing(_) => false,
            Error::Transport {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            _ => true,
        }
    }

    /// The response body, when there was one, as it may be shown: with the members the
    /// gateway's spec marks `x-sensitive` and those the answer's `sensitiveFields` names
    /// redacted (see [`RawBody`]). The bytes as received: [`Error::raw`], then
    /// [`RawBody::expose`].
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.raw().map(|raw| &**raw)
    }

    /// The response body kept, when there was one.
    pub fn raw(&self) -> Option<&RawBody> {
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

    /// A reqwest failure as a typed error. A connection that was never established (refused,
    /// or its connect timeout — TLS handshake included — ran out) sent nothing; only a timeout
    /// after that may have.
    #[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
    pub(crate) fn transport(e: reqwest::Error) -> Self {
        if e.is_connect() {
            Error::Transport {
                may_have_been_sent: false,
                source: e,
            }
        } else if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport {
                may_have_been_sent: true,
                source: e,
            }
        }
    }

    /// A business failure: the code, message and request id an answer carries. A code not of
    /// the gateway's kind (a word where its codes are numbers) is an answer it does not
    /// document.
    #[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
    pub(crate) fn api(
        code: crate::codes::WireCode<'_>,
        message: String,
        request_id: Option<String>,
        raw: RawBody,
    ) -> Self {
        match C::from_wire(code) {
            Some(code) => Error::Api(ApiError {
                code,
                message,
                request_id,
                raw,
                repeat_safe: false,
            }),
            None => Error::decode("the code is not of the gateway's kind", raw),
        }
    }

    /// An HTTP status other than the documented ones.
    #[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
    pub(crate) fn http(status: http::StatusCode, raw: RawBody) -> Self {
        Error::Http {
            status,
            raw,
            repeat_safe: false,
        }
    }

    /// The error of a call of `op`: whether a repeat is safe is the operation's fact.
    #[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
    pub(crate) fn of_operation(mut self, op: &crate::spec::Operation) -> Self {
        let safe = op.repeat.is_safe();
        match &mut self {
            Error::Api(api) => api.repeat_safe = safe,
            Error::Http { repeat_safe, .. } => *repeat_safe = safe,
            _ => {}
        }
        self
    }

    /// A body that is not what the gateway documents. The reason never quotes a value: it may
    /// be a decrypted sensitive member.
    #[cfg(any(feature = "envelope", feature = "sgate", feature = "sgate-payin"))]
    pub(crate) fn decode(reason: impl Into<String>, raw: RawBody) -> Self {
        Error::Decode {
            reason: crate::spec::without_value(&reason.into()),
            raw,
        }
    }
}
