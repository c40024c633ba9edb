//! The one request pipeline of every gateway. Each facade method, download, upload and
//! `call_json` takes it:
//!
//! ```text
//! typed param ──► its JSON text ──► prepare: stamp, validate, encrypt (prepare.rs)
//!             ──► bytes, serialised once
//!             ──► the gateway's seal      (envelope/wire.rs: {appId, param, sign};
//!                                          sgate/wire.rs: V-* headers)
//!             ──► the one transport       (transport.rs: connect-only retry, back-off)
//!             ──► the gateway's open      (envelope: unwrap {code, message, data};
//!                                          SGATE: verify the signature, decrypt)
//!             ──► decode ──► typed data, or one typed Error<C>
//! ```
//!
//! Only the wire differs between gateways ([`Wire`]). A GET's request is its query: the typed
//! query builder's pairs take the same stages (validated against the spec, sensitive ones
//! encrypted, sealed over an empty body), so every call has one way in.

#[cfg(feature = "sgate")]
pub(crate) mod pages;
mod parameters;
mod prepare;
#[cfg(any(feature = "envelope", feature = "sgate"))]
pub(crate) mod reconcile;
pub(crate) mod transport;
mod wire;

use std::future::Future;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

pub(crate) use parameters::Parameters;
#[cfg(feature = "sgate")]
pub(crate) use prepare::order_id_of;
#[cfg(feature = "sgate")]
pub(crate) use prepare::{query_pairs, query_pairs_of, validate, Query};
pub(crate) use wire::{GatewayCode, Sent, Wire};

use crate::codes::Code;
use crate::error::{Error, RawBody, SealError};
use crate::spec::{Operation, ResponseData};

/// The body of a prepared request.
pub(crate) enum Body {
    /// No body (the GETs of SGATE and SGATE Payin).
    #[cfg(any(feature = "sgate", feature = "sgate-payin"))]
    Empty,
    /// JSON, serialised once; what is signed.
    Json(Bytes),
    /// A multipart form (SGATE's upload); signed as an empty body, as documented.
    #[cfg(feature = "sgate")]
    Multipart(reqwest::multipart::Form),
}

/// An opened answer: what the model decodes, and the body as received for errors.
pub(crate) struct Opened {
    pub(crate) body: Bytes,
    received: Bytes,
    gateway: &'static GatewayCode,
}

impl Opened {
    /// The body as received, as an error keeps it.
    pub(crate) fn raw(&self) -> RawBody {
        self.gateway.keep(self.received.clone())
    }

    /// Decodes the answer as the operation's response model and takes its `data`. From the
    /// text, so that every amount keeps its digits: a model's known members are read straight
    /// from it; only the unknown members it keeps (`#[serde(flatten)]`) become `Value`s.
    pub(crate) fn decode<C: Code, R: DeserializeOwned + ResponseData>(
        self,
    ) -> Result<R::Data, Error<C>> {
        let response: R = serde_json::from_slice(&self.body)
            .map_err(|e| Error::decode(decode_reason::<R>(&self.body, &e), self.raw()))?;
        response
            .into_data()
            .ok_or_else(|| Error::decode("success without data", self.raw()))
    }
}

/// Why `body` does not decode as `T`, naming the member (`data[0].balance: …`): serde_json's
/// message has only a position. The path is found by decoding again, on failure only, so the
/// decode that counts is serde_json's own. Values are cut later ([`Error::decode`]).
fn decode_reason<T: DeserializeOwned>(body: &[u8], error: &serde_json::Error) -> String {
    let mut de = serde_json::Deserializer::from_slice(body);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => e.path().to_string(),
        Ok(_) => String::new(),
    };
    match path.as_str() {
        "" | "." => error.to_string(),
        path => format!("{path}: {error}"),
    }
}

/// What a facade client holds: its HTTP client (and connection pool), base URL and wire.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint<W> {
    http: reqwest::Client,
    base_url: String,
    wire: W,
    /// A timeout of this endpoint's calls other than the config's (`Client::with_timeout`).
    timeout: Option<std::time::Duration>,
}

impl<W: Clone> Endpoint<W> {
    pub(crate) fn new(base_url: &str, http: reqwest::Client, wire: W) -> Self {
        Self {
            http,
            base_url: base_url.to_string(),
            wire,
            timeout: None,
        }
    }

    /// The same endpoint (connection pool included) whose calls each get `timeout`.
    pub(crate) fn with_timeout(&self, timeout: std::time::Duration) -> Self {
        Self {
            timeout: Some(timeout),
            ..self.clone()
        }
    }

    /// The base URL the calls go below, as configured (SGATE Payin's payment links are beside
    /// it).
    #[cfg(feature = "sgate-payin")]
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// The pipeline over one endpoint.
pub(crate) struct Pipeline<'a, W> {
    http: &'a reqwest::Client,
    base_url: &'a str,
    wire: &'a W,
    timeout: Option<std::time::Duration>,
}

impl<'a, W: Wire> Pipeline<'a, W> {
    /// The pipeline of a facade client's endpoint.
    pub(crate) fn of(endpoint: &'a Endpoint<W>) -> Self {
        Self {
            http: &endpoint.http,
            base_url: &endpoint.base_url,
            wire: &endpoint.wire,
            timeout: endpoint.timeout,
        }
    }

    /// A request of this pipeline's client, with its per-call timeout when it has one.
    pub(crate) fn request(
        &self,
        method: http::Method,
        url: reqwest::Url,
    ) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, url);
        match self.timeout {
            Some(timeout) => builder.timeout(timeout),
            None => builder,
        }
    }

    /// The HTTP client (for BluePay JT's report link, fetched outside any operation's request).
    #[cfg(feature = "bluepay-jt")]
    pub(crate) fn http(&self) -> &'a reqwest::Client {
        self.http
    }

    /// The wire (for what only one gateway does, such as SGATE's streamed download).
    #[cfg(any(feature = "bluepay-jt", feature = "sgate"))]
    pub(crate) fn wire(&self) -> &'a W {
        self.wire
    }

    /// Runs an operation with its param given as its generated builder: the builder's JSON
    /// text is checked against the spec, and what its setters could not convert is reported
    /// with the spec's violations, in one [`Error::Validation`], before anything is signed or
    /// sent.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) async fn call_builder<C, R>(
        &self,
        op: &'static Operation,
        builder: impl crate::members::Builder,
    ) -> Result<R::Data, Error<C>>
    where
        C: Code,
        R: DeserializeOwned + ResponseData,
    {
        let built = builder.into_members().finish();
        self.call_checked::<C, R>(op, built.text, built.problems)
            .await
    }

    /// Runs an operation with its param's JSON text and the problems met making it.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) async fn call_checked<C, R>(
        &self,
        op: &'static Operation,
        param: String,
        problems: Vec<crate::spec::Violation>,
    ) -> Result<R::Data, Error<C>>
    where
        C: Code,
        R: DeserializeOwned + ResponseData,
    {
        let order_id = prepare::order_id(&param);
        self.run(op, order_id.as_deref(), async move {
            let body = prepare::body(self.wire, op, &param, problems)?;
            let opened = self.exchange(op, Vec::new(), Body::Json(body)).await?;
            opened.decode::<C, R>()
        })
        .await
    }

    /// Runs an operation whose request is its query (SGATE's GETs): the pairs a typed query
    /// builder made, validated, encrypted and sent like a body, the answer decoded as `R`. What
    /// the builder's setters could not make a query value of is reported with the spec's
    /// violations, in one error.
    #[cfg(feature = "sgate")]
    pub(crate) async fn call_query<C, R>(
        &self,
        op: &'static Operation,
        query: prepare::Query,
    ) -> Result<R::Data, Error<C>>
    where
        C: Code,
        R: DeserializeOwned + ResponseData,
    {
        self.run(op, None, async move {
            let pairs = prepare::query_checked(self.wire, op, query)?;
            let opened = self.exchange(op, pairs, Body::Empty).await?;
            opened.decode::<C, R>()
        })
        .await
    }

    /// Runs an operation whose path or headers carry parameters (SGATE Payin), with its body,
    /// when it has one, given as its builder's members: path, header and body values are all
    /// checked before anything is signed or sent. The answer is decoded as `R`.
    #[cfg(feature = "sgate-payin")]
    pub(crate) async fn call_at<C, R>(
        &self,
        op: &'static Operation,
        parameters: Parameters,
        body: Option<crate::members::Built>,
    ) -> Result<R::Data, Error<C>>
    where
        C: Code,
        R: DeserializeOwned + ResponseData,
    {
        self.run(op, None, async move {
            let body = self.body_of(op, body)?;
            let opened = self.exchange_at(op, &parameters, Vec::new(), body).await?;
            opened.decode::<C, R>()
        })
        .await
    }

    /// [`Pipeline::call_at`] of an operation whose success has no documented body: a success
    /// status is the answer, and its body is not read.
    #[cfg(feature = "sgate-payin")]
    pub(crate) async fn call_at_unit<C: Code>(
        &self,
        op: &'static Operation,
        parameters: Parameters,
        body: Option<crate::members::Built>,
    ) -> Result<(), Error<C>> {
        self.run(op, None, async move {
            let body = self.body_of(op, body)?;
            self.exchange_at(op, &parameters, Vec::new(), body).await?;
            Ok(())
        })
        .await
    }

    /// A builder's members as the request body (stamped, validated, serialised once), or none.
    #[cfg(feature = "sgate-payin")]
    fn body_of<C: Code>(
        &self,
        op: &'static Operation,
        body: Option<crate::members::Built>,
    ) -> Result<Body, Error<C>> {
        match body {
            Some(built) => {
                prepare::body(self.wire, op, &built.text, built.problems).map(Body::Json)
            }
            None => Ok(Body::Empty),
        }
    }

    /// Runs one call of `op` inside its span ([`traced`]). Every error it ends with is given the
    /// operation's repeat safety here, once, so no path (typed call, download, upload,
    /// `call_json`) can build an answer's error without it.
    pub(crate) async fn run<T, C: Code>(
        &self,
        op: &'static Operation,
        order_id: Option<&str>,
        work: impl Future<Output = Result<T, Error<C>>>,
    ) -> Result<T, Error<C>> {
        let work = async move { work.await.map_err(|e| e.of_operation(op)) };
        traced(self.span(op.id, order_id), work).await
    }

    /// Prepares the query, seals, sends, reads and opens: an operation whose answer is JSON.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) async fn exchange<C: Code>(
        &self,
        op: &'static Operation,
        query: Vec<(String, String)>,
        body: Body,
    ) -> Result<Opened, Error<C>> {
        self.exchange_at(op, &Parameters::default(), query, body)
            .await
    }

    /// [`Pipeline::exchange`] of an operation with path or header parameters.
    pub(crate) async fn exchange_at<C: Code>(
        &self,
        op: &'static Operation,
        parameters: &Parameters,
        query: Vec<(String, String)>,
        body: Body,
    ) -> Result<Opened, Error<C>> {
        let (sent, response) = self.send_at(op, parameters, query, body).await?;
        let answer = self.wire.transport().read(response).await?;
        let received = answer.body.clone();
        let body = self.wire.open(&sent, answer)?;
        tracing::debug!("gateway accepted");
        Ok(Opened {
            body,
            received,
            gateway: self.wire.gateway(),
        })
    }

    /// Prepares the query, seals and sends; the answer is returned unread (downloads).
    #[cfg(feature = "sgate")]
    pub(crate) async fn send<C: Code>(
        &self,
        op: &'static Operation,
        query: Vec<(String, String)>,
        body: Body,
    ) -> Result<(Sent, reqwest::Response), Error<C>> {
        self.send_at(op, &Parameters::default(), query, body).await
    }

    /// [`Pipeline::send`] of an operation with path or header parameters: the values are
    /// checked against the spec with the query, before anything is sealed.
    pub(crate) async fn send_at<C: Code>(
        &self,
        op: &'static Operation,
        parameters: &Parameters,
        query: Vec<(String, String)>,
        body: Body,
    ) -> Result<(Sent, reqwest::Response), Error<C>> {
        let path = parameters::filled_path(self.wire, op, parameters)?;
        let headers = parameters::checked_headers(self.wire, op, parameters)?;
        let query = prepare::query(self.wire, op, query)?;
        let mut url = reqwest::Url::parse(&format!("{}{path}", self.base_url))
            .map_err(|e| SealError::Request(format!("bad base URL: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        let method = http::Method::from_bytes(op.method.as_bytes())
            .map_err(|_| SealError::Request(format!("bad method {}", op.method)))?;
        let accept = http::HeaderValue::from_static("application/json");
        let builder = self
            .request(method, url)
            .header(http::header::ACCEPT, accept);
        let (builder, signed) = match body {
            #[cfg(any(feature = "sgate", feature = "sgate-payin"))]
            Body::Empty => (builder, Bytes::new()),
            Body::Json(bytes) => (
                builder
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                bytes,
            ),
            #[cfg(feature = "sgate")]
            Body::Multipart(form) => (builder.multipart(form), Bytes::new()),
        };
        let mut request = builder
            .build()
            .map_err(|e| SealError::Request(e.to_string()))?;
        // reqwest adds the client's `user-agent` only where the request has none: a payer's
        // (SGATE Payin's direct STC Pay payment) replaces paybind's.
        for (name, value) in headers {
            request.headers_mut().insert(name, value);
        }
        self.wire.seal(op, &mut request, &signed).await?;
        let sent = Sent::of(&request);
        tracing::debug!("sending");
        let response = self
            .wire
            .transport()
            .send(self.http, request)
            .await
            .map_err(Error::transport)?;
        transport::refuse_redirect(&response)?;
        Ok((sent, response))
    }

    /// The span of one call: gateway, operation and, when the param has one, `mchOrderId`.
    fn span(&self, operation: &str, order_id: Option<&str>) -> tracing::Span {
        let span = tracing::info_span!(
            "paybind.call",
            gateway = self.wire.gateway().gateway.id(),
            operation,
            mch_order_id = tracing::field::Empty,
        );
        if let Some(id) = order_id {
            span.record("mch_order_id", id);
        }
        span
    }
}

/// Runs one call's `work` inside its `span` and logs a failure there ("call failed", with the
/// error shown): typed methods, `call_json`, downloads and uploads all end through it
/// ([`Pipeline::run`]).
async fn traced<T, C: Code>(
    span: tracing::Span,
    work: impl Future<Output = Result<T, Error<C>>>,
) -> Result<T, Error<C>> {
    async move {
        work.await
            .inspect_err(|e| tracing::debug!(error = %e, "call failed"))
    }
    .instrument(span)
    .await
}
