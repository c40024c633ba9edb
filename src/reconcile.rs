//! What a `<operation>_reconciled` method did to get a money-moving request to the gateway
//! exactly once: the README's recipe ("When you do not know whether a request was processed"),
//! packaged for each operation the spec marks (`x-reconcile`: the member the status query looks
//! the order up by, the codes that mean "not found" and "already there").
//!
//! The method sends the request. An answer is the outcome. A duplicate refusal (BluePay 21007,
//! 21015, SGATE 1401, …) means the first attempt of the same order was processed: it is looked
//! up. An unknown outcome ([`Error::outcome_unknown`](crate::error::Error::outcome_unknown)) is
//! never answered by sending again blindly: the order is looked up by its merchant id, and the
//! same request (same keys) is sent again only when the gateway says it has no such order. A
//! new key is never made.

/// Which way the order got to the gateway, with what the gateway said of it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reconciled<Created, Found> {
    /// The request was answered the first time: its answer.
    Created(Created),
    /// The gateway already had the order — the first attempt's outcome was unknown and the
    /// status query found it, or the gateway refused the request as a duplicate: the status
    /// query's answer. Wait for its notification, as for a created one.
    AlreadyThere(Found),
    /// The first attempt's outcome was unknown, the status query said the gateway has no such
    /// order, and the same request sent again was answered: its answer.
    Resent(Created),
}

impl<T> Reconciled<T, T> {
    /// The order as the gateway answered, whichever way it got there: for an operation whose
    /// status query answers with the same model as its create call (SGATE's payment orders).
    pub fn into_inner(self) -> T {
        match self {
            Reconciled::Created(order)
            | Reconciled::AlreadyThere(order)
            | Reconciled::Resent(order) => order,
        }
    }
}
