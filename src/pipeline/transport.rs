//! The one transport policy of every gateway: the HTTP client (timeouts, user agent, no
//! redirects), the connect-only retry that re-sends the same sealed bytes (pausing by the public
//! schedule [`connect_retry_pause`], public as `paybind::config::connect_retry_pause`), and reading an answer
//! within its size cap. Nothing else sends or reads.
//!
//! No redirect is followed, ever: a 3xx is [`Error::Redirect`] saying where it pointed, so a
//! signed body, `V-Api-Key` and `V-Signature` never go to another origin and https is never
//! downgraded to http.

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::codes::Code;
use crate::error::Error;

/// The `User-Agent` paybind sends (SGATE refuses requests without one, code 1211).
pub(crate) const USER_AGENT: &str = concat!("paybind/", env!("CARGO_PKG_VERSION"));

/// The caller's adjustment of the HTTP client paybind builds (`Config::http_client` of each
/// gateway): applied first, so paybind's own settings (timeouts, user agent, no redirects)
/// still hold.
#[derive(Clone)]
pub(crate) struct HttpSettings(pub(crate) std::sync::Arc<AdjustHttp>);

/// A function that adjusts a `reqwest::ClientBuilder`.
pub(crate) type AdjustHttp = dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync;

impl std::fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A proxy URL may carry credentials: none of it is shown.
        f.write_str("HttpSettings(caller's, not shown)")
    }
}

/// How requests are sent and answers read.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    connect_retries: u32,
    limits: Limits,
    /// Origins a link named in an answer may be fetched from (only BluePay JT follows one).
    #[cfg(feature = "bluepay-jt")]
    link_origins: Vec<String>,
}

/// Size caps of what is read from the network.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// An answer read whole (JSON).
    pub(crate) answer: u64,
    /// A file streamed to the caller's writer (BluePay JT's report, SGATE's statement).
    #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
    pub(crate) download: u64,
}

/// An answer read whole, before the gateway's wire opens it.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: http::StatusCode,
    /// Read by SGATE's wire only (the answer's `V-*` signature headers).
    #[cfg(feature = "sgate")]
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl Transport {
    /// The HTTP client and the policy for these timeouts and retries.
    pub(crate) fn http_client(
        settings: Option<&HttpSettings>,
        timeout: Duration,
        connect_timeout: Duration,
        connect_retries: u32,
        limits: Limits,
        link_origins: Vec<String>,
    ) -> reqwest::Result<(reqwest::Client, Transport)> {
        let builder = reqwest::Client::builder();
        // The caller's settings first: the policy below overrides whatever they set of it.
        let builder = match settings {
            Some(settings) => (settings.0)(builder),
            None => builder,
        };
        let http = builder
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let transport = Transport {
            connect_retries,
            limits,
            #[cfg(feature = "bluepay-jt")]
            link_origins,
        };
        // Without BluePay JT no answer names a link to follow.
        #[cfg(not(feature = "bluepay-jt"))]
        drop(link_origins);
        Ok((http, transport))
    }

    /// A link an answer names (a report's `downloadUrl`), if its origin is one the merchant
    /// allows; checked before any connection.
    #[cfg(feature = "bluepay-jt")]
    pub(crate) fn check_link<C: Code>(&self, link: &str) -> Result<reqwest::Url, Error<C>> {
        let refused = |reason: &'static str| Error::LinkRefused {
            url: link.to_string(),
            reason,
        };
        let url = reqwest::Url::parse(link).map_err(|_| refused("not a URL"))?;
        let origin = url.origin().ascii_serialization();
        if self.link_origins.contains(&origin) {
            Ok(url)
        } else {
            Err(refused("its scheme, host or port is not an allowed origin"))
        }
    }

    /// The cap of a download streamed to the caller's writer.
    #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
    pub(crate) fn max_download(&self) -> u64 {
        self.limits.download
    }

    /// Sends a sealed request. A connection that could not be established is tried again (the
    /// request never left), with the same sealed bytes; anything else is not. The answer is
    /// returned unread.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let mut request = request;
        let mut attempt = 0;
        loop {
            // A streamed body (multipart) cannot be cloned: such a request is tried once.
            let spare = (attempt < self.connect_retries)
                .then(|| request.try_clone())
                .flatten();
            match (http.execute(request).await, spare) {
                (Err(e), Some(spare)) if e.is_connect() => {
                    attempt += 1;
                    tracing::debug!(attempt, "connection failed before sending; retrying");
                    tokio::time::sleep(connect_retry_pause(attempt)).await;
                    request = spare;
                }
                (result, _) => return result,
            }
        }
    }

    /// Reads an answer whole, up to the answer cap. A redirect is refused unread.
    pub(crate) async fn read<C: Code>(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Answer, Error<C>> {
        refuse_redirect(&response)?;
        let limit = self.limits.answer;
        check_length(&response, limit)?;
        let status = response.status();
        #[cfg(feature = "sgate")]
        let headers = response.headers().clone();
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            #[cfg(feature = "sgate")]
            headers,
            body: body.freeze(),
        })
    }
}

/// A 3xx answer as [`Error::Redirect`]: paybind follows none.
pub(crate) fn refuse_redirect<C: Code>(response: &reqwest::Response) -> Result<(), Error<C>> {
    let status = response.status();
    if !status.is_redirection() {
        return Ok(());
    }
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    Err(Error::Redirect { status, location })
}

/// Refuses an answer whose declared length is over `limit` before reading any of it.
pub(crate) fn check_length<C: Code>(
    response: &reqwest::Response,
    limit: u64,
) -> Result<(), Error<C>> {
    match response.content_length() {
        Some(length) if length > limit => Err(Error::TooLarge { limit }),
        _ => Ok(()),
    }
}

/// The pause before connection retry `retry` (the first is 1) of a request whose connection
/// could not be established: 200 ms, doubling with each retry, at most 6.4 s (from the sixth
/// on). A call that never connects therefore gives up after at most `connect_retries + 1`
/// connect timeouts plus these pauses.
pub fn connect_retry_pause(retry: u32) -> Duration {
    Duration::from_millis(100u64 << retry.min(6))
}
