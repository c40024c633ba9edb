//! Percent-encoding: the one loop behind a path segment's encoding and SGATE Payin's
//! `encodeURIComponent`, which differ only in the bytes they keep.

/// `value` with every byte but ASCII letters, digits and the bytes of `kept` as `%XX`
/// (upper-case hex) of its UTF-8 text.
pub(crate) fn percent_encode(value: &str, kept: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || kept.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}
