//! The test key pairs: RSA 2048, each generated the first time it is asked for and kept for the
//! rest of the process, so a test suite pays for each key generation once, not per test. They
//! are new in every process: nothing signed with them is accepted anywhere but in your tests.
//!
//! ```
//! use paybind::testing::keys;
//! let key = keys::sgate_system();
//! assert_eq!(key.bits(), 2048);
//! assert_eq!(keys::sgate_system().public_key(), key.public_key(), "the same key every time");
//! ```

use std::sync::OnceLock;

use crate::keys::PrivateKey;

/// Size of the test keys, in bits (what SGATE asks for, and the smallest BluePay accepts).
pub const BITS: usize = 2048;

/// The key in `cell`, generated on first use.
///
/// # Panics
/// If aws-lc cannot generate an RSA key: only when the operating system's random generator or
/// memory fails, never because of an input.
fn cached(cell: &'static OnceLock<PrivateKey>) -> PrivateKey {
    cell.get_or_init(|| match PrivateKey::generate(BITS) {
        Ok(key) => key,
        Err(e) => panic!("paybind::testing could not generate a test key: {e}"),
    })
    .clone()
}

/// The gateway's key of BluePay and BluePay JT: it signs the notifications
/// `testing::bluepay` and `testing::bluepay_jt` mint; its public half verifies them.
///
/// # Panics
/// If aws-lc cannot generate the key (the operating system's random generator or memory
/// failed).
pub fn bluepay_gateway() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    cached(&KEY)
}

/// The merchant's key of the test BluePay and BluePay JT `Config`s (it signs requests). Only
/// generated if a test asks for such a `Config`.
///
/// # Panics
/// As [`bluepay_gateway`].
pub fn bluepay_merchant() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    cached(&KEY)
}

/// SGATE's system key: it signs the callbacks `testing::sgate` mints; its public half verifies
/// them.
///
/// # Panics
/// As [`bluepay_gateway`].
pub fn sgate_system() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    cached(&KEY)
}

/// The SGATE merchant's key: minted callbacks carry their sensitive members encrypted to its
/// public half, and the test `Notifications` decrypt them with it.
///
/// # Panics
/// As [`bluepay_gateway`].
pub fn sgate_merchant() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    cached(&KEY)
}
