//! A classified change and the state the classification works on.

use serde_json::Value;

/// How a change lands on one kind of user, in increasing weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing to use or adapt: descriptions, notes, examples, a wider limit.
    Docs,
    /// Something new to use; existing code keeps working.
    Addition,
    /// Existing code or payloads can stop compiling or be refused.
    Breaking,
}

impl Impact {
    /// The word the reports use.
    pub fn word(self) -> &'static str {
        match self {
            Impact::Docs => "docs",
            Impact::Addition => "addition",
            Impact::Breaking => "breaking",
        }
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// `operation <id>`, `schema <Name>`, `schema <Name>.<member>`.
    pub at: String,
    /// What changed, in words.
    pub what: String,
    /// For users of the generated Rust types and client.
    pub for_crate: Impact,
    /// For users of `schema/` (the wire).
    pub for_schema: Impact,
}

/// Which way a schema travels.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Direction {
    pub(super) sent: bool,
    pub(super) received: bool,
}

/// The two specs being compared and the changes found so far.
pub(super) struct Ctx<'a> {
    pub(super) old: &'a Value,
    pub(super) new: &'a Value,
    pub(super) out: Vec<Change>,
}

impl Ctx<'_> {
    pub(super) fn push(&mut self, at: &str, what: String, for_crate: Impact, for_schema: Impact) {
        self.out.push(Change {
            at: at.to_string(),
            what,
            for_crate,
            for_schema,
        });
    }
}
