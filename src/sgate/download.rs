//! The daily statement (`statement_download`): HTTP 200 carries the xlsx file, HTTP 202 a JSON
//! envelope saying the file is still being prepared.
//!
//! The file is streamed to the caller's writer chunk by chunk, never held whole in memory, while
//! the MD5 of the signature object is computed over the same bytes; the signature is checked
//! when the last chunk has arrived. The bytes written before that are therefore **unverified**
//! until the call returns `Ok`: on any error, discard what was written.
//!
//! How SGATE signs a binary body is not documented. A file whose signature verifies only with
//! an empty `body` (the headers are SGATE's, the content is not authenticated) is an error,
//! [`SignatureError::ContentUnsigned`], unless
//! the caller opts in with [`StatementDownload::accept_unverified_content`].

use tokio::io::AsyncWriteExt as _;

use super::signing::{
    digest_hex, read_signature, signature_data, verify_digest, ResponseSignature, SgateContext,
    SignatureError,
};
use super::wire::{envelope_parts, kept_response};
use super::{Client, Error, ResultCode};
use crate::error::RawBody;
use crate::pipeline::transport::{check_length, Answer};
use crate::pipeline::{Body, Sent, Wire as _};
use crate::spec::Operation;

/// The statement is not ready yet (HTTP 202): try again later.
#[derive(Debug, Clone, PartialEq)]
pub struct NotReady {
    /// The envelope's `code` (presumably 1502, "file is being processed").
    pub code: Option<ResultCode>,
    /// The envelope's `message`.
    pub message: String,
    /// The envelope's `requestId`.
    pub request_id: Option<String>,
}

/// What a statement download produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StatementOutcome {
    /// The file was written to the writer.
    Written {
        /// Bytes written.
        bytes: u64,
        /// The `Content-Type` SGATE sent.
        content_type: Option<String>,
        /// The file name from `Content-Disposition`, when SGATE sent one.
        file_name: Option<String>,
        /// `true` when the signature covers the file's bytes; `false` (only with
        /// [`StatementDownload::accept_unverified_content`]) when it verified only with an empty
        /// `body`: the headers are SGATE's, the content is not authenticated.
        content_verified: bool,
    },
    /// HTTP 202: the file for that day is still being prepared.
    NotReady(NotReady),
}

/// Where the file goes.
enum Sink<'w> {
    Async(&'w mut (dyn tokio::io::AsyncWrite + Unpin + Send)),
    Blocking(&'w mut (dyn std::io::Write + Send)),
}

impl Sink<'_> {
    async fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Async(w) => w.write_all(bytes).await,
            Sink::Blocking(w) => w.write_all(bytes),
        }
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Async(w) => w.flush().await,
            Sink::Blocking(w) => w.flush(),
        }
    }
}

/// A request for the statement of one day (default: yesterday, Asia/Riyadh).
#[derive(Debug, Clone)]
pub struct StatementDownload<'a> {
    client: &'a Client,
    op: &'static Operation,
    day: Option<String>,
    accept_unverified: bool,
}

impl<'a> StatementDownload<'a> {
    pub(crate) fn new(client: &'a Client, op: &'static Operation) -> Self {
        Self {
            client,
            op,
            day: None,
            accept_unverified: false,
        }
    }

    /// Accepts a file whose signature covers only the headers (verified with an empty `body`)
    /// as `Written { content_verified: false }` instead of an error. Without it such a file is
    /// refused: nobody vouches for its bytes.
    pub fn accept_unverified_content(mut self) -> Self {
        self.accept_unverified = true;
        self
    }

    /// The statement date (sent as `day=yyyy-MM-dd`).
    pub fn day(mut self, day: chrono::NaiveDate) -> Self {
        self.day = Some(day.format("%Y-%m-%d").to_string());
        self
    }

    /// Streams the file into a tokio writer.
    pub async fn to_async_writer<W>(self, writer: &mut W) -> Result<StatementOutcome, Error>
    where
        W: tokio::io::AsyncWrite + Unpin + Send,
    {
        self.run(Sink::Async(writer)).await
    }

    /// Streams the file into a blocking writer (a `Vec<u8>`, or a file when blocking the task
    /// for each chunk is acceptable).
    pub async fn to_writer<W>(self, writer: &mut W) -> Result<StatementOutcome, Error>
    where
        W: std::io::Write + Send,
    {
        self.run(Sink::Blocking(writer)).await
    }

    async fn run(self, sink: Sink<'_>) -> Result<StatementOutcome, Error> {
        let (pipeline, op) = (self.client.pipeline(), self.op);
        pipeline.run(op, None, self.stream(sink)).await
    }

    async fn stream(self, mut sink: Sink<'_>) -> Result<StatementOutcome, Error> {
        let pipeline = self.client.pipeline();
        let ctx = pipeline.wire();
        let query = self.day.iter().map(|d| ("day".to_string(), d.clone()));
        let (sent, mut response) = pipeline.send(self.op, query.collect(), Body::Empty).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let is_json = content_type
            .as_deref()
            .is_some_and(|t| t.trim_start().starts_with("application/json"));

        if status != http::StatusCode::OK || is_json {
            // A small JSON answer (202, or an error): read it whole and verify it first.
            let answer = ctx.transport().read(response).await?;
            return json_answer(ctx, &sent, answer);
        }

        let refused = |reason| Error::BadSignature {
            reason,
            response: kept_response(status, &headers, RawBody::default()),
        };
        let (timestamp, nonce, signature) = match read_signature(&headers) {
            Ok(ResponseSignature::Present {
                timestamp,
                nonce,
                signature,
            }) => (timestamp, nonce.to_string(), signature.to_string()),
            Ok(ResponseSignature::Empty) => {
                return Err(Error::Authentication {
                    response: kept_response(status, &headers, RawBody::default()),
                })
            }
            Err(reason) => return Err(refused(reason)),
        };
        let url = &sent.path_and_query;
        let limit = ctx.transport().max_download();
        check_length(&response, limit)?;
        let mut digest = ctx.streaming_digest(timestamp, &nonce, url, "GET");
        let mut written: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
            if written + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { limit });
            }
            digest.update(&chunk);
            sink.write_all(&chunk).await.map_err(Error::Io)?;
            written += chunk.len() as u64;
        }
        sink.flush().await.map_err(Error::Io)?;
        let content_verified =
            if verify_digest(&ctx.system_key, &digest.finish(), &signature).is_ok() {
                true
            } else {
                let key = ctx.api_key.expose();
                let empty = signature_data(key, timestamp, &nonce, url, "GET", "");
                verify_digest(&ctx.system_key, &digest_hex(&empty), &signature).map_err(refused)?;
                if !self.accept_unverified {
                    return Err(refused(SignatureError::ContentUnsigned));
                }
                false
            };
        ctx.freshness
            .check(&ctx.clock, timestamp, &nonce)
            .map_err(refused)?;
        Ok(StatementOutcome::Written {
            bytes: written,
            content_type,
            file_name: headers
                .get(http::header::CONTENT_DISPOSITION)
                .and_then(|v| v.to_str().ok())
                .and_then(file_name),
            content_verified,
        })
    }
}

/// A JSON answer of the statement endpoint, verified before it is read.
fn json_answer(ctx: &SgateContext, sent: &Sent, answer: Answer) -> Result<StatementOutcome, Error> {
    ctx.check(sent, &answer)?;
    let kept = || ctx.gateway().keep(answer.body.clone());
    let Ok(envelope) = serde_json::from_slice(&answer.body) else {
        return Err(Error::decode("answer is not the JSON envelope", kept()));
    };
    let (code, message, request_id) = envelope_parts(&envelope);
    let code = code.map(ResultCode::from_code);
    match (answer.status.as_u16(), code) {
        (202, _) => Ok(StatementOutcome::NotReady(NotReady {
            code,
            message,
            request_id,
        })),
        (200, Some(code)) if code != ResultCode::Success => Err(Error::api(
            crate::codes::WireCode::Number(code.code()),
            message,
            request_id,
            kept(),
        )),
        (200, _) => Err(Error::decode(
            "expected the statement file, got a JSON envelope",
            kept(),
        )),
        (_, _) => Err(Error::http(answer.status, kept())),
    }
}

/// `filename="x.xlsx"` (or unquoted) from a `Content-Disposition` value.
fn file_name(disposition: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let value = part.trim().strip_prefix("filename=")?;
        Some(value.trim_matches('"').to_string())
    })
}
