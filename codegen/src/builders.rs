//! paybind's builders of the models (`types::builder::<Name>`, `types::<Name>::builder()`): one
//! per struct typify generated, whose setters take the values as the gateways' docs write them.
//!
//! A builder keeps each member as its JSON text (paybind's `members` module), in the struct's
//! field order, so what it sends is exactly what the struct serialises to for the same values.
//! The setters by kind of field:
//!
//! - most take `impl Serialize`: text, numbers, a list, a typed enum variant or newtype;
//! - money (`crate::money::{Amount, Decimal2, DecimalAmount}`) takes `impl TryInto<Money>`
//!   whose error is an `AmountError`: the docs' text, `Amount`'s integer minor units, a ready
//!   amount; a refusal is recorded under the wire name;
//! - a nested object takes its model or its builder, a list of them a list of either;
//! - an optional field has a second setter, `<field>_option`, taking an `Option`.
//!
//! Nothing is refused at a setter: the pipeline reports the conversion problems and the spec's
//! violations together when the call runs.
//!
//! The structs and their fields are read from typify's output (so names and order are typify's);
//! their documentation from the spec's component of the same name.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, ToTokens as _};
use serde_json::Value;

use crate::builder_fields::{
    components, enum_values, field_doc, local, money_type, property, raw_property, required,
    serde_of, type_argument, unraw,
};
use crate::emit::{doc_attrs, opt_str, type_ident};
use crate::error::BuildResult;

/// What a field's setter takes.
enum Kind {
    /// `impl Serialize`.
    Plain,
    /// A money type, by its path (`crate::money::Amount`).
    Money(TokenStream, String),
    /// A model with a builder (`CodItem`).
    Nested(Ident),
    /// A list of models with builders.
    NestedList(Ident),
    /// The flattened map of members beyond the schema's (a received model's `extra`).
    Extra,
}

/// One field of a typify struct, as its builder sees it.
struct Field {
    ident: Ident,
    wire: String,
    kind: Kind,
    optional: bool,
    /// JSON text of the spec's default, for a field typify gives a default.
    default: Option<String>,
    omit_empty: bool,
    /// A rustdoc link to the field's type (without its `Option`) when it is one of the models'
    /// own types.
    typed: Option<String>,
    property: Option<Value>,
}

/// Sets the rustdoc of every struct field typify left without one because its property is a
/// `$ref` (progenitor ignores what stands beside a `$ref`): the property's description and
/// notes, or, when it has none, those of the schema it refers to.
pub fn document_fields(types: &mut [syn::Item], spec: &Value) -> BuildResult<()> {
    let components = components(spec)?;
    for item in types.iter_mut() {
        let syn::Item::Struct(model) = item else {
            continue;
        };
        let Some(component) = components.get(&model.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(named) = &mut model.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            let serde = serde_of(field)?;
            let Some(ident) = &field.ident else { continue };
            let wire = serde.rename.unwrap_or_else(|| unraw(ident));
            let Some(property) = raw_property(spec, component, &wire) else {
                continue;
            };
            let undocumented = !field.attrs.iter().any(|a| a.path().is_ident("doc"));
            if property.get("$ref").is_none() && !undocumented {
                continue;
            }
            let doc = field_doc(spec, property);
            if doc.is_empty() {
                continue;
            }
            field.attrs.retain(|a| !a.path().is_ident("doc"));
            let mut attrs =
                syn::parse::Parser::parse2(syn::Attribute::parse_outer, doc_attrs(&doc))
                    .map_err(|e| format!("a field's rustdoc does not parse: {e}"))?;
            attrs.append(&mut field.attrs);
            field.attrs = attrs;
        }
    }
    Ok(())
}

/// `impl <Model> { fn builder() }` for every struct of `types`, and `pub mod builder`.
pub fn builders(types: &[syn::Item], spec: &Value) -> BuildResult<TokenStream> {
    let components = components(spec)?;
    let structs: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let local_types: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let locals = Locals {
        structs: &structs,
        types: &local_types,
    };
    let sent = sent_structs(types, spec, &structs)?;
    let mut constructors = Vec::new();
    let mut builders = Vec::new();
    for item in types {
        let syn::Item::Struct(model) = item else {
            continue;
        };
        let syn::Fields::Named(named) = &model.fields else {
            continue;
        };
        let name = &model.ident;
        let component = components.get(&name.to_string()).copied();
        let fields = named
            .named
            .iter()
            .map(|field| read_field(spec, component, &locals, field))
            .collect::<BuildResult<Vec<_>>>()
            .map_err(|e| format!("struct {name}: {e}"))?;
        let built = builder(name, &fields).map_err(|e| format!("struct {name}: {e}"))?;
        let constructor = quote! {
            impl #name {
                /// A builder of this model, whose setters take the values as the docs write
                /// them; see [`builder`](self::builder).
                pub fn builder() -> builder::#name {
                    ::std::default::Default::default()
                }
            }
        };
        if sent.contains(&name.to_string()) {
            builders.push(built);
            constructors.push(constructor);
        } else {
            // A model paybind only receives is built by tests (a notification to mint, an
            // answer to stand in): its builder is compiled with the `testing` feature only,
            // so a merchant's build does not pay for it.
            builders.push(only_for_testing(built)?);
            constructors.push(only_for_testing(constructor)?);
        }
    }
    let module_doc = doc_attrs(
        "paybind's builders of the models: `types::<Model>::builder()`, then one setter per \
         member, in any order.\n\n\
         Each setter takes the value as the gateway's docs write it: text for a string, \
         constrained or not; the documented text or number of an enum, or its typed variant; a \
         list as a list (an array, a `Vec`); a nested model or its builder. Money takes the \
         docs' text in major units (`.amount(\"18.75\")`), `Amount`'s integer minor units \
         (`.amount(100_000)` is 1,000.00 baht, as BluePay writes amounts) or a ready money value. \
         For example (SGATE): `.mercustomid(\"u004\").amount(\"18.75\").currency(\"SAR\")`; \
         (BluePay JT): `.ticket_type(1).proof_image([\"bluepay/onboard/extern/a.jpg\"])`.\n\n\
         An optional member is set by value (`.remark(\"x\")`); its second setter \
         `<member>_option` takes an `Option` your code holds (`.remark_option(note)`, \
         `.remark_option(order.note.as_deref())`): `None` leaves the member out (written alone, \
         `None` needs its type: `None::<&str>`).\n\n\
         Nothing is refused at a setter. When the call runs, what a setter could not convert \
         (an amount with three decimal places) and every rule of the spec the param breaks come \
         back together as one `Error::Validation`, each naming the member as the docs do \
         (`amount: must have at most 2 decimal places`), before anything is signed or sent. The \
         param sent is the text the model serialises to for the same values. A ready model \
         converts into its builder (`From`), and a builder into its model (`TryFrom`, with \
         every problem as a `ValidationError`).\n\n\
         The builders of the models paybind only receives (answers, notifications) are \
         compiled with the `testing` feature, for the tests that build one; the request \
         bodies' builders are always there.",
    );
    Ok(quote! {
        #(#constructors)*

        #module_doc
        pub mod builder {
            #(#builders)*
        }
    })
}

/// The structs paybind sends: the request bodies of the spec's operations and every struct a
/// field of theirs holds, at any depth.
fn sent_structs(
    types: &[syn::Item],
    spec: &Value,
    structs: &BTreeSet<String>,
) -> BuildResult<BTreeSet<String>> {
    let mut pending: Vec<String> = crate::model::operations(spec)?
        .iter()
        .filter_map(|op| op.body_schema.as_deref())
        .map(|schema| type_ident(schema).to_string())
        .collect();
    let mut sent = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !structs.contains(&name) || !sent.insert(name.clone()) {
            continue;
        }
        let fields = types.iter().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(&s.fields),
            _ => None,
        });
        for field in fields.into_iter().flatten() {
            pending.extend(type_names(&field.ty).filter(|held| structs.contains(held)));
        }
    }
    Ok(sent)
}

/// Every identifier in a type (`Option<Vec<CodItem>>`: `Option`, `Vec`, `CodItem`).
fn type_names(ty: &syn::Type) -> impl Iterator<Item = String> {
    let mut names = Vec::new();
    collect_idents(ty.to_token_stream(), &mut names);
    names.into_iter()
}

fn collect_idents(tokens: TokenStream, names: &mut Vec<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => names.push(ident.to_string()),
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), names),
            _ => {}
        }
    }
}

/// `items`, each behind `#[cfg(feature = "testing")]`.
fn only_for_testing(items: TokenStream) -> BuildResult<TokenStream> {
    let file: syn::File = syn::parse2(items).map_err(|e| format!("builder items: {e}"))?;
    let gated = file.items.into_iter().map(|item| {
        quote! {
            #[cfg(feature = "testing")]
            #item
        }
    });
    Ok(quote! { #(#gated)* })
}

/// The names the `types` module defines.
struct Locals<'a> {
    /// Structs with named fields: the models with a builder.
    structs: &'a BTreeSet<String>,
    /// Every type.
    types: &'a BTreeSet<String>,
}

fn read_field(
    spec: &Value,
    component: Option<&Value>,
    locals: &Locals<'_>,
    field: &syn::Field,
) -> BuildResult<Field> {
    let structs = locals.structs;
    let ident = field.ident.clone().ok_or("a field without a name")?;
    let serde = serde_of(field)?;
    let wire = serde.rename.clone().unwrap_or_else(|| unraw(&ident));
    let property = component.and_then(|c| property(spec, c, &wire));
    let option = type_argument(&field.ty, "Option");
    let inner = option.unwrap_or(&field.ty).clone();
    let optional = match component {
        Some(component) => !required(spec, component).contains(&wire),
        None => option.is_some(),
    };
    let kind = if serde.flatten {
        Kind::Extra
    } else if let Some(path) = money_type(&inner) {
        Kind::Money(inner.to_token_stream(), path)
    } else if let Some(item) = type_argument(&inner, "Vec").and_then(|t| local(t, structs)) {
        Kind::NestedList(item)
    } else if let Some(model) = local(&inner, structs) {
        Kind::Nested(model)
    } else {
        Kind::Plain
    };
    let default = match serde.default_fn {
        false => None,
        true => {
            let value = property
                .as_ref()
                .and_then(|p| p.get("default"))
                .ok_or_else(|| format!("{wire} has a default in the model, none in the spec"))?;
            Some(value.to_string())
        }
    };
    Ok(Field {
        ident,
        wire,
        kind,
        optional,
        default,
        omit_empty: serde.omit_empty,
        typed: local(&inner, locals.types).map(|name| format!("[`{name}`](super::{name})")),
        property,
    })
}

fn builder(name: &Ident, fields: &[Field]) -> BuildResult<TokenStream> {
    let mut seen = BTreeSet::new();
    let mut setters = Vec::new();
    let mut table = Vec::new();
    for field in fields {
        if matches!(field.kind, Kind::Extra) {
            if !seen.insert("extra".to_string()) {
                return Err("two flattened maps".into());
            }
            setters.push(quote! {
                /// The members beyond those the spec names (a received model keeps the ones a
                /// gateway adds later): written after the others.
                pub fn extra(
                    mut self,
                    members: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ) -> Self {
                    self.members.set_extra(members);
                    self
                }
            });
            continue;
        }
        let wire = &field.wire;
        table.push(match (&field.default, field.omit_empty) {
            (None, false) => quote! { crate::members::Field::named(#wire) },
            (default, omit_empty) => {
                let default = opt_str(default.as_deref());
                quote! { crate::members::Field::new(#wire, #default, #omit_empty) }
            }
        });
        let index = proc_macro2::Literal::usize_unsuffixed(table.len() - 1);
        let ident = &field.ident;
        let option = option_ident(ident);
        for setter in [ident.to_string(), option.to_string()] {
            if !seen.insert(setter.clone()) {
                return Err(format!("two setters named {setter}"));
            }
        }
        let doc = setter_doc(field);
        let option_doc = doc_attrs(&format!(
            "Sets [`{ident}`](Self::{ident}) from an `Option`: `Some(value)` as `{ident}` \
             takes it, `None` leaves `{wire}` out{}.",
            match &field.default {
                Some(default) => format!(" (the model then writes its default, `{default}`)"),
                None => String::new(),
            }
        ));
        let (setter, option_setter) = match &field.kind {
            Kind::Plain => (
                quote! {
                    #doc
                    pub fn #ident<V: ::serde::Serialize>(mut self, value: V) -> Self {
                        self.members.set(#index, &value);
                        self
                    }
                },
                quote! {
                    #option_doc
                    pub fn #option<V: ::serde::Serialize>(
                        mut self,
                        value: ::std::option::Option<V>,
                    ) -> Self {
                        self.members.set(#index, &value);
                        self
                    }
                },
            ),
            Kind::Money(money, _) => (
                quote! {
                    #doc
                    pub fn #ident<V>(mut self, value: V) -> Self
                    where
                        V: ::std::convert::TryInto<#money>,
                        crate::money::AmountError: ::std::convert::From<V::Error>,
                    {
                        let value = value.try_into().map_err(crate::money::AmountError::from);
                        self.members.set_money(#index, value);
                        self
                    }
                },
                quote! {
                    #option_doc
                    pub fn #option<V>(mut self, value: ::std::option::Option<V>) -> Self
                    where
                        V: ::std::convert::TryInto<#money>,
                        crate::money::AmountError: ::std::convert::From<V::Error>,
                    {
                        match value {
                            ::std::option::Option::Some(value) => self.#ident(value),
                            ::std::option::Option::None => {
                                self.members.unset(#index);
                                self
                            }
                        }
                    }
                },
            ),
            Kind::Nested(model) => (
                quote! {
                    #doc
                    pub fn #ident<V: ::std::convert::Into<#model>>(mut self, value: V) -> Self {
                        self.members.set_nested(#index, value.into().members);
                        self
                    }
                },
                quote! {
                    #option_doc
                    pub fn #option<V: ::std::convert::Into<#model>>(
                        mut self,
                        value: ::std::option::Option<V>,
                    ) -> Self {
                        match value {
                            ::std::option::Option::Some(value) => self.#ident(value),
                            ::std::option::Option::None => {
                                self.members.unset(#index);
                                self
                            }
                        }
                    }
                },
            ),
            Kind::NestedList(model) => (
                quote! {
                    #doc
                    pub fn #ident<I>(mut self, items: I) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::Into<#model>,
                    {
                        let items = items.into_iter().map(|item| item.into().members);
                        self.members.set_list(#index, items);
                        self
                    }
                },
                quote! {
                    #option_doc
                    pub fn #option<I>(mut self, items: ::std::option::Option<I>) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::Into<#model>,
                    {
                        match items {
                            ::std::option::Option::Some(items) => self.#ident(items),
                            ::std::option::Option::None => {
                                self.members.unset(#index);
                                self
                            }
                        }
                    }
                },
            ),
            Kind::Extra => unreachable!("handled above"),
        };
        setters.push(setter);
        if field.optional {
            setters.push(option_setter);
        }
    }
    let name_text = name.to_string();
    let doc = doc_attrs(&format!(
        "Builds a [`{name}`](super::{name}): one setter per member, each taking the value as \
         the docs write it (see [the module](self)). A setter refuses nothing: what it could not \
         convert is reported, with the spec's violations, when the call runs."
    ));
    Ok(quote! {
        #doc
        #[derive(Clone)]
        pub struct #name {
            members: crate::members::Members,
        }

        impl #name {
            const FIELDS: &'static [crate::members::Field] = &[#(#table),*];

            #(#setters)*
        }

        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self { members: crate::members::Members::new(Self::FIELDS) }
            }
        }

        impl ::std::fmt::Debug for #name {
            /// The members set and the problems met, never a value.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.members.debug(f, #name_text)
            }
        }

        impl ::std::convert::From<super::#name> for #name {
            fn from(model: super::#name) -> Self {
                Self { members: crate::members::Members::of_model(Self::FIELDS, &model) }
            }
        }

        impl ::std::convert::TryFrom<#name> for super::#name {
            type Error = crate::spec::ValidationError;

            /// The model, or every problem of the builder (conversions, and a member the model
            /// cannot hold).
            fn try_from(builder: #name) -> ::std::result::Result<Self, Self::Error> {
                builder.members.into_model()
            }
        }

        impl crate::members::Builder for #name {
            fn into_members(self) -> crate::members::Members {
                self.members
            }
        }
    })
}

/// A setter's rustdoc: the property's description and notes, then what the setter takes.
fn setter_doc(field: &Field) -> TokenStream {
    let described = field
        .property
        .as_ref()
        .map(|p| p.get("x-paybind-doc").and_then(Value::as_str).unwrap_or(""))
        .unwrap_or("");
    let mut doc = described.to_string();
    let wire = &field.wire;
    let ident = &field.ident;
    let typed = field.typed.as_deref();
    let takes = match &field.kind {
        Kind::Money(_, path) => {
            let short = path.rsplit("::").next().unwrap_or(path);
            let text = match short {
                "Amount" => {
                    "the integer of minor units as BluePay writes it (`.{ident}(100_000)` \
                             is 1,000.00 baht), the text in major units (`\"1000.00\"`)"
                }
                "Decimal2" => {
                    "the decimal text as the docs write it (`\"18.75\"`; more than two \
                               decimal places is reported when the call runs)"
                }
                _ => "the decimal text in major units (`\"10000.00\"`)",
            };
            format!(
                "Money: {}, or a ready [`{short}`]({path}).",
                text.replace("{ident}", &ident.to_string())
            )
        }
        Kind::Nested(model) => {
            format!("Takes a [`{model}`](super::{model}) or its builder ([`{model}`]).")
        }
        Kind::NestedList(model) => format!(
            "Takes a list (an array, a `Vec`, any iterator) of [`{model}`](super::{model})s or \
             of their builders ([`{model}`])."
        ),
        Kind::Plain => {
            let values = field.property.as_ref().map(enum_values).unwrap_or_default();
            match (values.is_empty(), typed) {
                (false, Some(typed)) => format!(
                    "One of {}, as the docs write it, or the typed {typed}.",
                    values.join(", ")
                ),
                (false, None) => format!("One of {}, as the docs write it.", values.join(", ")),
                (true, Some(typed)) => {
                    format!("Takes the value as the docs write it, or a ready {typed}.")
                }
                (true, None) => "Takes the value as the docs write it.".to_string(),
            }
        }
        Kind::Extra => String::new(),
    };
    let presence = if field.optional {
        let option = option_ident(ident);
        format!("Optional (`{wire}`); [`{option}`](Self::{option}) takes an `Option`.")
    } else {
        format!("Required (`{wire}`).")
    };
    if !doc.is_empty() {
        doc += "\n\n";
    }
    doc += &format!("{takes} {presence}");
    doc_attrs(&doc)
}

/// The setter of an optional field that takes an `Option`: `<field>_option`, without the `_`
/// typify adds to a keyword (`type_` gives `type_option`).
fn option_ident(field: &Ident) -> Ident {
    format_ident!("{}_option", field.to_string().trim_end_matches('_'))
}
