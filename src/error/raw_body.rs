//! What an error keeps of an answer's body: the bytes as received, and the view every output
//! shows, with the sensitive members redacted.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::json_text::{self, Shape};

use crate::secret::REDACTED;

/// What is shown of a body that is not JSON but names a sensitive member: its members cannot be
/// found, so none of it is shown.
const WITHHELD: &str = "[redacted: a body that is not JSON and names a sensitive member]";

/// An answer's body as an error keeps it.
///
/// Everything that shows it — [`Deref`] (`&[u8]`), `Debug`, [`Error::raw_body`](super::Error::raw_body),
/// the command line — shows the body with the value of every sensitive member replaced by
/// `"[redacted]"`, at any depth: the members the gateway's spec marks `x-sensitive`, and those
/// the answer's own `sensitiveFields` names. An empty string (SGATE's "none") stays. A body that
/// is not JSON is shown as received, unless it quotes the name of a sensitive member: then it is
/// withheld whole.
///
/// [`RawBody::expose`] gives the bytes exactly as received (SGATE's sensitive members still
/// encrypted), for a caller who asks for them, as `Sensitive::expose` does for a value: take
/// care where they go.
///
/// ```
/// use paybind::error::RawBody;
/// let body = br#"{"code":1401,"data":{"cardno":"QUJD","name_e":"usera"}}"#;
/// let raw = RawBody::redacted(bytes::Bytes::from_static(body), &["cardno"]);
/// assert_eq!(&*raw, br#"{"code":1401,"data":{"cardno":"[redacted]","name_e":"usera"}}"#);
/// assert_eq!(raw.expose().as_ref(), body);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(Box<Kept>);

/// Boxed: every `Result` of a call carries an error, which stays small.
#[derive(Clone, Default, PartialEq, Eq)]
struct Kept {
    received: Bytes,
    shown: Bytes,
}

impl RawBody {
    /// Keeps `received`, redacting the members named in `sensitive` and in the body's own
    /// `sensitiveFields`.
    pub fn redacted(received: Bytes, sensitive: &[&str]) -> Self {
        let shown = redact(&received, sensitive).unwrap_or_else(|| received.clone());
        Self(Box::new(Kept { received, shown }))
    }

    /// The body exactly as received, sensitive members included.
    pub fn expose(&self) -> &Bytes {
        &self.0.received
    }

    /// Whether anything of the body is hidden in what it shows.
    pub fn is_redacted(&self) -> bool {
        self.0.shown != self.0.received
    }
}

impl Deref for RawBody {
    type Target = [u8];

    /// The body as shown: sensitive members redacted.
    fn deref(&self) -> &[u8] {
        &self.0.shown
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawBody")
            .field(&String::from_utf8_lossy(&self.0.shown))
            .finish()
    }
}

/// The body with its sensitive members redacted; `None` when nothing is hidden. Everything else
/// keeps its text (member order, an amount's digits).
fn redact(body: &[u8], sensitive: &[&str]) -> Option<Bytes> {
    let Ok(mut raw) = serde_json::from_slice::<Box<RawValue>>(body) else {
        let text = String::from_utf8_lossy(body);
        let names_one = sensitive.iter().any(|n| text.contains(&format!("\"{n}\"")));
        return names_one.then(|| Bytes::from_static(WITHHELD.as_bytes()));
    };
    let mut names: BTreeSet<String> = sensitive.iter().map(|n| n.to_string()).collect();
    let plan = json_text::object_of(raw.get().as_bytes())
        .ok()
        .and_then(|object| object.get("sensitiveFields").map(|p| p.get().to_string()));
    if let Some(plan) = plan.and_then(|p| serde_json::from_str::<Value>(&p).ok()) {
        named_by_plan(&plan, &mut names);
    }
    // Only a body that changed is written again (it has no other reason to differ).
    hide(&mut raw, &names)
        .ok()?
        .then(|| Bytes::from(raw.get().to_string()))
}

/// The member names a `sensitiveFields` plan lists: an array of names, or an object whose
/// members are nested plans (or `true`: this member), to any depth.
fn named_by_plan(plan: &Value, names: &mut BTreeSet<String>) {
    match plan {
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::String(name) => {
                        names.insert(name.clone());
                    }
                    other => named_by_plan(other, names),
                }
            }
        }
        Value::Object(members) => {
            for (name, inner) in members {
                if inner == &Value::Bool(true) {
                    names.insert(name.clone());
                } else {
                    named_by_plan(inner, names);
                }
            }
        }
        _ => {}
    }
}

/// Replaces, at any depth, the value of every member named in `names` that holds something
/// (not `null`, not `""`). The `sensitiveFields` plan itself is not a value to hide. Whether
/// anything was hidden.
fn hide(raw: &mut Box<RawValue>, names: &BTreeSet<String>) -> Result<bool, serde_json::Error> {
    let mut hidden = false;
    match json_text::shape(raw) {
        Shape::Object => {
            let mut members = json_text::object_of(raw.get().as_bytes())?;
            for (name, member) in members.iter_mut() {
                let empty = matches!(member.get().trim(), "null" | "\"\"");
                if names.contains(name) && !empty {
                    *member = json_text::string_value(REDACTED)?;
                    hidden = true;
                } else if name != "sensitiveFields" {
                    hidden |= hide(member, names)?;
                }
            }
            if hidden {
                *raw = json_text::raw_of(json_text::text_of(&members)?)?;
            }
        }
        Shape::Array => {
            let mut items = json_text::array_of(raw)?;
            for item in items.iter_mut() {
                hidden |= hide(item, names)?;
            }
            if hidden {
                *raw = json_text::raw_of(json_text::text_of(&items)?)?;
            }
        }
        Shape::String | Shape::Other => {}
    }
    Ok(hidden)
}
