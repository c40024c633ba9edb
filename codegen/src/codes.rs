//! Code tables with names (`x-codes`): typify cannot generate them. Each becomes an enum with
//! one variant per documented code and `Unknown(..)` for a code the gateway adds later, with the
//! code, the docs' message and symbol, and whether the failure is worth retrying, and
//! `crate::codes::Code` so the error type is written once for all gateways. A table of
//! `type: integer` has numeric codes (`Unknown(i64)`, `Copy`); one of `type: string` has the
//! words SGATE Payin sends (`notAllowed`; `Unknown(String)`).

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, int, opt_str, schema_doc, type_ident};
use crate::error::BuildResult;
use crate::model::code_table_name;

/// A documented code as the YAML writes it.
enum CodeValue {
    Number(i64),
    Text(String),
}

impl CodeValue {
    fn literal(&self) -> TokenStream {
        match self {
            CodeValue::Number(code) => {
                let code = int(*code);
                quote!(#code)
            }
            CodeValue::Text(code) => quote!(#code),
        }
    }

    fn text(&self) -> String {
        match self {
            CodeValue::Number(code) => code.to_string(),
            CodeValue::Text(code) => code.clone(),
        }
    }
}

/// One documented code.
struct Row {
    code: CodeValue,
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
    let textual = match schema.get("type").and_then(Value::as_str) {
        Some("string") => true,
        Some("integer") | None => false,
        Some(other) => {
            return Err(format!(
                "a code table is an integer or a string, not {other}"
            ))
        }
    };
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for entry in codes {
        let row = row(entry, textual)?;
        if !seen.insert(row.variant.clone()) {
            return Err(format!(
                "code {}: name {} used twice",
                row.code.text(),
                row.variant
            ));
        }
        rows.push(row);
    }
    let doc = schema_doc(schema);
    let name = type_ident(&code_table_name(name));
    Ok(if textual {
        text_table(&doc, &name, &rows)
    } else {
        number_table(&doc, &name, &rows)
    })
}

fn row(entry: &Value, textual: bool) -> BuildResult<Row> {
    let code = match (entry.get("code"), textual) {
        (Some(Value::String(code)), true) if !code.is_empty() => CodeValue::Text(code.clone()),
        (Some(code), false) => CodeValue::Number(
            code.as_i64()
                .ok_or("x-codes entry of an integer table without an integer code")?,
        ),
        _ => return Err("x-codes entry of a string table without a string code".into()),
    };
    let variant = entry
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("code {}: no name", code.text()))?
        .to_upper_camel_case();
    let message = entry.get("message").and_then(Value::as_str).unwrap_or("");
    let mut doc = format!("`{}`: {message}", code.text());
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

/// The methods both kinds of table have, whatever their codes are: message, symbol,
/// retryability, every known code.
fn common_methods(name: &syn::Ident, rows: &[Row]) -> TokenStream {
    let variant: Vec<_> = rows
        .iter()
        .map(|r| format_ident!("{}", r.variant))
        .collect();
    let message = rows.iter().map(|r| &r.message);
    let symbol = rows.iter().map(|r| opt_str(r.inner.as_deref()));
    let retryable = rows.iter().map(|r| r.retryable);
    quote! {
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
}

/// `Code`'s methods that do not depend on the kind of code.
fn common_trait_methods(name: &syn::Ident, rows: &[Row]) -> TokenStream {
    let variant = rows.iter().map(|r| format_ident!("{}", r.variant));
    let variant_name = rows.iter().map(|r| &r.variant);
    quote! {
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
}

fn number_table(doc: &str, name: &syn::Ident, rows: &[Row]) -> TokenStream {
    let doc = doc_attrs(doc);
    let variant: Vec<_> = rows
        .iter()
        .map(|r| format_ident!("{}", r.variant))
        .collect();
    let variant_doc = rows.iter().map(|r| &r.doc);
    let code: Vec<_> = rows.iter().map(|r| r.code.literal()).collect();
    let common = common_methods(name, rows);
    let common_trait = common_trait_methods(name, rows);
    let display = display_impl(name);
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

            #common
        }

        impl crate::codes::Code for #name {
            fn wire(&self) -> crate::codes::WireCode<'_> {
                crate::codes::WireCode::Number(#name::code(self))
            }
            fn from_wire(code: crate::codes::WireCode<'_>) -> Option<Self> {
                match code {
                    crate::codes::WireCode::Number(code) => Some(#name::from_code(code)),
                    crate::codes::WireCode::Text(text) => {
                        text.trim().parse().ok().map(#name::from_code)
                    }
                }
            }
            #common_trait
        }

        #display

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

fn text_table(doc: &str, name: &syn::Ident, rows: &[Row]) -> TokenStream {
    let doc = doc_attrs(doc);
    let variant: Vec<_> = rows
        .iter()
        .map(|r| format_ident!("{}", r.variant))
        .collect();
    let variant_doc = rows.iter().map(|r| &r.doc);
    let code: Vec<_> = rows.iter().map(|r| r.code.literal()).collect();
    let common = common_methods(name, rows);
    let common_trait = common_trait_methods(name, rows);
    let display = display_impl(name);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_doc #variant, )*
            /// A code this version of paybind does not know, kept as received.
            Unknown(String),
        }

        impl #name {
            /// Every code the spec documents, in spec order.
            pub const KNOWN: &'static [#name] = &[#(#name::#variant),*];

            /// The word on the wire.
            pub fn code(&self) -> &str {
                match self {
                    #( #name::#variant => #code, )*
                    #name::Unknown(code) => code,
                }
            }

            /// The code for a word (compared exactly); unknown words are kept.
            pub fn from_code(code: &str) -> Self {
                match code {
                    #( #code => #name::#variant, )*
                    other => #name::Unknown(other.to_string()),
                }
            }

            #common
        }

        impl crate::codes::Code for #name {
            fn wire(&self) -> crate::codes::WireCode<'_> {
                crate::codes::WireCode::Text(#name::code(self))
            }
            fn from_wire(code: crate::codes::WireCode<'_>) -> Option<Self> {
                Some(match code {
                    crate::codes::WireCode::Text(text) => #name::from_code(text),
                    crate::codes::WireCode::Number(number) => #name::Unknown(number.to_string()),
                })
            }
            #common_trait
        }

        #display

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                crate::codes::deserialize_text_code(d).map(|code| #name::from_code(&code))
            }
        }
    }
}

/// `Display` of a code table, numeric or text: the code and its message.
fn display_impl(name: &syn::Ident) -> TokenStream {
    quote! {
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.message() {
                    Some(message) => write!(f, "{} ({})", self.code(), message),
                    None => write!(f, "{} (unknown code)", self.code()),
                }
            }
        }
    }
}
