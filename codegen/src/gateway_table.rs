//! The library's gateway identity, generated from the table of gateways
//! ([`gateways`](crate::gateways)), in two files:
//! - `gateways.rs`, at the bottom of the library (`paybind::gateways`, which the pipeline names
//!   gateways by): the table itself (`Signing`, `GatewayRow`, `GATEWAYS`, copied item by item
//!   from that module's source, so it is written once) and the `Gateway` enum (one variant per
//!   row, `cfg`-gated by its feature as its module is) with each gateway's row and id;
//! - `gateway_operations.rs`, at the top (`paybind::operations`, above the gateway modules it
//!   reaches into): `GatewayOperation`, an operation of any gateway (its `Operation` enum), and
//!   each gateway's spec and operations.
//!
//! The files are the same whatever features are on; the `cfg`s choose.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::BuildResult;
use crate::gateways::GATEWAYS;

/// `gateways.rs`: the table, then the `Gateway` enum generated from it.
pub fn gateways_file() -> BuildResult<TokenStream> {
    let table = table()?;
    let identity = gateway_identity();
    Ok(quote! { #table #identity })
}

/// The items of the table's source (its types, rows and methods), without its module docs: the
/// library's `paybind::gateways` is then the very table the generator reads.
fn table() -> BuildResult<TokenStream> {
    let file = syn::parse_file(include_str!("gateways.rs"))
        .map_err(|e| format!("codegen/src/gateways.rs does not parse: {e}"))?;
    let items = file.items;
    Ok(quote! { #(#items)* })
}

/// `enum Gateway` and its row and id: nothing that reaches into a gateway's module.
fn gateway_identity() -> TokenStream {
    let features: Vec<_> = GATEWAYS.iter().map(|g| g.feature).collect();
    let variants: Vec<_> = GATEWAYS
        .iter()
        .map(|g| format_ident!("{}", g.variant))
        .collect();
    let docs = GATEWAYS
        .iter()
        .map(|g| format!(" {} (`{}`, feature `{}`).", g.name, g.id, g.feature));
    let rows = 0..GATEWAYS.len();
    quote! {
        /// A gateway paybind binds: one variant per row of the table, present when its Cargo
        /// feature is on. A `match` on it lists every gateway, so a new one is a compile error
        /// wherever gateways differ. Its spec, operations and `operation(id)` are in
        /// [`crate::operations`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Gateway {
            #(#[doc = #docs] #[cfg(feature = #features)] #variants,)*
        }

        impl Gateway {
            /// Every compiled-in gateway, in the table's order.
            pub const ALL: &'static [Gateway] = &[#(#[cfg(feature = #features)] Gateway::#variants,)*];

            /// The gateway's row of the table ([`GATEWAYS`]).
            pub fn row(self) -> &'static GatewayRow {
                match self {
                    #(#[cfg(feature = #features)] Gateway::#variants => &GATEWAYS[#rows],)*
                }
            }

            /// The short name: the name in traces, the command line's argument, the sandbox's
            /// path prefix (`bluepay`, `bluepay-jt`, `sgate`).
            pub fn id(self) -> &'static str {
                self.row().id
            }

            /// The compiled-in gateway of a short name.
            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|gateway| gateway.id() == id)
            }
        }

        impl GatewayRow {
            /// The row's gateway; `None` when its feature is off.
            pub fn gateway(&self) -> Option<Gateway> {
                Gateway::from_id(self.id)
            }

            /// Whether the gateway's feature is on (its module, spec and operations compiled in).
            pub fn is_enabled(&self) -> bool {
                self.gateway().is_some()
            }
        }
    }
}

/// `gateway_operations.rs`: `enum GatewayOperation` and each gateway's spec and operations,
/// reached in its generated module.
pub fn operations_file() -> TokenStream {
    let features: Vec<_> = GATEWAYS.iter().map(|g| g.feature).collect();
    let variants: Vec<_> = GATEWAYS
        .iter()
        .map(|g| format_ident!("{}", g.variant))
        .collect();
    let modules: Vec<_> = GATEWAYS
        .iter()
        .map(|g| format_ident!("{}", g.module))
        .collect();
    let operation_docs = GATEWAYS
        .iter()
        .map(|g| format!(" An operation of {}.", g.name));
    quote! {
        /// An operation of any gateway: the gateway and its generated `Operation`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum GatewayOperation {
            #(#[doc = #operation_docs] #[cfg(feature = #features)] #variants(crate::#modules::Operation),)*
        }

        impl Gateway {
            /// The gateway's bundled spec.
            pub fn spec(self) -> &'static crate::spec::Spec {
                match self {
                    #(#[cfg(feature = #features)] Gateway::#variants => crate::#modules::spec(),)*
                }
            }

            /// Every operation of the gateway's spec, as its table rows.
            pub fn operations(self) -> &'static [crate::spec::Operation] {
                match self {
                    #(#[cfg(feature = #features)] Gateway::#variants => crate::#modules::operations(),)*
                }
            }

            /// The names of the members and query parameters the gateway's spec marks
            /// `x-sensitive` (its `SENSITIVE_MEMBERS`): what is shown redacted, by name.
            pub fn sensitive_members(self) -> &'static [&'static str] {
                match self {
                    #(#[cfg(feature = #features)] Gateway::#variants => crate::#modules::SENSITIVE_MEMBERS,)*
                }
            }

            /// The gateway's operation of an `operationId`.
            // With no gateway compiled in, no arm reads `id`.
            #[allow(unused_variables)]
            pub fn operation(self, id: &str) -> Option<GatewayOperation> {
                match self {
                    #(#[cfg(feature = #features)] Gateway::#variants => {
                        crate::#modules::Operation::from_id(id).map(GatewayOperation::#variants)
                    })*
                }
            }
        }

        impl GatewayOperation {
            /// The gateway the operation belongs to.
            pub fn gateway(self) -> Gateway {
                match self {
                    #(#[cfg(feature = #features)] GatewayOperation::#variants(_) => Gateway::#variants,)*
                }
            }

            /// The operation's row of its gateway's operation table.
            pub fn spec(self) -> &'static crate::spec::Operation {
                match self {
                    #(#[cfg(feature = #features)] GatewayOperation::#variants(operation) => operation.spec(),)*
                }
            }

            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                self.spec().id
            }
        }
    }
}
