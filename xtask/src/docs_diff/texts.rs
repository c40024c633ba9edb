//! The texts of a code table: what the docs say a code means, in each language, against the
//! YAML's `message` (the primary language's words) and `message-<lang>` (another language's,
//! where the YAML keeps them). A reworded code is a docs change users see: the message is what
//! an error's `Display` prints.

use super::report::{acknowledging, kind, Difference};
use super::yaml::Spec;
use super::PageFacts;

/// The YAML key holding a code's text in `lang`.
fn text_key(lang: &str, primary: Option<&str>) -> String {
    if Some(lang) == primary {
        "message".to_string()
    } else {
        format!("message-{lang}")
    }
}

/// Spaces are not words: texts compare with runs of white space as one space.
fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One `text` difference for every code of `page` whose text in a language is not the YAML's
/// text in that language. A note on the code (or on its table, naming the code) that quotes
/// the docs' text acknowledges it.
pub fn compare(
    page: &str,
    langs: &[(String, PageFacts)],
    spec: &Spec,
    primary: Option<&str>,
    out: &mut Vec<Difference>,
) {
    for (lang, facts) in langs {
        let key = text_key(lang, primary);
        for doc in &facts.texts {
            let Some(yaml) = spec.code_text(&doc.schema, &doc.value, &key) else {
                continue;
            };
            if normalised(&yaml.text) == normalised(&doc.text) {
                continue;
            }
            let tokens = [doc.text.clone()];
            out.push(Difference {
                page: page.to_string(),
                schema: Some(doc.schema.clone()),
                field: Some(doc.value.clone()),
                kind: kind::TEXT,
                docs: Some(format!("{lang}: {}", doc.text)),
                yaml: Some(yaml.text.clone()),
                note: acknowledging(&yaml.notes, &yaml.schema_notes, Some(&doc.value), &tokens),
                ..Difference::default()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primary_language_is_the_message() {
        assert_eq!(text_key("en", Some("en")), "message");
        assert_eq!(text_key("zh", Some("en")), "message-zh");
        assert_eq!(normalised(" a  b\n c "), "a b c");
    }
}
