//! SGATE's statement is verified over a body that arrives in pieces: the signature object's MD5
//! is computed while the file streams to the caller's writer, each byte escaped as serde_json
//! would escape it inside the JSON string. A loopback stand-in signs the file with the
//! independent RustCrypto signer of `sgate_support` and sends it in HTTP chunks of 1, 7 and 64
//! bytes (each written and flushed alone), so escapes and multi-byte characters fall across
//! chunk boundaries.

use paybind::config::Environment;
use paybind::sgate::signing::SignatureError;
use paybind::sgate::{Client, Config, StatementOutcome};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::sgate_support::{self, API_KEY, NOW_MILLIS, SERVER_TIMESTAMP};

const NONCE: &str = "stmtNonce42";

/// Serves one statement download: `sent` in chunked encoding, `chunk` bytes per chunk, with
/// `V-*` headers signing `signed` for the path the request named.
async fn stand_in(signed: Vec<u8>, sent: Vec<u8>, chunk: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the request head ended early");
            head.extend_from_slice(&buf[..n]);
        }
        let head = String::from_utf8(head).unwrap();
        let path = head.split(' ').nth(1).expect("a request line").to_string();
        let data = sgate_support::signature_bytes(SERVER_TIMESTAMP, NONCE, &path, "GET", &signed);
        let signature = sgate_support::system_sign(&data);
        let answer_head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
             V-Timestamp: {SERVER_TIMESTAMP}\r\nV-Nonce-Str: {NONCE}\r\n\
             V-Signature: {signature}\r\nTransfer-Encoding: chunked\r\n\
             Connection: close\r\n\r\n"
        );
        socket.write_all(answer_head.as_bytes()).await.unwrap();
        socket.flush().await.unwrap();
        for piece in sent.chunks(chunk) {
            let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
            framed.extend_from_slice(piece);
            framed.extend_from_slice(b"\r\n");
            socket.write_all(&framed).await.unwrap();
            socket.flush().await.unwrap();
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        let _ = socket.shutdown().await;
    });
    url
}

async fn download(url: String) -> (Result<StatementOutcome, paybind::sgate::Error>, Vec<u8>) {
    let config = Config::new(
        Environment::Url(url),
        API_KEY,
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    )
    .clock(paybind::clock::FixedClock(NOW_MILLIS))
    .connect_retries(0);
    let client = Client::new(config).unwrap();
    let mut out = Vec::new();
    let result = client.statement_download().to_writer(&mut out).await;
    (result, out)
}

fn bodies() -> Vec<Vec<u8>> {
    let escapes =
        "tab\t \"quoted\" back\\slash \u{1}\u{8}\u{c}\r\n\u{1f}\u{7f} محمد 张三 😀 {\"a\":\"/b\"}";
    let long: String = escapes.chars().cycle().take(5000).collect();
    vec![
        Vec::new(),
        escapes.as_bytes().to_vec(),
        long.into_bytes(),
        "x".repeat(5000).into_bytes(),
    ]
}

#[tokio::test]
async fn a_statement_streamed_in_any_chunks_verifies_with_its_exact_bytes() {
    for body in bodies() {
        for chunk in [1, 7, 64] {
            let url = stand_in(body.clone(), body.clone(), chunk).await;
            let (result, out) = download(url).await;
            match result {
                Ok(StatementOutcome::Written {
                    bytes,
                    content_verified,
                    ..
                }) => {
                    assert_eq!(bytes, body.len() as u64);
                    assert!(content_verified, "chunks of {chunk}");
                }
                other => panic!("{} bytes in chunks of {chunk}: {other:?}", body.len()),
            }
            assert_eq!(out, body, "chunks of {chunk}");
        }
    }
}

#[tokio::test]
async fn one_changed_byte_of_a_streamed_statement_is_a_signature_error() {
    for body in bodies().into_iter().filter(|b| !b.is_empty()) {
        // The byte in the middle (inside a multi-byte character for the escapes body).
        let mut changed = body.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 0x01;
        for chunk in [1, 7, 64] {
            let url = stand_in(body.clone(), changed.clone(), chunk).await;
            let (result, _) = download(url).await;
            assert!(
                matches!(
                    &result,
                    Err(paybind::sgate::Error::BadSignature {
                        reason: SignatureError::Mismatch,
                        ..
                    })
                ),
                "{} bytes in chunks of {chunk}: {result:?}",
                body.len()
            );
        }
    }
}
