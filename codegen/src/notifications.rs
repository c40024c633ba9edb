//! The typed notifications (`info.x-notifications`, SGATE's `info.x-callbacks`): the
//! `Notification` enum, the table that recognises each kind, and `ACK_BODY`.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc_attrs, schema_doc};
use crate::error::BuildResult;

/// The notification list of the spec, if it has one.
pub fn notification_list(spec: &Value) -> Option<&Value> {
    spec.pointer("/info/x-notifications")
        .or(spec.pointer("/info/x-callbacks"))
}

/// `ACK_BODY`: the answer to every notification, from the spec's `AckBody` example.
pub fn ack_body(spec: &Value) -> TokenStream {
    let Some(ack) = spec.pointer("/components/schemas/AckBody/example") else {
        return TokenStream::new();
    };
    let ack = ack.to_string();
    quote! {
        /// The body to answer every notification with (HTTP 200), from the spec's `AckBody`.
        pub const ACK_BODY: &str = #ack;
    }
}

/// One notification kind of the list.
struct Kind {
    /// Variant name.
    name: syn::Ident,
    /// The kind as written in the spec's list, after case conversion (what `from_kind` matches).
    text: String,
    schema: syn::Ident,
    /// The component of the spec the kind's model is generated from.
    component: String,
    doc: TokenStream,
    events: Vec<String>,
    match_fields: Vec<String>,
    /// The fields that identify one event (`event-key`).
    event_key: Vec<String>,
}

fn kind(entry: &Value) -> BuildResult<Kind> {
    let text = entry
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("entry without kind")?
        .to_upper_camel_case();
    let component = entry
        .get("schema")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{text}: no schema"))?;
    let schema = component.to_upper_camel_case();
    let strings = |key: &str| -> Vec<String> {
        let list = entry.get(key).and_then(Value::as_array);
        let list = list.map(|a| a.iter().filter_map(Value::as_str).map(str::to_string));
        list.map(Iterator::collect).unwrap_or_default()
    };
    let event_key = strings("event-key");
    if event_key.is_empty() {
        return Err(format!(
            "{text}: no event-key (the fields that identify one event, see CONVENTIONS.md)"
        ));
    }
    Ok(Kind {
        event_key,
        name: format_ident!("{text}"),
        schema: format_ident!("{schema}"),
        component: component.to_string(),
        doc: doc_attrs(&schema_doc(entry)),
        events: strings("events"),
        match_fields: strings("match-fields"),
        text,
    })
}

/// `Notification`, `NOTIFICATION_KINDS` and `Notification::from_kind`.
pub fn notification_enum(list: &Value) -> BuildResult<TokenStream> {
    let list = list.as_array().ok_or("not a list")?;
    let kinds = list.iter().map(kind).collect::<BuildResult<Vec<_>>>()?;
    let variants = kinds.iter().map(|k| {
        let (doc, name, schema) = (&k.doc, &k.name, &k.schema);
        quote! { #doc #name(types::#schema), }
    });
    let arms = kinds.iter().map(|k| {
        let (text, name) = (&k.text, &k.name);
        quote! { #text => serde_json::from_str(param).map(Self::#name), }
    });
    let table = kind_table(&kinds);
    Ok(quote! {
        /// A verified notification, one variant per kind the gateway sends. It serialises as
        /// `{"kind": "<variant>", "event": {..}}`.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(tag = "kind", content = "event")]
        #[non_exhaustive]
        pub enum Notification {
            #(#variants)*
            /// A notification whose kind this version of paybind does not recognise; its param is kept.
            Unrecognized(serde_json::Map<String, serde_json::Value>),
        }
        #table
        impl Notification {
            /// What identifies this event, to tell a delivery of it again from a new one: the
            /// gateway, the kind and the kind's identifying fields (the spec's `event-key`, listed
            /// in [`NOTIFICATION_KINDS`]; every field for an unrecognised kind). Remember handled
            /// keys with [`SeenEvents`] or in your database.
            pub fn event_key(&self) -> crate::events::EventKey {
                crate::events::EventKey::of_notification(GATEWAY.gateway.id(), NOTIFICATION_KINDS, self)
            }

            /// Types a verified param from its JSON text, so that every amount keeps its digits.
            pub(crate) fn from_kind(kind: &str, param: &str) -> Result<Self, serde_json::Error> {
                match kind {
                    #(#arms)*
                    _ => serde_json::from_str(param).map(Self::Unrecognized),
                }
            }
        }
    })
}

/// `NOTIFICATION_KINDS` alone, for a gateway whose callbacks are checked by asking its API
/// (SGATE Payin): how each kind is recognised and what identifies one of its events.
pub fn callback_kinds(list: &Value) -> BuildResult<TokenStream> {
    let list = list.as_array().ok_or("not a list")?;
    let kinds = list.iter().map(kind).collect::<BuildResult<Vec<_>>>()?;
    Ok(kind_table(&kinds))
}

/// `pub const NOTIFICATION_KINDS`, a row per kind.
fn kind_table(kinds: &[Kind]) -> TokenStream {
    let rows = kinds.iter().map(|k| {
        let (text, events, fields) = (&k.text, &k.events, &k.match_fields);
        let (component, event_key) = (&k.component, &k.event_key);
        quote! {
            crate::spec::NotificationKind {
                kind: #text,
                schema: #component,
                events: &[#(#events),*],
                match_fields: &[#(#fields),*],
                event_key: &[#(#event_key),*],
            },
        }
    });
    quote! {
        /// How each notification kind is recognised, and what identifies one of its events.
        pub const NOTIFICATION_KINDS: &[crate::spec::NotificationKind] = &[#(#rows)*];
    }
}
