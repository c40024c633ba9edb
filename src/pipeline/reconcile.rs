//! The reconciliation loop behind every generated `<operation>_reconciled` method (see
//! [`crate::reconcile`]). The generated method gives it the create call and the status query
//! of its operation, and the codes the spec lists; the loop decides, from the outcome of each,
//! what comes next.

use std::future::Future;

use crate::codes::Code;
use crate::error::Error;
use crate::reconcile::Reconciled;
use crate::spec::ValidationError;

/// Status queries after an unknown outcome before giving up with the last error: each one is a
/// read, but a gateway that answers none of them leaves the outcome unknown.
const LOOKUPS: usize = 4;

/// The codes of an operation's `x-reconcile`.
pub(crate) struct Codes {
    pub(crate) not_found: &'static [i64],
    pub(crate) duplicate: &'static [i64],
}

/// Sends with `create`; on a duplicate refusal or an unknown outcome looks the order up with
/// `lookup`, and sends again only when the gateway has no such order.
pub(crate) async fn reconcile<C, Made, Found, Create, CreateFuture, Lookup, LookupFuture>(
    create: Create,
    lookup: Lookup,
    codes: Codes,
) -> Result<Reconciled<Made, Found>, Error<C>>
where
    C: Code,
    Create: Fn() -> CreateFuture,
    CreateFuture: Future<Output = Result<Made, Error<C>>>,
    Lookup: Fn() -> LookupFuture,
    LookupFuture: Future<Output = Result<Found, Error<C>>>,
{
    let has = |error: &Error<C>, list: &[i64]| {
        error.code().is_some_and(
            |c| matches!(c.wire(), crate::codes::WireCode::Number(code) if list.contains(&code)),
        )
    };
    match create().await {
        Ok(made) => return Ok(Reconciled::Created(made)),
        Err(error) if has(&error, codes.duplicate) => {}
        Err(error) if error.outcome_unknown() => {}
        Err(error) => return Err(error),
    }
    let mut last = None;
    for _ in 0..LOOKUPS {
        match lookup().await {
            Ok(found) => return Ok(Reconciled::AlreadyThere(found)),
            Err(error) if has(&error, codes.not_found) => match create().await {
                Ok(made) => return Ok(Reconciled::Resent(made)),
                // Landed meanwhile, or the repeat's outcome is unknown again: look again.
                Err(error) if has(&error, codes.duplicate) || error.outcome_unknown() => {
                    last = Some(error)
                }
                Err(error) => return Err(error),
            },
            // A status query only reads: ask again.
            Err(error) if error.outcome_unknown() || error.is_retryable() => last = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| ValidationError::new("reconcile", "no status query ran").into()))
}

/// The JSON text of member `name` of a param's JSON text: the key the status query looks the
/// order up by.
pub(crate) fn member<C: Code>(param: &str, name: &str) -> Result<String, Error<C>> {
    let object = crate::json_text::object_of(param.as_bytes())
        .map_err(|_| ValidationError::new(name, "the param is not a JSON object"))?;
    object
        .get(name)
        .map(|value| value.get().to_string())
        .ok_or_else(|| ValidationError::new(name, "is required to look the order up").into())
}

/// A member's JSON text as a query value (a string's contents, else the text itself).
#[cfg(feature = "sgate")]
pub(crate) fn query_value(text: &str) -> String {
    serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_string())
}
