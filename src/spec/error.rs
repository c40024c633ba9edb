//! What a request that breaks the spec's rules fails with: every broken rule, the first one
//! first, each naming the field as the docs do.

/// A request that breaks rules of the spec. Nothing was sent. `field` and `reason` are the
/// first broken rule; [`ValidationError::violations`] lists every one found in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending field in the request, as the docs name it (`items[1].subOrderId`);
    /// empty for the request as a whole.
    pub field: String,
    /// What is wrong, in the API's terms.
    pub reason: String,
    /// The other broken rules of the same request.
    pub(super) more: Vec<Violation>,
}

/// One broken rule of a request: the field as the docs name it and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field (`items[1].subOrderId`); empty for the request as a whole.
    pub field: String,
    /// The rule, in the API's terms.
    pub reason: String,
}

impl ValidationError {
    /// A validation error for `field`. A value quoted by a serde message in `reason` is cut
    /// ([`without_value`](super::without_value)): the reason names the rule, never the value.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: super::without_value(&reason.into()),
            more: Vec::new(),
        }
    }

    /// Every broken rule of the request, the first one (`field`, `reason`) first.
    pub fn violations(&self) -> Vec<Violation> {
        let first = Violation {
            field: self.field.clone(),
            reason: self.reason.clone(),
        };
        std::iter::once(first).chain(self.more.clone()).collect()
    }

    /// One error holding every violation of `errors`; `Ok` when there is none.
    pub(crate) fn combine(errors: Vec<ValidationError>) -> Result<(), ValidationError> {
        let mut all = errors.into_iter().flat_map(|e| e.violations());
        let Some(first) = all.next() else {
            return Ok(());
        };
        Err(Self {
            field: first.field,
            reason: first.reason,
            more: all.collect(),
        })
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid request: ")?;
        for (i, v) in self.violations().iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}
