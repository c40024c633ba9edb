//! The typed query builders of a header-signed gateway's `GET` operations (`<module>::query`):
//! one struct per operation with query parameters, one setter per parameter typed as typify
//! typed it in progenitor's request builder, so `client.customer_list(|q| q.pagesize(50u64))`
//! reads as before. The facade method turns the builder into query pairs and hands them to the
//! request pipeline, which validates them against the spec and encrypts the sensitive ones.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::client::QueryFields;
use crate::emit::{doc_attrs, fn_ident};
use crate::error::BuildResult;
use crate::model::Operation;

/// `pub mod query { .. }`: the builders of every non-`manual` `GET` operation with a query.
pub fn query_module(
    spec: &Value,
    ops: &[Operation],
    fields: &QueryFields,
) -> BuildResult<TokenStream> {
    let mut builders = Vec::new();
    for op in ops.iter().filter(|op| has_query_builder(op)) {
        builders.push(query_builder(spec, op, fields).map_err(|e| format!("{}: {e}", op.id))?);
    }
    Ok(quote! {
        /// The query of each `GET` operation, set in the closure its method takes
        /// (`client.customer_list(|q| q.pagesize(50u64))`). A value that does not convert is an
        /// `Error::Validation` naming the parameter; the whole query is then checked against the
        /// spec and its sensitive parameters encrypted before anything is sent.
        pub mod query {
            use super::types;
            #(#builders)*
        }
    })
}

/// Whether an operation's facade method takes a query builder.
pub fn has_query_builder(op: &Operation) -> bool {
    !op.manual && op.method == "GET" && op.response_schema.is_some() && !op.query.is_empty()
}

/// The name of an operation's query builder (`CustomerList`).
pub fn builder_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.id.to_upper_camel_case())
}

fn query_builder(spec: &Value, op: &Operation, fields: &QueryFields) -> BuildResult<TokenStream> {
    let builder = builder_ident(op);
    let typed = fields
        .get(&builder.to_string())
        .ok_or("progenitor generated no request builder")?;
    let docs = parameter_docs(spec, op);
    // progenitor's field order, so the query is sent in the order it always was.
    let mut names = Vec::new();
    let mut idents = Vec::new();
    let mut setters = Vec::new();
    for (field, ty) in typed {
        let (name, _) = op
            .query
            .iter()
            .find(|(name, _)| fn_ident(name) == field)
            .ok_or_else(|| format!("no query parameter for the builder's field {field}"))?;
        let ident = format_ident!("{field}");
        let doc = docs
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("`{name}`"));
        let doc = doc_attrs(&doc);
        setters.push(quote! {
            #doc
            pub fn #ident<V>(mut self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
            {
                // Why it failed is the caller's value; the name is reported when the call runs.
                self.#ident = value.try_into().map(Some).map_err(drop);
                self
            }
        });
        names.push(name.clone());
        idents.push((ident, ty.clone()));
    }
    if idents.len() != op.query.len() {
        return Err("a query parameter has no field in progenitor's builder".into());
    }
    let field_decls = idents.iter().map(|(ident, ty)| {
        quote! { #ident: ::std::result::Result<::std::option::Option<#ty>, ()>, }
    });
    let defaults = idents.iter().map(|(ident, _)| quote! { #ident: Ok(None), });
    let pairs = idents.iter().zip(&names).map(|((ident, _), name)| {
        quote! { crate::pipeline::query_pair(&mut pairs, #name, self.#ident), }
    });
    let method = fn_ident(&op.id);
    let doc = doc_attrs(&format!(
        "The query of [`Client::{method}`](super::Client::{method}) (`{} {}`).",
        op.method, op.path
    ));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #builder {
            #(#field_decls)*
        }

        impl ::std::default::Default for #builder {
            fn default() -> Self {
                Self { #(#defaults)* }
            }
        }

        impl #builder {
            #(#setters)*

            /// The query pairs, in plain text: the pipeline validates them and encrypts the
            /// sensitive ones before anything is sent. Every value a setter refused is
            /// reported at once, as the spec's checks report every broken rule.
            pub(crate) fn pairs(
                self,
            ) -> ::std::result::Result<::std::vec::Vec<(String, String)>, crate::spec::ValidationError> {
                let mut pairs = ::std::vec::Vec::new();
                let refused = [#(#pairs)*];
                crate::spec::ValidationError::combine(
                    refused.into_iter().filter_map(::std::result::Result::err).collect(),
                )?;
                Ok(pairs)
            }
        }
    })
}

/// Each query parameter's rustdoc line: its name, whether it is required, its description.
fn parameter_docs(spec: &Value, op: &Operation) -> BTreeMap<String, String> {
    let params = spec
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|i| i.get(op.method.to_lowercase()))
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    let mut docs = BTreeMap::new();
    for p in params.into_iter().flatten() {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        let text = p.get("description").and_then(Value::as_str).unwrap_or("");
        let flag = if required { " (required)" } else { "" };
        docs.insert(name.to_string(), format!("`{name}`{flag}: {}", text.trim()));
    }
    docs
}
