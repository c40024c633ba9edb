//! When a secret may be written in plain text. A [`Sensitive`](crate::sgate::Sensitive) value
//! serialises as a redaction marker everywhere — logs, JSON dumps of models, error bodies —
//! except inside `with_plaintext` (and a future wrapped in `Plaintext`): the one internal
//! path by which the pipeline serialises a request before its sensitive members are encrypted.
//! A caller who wants the plain value asks for it: `Sensitive::expose`.

use std::cell::Cell;
#[cfg(feature = "sgate")]
use std::future::Future;
#[cfg(feature = "sgate")]
use std::pin::Pin;
#[cfg(feature = "sgate")]
use std::task::{Context, Poll};

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

/// A future during whose every poll sensitive values serialise in plain text: a generated call
/// whose builder serialises its query inside the future.
#[cfg(feature = "sgate")]
pub(crate) struct Plaintext<F>(Pin<Box<F>>);

#[cfg(feature = "sgate")]
impl<F: Future> Plaintext<F> {
    pub(crate) fn new(future: F) -> Self {
        Self(Box::pin(future))
    }
}

#[cfg(feature = "sgate")]
impl<F: Future> Future for Plaintext<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.0.as_mut();
        with_plaintext(|| inner.poll(cx))
    }
}
