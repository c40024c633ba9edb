//! String enums that keep values they do not know (`x-open-enum: true`): typify would generate
//! a closed enum. Each becomes an enum with one variant per documented value and
//! `Unknown(String)` for a value the gateway adds later, kept exactly as received; progenitor is
//! told to use it in place of its own.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, schema_doc, type_ident};
use crate::error::BuildResult;

/// One documented value, with the spellings that mean it.
struct Variant {
    name: syn::Ident,
    doc: TokenStream,
    /// The first is the one paybind writes.
    spellings: Vec<String>,
}

/// The enum, its methods and its trait impls for component `name`.
pub fn open_enum(name: &str, schema: &Value) -> BuildResult<TokenStream> {
    let values = schema
        .get("enum")
        .and_then(Value::as_array)
        .ok_or("x-open-enum without enum")?;
    let descriptions = schema.get("x-enum-descriptions");
    let variants: Vec<Variant> = group_spellings(values)?
        .into_iter()
        .map(|(variant, spellings)| {
            let doc = descriptions
                .and_then(|d| d.get(&spellings[0]))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("`{}`", spellings.join("` or `")));
            Variant {
                name: format_ident!("{variant}"),
                doc: doc_attrs(&doc),
                spellings,
            }
        })
        .collect();
    Ok(open_enum_items(
        &schema_doc(schema),
        &type_ident(name),
        &variants,
    ))
}

/// The variant names with their spellings, in spec order. Spellings that differ only in case or
/// punctuation share one variant; the first is the one sent.
fn group_spellings(values: &[Value]) -> BuildResult<Vec<(String, Vec<String>)>> {
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

fn open_enum_items(doc: &str, name: &syn::Ident, variants: &[Variant]) -> TokenStream {
    let doc = doc_attrs(doc);
    let variant: Vec<_> = variants.iter().map(|v| &v.name).collect();
    let variant_doc = variants.iter().map(|v| &v.doc);
    let first = variants.iter().map(|v| &v.spellings[0]);
    let spellings = variants.iter().map(|v| {
        let spellings = &v.spellings;
        quote! { #(#spellings)|* }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_doc #variant, )*
            /// A value this version of paybind does not know, kept exactly as received.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec documents, in spec order.
            pub const KNOWN: &'static [#name] = &[#(#name::#variant),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variant => #first, )*
                    #name::Unknown(other) => other,
                }
            }

            /// Whether the value is one the spec documents.
            pub fn is_known(&self) -> bool {
                !matches!(self, #name::Unknown(_))
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(match value {
                    #( #spellings => #name::#variant, )*
                    other => #name::Unknown(other.to_string()),
                })
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value =
                    <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(value
                    .parse()
                    .unwrap_or_else(|never: ::std::convert::Infallible| match never {}))
            }
        }
    }
}
