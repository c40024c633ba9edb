//! Random strings (SGATE nonces) from aws-lc's
//! generator, which is seeded by the operating system: the source that pads RSA encryption.

/// `len` random ASCII letters and digits, uniformly chosen.
pub(crate) fn alphanumeric(len: usize) -> String {
    const CHARS: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in bytes::<64>() {
            // 248 = 4 × 62: bytes at or above it are skipped so every character is equally likely.
            if b < 248 && out.len() < len {
                out.push(char::from(CHARS[usize::from(b % 62)]));
            }
        }
    }
    out
}

/// `N` random bytes.
///
/// # Panics
/// If aws-lc's generator fails, which it does only when the operating system gives it no
/// randomness at all (as `getrandom` would).
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if aws_lc_rs::rand::fill(&mut out).is_err() {
        panic!("the operating system's random generator failed");
    }
    out
}
