//! Ids the sandbox hands out: persisted counters (unique across restarts) and random tokens.

use serde_json::json;

use super::store::{StoreError, Tx};

/// The next number of the counter `name` (persisted, so ids stay unique across restarts).
pub fn next_number(tx: &mut Tx<'_>, name: &str) -> Result<i64, StoreError> {
    let key = format!("seq:{name}");
    let next = tx
        .get("meta", &key)?
        .and_then(|stored| stored.as_i64())
        .unwrap_or(0)
        + 1;
    tx.put("meta", &key, json!(next));
    Ok(next)
}

/// A gateway-style id: `prefix` followed by 18 digits.
pub fn new_id(tx: &mut Tx<'_>, prefix: &str) -> Result<String, StoreError> {
    let number = next_number(tx, prefix)?;
    Ok(format!("{prefix}{:018}", 100_000_000_000 + number))
}

/// A random token of `length` hexadecimal characters.
pub fn random_token(length: usize) -> String {
    super::random::hex(length)
}

/// 32 upper-case hex characters (SGATE's requestId).
pub fn request_id() -> String {
    let bytes: [u8; 16] = super::random::bytes();
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}
