//! Random tokens and numbers (admin tokens, session ids, OTP codes) from aws-lc's generator,
//! which is seeded by the operating system: the one paybind's keys use.

/// `N` random bytes.
///
/// # Panics
/// If aws-lc's generator fails, which it does only when the operating system gives it no
/// randomness at all (as `getrandom` would).
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if aws_lc_rs::rand::fill(&mut out).is_err() {
        panic!("the operating system's random generator failed");
    }
    out
}

/// `length` random lower-case hexadecimal characters.
pub fn hex(length: usize) -> String {
    let mut out = String::with_capacity(length + 1);
    while out.len() < length {
        for byte in bytes::<32>() {
            out.push_str(&format!("{byte:02x}"));
        }
    }
    out.truncate(length);
    out
}

/// A random number below `bound` (which must not be 0), uniformly chosen.
pub fn below(bound: u32) -> u32 {
    let bound = bound.max(1);
    // The largest multiple of `bound` that fits: values at or above it are redrawn.
    let zone = u32::MAX - u32::MAX % bound;
    loop {
        let value = u32::from_le_bytes(bytes::<4>());
        if value < zone {
            return value % bound;
        }
    }
}
