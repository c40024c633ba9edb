//! The fuzz targets' inputs, seeds and oracles. Each module has `seeds()` (valid inputs the
//! fuzzer starts from, written to the corpus by [`write_seeds`]) and `check(data)`, which
//! panics when an oracle fails: an accepted notification, callback or answer that is not
//! exactly one that was signed, a value that does not survive its own round trip.

pub mod field_decrypt;
pub mod key_parse;
pub mod money;
pub mod no_echo;
pub mod notification;
pub mod sgate_answer;
pub mod sgate_callback;
pub mod spec_validate;

use std::sync::OnceLock;

use paybind::keys::{PrivateKey, PublicKey};

/// Where [`write_seeds`] writes: `cargo xtask fuzz` points it at the target's corpus.
pub const SEEDS_ENV: &str = "PAYBIND_FUZZ_SEEDS";

/// The API KEY the SGATE targets sign with.
pub const SGATE_API_KEY: &str = "fuzz-api-key-0123456789";

/// The fixed clock of the SGATE targets (Unix milliseconds): their signed seeds are dated
/// around it, so the freshness window judges every run, and a kept corpus, the same way.
pub const NOW_MILLIS: i64 = 1_719_401_000_000;

/// Whether a message signed at `timestamp` (Unix seconds) is inside paybind's default freshness
/// window around [`NOW_MILLIS`], worked out here rather than asked of paybind.
pub fn fresh(timestamp: i64) -> bool {
    let window = paybind::sgate::freshness::DEFAULT_WINDOW.as_secs();
    (NOW_MILLIS / 1000).abs_diff(timestamp) <= window
}

/// Signing times of extra seeds around the edges of the window: just inside, just outside
/// (both sides), and the answer dated 2001.
pub fn edge_timestamps() -> [i64; 5] {
    let now = NOW_MILLIS / 1000;
    let window = paybind::sgate::freshness::DEFAULT_WINDOW.as_secs() as i64;
    [
        now - window,
        now - window - 1,
        now + window,
        now + window + 1,
        978_307_200,
    ]
}

/// libFuzzer's init step: checks every seed against the target's oracle (`check` panics when
/// it fails, before any fuzzing) and, when [`SEEDS_ENV`] names a directory, writes the seeds
/// there so the run starts from them.
pub fn write_seeds(target: &str, seeds: fn() -> Vec<Vec<u8>>, check: fn(&[u8])) {
    let seeds = seeds();
    assert!(!seeds.is_empty(), "{target} has no seeds");
    for seed in &seeds {
        check(seed);
    }
    let Some(dir) = std::env::var_os(SEEDS_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("seed directory");
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{target}-{i:03}")), seed).expect("seed file");
    }
}

fn key_text(name: &str) -> &'static str {
    match name {
        "gateway" => include_str!("../../tests/fixtures/gateway-2048.pem"),
        "sgate-system" => include_str!("../../tests/fixtures/sgate-system-2048.pem"),
        "sgate-merchant" => include_str!("../../tests/fixtures/sgate-merchant-2048.pem"),
        other => panic!("no fixture key {other}"),
    }
}

/// A test key from `tests/fixtures/` (they sign nothing real).
pub fn private_key(name: &str) -> PrivateKey {
    PrivateKey::from_text(key_text(name)).expect("fixture key parses")
}

/// A key pair, parsed once.
pub fn key_pair(name: &'static str) -> &'static (PrivateKey, PublicKey) {
    static GATEWAY: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    static SYSTEM: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    static MERCHANT: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    let cell = match name {
        "gateway" => &GATEWAY,
        "sgate-system" => &SYSTEM,
        "sgate-merchant" => &MERCHANT,
        other => panic!("no fixture key {other}"),
    };
    cell.get_or_init(|| {
        let private = private_key(name);
        let public = private.public_key();
        (private, public)
    })
}

/// The SGATE targets' input: `Name: value` lines, an empty line, then the body bytes.
pub fn split_headers(data: &[u8]) -> (http::HeaderMap, &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (&data[..0], data),
    };
    let mut headers = http::HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = line[colon + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(&line[..colon]),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    (headers, body)
}

/// The inverse of [`split_headers`].
pub fn join_headers(headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\n").as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// One SGATE signature as the verifier reads it: timestamp, nonce and the exact body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts {
    pub timestamp: i64,
    pub nonce: String,
    pub body: Vec<u8>,
}

impl SignedParts {
    /// The parts an input claims, read as SGATE's docs define the headers (trimmed text; the
    /// timestamp an integer). Independent of paybind's own header reading.
    pub fn claimed(headers: &http::HeaderMap, body: &[u8]) -> Option<Self> {
        let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
        Some(Self {
            timestamp: text("V-Timestamp")?.parse().ok()?,
            nonce: text("V-Nonce-Str")?.to_string(),
            body: body.to_vec(),
        })
    }

    /// Headers and body of an SGATE-style signature by the system key over `body`.
    pub fn sign(timestamp: i64, nonce: &str, url: &str, method: &str, body: &[u8]) -> Vec<u8> {
        use paybind::sgate::signing::{digest_hex, sign_digest, signature_data};
        let text = std::str::from_utf8(body).expect("seed bodies are UTF-8");
        let data = signature_data(SGATE_API_KEY, timestamp, nonce, url, method, text);
        let signature = sign_digest(&key_pair("sgate-system").0, &digest_hex(&data));
        join_headers(
            &[
                ("V-Timestamp", timestamp.to_string()),
                ("V-Nonce-Str", nonce.to_string()),
                ("V-Api-Key", SGATE_API_KEY.to_string()),
                ("V-Signature", signature),
            ],
            body,
        )
    }
}

/// Fixed ciphertexts (made once with `openssl pkeyutl -encrypt -pkeyopt
/// rsa_padding_mode:pkcs1` and the merchant public key): PKCS#1 v1.5 encryption is randomised,
/// and seeds must be the same in every run, or a signed seed kept in the corpus by an earlier
/// run would not be in this run's signed set.
const CIPHERTEXTS: &[(&str, &str)] = &[
    ("1234567890", "fFlt977nrXbYzJ/MFciWq9nMANuvoE08wCPBgv1dVX791Nsx5IDL2kNtNJwSMl3Rh693GBvJvh/gKTO/SBOGMxrknV9wxuHUWyPy5rD1jUxmRxGUMxTsXQYEWomTYyofyWOcZpYpjxdAVYOJdLzytXlWL+OxRDbGLyJLWD+a+bTyTSiLCVGTIvViChNrvH64Z3dSz2HYLaXlHjLnxHq18yDIy07W+xW6R2EbLs9PwHUizQxXWYxU1FFpTqYL1EZJewZNH/DlL00kGoO3tTvV8D8hoCrjG2gaxMwgShrNgugUu284g/67RKUrFt2yYS7wiDXhqHOVY2yVNkVKSrPMkg=="),
    ("SA9080000000000000000001", "WoZNjgMJmBGrlhnyorhBGGf8wVaADFGvhQzIXSDWym/ZPlMuKpNrysjhhDlugavEIpyjubbfC6ahPzRMgLQ81p1wbc1Ho8Yw1Hp4dw4E5t6tyO6etPaF4flOxL/QPW0ksi4U4FIX9n56PlDIoX0rpfy6bWxq3oLk9eAKdv3b/bdX2Xnzvbf0JoTqeIlUVQGKxIWpYMNzJ7phY0fh9/5gnbYl0FnRmFEBoNuLZy9a+ARP2iSTjDoAYltkPfvmTOtAqmHt2VEJX/0HYcoSGZn+eJziqdIDdLmkxxQOzCHGvrkH45VuqhsxkGsv1UfFJqEiSD5Q30tpKiEAn78i2ZSehA=="),
    ("966500000001", "M/LKEiD6vYtYDh9RpYGtd9Q+WC9Qx2/rrxX9ci77wc9QdiX6O9yl9TZhGhqVH0yyhWIJ1dsTCB9NH+ltg94ZQR9Kd6jQfWT51AZ4iq7ND7qU31uuo3qxNCKCiFU9GddRFNZgJeH8kASTGlR+HFhvdaelIvRFDhpyHUfSLlezFKKPGXR4/3untSDpk7LBmxj6gv6+W48JXMAL2FxoF8EB4fKhqOGB8bvz2KaEyYXY6hY2zaJJGjJMBTy7haqYrPD/chG1Z0zYDWBrMrmDP4cNn9hX8E5MMSUYBSSSKNTI/pMOwA93Kt46KyQgDdAzMeCWZyuo+MkljTv0HllH21f2Jw=="),
    ("https://example.invalid/id.png", "PS7YC5Pxw4Zfi8YMT1psyLHQmIOlGHohrUphMcT6HG4eerdNkAHI27S0snNA0h4Xt1pTgAR5Z051fR6GRxpQwq6gIj12OATDM1KInDshWgu5XjF5FnS+bqXp3LcFhFeeb921xc8srSk3B0hF4izHnKHBDBmFvBkQoao/e2pbdYVsnYmVZ5HGE3aevELyPkdE2BDPNN9YkfaDD1/MRZ3htd5Zj2x3l6n6XfRhQw/Vw/36C42O95mLSgB+QfVy82+LsXOiOqEdSevh2/GpoqVf3mCoqopZLEoFu4A5PFCLINnJL/efRY+lMknxHyF3iXuW6g7sIriw4mGd7nO9IHUD/w=="),
    ("1", "jp6OjHQhtKHSdAPcJGkuFNCC7ayIB0Ce40xcPZmxkJX78mldxkP5O9qyQ2KDZ5CbtiYGkJbAh9TvX1ArrocIj2WtsW1DCXUhbaJ28oryO0fdWTlHdjfyPEXIiBNRhtCbBi1W0dWrBH+0SZ02GQwWjw4++XMQXNC1sRiqHtu+7aK5DnOIcyRV388TDmOTrkKCOPmCgboAjUzExLxX7v86be8Tu9u/qMEItvA39QNwDfaiD/b+uUzIN2136YWeAjcFt1qrVAZ9LAC1xQ1mzYMUFtoUVRayGcHYQLY2agQsM37plRg57PGzCwNSAzVx7Am8UCwnccSY1+4ClQCsQjPhHQ=="),
    ("2", "WW3f0dNLGVhJhp3IkXA9RHPtuTWhahKLae92R04Mfeyhv/bNf6A+n77QwsLgJVoC8fY8o+aikNl5WsJ/uJHHBLnBueYF33lDMy3Lj6CmjAFdFzBbrpFNjgs0Fn5Ix6s+6jG+jM69mPOzLDIVUlgxKkmTf/+eN3Zr9GtMX8klEIvc0mGB9jNowFARSlhIMyOeXzTjpPeVAM9QuU5n95Pwwgt4Mq12gTn+VshlP/mPR2azGxUaB4BTTm0QCHq4Xk/EH6o4ScdWKxANpsBq9Az2edK3+U/PvhcHFBE5gKAJn3qG3zj4r19Xbs0gei2YeOlzfpnx6WH0nOrbSDWQJExfrg=="),
];

/// Replaces each string member named in `members` (at any depth) with its fixed encryption for
/// the merchant key, as SGATE sends sensitive members; empty strings stay empty.
pub fn encrypt_members(value: &mut serde_json::Value, members: &[&str]) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                match member {
                    Value::String(plain)
                        if members.contains(&name.as_str()) && !plain.is_empty() =>
                    {
                        let (_, cipher) = CIPHERTEXTS
                            .iter()
                            .find(|(p, _)| p == plain)
                            .unwrap_or_else(|| panic!("no fixed ciphertext for {plain:?}"));
                        *plain = cipher.to_string();
                    }
                    _ => encrypt_members(member, members),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| encrypt_members(i, members)),
        _ => {}
    }
}

/// Panics if `message` repeats a run of 24 or more Base64 characters of `input` (key material
/// and ciphertexts are Base64) or is unboundedly long.
pub fn assert_no_echo(input: &[u8], message: &str) {
    assert!(message.len() <= 512, "an error of {} bytes", message.len());
    let base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    for run in input.split(|b| !base64(b)).filter(|run| run.len() >= 24) {
        let run = std::str::from_utf8(run).expect("ASCII");
        assert!(
            !message.contains(run),
            "an error repeats the input: {message}"
        );
    }
}
