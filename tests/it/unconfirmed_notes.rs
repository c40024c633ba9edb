//! Issue 22 item 2: every `x-unconfirmed` note of the specs reaches the rustdoc of the code
//! generated from them — on a schema (its model's docs, with its `x-rules` and code tables), a
//! property (the model's field and its builder's setter), a query parameter, an operation (its
//! method, with the notes on its request body and answers), a notification kind, or the
//! gateway as a whole (`servers`, the signing scheme under `info`: the generated `Client`).

use serde_json::Value;

/// Every `x-unconfirmed` of `value`, with its JSON pointer.
fn notes(value: &Value, pointer: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(note) = map.get("x-unconfirmed").and_then(Value::as_str) {
                found.push((pointer.to_string(), note.to_string()));
            }
            for (key, inner) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                notes(inner, &format!("{pointer}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                notes(inner, &format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rustdoc text of the files generated for `module`, as one normalised string.
fn generated_docs(module: &str) -> String {
    let mut docs = Vec::new();
    for part in ["client", "extras"] {
        let path = std::path::Path::new(env!("OUT_DIR")).join(format!("{module}_{part}.rs"));
        let text = std::fs::read_to_string(&path).expect("a generated file");
        for line in text.lines() {
            let line = line.trim_start();
            if let Some(doc) = line.strip_prefix("///").or(line.strip_prefix("//!")) {
                // Square brackets are escaped in rustdoc (not intra-doc links).
                docs.push(doc.replace("\\[", "[").replace("\\]", "]"));
            }
        }
    }
    normalised(&docs.join(" "))
}

/// Checks that every note of one gateway's spec is in its rustdoc; returns how many there are.
fn check(module: &str, document: &Value) -> usize {
    let docs = generated_docs(module);
    let mut all = Vec::new();
    notes(document, "", &mut all);
    let missing: Vec<&String> = all
        .iter()
        .filter(|(_, note)| !docs.contains(&normalised(note)))
        .map(|(pointer, _)| pointer)
        .collect();
    assert!(
        missing.is_empty(),
        "{module}: x-unconfirmed notes missing from the generated rustdoc: {missing:#?}"
    );
    eprintln!(
        "{module}: {0}/{0} x-unconfirmed notes in the generated rustdoc",
        all.len()
    );
    all.len()
}

#[test]
fn every_x_unconfirmed_note_reaches_the_generated_rustdoc() {
    let mut total = 0;
    let mut add = |count: usize| total += count;
    #[cfg(feature = "bluepay")]
    add(check("bluepay", paybind::bluepay::spec().document()));
    #[cfg(feature = "bluepay-jt")]
    add(check("bluepay_jt", paybind::bluepay_jt::spec().document()));
    #[cfg(feature = "sgate")]
    add(check("sgate", paybind::sgate::spec().document()));
    #[cfg(feature = "sgate-payin")]
    add(check(
        "sgate_payin",
        paybind::sgate_payin::spec().document(),
    ));
    eprintln!("all gateways: {total}/{total} x-unconfirmed notes in the generated rustdoc");
    #[cfg(all(feature = "bluepay", feature = "bluepay-jt", feature = "sgate"))]
    assert!(
        total >= 94,
        "the issue counted 94 notes; the walk found {total}"
    );
}

/// The comments of a YAML text that may record a choice, as `(line, text)`: every comment but a
/// section rule (`# -----`) and a comment block directly above an `x-` mark it explains
/// (`x-paged`, `x-reconcile`). Comments inside block scalars (`>-`, `|`) and quoted strings are
/// text, not comments.
fn choice_comments(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut found = Vec::new();
    // The indentation of the key whose block scalar the walk is in.
    let mut block_of: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if let Some(key_indent) = block_of {
            if trimmed.is_empty() || indent(line) > key_indent {
                continue;
            }
            block_of = None;
        }
        let full_line = trimmed.starts_with('#');
        let comment = if full_line {
            Some(trimmed)
        } else {
            let value = trimmed.split(" #").next().unwrap_or(trimmed).trim_end();
            if [">-", ">", "|", "|-", ">+", "|+"]
                .iter()
                .any(|marker| value.ends_with(&format!(": {marker}")) || value == *marker)
            {
                block_of = Some(indent(line));
            }
            trailing_comment(trimmed)
        };
        let Some(comment) = comment else { continue };
        if comment
            .trim_start_matches('#')
            .trim_start()
            .starts_with("---")
        {
            continue;
        }
        let explains_a_mark = || {
            lines[index + 1..]
                .iter()
                .map(|next| next.trim_start())
                .find(|next| !next.starts_with('#'))
                .is_some_and(|next| {
                    next.starts_with("x-")
                        && !next.starts_with("x-decision")
                        && !next.starts_with("x-unconfirmed")
                })
        };
        if !(full_line && explains_a_mark()) {
            found.push((index + 1, comment.to_string()));
        }
    }
    found
}

/// A `# comment` after a value on the same line, outside quoted strings.
fn trailing_comment(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(&line[at..]),
            None => {}
        }
        previous = c;
    }
    None
}

/// Issue 24: a choice written only as a YAML comment is invisible to every tool. The specs hold
/// none; the scan finds one where a file would.
#[test]
fn no_choice_is_recorded_only_in_a_yaml_comment() {
    let planted = "components:\n  schemas:\n    # ------ payout\n    Notice:\n      \
        description: >-\n        Not a # comment: block text.\n      \
        # Required: only what identifies the event (receive policy).\n      \
        required: [eventName]\n      properties:\n        \
        id: { type: string, pattern: '^#[0-9]+$' }   # at most 32, the table says 64\n      \
        # paybind generates a stream from this mark.\n      x-paged: { page: p, size: s }\n";
    let planted_found: Vec<usize> = choice_comments(planted).iter().map(|(l, _)| *l).collect();
    assert_eq!(planted_found, [7, 10], "{:?}", choice_comments(planted));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi");
    let mut files = 0;
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("openapi/") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).expect("a spec file");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for (line, comment) in choice_comments(&text) {
            offenders.push(format!("{name}:{line}: {comment}"));
        }
    }
    assert!(files >= 4, "{files} spec files in {}", dir.display());
    assert!(
        offenders.is_empty(),
        "choices recorded only as comments (write an x-decision, CONVENTIONS.md): {offenders:#?}"
    );
}
