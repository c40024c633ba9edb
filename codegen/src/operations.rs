//! The spec as data for the hand-written layers: the bundled JSON, the table of operations and
//! a decode/encode round trip per model.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::emit::{opt_str, type_ident};
use crate::model::{Operation, Repeat};

/// `SPEC_JSON` (the bundled spec `<stem>.json` beside this file) and `OPERATIONS`.
pub fn operation_table(stem: &str, ops: &[Operation]) -> TokenStream {
    let json_file = format!("/{stem}.json");
    let rows = ops.iter().map(|op| {
        let (id, method, path, summary) = (&op.id, &op.method, &op.path, &op.summary);
        let body = opt_str(op.body_schema.as_deref());
        let response = opt_str(op.response_schema.as_deref());
        let query = op.query.iter().map(|(name, _)| name);
        let path_parameters = &op.path_params;
        let headers = &op.header_params;
        let name = opt_str(op.signed_name.as_deref());
        let manual = op.manual;
        let repeat = match &op.repeat {
            Repeat::ReadOnly => quote! { crate::spec::Repeat::ReadOnly },
            Repeat::Deduplicated { key, .. } => quote! { crate::spec::Repeat::Deduplicated(#key) },
            Repeat::Unsafe => quote! { crate::spec::Repeat::Unsafe },
        };
        quote! {
            crate::spec::Operation {
                id: #id,
                method: #method,
                path: #path,
                summary: #summary,
                body_schema: #body,
                response_schema: #response,
                query: &[#(#query),*],
                path_parameters: &[#(#path_parameters),*],
                headers: &[#(#headers),*],
                name: #name,
                manual: #manual,
                repeat: #repeat
            },
        }
    });
    quote! {
        /// The bundled spec, as JSON.
        pub(crate) const SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), #json_file));
        /// Every operation of the spec.
        pub(crate) const OPERATIONS: &[crate::spec::Operation] = &[#(#rows)*];
    }
}

/// `Operation`: the spec's operations as an enum, one variant per `operationId` in the order of
/// `OPERATIONS`, so a variant's discriminant is its row there (its facts live once, in the row).
/// The sandbox and the command line match on it exhaustively: an operation added to the YAML
/// is a compile error at every place that must handle it.
pub fn operation_enum(ops: &[Operation]) -> TokenStream {
    let variants: Vec<_> = ops
        .iter()
        .map(|op| format_ident!("{}", op.id.to_upper_camel_case()))
        .collect();
    let docs = ops.iter().map(|op| format!(" `{}`: {}", op.id, op.summary));
    let indices = 0..ops.len();
    quote! {
        /// An operation of the spec: one variant per `operationId`. Its facts (id, method, path,
        /// repeat safety…) are its row of the operation table, [`Operation::spec`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            #(#[doc = #docs] #variants,)*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// The operation's row of the spec's operation table.
            pub fn spec(self) -> &'static crate::spec::Operation {
                &OPERATIONS[self as usize]
            }

            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                self.spec().id
            }

            /// The HTTP method, upper case.
            pub fn method(self) -> &'static str {
                self.spec().method
            }

            /// The path, as written in the spec.
            pub fn path(self) -> &'static str {
                self.spec().path
            }

            /// What sending the same request twice does.
            pub fn repeat(self) -> crate::spec::Repeat {
                self.spec().repeat
            }

            /// The operation of an `operationId`.
            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|op| op.id() == id)
            }

            /// The operation whose table row is `row` (compared by `operationId`).
            pub fn of(row: &crate::spec::Operation) -> Option<Self> {
                Self::from_id(row.id)
            }
        }

        // The discriminants index `OPERATIONS`; both are generated from one list, in one order.
        const _: () = {
            #(assert!(Operation::#variants as usize == #indices);)*
            assert!(Operation::ALL.len() == OPERATIONS.len());
        };
    }
}

/// `roundtrip_schema` decodes a value as the generated type of an object component and encodes
/// it again: the tests and the sandbox use it to prove the docs' examples fit the models.
pub fn roundtrip_fn(schemas: &Map<String, Value>) -> TokenStream {
    let objects = schemas
        .iter()
        .filter(|(_, schema)| schema.get("type").and_then(Value::as_str) == Some("object"));
    let arms = objects.map(|(name, _)| {
        let ty = type_ident(name);
        quote! { #name => rt::<types::#ty>(value), }
    });
    quote! {
        /// Decodes `value` as the generated model of component `name` and encodes it again;
        /// `None` when the spec has no object component of that name.
        #[doc(hidden)]
        // Inline: a crate that never calls it (any user's) does not compile it. Called, it
        // decodes and encodes every model through `serde_json::Value`: about half of the
        // library's generated machine code for a gateway, which only the tests and the
        // SGATE layer (src/sgate/json.rs) use.
        #[inline]
        pub fn roundtrip_schema(
            name: &str,
            value: serde_json::Value,
        ) -> Option<Result<serde_json::Value, serde_json::Error>> {
            fn rt<T: serde::Serialize + serde::de::DeserializeOwned>(
                value: serde_json::Value,
            ) -> Result<serde_json::Value, serde_json::Error> {
                let typed = serde_json::from_value::<T>(value)?;
                crate::secret::with_plaintext(|| serde_json::to_value(typed))
            }
            Some(match name {
                #(#arms)*
                _ => return None,
            })
        }
    }
}
