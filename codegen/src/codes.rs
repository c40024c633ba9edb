//! Integer code tables with names (`x-codes`): typify cannot generate them. Each becomes an
//! enum with one variant per documented code and `Unknown(i64)` for a code the gateway adds
//! later, with the code, the docs' message and symbol, and whether the failure is worth
//! retrying, and `crate::codes::Code` so the error type is written once for all gateways.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, int, opt_str, schema_doc, type_ident};
use crate::error::BuildResult;
use crate::model::code_table_name;

/// One documented code.
struct Row {
    code: i64,
    variant: String,
    doc: TokenStream,
    inner: Option<String>,
    message: String,
    retryable: bool,
}

/// The enum, its methods and its trait impls for component `name`.
pub fn code_table(name: &str, schema: &Value) -> BuildResult<TokenStream> {
    let codes = schema
        .get("x-codes")
        .and_then(Value::as_array)
        .ok_or("x-codes is not a list")?;
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for entry in codes {
        let row = row(entry)?;
        if !seen.insert(row.variant.clone()) {
            return Err(format!(
                "code {}: name {} used twice",
                row.code, row.variant
            ));
        }
        rows.push(row);
    }
    Ok(table(
        &schema_doc(schema),
        &type_ident(&code_table_name(name)),
        &rows,
    ))
}

fn row(entry: &Value) -> BuildResult<Row> {
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
    let mut doc = format!("`{code}`: {message}");
    for key in ["x-unconfirmed", "x-decision", "description"] {
        if let Some(note) = entry.get(key).and_then(Value::as_str) {
            doc += &format!("\n\n{note}");
        }
    }
    let inner = entry.get("inner").and_then(Value::as_str);
    Ok(Row {
        code,
        variant,
        doc: doc_attrs(&doc),
        inner: inner.filter(|s| !s.is_empty()).map(str::to_string),
        message: message.to_string(),
        retryable: entry.get("retryable").and_then(Value::as_bool) == Some(true),
    })
}

fn table(doc: &str, name: &syn::Ident, rows: &[Row]) -> TokenStream {
    let doc = doc_attrs(doc);
    let variant: Vec<_> = rows
        .iter()
        .map(|r| format_ident!("{}", r.variant))
        .collect();
    let variant_doc = rows.iter().map(|r| &r.doc);
    let variant_name = rows.iter().map(|r| &r.variant);
    let code: Vec<_> = rows.iter().map(|r| int(r.code)).collect();
    let message = rows.iter().map(|r| &r.message);
    let symbol = rows.iter().map(|r| opt_str(r.inner.as_deref()));
    let retryable = rows.iter().map(|r| r.retryable);
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_doc #variant, )*
            /// A code this version of paybind does not know, kept as received.
            Unknown(i64),
        }

        impl #name {
            /// Every code the spec documents, in spec order.
            pub const KNOWN: &'static [#name] = &[#(#name::#variant),*];

            /// The number on the wire.
            pub fn code(&self) -> i64 {
                match self {
                    #( #name::#variant => #code, )*
                    #name::Unknown(code) => *code,
                }
            }

            /// The code for a number; unknown numbers are kept.
            pub fn from_code(code: i64) -> Self {
                match code {
                    #( #code => #name::#variant, )*
                    other => #name::Unknown(other),
                }
            }

            /// The docs' message for this code (`None` when unknown).
            pub fn message(&self) -> Option<&'static str> {
                match self {
                    #( #name::#variant => Some(#message), )*
                    #name::Unknown(_) => None,
                }
            }

            /// The docs' symbolic name (e.g. `OPI_SIGN_ERROR`), when the docs print one.
            pub fn symbol(&self) -> Option<&'static str> {
                match self {
                    #( #name::#variant => #symbol, )*
                    #name::Unknown(_) => None,
                }
            }

            /// Whether sending the same request again later may succeed (server busy, network
            /// error, rate limit). Unknown codes are not retryable.
            pub fn is_retryable(&self) -> bool {
                match self {
                    #( #name::#variant => #retryable, )*
                    #name::Unknown(_) => false,
                }
            }
        }

        impl crate::codes::Code for #name {
            fn code(&self) -> i64 {
                #name::code(self)
            }
            fn from_code(code: i64) -> Self {
                #name::from_code(code)
            }
            fn message(&self) -> Option<&'static str> {
                #name::message(self)
            }
            fn is_retryable(&self) -> bool {
                #name::is_retryable(self)
            }
            fn name(&self) -> ::std::borrow::Cow<'static, str> {
                match self {
                    #( #name::#variant => ::std::borrow::Cow::Borrowed(#variant_name), )*
                    #name::Unknown(code) => ::std::borrow::Cow::Owned(format!("Unknown({code})")),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.message() {
                    Some(message) => write!(f, "{} ({})", self.code(), message),
                    None => write!(f, "{} (unknown code)", self.code()),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                crate::codes::deserialize_code(d).map(#name::from_code)
            }
        }
    }
}
