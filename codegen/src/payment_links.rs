//! The payment links of a gateway whose spec has `info.x-payment-links` (SGATE Payin): the pages
//! of the hosted cashier (`cashier`) and of the embeddable one (`iframe`) as two enums, each
//! variant with its link template, the cashier's languages as a third, and the path of the API
//! root the links are beside (the servers' common path, `/api_v1`). paybind's
//! `sgate_payin::links` fills the templates; the enums keep the lists, so a page the docs add
//! is a new variant and nothing else.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::emit::doc_attrs;
use crate::error::BuildResult;

/// The placeholders a template may hold: paybind's link builder fills each one.
const PLACEHOLDERS: &[&str] = &[
    "{ORDER_ID}",
    "{ORDER_TICKET}",
    "{RETURN_URL}",
    "{LANGUAGE}",
    "{LOCK_PAY_METHOD}",
];

/// `CashierPage`, `EmbeddedPage`, `CashierLanguage` and `API_ROOT`; nothing when the spec
/// has no `info.x-payment-links`.
pub fn payment_links(spec: &Value) -> BuildResult<TokenStream> {
    let Some(links) = spec.pointer("/info/x-payment-links") else {
        return Ok(TokenStream::new());
    };
    let at = |e: String| format!("/info/x-payment-links: {e}");
    let cashier = page_enum(
        links,
        "cashier",
        "CashierPage",
        "A page of the hosted cashier (`info.x-payment-links.cashier`): where a payer pays an \
         order on SGATE's site. `Standard` shows every method the merchant supports; the others \
         one method each.",
    )
    .map_err(at)?;
    let embedded = page_enum(
        links,
        "iframe",
        "EmbeddedPage",
        "A page of the embeddable cashier (`info.x-payment-links.iframe`): the `src` of an \
         iframe in the merchant's own checkout page, one method each.",
    )
    .map_err(at)?;
    let languages = language_enum(links).map_err(at)?;
    let root = api_root(spec)?;
    Ok(quote! {
        #cashier
        #embedded
        #languages

        /// The path of the API root in every server URL (`servers`): a payment link is the
        /// base URL without it, then the page's template.
        pub(crate) const API_ROOT: &str = #root;
    })
}

/// One enum of pages: a variant per key of `links.<section>`, by name (the bundled spec is a
/// JSON object, whose keys are sorted).
fn page_enum(links: &Value, section: &str, name: &str, doc: &str) -> Result<TokenStream, String> {
    let pages = links
        .get(section)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("`{section}` must be a map of page name to link template"))?;
    let (keys, templates) = templates(section, pages)?;
    let enum_ident = format_ident!("{name}");
    let doc = doc_attrs(doc);
    let variants: Vec<_> = keys
        .iter()
        .map(|key| format_ident!("{}", key.to_upper_camel_case()))
        .collect();
    let docs = keys
        .iter()
        .zip(&templates)
        .map(|(key, template)| format!(" `{key}`: `{template}`"));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #enum_ident {
            #(#[doc = #docs] #variants,)*
        }

        impl #enum_ident {
            /// Every page, by name.
            pub const ALL: &'static [#enum_ident] = &[#(#enum_ident::#variants),*];

            /// The page's name in the spec (`standard`, `card`, `intl-card`…).
            pub fn name(self) -> &'static str {
                match self {
                    #(#enum_ident::#variants => #keys,)*
                }
            }

            /// The link's template below the host, as the docs write it.
            pub fn template(self) -> &'static str {
                match self {
                    #(#enum_ident::#variants => #templates,)*
                }
            }
        }
    })
}

/// The keys and templates of a section, each template checked: below the host, and holding
/// only placeholders the link builder fills.
fn templates(
    section: &str,
    pages: &Map<String, Value>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut keys = Vec::new();
    let mut templates = Vec::new();
    for (key, template) in pages {
        let template = template
            .as_str()
            .ok_or_else(|| format!("{section}.{key}: the template must be a string"))?;
        if !template.starts_with('/') {
            return Err(format!("{section}.{key}: the template must start with `/`"));
        }
        let unknown = PLACEHOLDERS
            .iter()
            .fold(template.to_string(), |left, known| left.replace(known, ""));
        if unknown.contains('{') || unknown.contains('}') {
            return Err(format!(
                "{section}.{key}: a placeholder other than {}",
                PLACEHOLDERS.join(", ")
            ));
        }
        keys.push(key.clone());
        templates.push(template.to_string());
    }
    if keys.is_empty() {
        return Err(format!("`{section}` lists no page"));
    }
    Ok((keys, templates))
}

/// `CashierLanguage`, from `links.languages` (`[EN, AR]`): the first is the default.
fn language_enum(links: &Value) -> Result<TokenStream, String> {
    let codes: Vec<&str> = links
        .get("languages")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if codes.is_empty() {
        return Err("`languages` must list the cashier's language codes".into());
    }
    let variants: Vec<_> = codes
        .iter()
        .map(|code| format_ident!("{}", code.to_lowercase().to_upper_camel_case()))
        .collect();
    let declarations = variants
        .iter()
        .zip(&codes)
        .enumerate()
        .map(|(index, (variant, code))| {
            let doc = format!(" `{code}`.");
            let default = (index == 0).then(|| quote! { #[default] });
            quote! { #[doc = #doc] #default #variant, }
        });
    Ok(quote! {
        /// The language a cashier page opens in (`info.x-payment-links.languages`); the
        /// default is the first.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum CashierLanguage {
            #(#declarations)*
        }

        impl CashierLanguage {
            /// Every language, in the spec's order.
            pub const ALL: &'static [CashierLanguage] = &[#(CashierLanguage::#variants),*];

            /// The code a link carries (`EN`).
            pub fn code(self) -> &'static str {
                match self {
                    #(CashierLanguage::#variants => #codes,)*
                }
            }
        }
    })
}

/// The path every server URL ends with (`/api_v1`): the links are beside it, on the same host.
fn api_root(spec: &Value) -> BuildResult<String> {
    let servers = spec
        .get("servers")
        .and_then(Value::as_array)
        .ok_or("/servers: payment links need the servers' URLs")?;
    let mut roots = servers.iter().filter_map(|server| {
        let url = server.get("url")?.as_str()?;
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        Some(
            after_scheme
                .find('/')
                .map_or("", |slash| &after_scheme[slash..]),
        )
    });
    let first = roots.next().ok_or("/servers: no server URL")?;
    if roots.any(|root| root != first) {
        return Err("/servers: payment links need one API root path in every server URL".into());
    }
    Ok(first.trim_end_matches('/').to_string())
}
