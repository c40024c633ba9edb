//! The merchant's own HTTP settings and per-call timeouts: `Config::http_client` adjusts the
//! client paybind builds (a proxy here) while paybind's policy still holds over whatever the
//! adjustment set (no redirect followed), and `Client::with_timeout` changes one client's
//! calls, not the client it came from.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use paybind::bluepay::{self, Client, Config, Environment};
use paybind::keys::PrivateKey;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::common;

fn key() -> PrivateKey {
    common::key("merchant-2048.pem")
}

fn balance() -> bluepay::types::builder::BalanceInquiryParam {
    bluepay::types::BalanceInquiryParam::builder()
}

/// A loopback server that keeps the head of every request it reads and answers `answer`.
async fn recording_server(answer: &'static [u8]) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let kept = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&seen).into_owned());
            let _ = socket.write_all(answer).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, heads)
}

#[tokio::test]
async fn requests_go_through_the_proxy_the_merchant_sets() {
    let (proxy_url, heads) =
        recording_server(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n").await;
    let proxy = paybind::reqwest::Proxy::http(&proxy_url).unwrap();
    // A host that does not resolve: only the proxy can have answered.
    let config = Config::new(
        Environment::Url("http://bluepay.invalid".into()),
        "app",
        key(),
        crate::common::bluepay_gateway_public(),
    )
    .http_client(move |builder| builder.proxy(proxy.clone()));
    let error = Client::new(config)
        .unwrap()
        .balance_inquiry(balance())
        .await
        .unwrap_err();
    assert!(matches!(error, bluepay::Error::Http { .. }), "{error:?}");
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("POST http://bluepay.invalid/"),
        "the proxy got an absolute-form request: {}",
        heads[0]
    );
}

#[tokio::test]
async fn paybind_refuses_redirects_whatever_the_adjustment_says() {
    let (elsewhere, hits) = common::raw_server(b"HTTP/1.1 200 OK\r\n\r\n".to_vec()).await;
    let redirect: &'static [u8] = Box::leak(
        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere}/x\r\ncontent-length: 0\r\n\r\n")
            .into_bytes()
            .into_boxed_slice(),
    );
    let (gateway, _) = recording_server(redirect).await;
    let config = Config::new(
        Environment::Url(gateway),
        "app",
        key(),
        crate::common::bluepay_gateway_public(),
    )
    .http_client(|builder| builder.redirect(paybind::reqwest::redirect::Policy::limited(10)));
    let error = Client::new(config)
        .unwrap()
        .balance_inquiry(balance())
        .await
        .unwrap_err();
    assert!(
        matches!(error, bluepay::Error::Redirect { .. }),
        "{error:?}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing followed it"
    );
}

#[tokio::test]
async fn a_per_call_timeout_changes_that_client_only() {
    let sandbox = common::sandbox().await;
    let fault = json!({"gateway": "bluepay", "operation": "balance_inquiry", "latency_ms": 1500, "times": 2});
    sandbox.admin().put("faults", fault).await.expect("fault");
    let client = Client::new(sandbox.bluepay_config().timeout(Duration::from_secs(30))).unwrap();
    let hurried = client.with_timeout(Duration::from_millis(200));
    let error = hurried.balance_inquiry(balance()).await.unwrap_err();
    assert!(matches!(error, bluepay::Error::Timeout(_)), "{error:?}");
    // The client it came from keeps the config's 30 s and waits the 1.5 s out.
    client
        .balance_inquiry(balance())
        .await
        .expect("the config's timeout still holds for the original client");
}
