//! `<operation>_reconciled`: for each operation the spec marks `x-reconcile`, the create call
//! and its status query handed to paybind's reconciliation loop (`crate::pipeline::reconcile`),
//! with the member the order is looked up by and the codes the spec lists.

use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{data_type, doc_attrs, fn_ident, type_ident};
use crate::error::BuildResult;
use crate::model::Operation;

/// `impl <facade> { <operation>_reconciled … }`.
pub fn reconciled_methods(facade: &syn::Path, ops: &[Operation]) -> BuildResult<TokenStream> {
    let mut methods = Vec::new();
    let mut aliases = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        if op.reconcile.is_some() {
            methods.push(reconciled_method(index, op, ops)?);
            aliases.push(answer_alias(op, ops)?);
        }
    }
    Ok(quote! {
        #(#aliases)*
        impl #facade {
            #(#methods)*
        }
    })
}

/// The status query an `x-reconcile` operation looks its order up with.
fn status_operation<'a>(op: &Operation, ops: &'a [Operation]) -> BuildResult<&'a Operation> {
    let Some(reconcile) = &op.reconcile else {
        return Err(format!("{}: no x-reconcile", op.id));
    };
    ops.iter()
        .find(|o| o.id == reconcile.status_query)
        .ok_or_else(|| format!("{}: x-reconcile names an unknown operation", op.id))
}

/// `<Operation>Reconciled`: what `<operation>_reconciled` answers, named, so that a merchant's
/// own signatures need not spell the two models.
fn answer_alias(op: &Operation, ops: &[Operation]) -> BuildResult<TokenStream> {
    let status = status_operation(op, ops)?;
    let alias = format_ident!("{}Reconciled", op.id.to_upper_camel_case());
    let made = data_type(op.data_schema.as_ref());
    let found = data_type(status.data_schema.as_ref());
    let doc = doc_attrs(&format!(
        "What [`Client::{0}_reconciled`] answers: what the call created (`Created`, `Resent`) or \
         what the lookup found (`AlreadyThere`).",
        op.id
    ));
    Ok(quote! {
        #doc
        pub type #alias = crate::reconcile::Reconciled<#made, #found>;
    })
}

fn reconciled_method(index: usize, op: &Operation, ops: &[Operation]) -> BuildResult<TokenStream> {
    let Some(reconcile) = &op.reconcile else {
        return Ok(TokenStream::new());
    };
    let at = |e: String| format!("{}: x-reconcile: {e}", op.id);
    let (status_index, status) = ops
        .iter()
        .enumerate()
        .find(|(_, other)| other.id == reconcile.status_query)
        .ok_or_else(|| at(format!("no operation {}", reconcile.status_query)))?;
    let body = op
        .body_schema
        .as_deref()
        .ok_or_else(|| at("the operation has no JSON body".into()))?;
    let (index, status_index) = (
        Literal::usize_unsuffixed(index),
        Literal::usize_unsuffixed(status_index),
    );
    let body = type_ident(body);
    let response = type_ident(op.response_schema.as_deref().unwrap_or_default());
    let status_response = type_ident(status.response_schema.as_deref().unwrap_or_default());
    let key = &reconcile.lookup_by;
    let (not_found, duplicate) = (&reconcile.not_found, &reconcile.duplicate);
    // The status query takes the key as its query (a GET) or as its one-member param.
    let lookup = if status.method == "GET" {
        quote! {
            let pairs = vec![(#key.to_string(), crate::pipeline::reconcile::query_value(&key))];
            pipeline
                .call_query::<ResultCode, types::#status_response>(
                    &OPERATIONS[#status_index],
                    crate::pipeline::Query::from_pairs(pairs),
                )
                .await
        }
    } else {
        quote! {
            let param = format!("{{\"{}\":{}}}", #key, key);
            pipeline
                .call_checked::<ResultCode, types::#status_response>(
                    &OPERATIONS[#status_index],
                    param,
                    ::std::vec::Vec::new(),
                )
                .await
        }
    };
    let duplicate_text = duplicate
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let method = format_ident!("{}_reconciled", op.id);
    let alias = format_ident!("{}Reconciled", op.id.to_upper_camel_case());
    let create = fn_ident(&op.id);
    let status_method = fn_ident(&status.id);
    let doc = doc_attrs(&format!(
        "[`{create}`](Self::{create}), reconciled: sent once, and after an unknown outcome \
         ([`Error::outcome_unknown`](crate::error::Error::outcome_unknown)) looked up with \
         [`{status_method}`](Self::{status_method}) by `{key}` and sent again (the same \
         request) only when the gateway has no such order; a duplicate refusal \
         ({duplicate_text}) is looked up too. The answer says which happened \
         ([`Reconciled`](crate::reconcile::Reconciled)); see [`crate::reconcile`]."
    ));
    Ok(quote! {
        #doc
        pub async fn #method(
            &self,
            param: impl ::std::convert::Into<types::builder::#body>,
        ) -> ::std::result::Result<#alias, Error> {
            let pipeline = crate::pipeline::Pipeline::of(&self.endpoint);
            let built = crate::members::Builder::into_members(param.into()).finish();
            // What the setters could not convert fails the first call, before anything is sent.
            if !built.problems.is_empty() {
                return pipeline
                    .call_checked::<ResultCode, types::#response>(&OPERATIONS[#index], built.text, built.problems)
                    .await
                    .map(crate::reconcile::Reconciled::Created);
            }
            let text = built.text;
            let create = || {
                pipeline.call_checked::<ResultCode, types::#response>(
                    &OPERATIONS[#index],
                    text.clone(),
                    ::std::vec::Vec::new(),
                )
            };
            let lookup = || async {
                let key = crate::pipeline::reconcile::member::<ResultCode>(&text, #key)?;
                #lookup
            };
            let codes = crate::pipeline::reconcile::Codes {
                not_found: &[#(#not_found),*],
                duplicate: &[#(#duplicate),*],
            };
            crate::pipeline::reconcile::reconcile(create, lookup, codes).await
        }
    })
}
