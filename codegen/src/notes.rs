//! Spec text as rustdoc text: descriptions with their square brackets escaped, and the notes
//! the specs write on their choices (`x-unconfirmed`, `x-decision`) as paragraphs. Read by the
//! model (operation descriptions) and by every generator that writes docs.

use serde_json::Value;

/// Spec text as rustdoc text: square brackets outside code spans escaped, so that a regex the
/// docs quote (`0([689]\d{8})`) is not read as an intra-doc link.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '[' | ']' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The `x-unconfirmed` and `x-decision` notes of a spec object (a schema, an operation), each
/// as a paragraph of its own (`**Unconfirmed:** …`); empty without notes.
pub fn notes_doc(value: &Value) -> String {
    let mut doc = String::new();
    for (key, label) in [("x-unconfirmed", "Unconfirmed"), ("x-decision", "Decision")] {
        if let Some(note) = value.get(key).and_then(Value::as_str) {
            doc += &format!("\n\n**{label}:** {}", escaped(note.trim()));
        }
    }
    doc
}

/// The notes (`x-unconfirmed`, `x-decision`) found anywhere inside `value` (a request body, a
/// response, with their content and inline schemas), labelled with `what`.
pub fn notes_within(value: &Value, what: &str) -> String {
    fn walk(value: &Value, found: &mut Vec<(&'static str, String)>) {
        match value {
            Value::Object(map) => {
                for (key, label) in [("x-unconfirmed", "Unconfirmed"), ("x-decision", "Decision")] {
                    if let Some(note) = map.get(key).and_then(Value::as_str) {
                        found.push((label, escaped(note.trim())));
                    }
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut found);
    found
        .into_iter()
        .map(|(label, note)| format!("\n\n**{label}** ({what}): {note}"))
        .collect()
}
