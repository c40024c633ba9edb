//! The facade methods every gateway gets: one typed method per JSON `POST` operation (its param
//! and answer models handed to the request pipeline), the `ResponseData` impls that let the
//! pipeline take `data` out of a response, and
//! `call_json`, which reaches any such operation by `operationId` with a JSON param.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{data_type, doc_attrs, fn_ident, type_ident};
use crate::model::{DataShape, Operation, Repeat};

/// A typed facade method is generated for a JSON `POST` operation with a request and a response
/// body; others are hand-written (`manual`) or header-signed only.
fn is_typed_post(op: &Operation) -> bool {
    !op.manual && op.method == "POST" && op.body_schema.is_some() && op.response_schema.is_some()
}

/// A GET whose answer is JSON: `call_json` takes its query as a JSON object.
fn is_json_query(op: &Operation) -> bool {
    !op.manual && op.method == "GET"
}

/// `impl <facade> { <one method per operation> call_json }`.
pub fn facade_methods(facade: &syn::Path, ops: &[Operation]) -> TokenStream {
    let methods = ops.iter().enumerate().filter(|(_, op)| is_typed_post(op));
    let methods = methods.map(|(index, op)| typed_post(index, op));
    let call_json = call_json_method(ops);
    quote! {
        impl #facade {
            #(#methods)*
            #call_json
        }
    }
}

fn typed_post(index: usize, op: &Operation) -> TokenStream {
    let body = type_ident(op.body_schema.as_deref().unwrap_or_default());
    let response = type_ident(op.response_schema.as_deref().unwrap_or_default());
    let data = data_type(op.data_schema.as_ref());
    let method = fn_ident(&op.id);
    let mut doc = op.summary.clone();
    if !op.description.trim().is_empty() {
        doc += &format!("\n\n{}", op.description.trim());
    }
    doc += &format!("\n\n`{} {}` (operation `{}`).", op.method, op.path, op.id);
    doc += &repeat_doc(op);
    let doc = doc_attrs(&doc);
    let index = Literal::usize_unsuffixed(index);
    quote! {
        #doc
        pub async fn #method(
            &self,
            param: impl ::std::convert::Into<types::builder::#body>,
        ) -> ::std::result::Result<#data, Error> {
            crate::pipeline::Pipeline::of(&self.endpoint)
                .call_builder::<_, types::#response>(
                    &OPERATIONS[#index],
                    param.into(),
                )
                .await
        }
    }
}

/// `call_json` reaches any operation by `operationId` with a JSON param: the CLI and the tests
/// use it; the param still passes the typed model and the spec's checks.
fn call_json_method(ops: &[Operation]) -> TokenStream {
    let arms = ops.iter().filter(|op| is_typed_post(op)).map(|op| {
        let variant = format_ident!("{}", op.id.to_upper_camel_case());
        let method = fn_ident(&op.id);
        let schema = op.body_schema.as_deref().unwrap_or_default();
        let body = type_ident(schema);
        quote! {
            Some(Operation::#variant) => crate::spec::to_json_data(
                &self.#method(crate::spec::from_json_param_in::<types::#body>(spec(), #schema, param)?).await?,
            )
            .map_err(Into::into),
        }
    });
    // A GET takes its query parameters as the JSON object, through the family's query call
    // (SGATE's; the envelope gateways have no GET).
    let queries = ops.iter().filter(|op| is_json_query(op)).map(|op| {
        let variant = format_ident!("{}", op.id.to_upper_camel_case());
        quote! {
            Some(Operation::#variant) => self.call_json_query(Operation::#variant.spec(), param).await,
        }
    });
    // An upload or a download has no JSON body to decode (an arm only where the gateway has
    // such operations: elsewhere it could not be reached).
    let other = ops
        .iter()
        .any(|op| !is_typed_post(op) && !is_json_query(op))
        .then(|| {
            quote! {
                Some(_) => Err(crate::spec::ValidationError::new(
                    "operationId",
                    "is not a JSON operation (a file upload or download)",
                )
                .into()),
            }
        });
    quote! {
        /// Calls the operation `operation_id` with a JSON param and returns its `data` as JSON,
        /// sensitive members decrypted (plain text: take care where it goes). For a POST the
        /// param is the body, decoded into the operation's model and checked like any other
        /// call; for a GET it is an object of query parameters (`{"pagesize": 50}`; strings,
        /// numbers and booleans), checked against the spec's parameters. Nothing is sent when
        /// a check fails.
        pub async fn call_json(
            &self,
            operation_id: &str,
            param: serde_json::Value,
        ) -> ::std::result::Result<serde_json::Value, Error> {
            match Operation::from_id(operation_id) {
                #(#arms)*
                #(#queries)*
                #other
                None => Err(crate::spec::ValidationError::new(
                    "operationId",
                    // The id is the caller's text: the reason names the rule only.
                    "is not an operation of this gateway",
                )
                .into()),
            }
        }
    }
}

/// `ResponseData` for every response schema of a generated operation, once each.
pub fn data_impls(ops: &[Operation]) -> TokenStream {
    let mut done = BTreeSet::new();
    let mut impls = Vec::new();
    for op in ops.iter().filter(|op| !op.manual) {
        let Some(response) = &op.response_schema else {
            continue;
        };
        if done.insert(response.clone()) {
            impls.push(data_impl(response, op.data_schema.as_ref()));
        }
    }
    quote! { #(#impls)* }
}

fn data_impl(response: &str, shape: Option<&DataShape>) -> TokenStream {
    let response = type_ident(response);
    let data = data_type(shape);
    let into_data = match shape {
        // typify makes an optional array `Vec<T>` (absent = empty), not `Option<Vec<T>>`.
        Some(DataShape::ListOf(_)) => quote! { Some(self.data) },
        Some(DataShape::Named(_)) => quote! { self.data },
        None => quote! { Some(()) },
    };
    quote! {
        impl crate::spec::ResponseData for types::#response {
            type Data = #data;
            fn into_data(self) -> Option<Self::Data> {
                #into_data
            }
        }
    }
}

/// What a caller does when it does not know whether a request was processed: the
/// reconcile-by-status-query recipe of an operation the gateway de-duplicates, or the warning of
/// one it does not.
pub(crate) fn repeat_doc(op: &Operation) -> String {
    match &op.repeat {
        Repeat::ReadOnly => "\n\n**Repeating:** it only reads; sending it again is safe.".into(),
        Repeat::Deduplicated {
            key,
            fact,
            status_query,
        } => {
            let mut doc = format!(
                "\n\n**Repeating:** the gateway refuses a repeated `{key}` ({fact}), so \
                 `Error::is_retryable()` may be true for a rate limit or a platform fault."
            );
            if let Some(query) = status_query {
                doc += &format!(
                    " **Recovery** after any error whose `outcome_unknown()` is true: look the \
                     request up with `{query}`; resend the *same* request (same `{key}`) only \
                     when the gateway answers that it does not exist, and never with a new \
                     `{key}` — or call the `_reconciled` method where there is one, which does \
                     exactly that."
                );
            }
            doc
        }
        Repeat::Unsafe => "\n\n**Repeating:** the gateway does not de-duplicate this operation: \
             sending it again may act twice, so `Error::is_retryable()` is true only when the \
             connection was never established."
            .into(),
    }
}
