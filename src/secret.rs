//! When a secret may be written in plain text. A [`Sensitive`](crate::sgate::Sensitive) value
//! serialises as a redaction marker everywhere — logs, JSON dumps of models, error bodies —
//! except inside `with_plaintext`: the one internal
//! path by which the pipeline serialises a request before its sensitive members are encrypted.
//! A caller who wants the plain value asks for it: `Sensitive::expose`.

use std::cell::Cell;

thread_local! {
    static PLAINTEXT: Cell<bool> = const { Cell::new(false) };
}

/// What a [`Sensitive`](crate::sgate::Sensitive) value serialises as outside the pipeline.
pub const REDACTED: &str = "[redacted]";

/// Whether a sensitive value being serialised now may be written in plain text.
#[cfg(feature = "sgate")]
pub(crate) fn plaintext_allowed() -> bool {
    PLAINTEXT.with(Cell::get)
}

/// Runs `f` (synchronous serialisation) with sensitive values written in plain text.
pub(crate) fn with_plaintext<R>(f: impl FnOnce() -> R) -> R {
    let before = PLAINTEXT.with(|p| p.replace(true));
    // Restores the flag even when `f` unwinds.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            PLAINTEXT.with(|p| p.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}
