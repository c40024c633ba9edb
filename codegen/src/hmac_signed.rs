//! The facade of an HMAC-signed gateway (SGATE Payin): one method per operation, whose
//! arguments are the operation's path parameters (`order_id` for `{ORDER_ID}`; the merchant ID
//! comes from the configuration, see [`CONFIGURED`]), its header parameters as one struct of
//! `<module>::headers`, and its body's builder; its answer is the record itself (no envelope),
//! or nothing for an operation whose success has no documented body. Also `call_json`, which
//! takes all of these as one flat JSON object, and the `ResponseData` impls (a record's data is
//! the record). Everything reaches the one request pipeline (`call_at`), which checks path,
//! header and body values against the spec before anything is signed.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, fn_ident, path, type_ident};
use crate::error::BuildResult;
use crate::facade::repeat_doc;
use crate::model::{parameters_in, Operation};
use crate::query::parameter_doc;

/// The path parameters the gateway's `Config` fills, so that no method takes them: SGATE Payin's
/// merchant ID (its wire's `path_value`). A merchant has one; asking for it at every call would
/// only invite sending another merchant's.
pub const CONFIGURED: &[&str] = &["MERCHANT_ID"];

/// `impl Client { <operations> call_json }`, `pub mod headers` and the `ResponseData` impls.
pub fn facade(module: &str, spec: &Value, ops: &[Operation]) -> BuildResult<TokenStream> {
    let facade = path(&format!("crate::{module}::Client"))?;
    let mut methods = Vec::new();
    let mut headers = Vec::new();
    for (index, op) in ops.iter().enumerate().filter(|(_, op)| !op.manual) {
        let parameters = parameter_list(spec, op)?;
        if !op.header_params.is_empty() {
            headers.push(headers_struct(op, &parameters));
        }
        methods.push(method(index, op, &parameters));
    }
    let call_json = call_json(spec, ops)?;
    let data = data_impls(ops);
    Ok(quote! {
        impl #facade {
            #(#methods)*
            #call_json
        }

        /// The header parameters of the operations that take some (the payer's browser and
        /// address, for SGATE's risk checks): one struct per operation, each field a header
        /// the pipeline checks against the spec and sends as given.
        pub mod headers {
            #(#headers)*
        }

        #data
    })
}

/// One path or header parameter of an operation, as its method takes it.
struct Parameter {
    /// The spec's name (`ORDER_ID`, `x-auth-uuid`).
    name: String,
    /// The argument or field (`order_id`, `x_auth_uuid`).
    ident: syn::Ident,
    doc: String,
}

/// The operation's parameters: path ones its method takes (not [`CONFIGURED`]), then header
/// ones.
struct Parameters {
    path: Vec<Parameter>,
    headers: Vec<Parameter>,
}

fn parameter_list(spec: &Value, op: &Operation) -> BuildResult<Parameters> {
    let item = spec
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|i| i.get(op.method.to_lowercase()))
        .ok_or_else(|| format!("{}: no operation object", op.id))?;
    let of = |place: &str, names: &[String]| -> Vec<Parameter> {
        let declared: Vec<&Value> = parameters_in(spec, item, place).collect();
        names
            .iter()
            .map(|name| {
                let doc = declared
                    .iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
                    .map(|p| parameter_doc(p))
                    .unwrap_or_default();
                Parameter {
                    ident: format_ident!("{}", name.to_snake_case()),
                    name: name.clone(),
                    doc,
                }
            })
            .collect()
    };
    let taken: Vec<String> = op
        .path_params
        .iter()
        .filter(|name| !CONFIGURED.contains(&name.as_str()))
        .cloned()
        .collect();
    Ok(Parameters {
        path: of("path", &taken),
        headers: of("header", &op.header_params),
    })
}

fn headers_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}", op.id.to_upper_camel_case())
}

/// `headers::<Operation>`: one `String` field per header parameter.
fn headers_struct(op: &Operation, parameters: &Parameters) -> TokenStream {
    let name = headers_ident(op);
    let method = fn_ident(&op.id);
    let doc = doc_attrs(&format!(
        "The header parameters of [`Client::{method}`](super::Client::{method}), each checked \
         against the spec before the request is signed."
    ));
    let fields = parameters.headers.iter().map(|p| {
        let ident = &p.ident;
        let doc = doc_attrs(&format!("`{}`: {}", p.name, p.doc));
        quote! { #doc pub #ident: ::std::string::String, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn method(index: usize, op: &Operation, parameters: &Parameters) -> TokenStream {
    let name = fn_ident(&op.id);
    let index = Literal::usize_unsuffixed(index);
    let mut args = Vec::new();
    let mut set = Vec::new();
    for p in &parameters.path {
        let (ident, wire) = (&p.ident, &p.name);
        args.push(quote! { #ident: &str });
        set.push(quote! { .path(#wire, #ident) });
    }
    if !parameters.headers.is_empty() {
        let headers = headers_ident(op);
        args.push(quote! { headers: &headers::#headers });
        for p in &parameters.headers {
            let (ident, wire) = (&p.ident, &p.name);
            set.push(quote! { .header(#wire, &headers.#ident) });
        }
    }
    let body = match &op.body_schema {
        Some(schema) => {
            let builder = type_ident(schema);
            args.push(quote! { param: impl ::std::convert::Into<types::builder::#builder> });
            quote! { Some(crate::members::Builder::into_members(param.into()).finish()) }
        }
        None => quote! { None },
    };
    let (answer, call) = match &op.response_schema {
        Some(schema) => {
            let response = type_ident(schema);
            (
                quote! { types::#response },
                quote! { call_at::<_, types::#response>(&OPERATIONS[#index], parameters, #body) },
            )
        }
        None => (
            quote! { () },
            quote! { call_at_unit(&OPERATIONS[#index], parameters, #body) },
        ),
    };
    let doc = doc_attrs(&method_doc(op, parameters));
    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#answer, Error> {
            let parameters = crate::pipeline::Parameters::default() #(#set)*;
            crate::pipeline::Pipeline::of(&self.endpoint).#call.await
        }
    }
}

fn method_doc(op: &Operation, parameters: &Parameters) -> String {
    let mut doc = op.summary.trim().to_string();
    if !op.description.trim().is_empty() {
        doc += &format!("\n\n{}", op.description.trim());
    }
    let signed = op
        .signed_name
        .as_deref()
        .map(|name| format!(", signed as `{name}`"))
        .unwrap_or_default();
    doc += &format!(
        "\n\n`{} {}` (operation `{}`{signed}).",
        op.method, op.path, op.id
    );
    let configured: Vec<&String> = op
        .path_params
        .iter()
        .filter(|name| CONFIGURED.contains(&name.as_str()))
        .collect();
    for name in configured {
        doc += &format!(" `{{{name}}}` is the configured merchant ID.");
    }
    if !parameters.path.is_empty() {
        doc += "\n\nPath parameters:";
        for p in &parameters.path {
            let text = p.doc.replace("\n\n", " ");
            doc += &format!("\n- `{}` (`{{{}}}`): {text}", p.ident, p.name);
        }
    }
    if !parameters.headers.is_empty() {
        doc += &format!(
            "\n\nHeaders: [`headers::{}`] (`{}`).",
            headers_ident(op),
            op.header_params.join("`, `")
        );
    }
    if op.response_schema.is_none() {
        doc += "\n\nA success status is the answer: no body is documented, none is read.";
    }
    doc + &repeat_doc(op)
}

/// `call_json`: any operation by `operationId`, its path and header parameters and its body's
/// members given as one JSON object.
fn call_json(spec: &Value, ops: &[Operation]) -> BuildResult<TokenStream> {
    let mut arms = Vec::new();
    for op in ops.iter().filter(|op| !op.manual) {
        let parameters = parameter_list(spec, op)?;
        let variant = format_ident!("{}", op.id.to_upper_camel_case());
        let method = fn_ident(&op.id);
        let mut takes = Vec::new();
        let mut args = Vec::new();
        for p in &parameters.path {
            let (ident, wire) = (&p.ident, &p.name);
            takes.push(quote! { let #ident = json.required(#wire)?; });
            args.push(quote! { &#ident });
        }
        if !parameters.headers.is_empty() {
            let headers = headers_ident(op);
            let fields = parameters.headers.iter().map(|p| {
                let (ident, wire) = (&p.ident, &p.name);
                quote! { #ident: json.required(#wire)?, }
            });
            takes.push(quote! { let headers = headers::#headers { #(#fields)* }; });
            args.push(quote! { &headers });
        }
        match &op.body_schema {
            Some(schema) => {
                let body = type_ident(schema);
                takes.push(quote! {
                    let body = crate::spec::from_json_param_in::<types::#body>(
                        spec(), #schema, json.into_body(),
                    )?;
                });
                args.push(quote! { body });
            }
            None => takes.push(quote! { json.finish()?; }),
        }
        let result = match &op.response_schema {
            Some(_) => quote! {
                crate::spec::to_json_data(&self.#method(#(#args),*).await?).map_err(Into::into)
            },
            None => quote! {
                self.#method(#(#args),*).await.map(|()| serde_json::Value::Null)
            },
        };
        arms.push(quote! {
            Some(Operation::#variant) => {
                #(#takes)*
                #result
            }
        });
    }
    Ok(quote! {
        /// Calls the operation `operation_id` with one JSON object holding its path parameters
        /// by their names (`{"ORDER_ID": "M…"}`; the merchant ID is the configured one), its
        /// header parameters by theirs (`"x-auth-uuid"`), and the members of its body; returns
        /// its answer as JSON (`null` for one without a body), card data in plain text (take
        /// care where it goes). The body is decoded into the operation's model and checked like
        /// any other call; nothing is sent when a check fails.
        pub async fn call_json(
            &self,
            operation_id: &str,
            param: serde_json::Value,
        ) -> ::std::result::Result<serde_json::Value, Error> {
            let mut json = json::JsonParam::new(param)?;
            match Operation::from_id(operation_id) {
                #(#arms)*
                None => {
                    drop(json);
                    Err(crate::spec::ValidationError::new(
                        "operationId",
                        // The id is the caller's text: the reason names the rule only.
                        "is not an operation of this gateway",
                    )
                    .into())
                }
            }
        }
    })
}

/// `ResponseData` for every answer model: the record is the data.
fn data_impls(ops: &[Operation]) -> TokenStream {
    let mut done = BTreeSet::new();
    let impls = ops
        .iter()
        .filter(|op| !op.manual)
        .filter_map(|op| op.response_schema.clone())
        .filter(|response| done.insert(response.clone()))
        .map(|response| {
            let response = type_ident(&response);
            quote! {
                impl crate::spec::ResponseData for types::#response {
                    type Data = types::#response;
                    fn into_data(self) -> Option<Self::Data> {
                        Some(self)
                    }
                }
            }
        });
    quote! { #(#impls)* }
}
