//! Facade methods only a header-signed gateway (SGATE) has: `GET` operations (query set on the
//! typed query builder of `query` through a closure, then sent through the request
//! pipeline like a body) and hand-written (`manual`) operations, which return a request builder
//! from `crate::<module>::manual`. Nothing here runs for the envelope gateways.

use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{data_type, doc_attrs, fn_ident, path, schema_doc, type_ident};
use crate::error::BuildResult;
use crate::model::{DataShape, Operation};
use crate::query::{builder_ident, has_query_builder, parameter_doc};

/// `impl crate::<module>::Client { .. }` with the `GET` and `manual` operations.
pub fn facade_methods(module: &str, spec: &Value, ops: &[Operation]) -> BuildResult<TokenStream> {
    let facade = path(&format!("crate::{module}::Client"))?;
    let manual_text = format!("crate::{module}::manual");
    let manual = path(&manual_text)?;
    let module = path(&format!("crate::{module}"))?;
    let mut methods = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let index = Literal::usize_unsuffixed(index);
        let method = fn_ident(&op.id);
        let builder = format_ident!("{}", op.id.to_upper_camel_case());
        let at = format!("\n\n`{} {}` (operation `{}`).", op.method, op.path, op.id);
        if op.manual {
            let doc = format!(
                "{}{at}\n\nReturns a request builder; see [`{manual_text}::{builder}`].",
                operation_doc(op)
            );
            let doc = doc_attrs(&doc);
            methods.push(quote! {
                #doc
                pub fn #method(&self) -> #manual::#builder<'_> {
                    #manual::#builder::new(self, &OPERATIONS[#index])
                }
            });
            continue;
        }
        if op.method != "GET" || op.response_schema.is_none() {
            continue;
        }
        let data = data_type(op.data_schema.as_ref());
        let response = type_ident(op.response_schema.as_deref().unwrap_or_default());
        let doc = doc_attrs(&format!("{}{}{at}", operation_doc(op), query_doc(spec, op)));
        let call = quote! {
            crate::pipeline::Pipeline::of(&self.endpoint)
                .call_query::<_, types::#response>(&OPERATIONS[#index], query)
                .await
        };
        if let Some(stream) = stream_method(op, &index, &module) {
            methods.push(stream);
        }
        methods.push(if has_query_builder(op) {
            let builder = builder_ident(op);
            quote! {
                #doc
                pub async fn #method<F>(&self, query: F) -> ::std::result::Result<#data, Error>
                where
                    F: FnOnce(#module::query::#builder) -> #module::query::#builder,
                {
                    let query = query(::std::default::Default::default()).pairs();
                    #call
                }
            }
        } else {
            quote! {
                #doc
                pub async fn #method(&self) -> ::std::result::Result<#data, Error> {
                    let query = crate::pipeline::Query::default();
                    #call
                }
            }
        });
    }
    Ok(quote! {
        impl #facade {
            #(#methods)*
        }
    })
}

/// `<operation>_stream`: every item of a paged list (`x-paged`) across its pages, for a list
/// operation with a query builder.
fn stream_method(op: &Operation, index: &Literal, module: &syn::Path) -> Option<TokenStream> {
    let paged = op.paged.as_ref()?;
    let Some(DataShape::ListOf(item)) = op.data_schema.as_ref() else {
        return None;
    };
    if !has_query_builder(op) {
        return None;
    }
    let item = type_ident(item);
    let response = type_ident(op.response_schema.as_deref().unwrap_or_default());
    let builder = builder_ident(op);
    let method = format_ident!("{}_stream", op.id);
    let list = fn_ident(&op.id);
    let page = format_ident!("{}", paged.page);
    let (size_name, default_size, last_page) = (&paged.size, paged.default_size, paged.last_page);
    let doc = doc_attrs(&format!(
        "Every item of [`{list}`](Self::{list}) across its pages, as a stream: a page is fetched \
         when the items of the one before are used up, until a page comes back shorter than the \
         page size or page {last_page}, the last the gateway serves. Set the filters and the page \
         size (`{size_name}`, default {default_size}) on the query as for `{list}`; the page \
         number (`{}`) is the stream's. A failed page ends the stream after its error.\n\n\
         Read it with `futures::StreamExt` (`while let Some(item) = stream.next().await`) or \
         `TryStreamExt`.",
        paged.page
    ));
    Some(quote! {
        #doc
        pub fn #method<F>(
            &self,
            query: F,
        ) -> impl ::futures_util::Stream<Item = ::std::result::Result<types::#item, Error>> + '_
        where
            F: FnOnce(#module::query::#builder) -> #module::query::#builder,
        {
            let query = query(::std::default::Default::default());
            let size = crate::pipeline::pages::page_size(
                &query.clone().pairs(),
                #size_name,
                #default_size,
            );
            crate::pipeline::pages::items(size, #last_page, move |page| {
                let pairs = query.clone().#page(page).pairs();
                async move {
                    crate::pipeline::Pipeline::of(&self.endpoint)
                        .call_query::<_, types::#response>(&OPERATIONS[#index], pairs)
                        .await
                }
            })
        }
    })
}

fn operation_doc(op: &Operation) -> String {
    let mut doc = op.summary.trim().to_string();
    if !op.description.trim().is_empty() {
        doc += &format!("\n\n{}", op.description.trim());
    }
    doc
}

/// The query parameters of an operation with their descriptions, and the operation's `x-rules`,
/// as rustdoc lines.
fn query_doc(spec: &Value, op: &Operation) -> String {
    let mut doc = String::new();
    let item = spec
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|i| i.get(op.method.to_lowercase()));
    let params = item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    if let Some(params) = params.filter(|p| !p.is_empty()) {
        let builder = builder_ident(op);
        doc += &format!(
            "\n\nQuery parameters (set them on the [`query::{builder}`] the closure receives):"
        );
        for p in params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            let text = parameter_doc(p).replace("\n\n", " ");
            let flag = if required { " (required)" } else { "" };
            doc += &format!("\n- `{name}`{flag}: {text}");
        }
    }
    let rules = item
        .and_then(|i| i.get("x-rules"))
        .and_then(Value::as_array);
    if let Some(rules) = rules {
        doc += "\n\nChecked before sending (nothing is sent when a rule fails):";
        for rule in rules {
            let text = schema_doc(rule).replace("\n\n", " ");
            if !text.is_empty() {
                doc += &format!("\n- {text}");
            }
        }
    }
    doc
}
