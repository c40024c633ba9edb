//! Small helpers every generator uses to write Rust with `quote!`: doc attributes, names,
//! literals, and the formatting of a whole generated file.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::BuildResult;
use crate::model::DataShape;

/// `#[doc = " line"]` per line of `text`, which prettyplease prints as `/// line` comments.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {}", l.trim_end()));
    quote! { #( #[doc = #lines] )* }
}

/// A schema's description with its `x-unconfirmed` and `x-decision` notes, as rustdoc text
/// ([`escaped`]).
pub fn schema_doc(schema: &Value) -> String {
    let doc = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    (escaped(doc) + &notes_doc(schema)).trim().to_string()
}

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

/// A schema's conditional `x-rules` as rustdoc: each rule's description and notes, under "Checked
/// before sending"; empty without rules.
pub fn rules_doc(schema: &Value) -> String {
    let Some(rules) = schema.get("x-rules").and_then(Value::as_array) else {
        return String::new();
    };
    let mut doc = String::from("\n\nChecked before sending (nothing is sent when a rule fails):");
    for rule in rules {
        let text = schema_doc(rule).replace("\n\n", " ");
        if !text.is_empty() {
            doc += &format!("\n- {text}");
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

/// The Rust type name of a spec name (a component, a variant): `UpperCamelCase`.
pub fn type_ident(name: &str) -> Ident {
    format_ident!("{}", name.to_upper_camel_case())
}

/// The Rust function name of a spec name (an operation): `snake_case`.
pub fn fn_ident(name: &str) -> Ident {
    format_ident!("{}", name.to_snake_case())
}

/// A Rust path written as text (`crate::bluepay::Client`).
pub fn path(text: &str) -> BuildResult<syn::Path> {
    syn::parse_str(text).map_err(|e| format!("{text} is not a Rust path: {e}"))
}

/// An integer literal without a type suffix, as the YAML wrote it.
pub fn int(value: i64) -> Literal {
    Literal::i64_unsuffixed(value)
}

/// `Option<&str>` as a literal expression.
pub fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    }
}

/// The Rust type of a response's `data`, `()` when it has none.
pub fn data_type(shape: Option<&DataShape>) -> TokenStream {
    match shape {
        Some(DataShape::Named(name)) => {
            let name = type_ident(name);
            quote! { types::#name }
        }
        Some(DataShape::ListOf(name)) => {
            let name = type_ident(name);
            quote! { ::std::vec::Vec<types::#name> }
        }
        None => quote! { () },
    }
}

/// Formats generated tokens as one Rust file under a header naming its `source`; `what` names
/// the file when the tokens do not parse (a generator bug, not a spec fault).
pub fn format_file(tokens: TokenStream, what: &str, source: &str) -> BuildResult<String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated {what} does not parse: {e}"))?;
    Ok(format!(
        "// Generated by build.rs from {source}. Do not edit: change the source and rebuild.\n\n{}",
        prettyplease::unparse(&file)
    ))
}
