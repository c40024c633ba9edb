//! `paybind::testing`: every minted notification and callback verifies with `openssl` and with
//! paybind's verifiers and axum extractors; one changed byte is refused; SGATE's sensitive
//! members are ciphertext on the wire and plain after verification.

#[cfg(feature = "envelope")]
mod envelope;
mod keys;
#[cfg(feature = "sgate")]
mod sgate;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use paybind::keys::PublicKey;

/// `key` as an SPKI PEM file in `dir`, for openssl.
fn public_pem(dir: &Path, name: &str, key: &PublicKey) -> PathBuf {
    let path = dir.join(format!("{name}.pub.pem"));
    std::fs::write(&path, key.to_spki_pem().unwrap()).unwrap();
    path
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("Base64")
}

/// Serves `app` on 127.0.0.1; its address.
#[cfg(feature = "axum")]
async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    addr
}
