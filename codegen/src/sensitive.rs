//! `SENSITIVE_MEMBERS`: the names of the members and parameters a spec marks `x-sensitive`
//! (carried encrypted), so that what paybind keeps of an answer for an error shows none of them
//! — read from the YAML, the one place the fact lives.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// `SENSITIVE_MEMBERS`, sorted; empty for a spec without `x-sensitive` marks.
pub fn sensitive_members(spec: &Value) -> TokenStream {
    let mut names = BTreeSet::new();
    collect(spec, &mut names);
    let names = names.iter();
    quote! {
        /// The names of the members and query parameters the spec marks `x-sensitive`,
        /// anywhere in it. A body kept for an error shows these members redacted, at any depth:
        /// by name rather than by path, because an error answer need not have the shape of the
        /// success schema that declares them.
        pub const SENSITIVE_MEMBERS: &[&str] = &[#(#names),*];
    }
}

fn collect<'a>(node: &'a Value, names: &mut BTreeSet<&'a str>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                let marked = properties.iter().filter(|(_, p)| is_sensitive(p));
                names.extend(marked.map(|(name, _)| name.as_str()));
            }
            // A parameter: marked on itself or on its schema.
            let parameter = map.get("in").is_some_and(Value::is_string);
            let marked = is_sensitive(node) || map.get("schema").is_some_and(is_sensitive);
            if let (true, true, Some(name)) = (parameter, marked, map.get("name")) {
                names.extend(name.as_str());
            }
            map.values().for_each(|v| collect(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
        _ => {}
    }
}

fn is_sensitive(schema: &Value) -> bool {
    schema.get("x-sensitive").and_then(Value::as_bool) == Some(true)
}
