//! The one transport policy of every gateway: the HTTP client (timeouts, user agent), the
//! connect-only retry that re-sends the same sealed bytes, its back-off, and reading an answer.
//!
//! Seams for the hardening of issue 11: [`Transport::http_client`] is where a redirect policy
//! goes, [`Transport::read`] where an answer-size cap goes; nothing else sends or reads.

use std::time::Duration;

use bytes::Bytes;

/// The `User-Agent` paybind sends (SGATE refuses requests without one, code 1211).
pub(crate) const USER_AGENT: &str = concat!("paybind/", env!("CARGO_PKG_VERSION"));

/// How requests are sent and answers read.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    connect_retries: u32,
}

/// An answer read whole, before the gateway's wire opens it.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: http::StatusCode,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl Transport {
    /// The HTTP client and the policy for these timeouts and retries.
    pub(crate) fn http_client(
        timeout: Duration,
        connect_timeout: Duration,
        connect_retries: u32,
    ) -> reqwest::Result<(reqwest::Client, Transport)> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .user_agent(USER_AGENT)
            .build()?;
        Ok((http, Transport { connect_retries }))
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
                    tokio::time::sleep(backoff(attempt)).await;
                    request = spare;
                }
                (result, _) => return result,
            }
        }
    }

    /// Reads an answer whole.
    pub(crate) async fn read(&self, response: reqwest::Response) -> reqwest::Result<Answer> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// Pause before retry `attempt` (1-based): 200 ms, 400 ms, … capped at 6.4 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(2), Duration::from_millis(400));
        assert_eq!(backoff(6), backoff(60));
    }
}
