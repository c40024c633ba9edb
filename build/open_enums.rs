//! String enums that keep values they do not know (`x-open-enum: true`): typify would generate
//! a closed enum, so these are written as `crate::open_enum!` invocations (src/macros.rs), and
//! progenitor is told to use them in place of its own.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, schema_doc, type_ident};
use crate::BuildResult;

/// `crate::open_enum! { .. }` for component `name`.
pub fn open_enum(name: &str, schema: &Value) -> BuildResult<TokenStream> {
    let values = schema
        .get("enum")
        .and_then(Value::as_array)
        .ok_or("x-open-enum without enum")?;
    let descriptions = schema.get("x-enum-descriptions");
    let variants = variants(values)?.into_iter().map(|(variant, spellings)| {
        let doc = descriptions
            .and_then(|d| d.get(&spellings[0]))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("`{}`", spellings.join("` or `")));
        let doc = doc_attrs(&doc);
        let variant = format_ident!("{variant}");
        quote! { #doc #variant = [#(#spellings),*], }
    });
    let doc = doc_attrs(&schema_doc(schema));
    let name = type_ident(name);
    Ok(quote! {
        crate::open_enum! {
            #doc
            pub enum #name {
                #(#variants)*
            }
        }
    })
}

/// The variants with their spellings, in spec order. Spellings that differ only in case or
/// punctuation share one variant; the first is the one sent.
fn variants(values: &[Value]) -> BuildResult<Vec<(String, Vec<String>)>> {
    let mut variants: Vec<(String, Vec<String>)> = Vec::new();
    for value in values {
        let value = value.as_str().ok_or("open enums hold strings")?;
        let mut variant = variant_name(value);
        if variant == "Unknown" {
            // The documented value `unknown` must not collide with the catch-all `Unknown(_)`.
            variant = "ReportedUnknown".to_string();
        }
        match variants.iter_mut().find(|(v, _)| *v == variant) {
            Some((_, spellings)) => spellings.push(value.to_string()),
            None => variants.push((variant, vec![value.to_string()])),
        }
    }
    Ok(variants)
}

fn variant_name(value: &str) -> String {
    let name = value.to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("V{name}")
    } else {
        name
    }
}
