//! Integer code tables with names (`x-codes`): each becomes a `crate::code_table!` invocation
//! (src/macros.rs) whose variants carry the code, the inner name, the docs' message and whether
//! the failure is worth retrying.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, int, schema_doc, type_ident};
use crate::BuildResult;

/// `crate::code_table! { .. }` for component `name`.
pub fn code_table(name: &str, schema: &Value) -> BuildResult<TokenStream> {
    let codes = schema
        .get("x-codes")
        .and_then(Value::as_array)
        .ok_or("x-codes is not a list")?;
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for entry in codes {
        let (code, variant, tokens) = code(entry)?;
        if !seen.insert(variant.clone()) {
            return Err(format!("code {code}: name {variant} used twice"));
        }
        variants.push(tokens);
    }
    let doc = doc_attrs(&schema_doc(schema));
    let name = type_ident(name);
    Ok(quote! {
        crate::code_table! {
            #doc
            pub enum #name {
                #(#variants)*
            }
        }
    })
}

/// One `x-codes` entry: its code, its variant name and its line of the table.
fn code(entry: &Value) -> BuildResult<(i64, String, TokenStream)> {
    let code = entry
        .get("code")
        .and_then(Value::as_i64)
        .ok_or("x-codes entry without integer code")?;
    let variant = entry
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("code {code}: no name"))?
        .to_upper_camel_case();
    let message = entry.get("message").and_then(Value::as_str).unwrap_or("");
    let inner = entry.get("inner").and_then(Value::as_str).unwrap_or("");
    let retryable = entry
        .get("retryable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut doc = format!("`{code}`: {message}");
    for key in ["x-unconfirmed", "x-decision", "description"] {
        if let Some(note) = entry.get(key).and_then(Value::as_str) {
            doc += &format!("\n\n{note}");
        }
    }
    let doc = doc_attrs(&doc);
    let ident = format_ident!("{variant}");
    let literal = int(code);
    let tokens = quote! { #doc #ident = (#literal, #inner, #message, #retryable), };
    Ok((code, variant, tokens))
}
