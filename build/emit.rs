//! Small helpers every generator uses to write Rust with `quote!`: doc attributes, names,
//! literals, and the formatting of a whole generated file.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::model::DataShape;
use crate::BuildResult;

/// `#[doc = " line"]` per line of `text`, which prettyplease prints as `/// line` comments.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {}", l.trim_end()));
    quote! { #( #[doc = #lines] )* }
}

/// A schema's description with its `x-unconfirmed` and `x-decision` notes.
pub fn schema_doc(schema: &Value) -> String {
    let mut doc = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    for (key, label) in [("x-unconfirmed", "Unconfirmed"), ("x-decision", "Decision")] {
        if let Some(note) = schema.get(key).and_then(Value::as_str) {
            doc += &format!("\n\n**{label}:** {}", note.trim());
        }
    }
    doc
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

/// Formats generated tokens as one Rust file; `what` names it when the tokens do not parse
/// (a generator bug, not a spec fault).
pub fn format_file(tokens: TokenStream, what: &str) -> BuildResult<String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated {what} does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
