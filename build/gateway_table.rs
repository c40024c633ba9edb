//! `gateways.rs`: what the library adds to the shared table of gateways (build/gateways.rs),
//! namely each gateway's spec and operations. Arms are `cfg`-gated by feature rather than
//! chosen here, so the file is the same whatever features are on.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::gateways::GATEWAYS;

/// `impl Gateway { is_enabled, spec, operations }`.
pub fn gateway_access() -> TokenStream {
    let spec = arms(|m| quote! { Some(crate::#m::spec()) });
    let operations = arms(|m| quote! { crate::#m::operations() });
    let enabled = GATEWAYS.iter().map(|g| {
        let (feature, module) = (g.feature, g.module);
        quote! {
            if self.module == #module {
                return cfg!(feature = #feature);
            }
        }
    });
    quote! {
        impl Gateway {
            /// Whether the gateway's feature is on (its module, spec and operations compiled in).
            pub fn is_enabled(&self) -> bool {
                #(#enabled)*
                false
            }

            /// The gateway's bundled spec; `None` when its feature is off.
            pub fn spec(&self) -> Option<&'static crate::spec::Spec> {
                #(#spec)*
                None
            }

            /// Every operation of the gateway's spec; empty when its feature is off.
            pub fn operations(&self) -> &'static [crate::spec::Operation] {
                #(#operations)*
                &[]
            }
        }
    }
}

/// One `cfg`-gated early return per gateway: `value(module)` when `self` is that gateway.
fn arms(value: impl Fn(&syn::Ident) -> TokenStream) -> Vec<TokenStream> {
    let arm = |g: &crate::gateways::Gateway| {
        let (feature, module) = (g.feature, g.module);
        let value = value(&format_ident!("{module}"));
        quote! {
            #[cfg(feature = #feature)]
            if self.module == #module {
                return #value;
            }
        }
    };
    GATEWAYS.iter().map(arm).collect()
}
