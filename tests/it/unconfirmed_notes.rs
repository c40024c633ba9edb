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
