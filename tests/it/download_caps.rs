//! The size caps of the two downloads (BluePay JT's report, SGATE's statement), against servers
//! that send more than the cap, declared (`Content-Length`) or not (read until close), and an
//! error page larger than the answer cap. The cap is `max_download_bytes` for the file and
//! `max_answer_bytes` for anything read whole; the promise is [`Error::TooLarge`] naming the cap,
//! with nothing written past it (the caller discards what was written).

use base64::Engine as _;
use paybind::config::Environment;
use paybind::error::Error;
use paybind::sgate::StatementOutcome;
use serde_json::json;

use crate::common::{self, raw_server};
use crate::sgate_support;

const CAP: u64 = 4096;
/// Well past the cap, and more than one read's worth.
const OVER: usize = 64 << 10;

/// `status` with `body`, its length declared or not (then the connection's end ends it).
fn answer(status: &str, headers: &str, body: &[u8], declared: bool) -> Vec<u8> {
    let length = if declared {
        format!("Content-Length: {}\r\n", body.len())
    } else {
        "Connection: close\r\n".to_string()
    };
    let mut raw = format!("HTTP/1.1 {status}\r\n{headers}{length}\r\n").into_bytes();
    raw.extend_from_slice(body);
    raw
}

async fn jt_sandbox() -> paybind_sandbox::Sandbox {
    paybind_sandbox::Sandbox::start(paybind_sandbox::SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap()
}

/// Downloads the JT report through a link to a server answering `raw`.
async fn jt_download(
    sandbox: &paybind_sandbox::Sandbox,
    raw: Vec<u8>,
) -> (
    Result<paybind::bluepay_jt::DownloadedReport, paybind::bluepay_jt::Error>,
    Vec<u8>,
) {
    let (other, _) = raw_server(raw).await;
    let config = sandbox
        .bluepay_jt_config()
        .link_origins([other.clone()])
        .max_download_bytes(CAP)
        .max_answer_bytes(CAP);
    let client = paybind::bluepay_jt::Client::new(config).unwrap();
    common::next_report_link(sandbox, &format!("{other}/report.csv")).await;
    let mut out = Vec::new();
    let result = client
        .download_report(common::report_param(), &mut out)
        .await;
    (result, out)
}

#[tokio::test]
async fn jt_report_download_stops_at_the_download_cap() {
    let sandbox = jt_sandbox().await;
    let big = vec![b'x'; OVER];
    for declared in [true, false] {
        let raw = answer("200 OK", "Content-Type: text/csv\r\n", &big, declared);
        let (result, out) = jt_download(&sandbox, raw).await;
        let err = result.unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { limit } if limit == CAP),
            "declared {declared}: {err:?}"
        );
        assert!(out.len() as u64 <= CAP, "{} bytes written", out.len());
        if declared {
            assert!(out.is_empty(), "a declared oversize is refused unread");
        }
    }
    // Exactly the cap is a file.
    let exact = vec![b'y'; CAP as usize];
    let (result, out) = jt_download(&sandbox, answer("200 OK", "", &exact, false)).await;
    assert_eq!(result.expect("a file of exactly the cap").bytes, CAP);
    assert_eq!(out, exact);
}

#[tokio::test]
async fn jt_report_error_pages_are_read_within_the_answer_cap() {
    let sandbox = jt_sandbox().await;
    let page = vec![b'e'; OVER];
    for declared in [true, false] {
        let raw = answer("500 Internal Server Error", "", &page, declared);
        let (result, out) = jt_download(&sandbox, raw).await;
        let err = result.unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { limit } if limit == CAP),
            "declared {declared}: {err:?}"
        );
        assert!(out.is_empty());
    }
    // A small error page is kept as the HTTP error's body.
    let (result, _) = jt_download(&sandbox, answer("503 Busy", "", b"busy", true)).await;
    let err = result.unwrap_err();
    assert_eq!(err.raw_body(), Some(&b"busy"[..]), "{err:?}");
}

/// A statement answer from a plain server: the file's headers look signed (the signature is
/// checked only once the whole file has arrived), the body is `body`.
fn statement(body: &[u8], declared: bool) -> Vec<u8> {
    let headers = "Content-Type: application/octet-stream\r\n\
                   V-Timestamp: 1719411600\r\nV-Nonce-Str: n1\r\nV-Signature: AAAA\r\n";
    answer("200 OK", headers, body, declared)
}

async fn sgate_statement(
    config: paybind::sgate::Config,
) -> (Result<StatementOutcome, paybind::sgate::Error>, Vec<u8>) {
    let client = paybind::sgate::Client::new(config.max_download_bytes(CAP)).unwrap();
    let mut out = Vec::new();
    let result = client.statement_download().to_writer(&mut out).await;
    (result, out)
}

fn sgate_at(url: &str) -> paybind::sgate::Config {
    paybind::sgate::Config::new(
        Environment::Url(url.into()),
        sgate_support::API_KEY,
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    )
    .connect_retries(0)
}

#[tokio::test]
async fn sgate_statement_download_stops_at_the_download_cap() {
    let big = vec![b'x'; OVER];
    for declared in [true, false] {
        let (url, _) = raw_server(statement(&big, declared)).await;
        let (result, out) = sgate_statement(sgate_at(&url)).await;
        let err = result.unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { limit } if limit == CAP),
            "declared {declared}: {err:?}"
        );
        assert!(out.len() as u64 <= CAP, "{} bytes written", out.len());
        if declared {
            assert!(out.is_empty(), "a declared oversize is refused unread");
        }
    }
    // Within the cap the file is read to its end and judged by its signature, not its size.
    let (url, _) = raw_server(statement(&big[..CAP as usize], false)).await;
    let (result, _) = sgate_statement(sgate_at(&url)).await;
    assert!(
        matches!(result, Err(Error::BadSignature { .. })),
        "{result:?}"
    );

    // The sandbox's signed file: over the cap refused, within it written and verified.
    let sandbox = sgate_support::sandbox().await;
    let file: Vec<u8> = (0..CAP as u32 + 1).map(|i| (i % 251) as u8).collect();
    for (len, fits) in [(CAP as usize + 1, false), (CAP as usize, true)] {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&file[..len]);
        sandbox
            .admin()
            .put(
                "faults",
                json!({"gateway": "sgate", "operation": "statement_download", "times": 1,
                       "file_base64": encoded}),
            )
            .await
            .unwrap();
        let (result, out) = sgate_statement(sgate_support::config(&sandbox)).await;
        if fits {
            assert!(
                matches!(result, Ok(StatementOutcome::Written { bytes, .. }) if bytes == CAP),
                "{result:?}"
            );
            assert_eq!(out, file[..len]);
        } else {
            assert!(
                matches!(result, Err(Error::TooLarge { limit }) if limit == CAP),
                "{result:?}"
            );
            assert!(out.len() as u64 <= CAP);
        }
    }
}
