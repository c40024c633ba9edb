//! One difference between docs and spec, whether the spec acknowledges it, and the two ways of
//! printing a list of them.

use serde_json::{json, Value};

/// Kinds of difference ("added" = the docs have it and the YAML does not; "removed" = the
/// reverse, as a docs change would read).
pub mod kind {
    pub const ENDPOINT_ADDED: &str = "endpoint-added";
    pub const ENDPOINT_REMOVED: &str = "endpoint-removed";
    pub const METHOD: &str = "method";
    pub const FIELD_ADDED: &str = "field-added";
    pub const FIELD_REMOVED: &str = "field-removed";
    pub const REQUIRED: &str = "required";
    pub const TYPE: &str = "type";
    pub const LENGTH: &str = "length";
    pub const MAXIMUM: &str = "maximum";
    pub const DEFAULT: &str = "default";
    pub const VALUES: &str = "values";
    pub const VALUE_ADDED: &str = "value-added";
    pub const VALUE_REMOVED: &str = "value-removed";
    /// A code's text in the docs is not the YAML's (`message`, `message-<lang>`).
    pub const TEXT: &str = "text";
    pub const SCHEMA_MISSING: &str = "schema-missing";
    /// The languages of the docs disagree with each other.
    pub const LANGUAGES: &str = "languages";
    pub const UNREADABLE: &str = "unreadable";
}

/// One difference.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub page: String,
    pub operation: Option<String>,
    pub schema: Option<String>,
    pub field: Option<String>,
    pub kind: &'static str,
    pub docs: Option<String>,
    pub yaml: Option<String>,
    /// The note of the YAML that records this difference, if any.
    pub note: Option<String>,
}

impl Difference {
    pub fn unreadable(page: &str, reason: &str) -> Difference {
        Difference {
            page: page.to_string(),
            kind: kind::UNREADABLE,
            docs: Some(reason.to_string()),
            ..Difference::default()
        }
    }

    pub fn acknowledged(&self) -> bool {
        self.note.is_some()
    }

    /// The JSON object of `--format json`.
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "operation": self.operation,
            "schema": self.schema,
            "field": self.field,
            "docs": self.docs,
            "yaml": self.yaml,
            "acknowledged": self.acknowledged(),
            "page": self.page,
            "note": self.note,
        })
    }
}

/// The first note (of `direct`, or of `enclosing` when it names `field`) that mentions every
/// token, as the note that acknowledges a difference.
pub fn acknowledging(
    direct: &[String],
    enclosing: &[String],
    field: Option<&str>,
    tokens: &[String],
) -> Option<String> {
    let mentions_all = |note: &str| tokens.iter().all(|t| mentions(note, t));
    let names_field = |note: &str| field.is_some_and(|f| mentions(note, f));
    direct
        .iter()
        .find(|n| mentions_all(n))
        .or_else(|| enclosing.iter().find(|n| names_field(n) && mentions_all(n)))
        .map(|n| n.to_string())
}

/// `word` occurs in `text` as a whole word (case-insensitive).
pub fn mentions(text: &str, word: &str) -> bool {
    let text = text.to_lowercase();
    let word = word.to_lowercase();
    if word.is_empty() {
        return true;
    }
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(&word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

/// How many differences are not acknowledged.
pub fn new_count(differences: &[Difference]) -> usize {
    differences.iter().filter(|d| !d.acknowledged()).count()
}

/// The readable report: a summary line, then the differences grouped by page.
pub fn text(title: &str, differences: &[Difference]) -> String {
    let new = new_count(differences);
    let mut out = format!(
        "{title}: {} difference(s), {new} new, {} acknowledged by the YAML\n",
        differences.len(),
        differences.len() - new
    );
    let mut page = None;
    for d in differences {
        if page != Some(&d.page) {
            page = Some(&d.page);
            let op = d
                .operation
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default();
            out += &format!("\n{}{op}\n", d.page);
        }
        let marker = if d.acknowledged() { "ack" } else { "NEW" };
        let at = [d.schema.as_deref(), d.field.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(".");
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let at = if at.is_empty() { at } else { format!("{at}: ") };
        out += &format!(
            "  {marker} {:<16} {at}docs {} | yaml {}\n",
            d.kind,
            show(&d.docs),
            show(&d.yaml)
        );
        if let Some(note) = &d.note {
            out += &format!("        recorded: {}\n", short(note));
        }
    }
    if new == 0 {
        out += "\nnothing new: the YAML describes these docs (or records why not)\n";
    }
    out
}

/// `--format json`: an array with one object per difference.
pub fn json(differences: &[Difference]) -> Result<String, String> {
    let list: Vec<Value> = differences.iter().map(Difference::to_json).collect();
    crate::util::json_text(&Value::Array(list))
}

fn short(note: &str) -> String {
    let one_line = note.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(110) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(mentions("limits it to 64 characters", "64"));
        assert!(!mentions("limits it to 640 characters", "64"));
        assert!(mentions("In no field table but present", "field table"));
        assert!(mentions("typed as number (both languages)", "Number"));
        assert!(!mentions("customids", "customid"));
    }

    #[test]
    fn enclosing_notes_count_only_when_they_name_the_field() {
        let enclosing = vec!["mercustomid: the Chinese page says 64".to_string()];
        let tokens = vec!["64".to_string()];
        assert!(acknowledging(&[], &enclosing, Some("mercustomid"), &tokens).is_some());
        assert!(acknowledging(&[], &enclosing, Some("payeeuid"), &tokens).is_none());
        let direct = vec!["says 128".to_string()];
        assert!(acknowledging(&direct, &[], Some("x"), &tokens).is_none());
    }
}
