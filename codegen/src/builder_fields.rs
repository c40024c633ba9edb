//! What a builder reads of the spec and of typify's output: a property's schema, its
//! documentation and documented values, the required members of an object (through `allOf`),
//! and of a typify field its serde attributes and the type it holds (money, `Option`, `Vec`, a
//! local model).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Ident;
use quote::ToTokens as _;
use serde_json::Value;

use crate::emit::{schema_doc, type_ident};
use crate::error::BuildResult;
use crate::model::schemas;

/// The serde attributes of a typify field that shape its JSON.
#[derive(Default)]
pub(crate) struct Serde {
    pub(crate) rename: Option<String>,
    pub(crate) flatten: bool,
    pub(crate) default_fn: bool,
    pub(crate) omit_empty: bool,
}

/// The documented values of an enum property (its own `enum`, or that of the schema it refers
/// to), as rustdoc code spans.
pub(crate) fn enum_values(property: &Value) -> Vec<String> {
    let values = property
        .get("x-paybind-enum")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    values.iter().map(|v| format!("`{v}`")).collect()
}

/// The component schemas by the name typify gives their type.
pub(crate) fn components(spec: &Value) -> BuildResult<BTreeMap<String, &Value>> {
    Ok(schemas(spec)?
        .iter()
        .map(|(name, schema)| (type_ident(name).to_string(), schema))
        .collect())
}

/// The schema `value` refers to (`$ref`), or `value` itself.
pub(crate) fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or(r);
            spec.pointer(&format!("/components/schemas/{name}"))
                .map_or(value, |s| resolve(spec, s))
        }
        None => value,
    }
}

/// The parts of an object schema: itself and, through `allOf`, the schemas it merges.
pub(crate) fn parts<'a>(spec: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let schema = resolve(spec, schema);
    let mut found = vec![schema];
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        found.extend(parts(spec, part));
    }
    found
}

/// Property `wire` of an object schema, with what its builder's rustdoc reads from it:
/// `x-paybind-doc` (description and notes) and `x-paybind-enum` (its documented values).
pub(crate) fn property(spec: &Value, schema: &Value, wire: &str) -> Option<Value> {
    let found = raw_property(spec, schema, wire)?;
    let mut property = found.clone();
    let doc = field_doc(spec, found);
    let referred = resolve(spec, found);
    let values = found
        .get("enum")
        .or_else(|| referred.get("enum"))
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    if let Some(object) = property.as_object_mut() {
        object.insert("x-paybind-doc".into(), Value::String(doc));
        object.insert("x-paybind-enum".into(), values);
    }
    Some(property)
}

/// Property `wire` of an object schema, as the spec writes it.
pub(crate) fn raw_property<'a>(
    spec: &'a Value,
    schema: &'a Value,
    wire: &str,
) -> Option<&'a Value> {
    parts(spec, schema)
        .into_iter()
        .find_map(|part| part.get("properties")?.get(wire))
}

/// The rustdoc of a property: its description and notes, or, for a `$ref` without its own,
/// those of the schema it refers to.
pub(crate) fn field_doc(spec: &Value, property: &Value) -> String {
    let own = schema_doc(property);
    if !own.is_empty() || property.get("$ref").is_none() {
        return own;
    }
    schema_doc(resolve(spec, property))
}

/// The required properties of an object schema (with those of the schemas it merges).
pub(crate) fn required(spec: &Value, schema: &Value) -> BTreeSet<String> {
    parts(spec, schema)
        .into_iter()
        .flat_map(|part| {
            part.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

/// The serde attributes of a field that shape its JSON.
pub(crate) fn serde_of(field: &syn::Field) -> BuildResult<Serde> {
    let mut serde = Serde::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let value = if meta.input.peek(syn::Token![=]) {
                Some(meta.value()?.parse::<syn::LitStr>()?.value())
            } else {
                None
            };
            if meta.path.is_ident("rename") {
                serde.rename = value;
            } else if meta.path.is_ident("flatten") {
                serde.flatten = true;
            } else if meta.path.is_ident("default") {
                serde.default_fn = value.is_some();
            } else if meta.path.is_ident("skip_serializing_if") {
                serde.omit_empty = value.is_some_and(|v| v.ends_with("is_empty"));
            }
            Ok(())
        })
        .map_err(|e| format!("a serde attribute typify wrote does not parse: {e}"))?;
    }
    Ok(serde)
}

/// A field's name as written in JSON when serde does not rename it.
pub(crate) fn unraw(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_string()
}

/// `T` of a type `Wrapper<T>` (`Option`, `Vec`), by the wrapper's last path segment.
pub(crate) fn type_argument<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last().filter(|s| s.ident == wrapper)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// The money type a field holds (`crate::money::Amount`), as its path.
pub(crate) fn money_type(ty: &syn::Type) -> Option<String> {
    let text: String = ty
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.starts_with("crate::money::").then_some(text)
}

/// The type a type names, when it is one of `names` (types of the `types` module).
pub(crate) fn local(ty: &syn::Type, names: &BTreeSet<String>) -> Option<Ident> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let [segment] = path.path.segments.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    (path.path.leading_colon.is_none()
        && segment.arguments.is_empty()
        && names.contains(&segment.ident.to_string()))
    .then(|| segment.ident.clone())
}
