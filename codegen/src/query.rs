//! The typed query builders of a header-signed gateway's `GET` operations (`<module>::query`):
//! one struct per operation with query parameters, one setter per parameter taking the value as
//! the docs write it (`impl Serialize`: text, a number, a typed value), so
//! `client.customer_list(|q| q.pagesize(50))` reads as the docs do. The builder keeps each value
//! as JSON text (paybind's `members`, as the body builders do); the facade method turns it into
//! query pairs, in the order progenitor's request builders always sent them (by name), and
//! hands them to the request pipeline, which validates them against the spec and encrypts the
//! sensitive ones.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, fn_ident, schema_doc};
use crate::error::BuildResult;
use crate::model::Operation;

/// `pub mod query { .. }`: the builders of every non-`manual` `GET` operation with a query.
pub fn query_module(spec: &Value, ops: &[Operation]) -> BuildResult<TokenStream> {
    let mut builders = Vec::new();
    for op in ops.iter().filter(|op| has_query_builder(op)) {
        builders.push(query_builder(spec, op).map_err(|e| format!("{}: {e}", op.id))?);
    }
    Ok(quote! {
        /// The query of each `GET` operation, set in the closure its method takes
        /// (`client.customer_list(|q| q.pagesize(50))`). Each setter takes the value as the docs
        /// write it (text, a number, or a typed value of `types`); an optional parameter's
        /// `<parameter>_option` takes an `Option`. The whole query is checked against the spec
        /// when the call runs (every broken rule at once, each naming its parameter, as
        /// `Error::Validation`) and its sensitive parameters encrypted before anything is sent.
        pub mod query {
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

fn query_builder(spec: &Value, op: &Operation) -> BuildResult<TokenStream> {
    let builder = builder_ident(op);
    let docs = parameter_docs(spec, op);
    // By name, as progenitor's request builders sent them: the signed URL stays as it was.
    let mut params = op.query.clone();
    params.sort();
    let mut table = Vec::new();
    let mut setters = Vec::new();
    for (index, (name, required)) in params.iter().enumerate() {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let ident = fn_ident(name);
        let option = format_ident!("{}_option", ident);
        let doc = docs
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("`{name}`"));
        let takes = "Takes the value as the docs write it: text, a number, or a typed value.";
        let doc = if *required {
            doc_attrs(&format!("{doc}\n\n{takes} Required."))
        } else {
            doc_attrs(&format!(
                "{doc}\n\n{takes} Optional; [`{ident}_option`](Self::{ident}_option) takes an \
                 `Option`."
            ))
        };
        table.push(quote! { crate::members::Field::named(#name) });
        setters.push(quote! {
            #doc
            pub fn #ident<V: ::serde::Serialize>(mut self, value: V) -> Self {
                self.members.set(#index, &value);
                self
            }
        });
        if !*required {
            let doc = doc_attrs(&format!(
                "Sets [`{ident}`](Self::{ident}) from an `Option`: `None` leaves `{name}` out."
            ));
            setters.push(quote! {
                #doc
                pub fn #option<V: ::serde::Serialize>(
                    mut self,
                    value: ::std::option::Option<V>,
                ) -> Self {
                    self.members.set(#index, &value);
                    self
                }
            });
        }
    }
    let method = fn_ident(&op.id);
    let doc = doc_attrs(&format!(
        "The query of [`Client::{method}`](super::Client::{method}) (`{} {}`).",
        op.method, op.path
    ));
    Ok(quote! {
        #doc
        #[derive(Clone)]
        pub struct #builder {
            members: crate::members::Members,
        }

        impl ::std::default::Default for #builder {
            fn default() -> Self {
                Self { members: crate::members::Members::new(Self::FIELDS) }
            }
        }

        impl ::std::fmt::Debug for #builder {
            /// The parameters set and the problems met, never a value.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.members.debug(f, stringify!(#builder))
            }
        }

        impl #builder {
            const FIELDS: &'static [crate::members::Field] = &[#(#table),*];

            #(#setters)*

            /// The query pairs, in plain text, and every value that is no query value (a list,
            /// an object): the pipeline reports those with the spec's violations, and encrypts
            /// the sensitive pairs before anything is sent.
            pub(crate) fn pairs(self) -> crate::pipeline::Query {
                crate::pipeline::query_pairs_of(self.members)
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
        let flag = if required { " (required)" } else { "" };
        docs.insert(
            name.to_string(),
            format!("`{name}`{flag}: {}", parameter_doc(p)),
        );
    }
    docs
}

/// A parameter's description with its notes and those of its schema (`x-unconfirmed`,
/// `x-decision`).
pub fn parameter_doc(parameter: &Value) -> String {
    let mut doc = schema_doc(parameter);
    if let Some(schema) = parameter.get("schema") {
        let notes = schema_doc(&without_description(schema));
        if !notes.is_empty() {
            doc += &format!("\n\n{notes}");
        }
    }
    doc.trim().to_string()
}

/// `schema` without its description: its notes alone.
fn without_description(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("description");
    }
    schema
}
