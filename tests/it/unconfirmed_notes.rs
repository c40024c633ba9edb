//! Issue 22 item 2: every `x-unconfirmed` note of the specs reaches the rustdoc of the code
//! generated from them — on a schema (its model's docs, with its `x-rules` and code tables), a
//! property (the model's field and its builder's setter), a query parameter, an operation (its
//! method, with the notes on its request body and answers) or a notification kind. What the
//! specs say of the gateway as a whole (`servers`, the signing scheme under `info`) is
//! hand-written code and is listed, not required.

use serde_json::Value;

/// Where a note is about the gateway as a whole rather than a generated item.
const GATEWAY_WIDE: &[&str] = &["/servers", "/info/x-envelope", "/info/x-signing"];

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

/// Checks that every note of one gateway's spec about a generated item is in its rustdoc;
/// returns how many such notes there are and how many gateway-wide ones.
fn check(module: &str, document: &Value) -> (usize, usize) {
    let docs = generated_docs(module);
    let mut all = Vec::new();
    notes(document, "", &mut all);
    let (wide, generated): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(pointer, _)| GATEWAY_WIDE.iter().any(|p| pointer.starts_with(p)));
    let missing: Vec<&String> = generated
        .iter()
        .filter(|(_, note)| !docs.contains(&normalised(note)))
        .map(|(pointer, _)| pointer)
        .collect();
    assert!(
        missing.is_empty(),
        "{module}: x-unconfirmed notes missing from the generated rustdoc: {missing:#?}"
    );
    eprintln!(
        "{module}: {}/{} x-unconfirmed notes in the generated rustdoc; gateway-wide, hand-written: {:?}",
        generated.len(),
        generated.len(),
        wide.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    (generated.len(), wide.len())
}

#[test]
fn every_x_unconfirmed_note_reaches_the_generated_rustdoc() {
    let mut total = (0, 0);
    let mut add = |(generated, wide): (usize, usize)| {
        total = (total.0 + generated, total.1 + wide);
    };
    #[cfg(feature = "bluepay")]
    add(check("bluepay", paybind::bluepay::spec().document()));
    #[cfg(feature = "bluepay-jt")]
    add(check("bluepay_jt", paybind::bluepay_jt::spec().document()));
    #[cfg(feature = "sgate")]
    add(check("sgate", paybind::sgate::spec().document()));
    eprintln!(
        "all gateways: {0}/{0} x-unconfirmed notes in the generated rustdoc, {1} gateway-wide",
        total.0, total.1
    );
    #[cfg(all(feature = "bluepay", feature = "bluepay-jt", feature = "sgate"))]
    assert!(
        total.0 >= 94,
        "the issue counted 94 notes; the walk found {}",
        total.0
    );
}
