//! Connection retries seen from the gateway's side of a loopback socket: a refused first
//! connection is tried again with the very bytes that were signed once, and exactly one request
//! arrives; a connection dropped after the request was read is never sent again.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use base64::Engine as _;
use paybind::bluepay::{self, types, Client, Config, Environment};
use paybind::envelope::{Error, HashAlgorithm, RsaSigner, SignFuture, Signer};
use paybind::keys::PrivateKey;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const APP_ID: &str = "c9b002aef1d7496c9df078d937896605";
/// The client's wait before its first connection retry (`connect_retry_pause(1)`).
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

fn merchant_key() -> PrivateKey {
    PrivateKey::from_text(include_str!("../fixtures/merchant-2048.pem")).expect("fixture key")
}

/// One signature made: the message, the signature, and when.
#[derive(Debug, Clone)]
struct Signed {
    message: Vec<u8>,
    signature: Vec<u8>,
    at: Instant,
}

/// Signs with the fixture key and records every signature it makes.
#[derive(Debug)]
struct RecordingSigner {
    inner: RsaSigner,
    signed: Mutex<Vec<Signed>>,
}

impl RecordingSigner {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: RsaSigner::new(&merchant_key(), HashAlgorithm::Sha256),
            signed: Mutex::new(Vec::new()),
        })
    }

    fn signed(&self) -> Vec<Signed> {
        self.signed.lock().unwrap().clone()
    }
}

impl Signer for RecordingSigner {
    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a> {
        let signature = self.inner.sign_bytes(message);
        self.signed.lock().unwrap().push(Signed {
            message: message.to_vec(),
            signature: signature.clone(),
            at: Instant::now(),
        });
        Box::pin(async move { Ok(signature) })
    }
}

/// The spec's example answer of `balance_inquiry`.
fn balance_answer() -> Value {
    let op = bluepay::operations()
        .iter()
        .find(|o| o.id == "balance_inquiry")
        .unwrap();
    let path = op.path.replace('~', "~0").replace('/', "~1");
    bluepay::spec()
        .document()
        .pointer(&format!(
            "/paths/{path}/post/responses/200/content/application~1json/example"
        ))
        .cloned()
        .expect("balance_inquiry has a response example")
}

/// What the gateway side received: each request's body and when it arrived.
type Received = Arc<Mutex<Vec<(Bytes, Instant)>>>;

#[tokio::test]
async fn a_refused_connection_is_retried_with_the_same_signed_bytes_and_arrives_once() {
    // Bound but not listening: the kernel refuses every connection to this port until
    // `listen` is called, and no other process can take the port meanwhile.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();

    let signer = RecordingSigner::new();
    let config = Config::with_signer(
        Environment::Url(format!("http://{addr}")),
        APP_ID,
        signer.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(2);
    let client = Client::new(config).unwrap();
    let call = tokio::spawn(async move {
        client
            .balance_inquiry(types::BalanceInquiryParam::builder())
            .await
    });

    // The first attempt follows the signature at once; open the port well before the retry,
    // which waits FIRST_BACKOFF after the refusal.
    let signed_at = loop {
        if let Some(first) = signer.signed().first() {
            break first.at;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    tokio::time::sleep(FIRST_BACKOFF / 2).await;
    let listener = socket.listen(16).unwrap();
    let received: Received = Arc::default();
    let app = axum::Router::new().fallback({
        let received = received.clone();
        move |body: Bytes| {
            let received = received.clone();
            async move {
                received.lock().unwrap().push((body, Instant::now()));
                axum::Json(balance_answer())
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    let data = call.await.unwrap().expect("the retried call succeeds");
    assert_eq!(
        serde_json::to_value(&data).unwrap(),
        balance_answer()["data"]
    );

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "exactly one request reached the gateway");
    let (body, arrived) = &received[0];
    assert!(
        *arrived >= signed_at + FIRST_BACKOFF,
        "the request arrived {:?} after signing: the first connection was not refused",
        *arrived - signed_at
    );
    let signed = signer.signed();
    assert_eq!(signed.len(), 1, "signed once, not again for the retry");
    let Signed {
        message, signature, ..
    } = &signed[0];
    let envelope: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(envelope["appId"], APP_ID);
    assert_eq!(
        envelope["param"].as_str().unwrap().as_bytes(),
        &message[..],
        "the param sent is the message signed"
    );
    assert_eq!(
        envelope["sign"].as_str().unwrap(),
        base64::engine::general_purpose::STANDARD.encode(signature)
    );
}

/// A gateway that reads each request completely, records it, and closes the connection
/// without answering.
async fn dropping_gateway() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                if let Some(request) = read_request(&mut stream).await {
                    seen.lock().unwrap().push(request);
                }
                stream.shutdown().await.ok();
            });
        }
    });
    (format!("http://{addr}"), requests)
}

/// One HTTP/1.1 request: the head, then `Content-Length` bytes of body.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if request.len() >= end + 4 + length {
                return Some(request);
            }
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        request.extend_from_slice(&buf[..n]);
    }
}

/// Longer than every connect back-off of two retries (200 ms + 400 ms), with a margin.
const LONGER_THAN_RETRIES: Duration = Duration::from_millis(800);

#[tokio::test]
async fn a_dropped_bluepay_request_is_not_sent_twice() {
    let (url, requests) = dropping_gateway().await;
    let config = Config::new(
        Environment::Url(url),
        APP_ID,
        merchant_key(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(2);
    let client = Client::new(config).unwrap();
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_sent());
    tokio::time::sleep(LONGER_THAN_RETRIES).await;
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 1, "sent once, never again");
    assert!(requests[0].starts_with(b"POST "));
}

#[cfg(feature = "sgate")]
#[tokio::test]
async fn a_dropped_sgate_request_is_not_sent_twice() {
    use crate::sgate_support::{merchant_private, system_public, API_KEY};

    let (url, requests) = dropping_gateway().await;
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(url),
        API_KEY,
        merchant_private(),
        system_public(),
    )
    .connect_retries(2);
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(err, paybind::sgate::Error::Transport { .. }),
        "{err:?}"
    );
    assert!(err.may_have_been_sent(), "{err:?}");
    tokio::time::sleep(LONGER_THAN_RETRIES).await;
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 1, "sent once, never again");
    assert!(requests[0].starts_with(b"GET "), "{:?}", &requests[0][..8]);
}

/// A resolver that answers one loopback address for every name and notes when each connection
/// attempt asked: reqwest resolves the host once per connection it opens (nothing is cached),
/// so the notes count the attempts.
#[derive(Clone)]
struct CountingResolver {
    addr: std::net::SocketAddr,
    asked: Arc<Mutex<Vec<Instant>>>,
}

impl paybind::reqwest::dns::Resolve for CountingResolver {
    fn resolve(&self, _name: paybind::reqwest::dns::Name) -> paybind::reqwest::dns::Resolving {
        self.asked.lock().unwrap().push(Instant::now());
        let addrs: paybind::reqwest::dns::Addrs = Box::new(std::iter::once(self.addr));
        Box::pin(async move { Ok(addrs) })
    }
}

/// When each connection attempt of a balance inquiry with `retries` connect retries started,
/// against a port that refuses every connection.
async fn connection_attempts(retries: u32) -> Vec<Instant> {
    // Bound but not listening: every connection is refused at once.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let resolver = CountingResolver {
        addr,
        asked: Arc::default(),
    };
    let asked = resolver.asked.clone();
    let config = Config::new(
        Environment::Url(format!("http://gateway.invalid:{}", addr.port())),
        APP_ID,
        merchant_key(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(retries)
    .http_client(move |builder| builder.dns_resolver(resolver.clone()));
    let client = Client::new(config).unwrap();
    let err = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect_err("nothing listens");
    assert!(!err.may_have_been_sent(), "{err:?}");
    let attempts = asked.lock().unwrap().clone();
    drop(socket);
    attempts
}

/// `retries` connect retries are `retries + 1` connection attempts, no more, and the pauses
/// between them (`connect_retry_pause`) are at least 200 ms, then 400 ms. Sleeping guarantees no
/// less; the upper bound is the count, not a wall time (a loaded machine only adds time).
#[tokio::test]
async fn connect_retries_pause_200_then_400_ms() {
    let (none, one, two) = tokio::join!(
        connection_attempts(0),
        connection_attempts(1),
        connection_attempts(2)
    );
    assert_eq!((none.len(), one.len(), two.len()), (1, 2, 3));
    let pauses = |attempts: &[Instant]| -> Vec<Duration> {
        attempts.windows(2).map(|w| w[1] - w[0]).collect()
    };
    let (one, two) = (pauses(&one), pauses(&two));
    assert!(one[0] >= FIRST_BACKOFF, "{one:?}");
    assert!(two[0] >= FIRST_BACKOFF, "{two:?}");
    assert!(two[1] >= 2 * FIRST_BACKOFF, "{two:?}");
}

/// The schedule merchants can compute worst-case latency with: 200 ms doubling, capped at
/// 6.4 s from the sixth retry on, whatever the retry number.
#[test]
fn the_connect_retry_pause_doubles_and_is_capped() {
    use paybind::config::connect_retry_pause;
    let millis: Vec<u128> = (1..=8)
        .map(|retry| connect_retry_pause(retry).as_millis())
        .collect();
    assert_eq!(millis, [200, 400, 800, 1600, 3200, 6400, 6400, 6400]);
    assert_eq!(connect_retry_pause(1), FIRST_BACKOFF);
    assert_eq!(connect_retry_pause(u32::MAX), Duration::from_millis(6400));
}
