//! The typed side slot of a generated call. progenitor's hooks can only answer with its own
//! error type (a string) or a response; so the pipeline opens a slot around the generated call,
//! the hooks put their typed failure (and the answer as received) in it, and the pipeline reads
//! it back when the call returns — no message is parsed back, no status invented.

use std::cell::RefCell;
#[cfg(feature = "sgate")]
use std::future::Future;

use bytes::Bytes;

use crate::error::{Error, WireCode};

/// What the hooks of one generated call report.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Why the request was refused before sending, or its answer refused.
    pub(crate) failure: Option<Error<WireCode>>,
    /// The answer's body exactly as received (sensitive members still encrypted), for errors
    /// about an answer that was opened but did not decode.
    pub(crate) received: Bytes,
}

tokio::task_local! {
    static SLOT: RefCell<Slot>;
}

/// Runs a generated call with a fresh slot and returns what the hooks put in it.
#[cfg(feature = "sgate")]
pub(crate) async fn scope<F: Future>(call: F) -> (F::Output, Slot) {
    SLOT.scope(RefCell::new(Slot::default()), async {
        let output = call.await;
        let slot = SLOT.with(|slot| slot.take());
        (output, slot)
    })
    .await
}

/// Reports a failure; the first one wins. Outside a slot (the generated client called
/// directly) only the hook's own answer tells the caller.
pub(crate) fn fail(failure: Error<WireCode>) {
    let _ = SLOT.try_with(|slot| {
        slot.borrow_mut().failure.get_or_insert(failure);
    });
}

/// Keeps the answer as received.
pub(crate) fn received(body: Bytes) {
    let _ = SLOT.try_with(|slot| slot.borrow_mut().received = body);
}
