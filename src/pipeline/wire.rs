//! What differs between gateways, as the pipeline sees it: the gateway's generated code
//! ([`GatewayCode`]) and its wire ([`Wire`]: how a request is sealed and an answer opened).

use std::fmt;
use std::future::Future;

use bytes::Bytes;

use super::transport::{Answer, Transport};
use crate::codes::Code;
use crate::error::{Error, RawBody, SealError};
use crate::gateways::Gateway;
use crate::spec::{Operation, Spec};

/// What the pipeline needs to know about one gateway's generated code, beyond its identity.
pub(crate) struct GatewayCode {
    /// Which gateway: its name in traces and its spec.
    pub(crate) gateway: Gateway,
    /// The members the spec marks `x-sensitive` (generated `SENSITIVE_MEMBERS`).
    pub(crate) sensitive: &'static [&'static str],
}

impl fmt::Debug for GatewayCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.gateway.id())
    }
}

impl GatewayCode {
    /// The bundled spec.
    pub(crate) fn spec(&self) -> &'static Spec {
        self.gateway.spec()
    }

    /// An answer's body as an error keeps it: its sensitive members redacted in what it shows.
    pub(crate) fn keep(&self, body: Bytes) -> RawBody {
        RawBody::redacted(body, self.sensitive)
    }
}

/// What differs between the gateways' wires: how a request is sealed and an answer opened.
/// Each family's signing context implements it; a facade client's endpoint holds one.
pub(crate) trait Wire: Send + Sync {
    /// The gateway's generated code.
    fn gateway(&self) -> &'static GatewayCode;
    /// How requests are sent.
    fn transport(&self) -> &Transport;
    /// The `timestamp` stamped on a param that has none; `None` where params carry none.
    fn timestamp(&self) -> Option<i64>;
    /// Encrypts the plain value of the sensitive member `field`.
    fn encrypt(&self, field: &str, plain: &str) -> Result<String, SealError>;
    /// The value of path parameter `name` the configuration holds (SGATE Payin's
    /// `MERCHANT_ID`), used when the caller gives none.
    fn path_value(&self, name: &str) -> Option<&str> {
        let _ = name;
        None
    }
    /// Seals a request of `op` whose body (or query) is final; `body` is exactly what is sent
    /// (empty for a GET or a multipart upload).
    fn seal(
        &self,
        op: &'static Operation,
        request: &mut reqwest::Request,
        body: &[u8],
    ) -> impl Future<Output = Result<(), SealError>> + Send;
    /// Opens an answer to `sent`: the body the operation's model decodes, or why it cannot be
    /// trusted or is not a success.
    fn open<C: Code>(&self, sent: &Sent, answer: Answer) -> Result<Bytes, Error<C>>;
}

/// A request as it went out: what an answer's signature covers.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    /// Read by SGATE's wire only: its answer's signature covers them.
    #[cfg(feature = "sgate")]
    pub(crate) method: http::Method,
    /// Path and query exactly as on the wire.
    #[cfg(feature = "sgate")]
    pub(crate) path_and_query: String,
}

impl Sent {
    #[cfg(feature = "sgate")]
    pub(crate) fn of(request: &reqwest::Request) -> Self {
        let url = request.url();
        let path_and_query = match url.query() {
            Some(query) => format!("{}?{}", url.path(), query),
            None => url.path().to_string(),
        };
        Self {
            method: request.method().clone(),
            path_and_query,
        }
    }

    /// Without SGATE no wire reads what was sent.
    #[cfg(not(feature = "sgate"))]
    pub(crate) fn of(_: &reqwest::Request) -> Self {
        Self {}
    }
}
