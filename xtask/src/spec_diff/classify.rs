//! What one spec change means for the two kinds of users.
//!
//! *Crate users* compile against the generated Rust types and client: the structs have public
//! fields and are not `#[non_exhaustive]`, the enums (also the open enums and code tables,
//! whose `Unknown(_)` catches values added later) are exhaustive. So a new field or a new enum
//! value breaks a struct literal or an exhaustive `match`, while a new operation, a new type or
//! a new optional query parameter (a builder method) only adds.
//!
//! *Schema users* read `schema/` (OpenAPI, JSON Schema) and care about the wire: what is sent
//! must still be accepted (removing or narrowing anything on the request side, or requiring a
//! new request field, breaks them), what is received must still be understood (removing a
//! response field, making it optional, or a new value in a closed response enum breaks them);
//! everything else is an addition or a documentation change.

use std::collections::BTreeSet;

use serde_json::Value;

pub use super::change::{Change, Impact};
use super::change::{Ctx, Direction};
use super::nodes::schema;
use crate::util::{ref_name, METHODS};

/// Every change from `old` to `new` (both bundled specs), sorted.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut ctx = Ctx {
        old,
        new,
        out: Vec::new(),
    };
    info_and_servers(&mut ctx);
    operations(&mut ctx);
    components(&mut ctx);
    ctx.out.sort();
    ctx.out.dedup();
    ctx.out
}

/// `info` extensions (signing rules, notifications, callbacks) and `servers`.
fn info_and_servers(ctx: &mut Ctx) {
    let object = |spec: &Value| {
        spec.get("info")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (object(ctx.old), object(ctx.new));
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        ctx.push(
            &format!("info {key}"),
            "removed".into(),
            Impact::Breaking,
            Impact::Breaking,
        );
    }
    for (key, value) in &new {
        let at = format!("info {key}");
        match old.get(key) {
            None => ctx.push(&at, "added".into(), Impact::Addition, Impact::Addition),
            Some(o) if key != "version" && o != value => ctx.push(
                &at,
                "changed (notes, rules or lists)".into(),
                Impact::Docs,
                Impact::Docs,
            ),
            _ => {}
        }
    }
    // Servers by URL and, where URLs repeat (`https://{domain}` for sandbox and production),
    // by position among those with the same URL.
    let servers = |spec: &Value| -> Vec<(String, Value)> {
        let list = spec.get("servers").and_then(Value::as_array);
        let mut out: Vec<(String, Value)> = Vec::new();
        for server in list.cloned().unwrap_or_default() {
            let url = server.get("url").and_then(Value::as_str).unwrap_or("");
            let seen = out
                .iter()
                .filter(|(k, _)| k.starts_with(&format!("{url} #")))
                .count();
            out.push((format!("{url} #{}", seen + 1), server));
        }
        out
    };
    let (old, new) = (servers(ctx.old), servers(ctx.new));
    for (key, _) in old.iter().filter(|(k, _)| !new.iter().any(|(n, _)| n == k)) {
        ctx.push(
            &format!("server {key}"),
            "removed".into(),
            Impact::Breaking,
            Impact::Breaking,
        );
    }
    for (key, server) in &new {
        let at = format!("server {key}");
        match old.iter().find(|(k, _)| k == key) {
            None => ctx.push(&at, "added".into(), Impact::Addition, Impact::Addition),
            Some((_, o)) if o != server => ctx.push(
                &at,
                "changed (description, variables or x-environment)".into(),
                Impact::Docs,
                Impact::Docs,
            ),
            _ => {}
        }
    }
}

fn operation_map(spec: &Value) -> Vec<(String, String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                let id = op.get("operationId").and_then(Value::as_str);
                let id = id.map_or_else(|| format!("{method} {path}"), str::to_string);
                out.push((id, path.clone(), method.to_string(), op));
            }
        }
    }
    out
}

fn operations(ctx: &mut Ctx) {
    let old = operation_map(ctx.old);
    let new = operation_map(ctx.new);
    for (id, path, method, _) in &old {
        if !new.iter().any(|(n, ..)| n == id) {
            let what = format!("operation removed ({} {path})", method.to_uppercase());
            ctx.push(
                &format!("operation {id}"),
                what,
                Impact::Breaking,
                Impact::Breaking,
            );
        }
    }
    for (id, path, method, new_op) in &new {
        let at = format!("operation {id}");
        let Some((_, old_path, old_method, old_op)) = old.iter().find(|(o, ..)| o == id) else {
            let what = format!("operation added ({} {path})", method.to_uppercase());
            ctx.push(&at, what, Impact::Addition, Impact::Addition);
            continue;
        };
        if (old_path, old_method) != (path, method) {
            let what = format!(
                "now {} {path} (was {} {old_path})",
                method.to_uppercase(),
                old_method.to_uppercase()
            );
            ctx.push(&at, what, Impact::Docs, Impact::Breaking);
        }
        let before = ctx.out.len();
        parameters(ctx, &at, old_op, new_op);
        body_and_responses(ctx, &at, old_op, new_op);
        super::repeat::compare(ctx, &at, old_op, new_op);
        prose(ctx, &at, before, old_op, new_op);
    }
}

fn parameters(ctx: &mut Ctx, at: &str, old: &Value, new: &Value) {
    let list = |op: &Value| -> Vec<Value> {
        op.get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let name = |p: &Value| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
    let (old, new) = (list(old), list(new));
    let sent = Direction {
        sent: true,
        received: false,
    };
    for p in &old {
        if !new.iter().any(|n| name(n) == name(p)) {
            let what = format!("parameter {} removed", name(p));
            ctx.push(at, what, Impact::Breaking, Impact::Breaking);
        }
    }
    for p in &new {
        let at = format!("{at} parameter {}", name(p));
        let Some(o) = old.iter().find(|o| name(o) == name(p)) else {
            if required(p) {
                ctx.push(
                    &at,
                    "required parameter added".into(),
                    Impact::Breaking,
                    Impact::Breaking,
                );
            } else {
                ctx.push(
                    &at,
                    "optional parameter added".into(),
                    Impact::Addition,
                    Impact::Addition,
                );
            }
            continue;
        };
        match (required(o), required(p)) {
            (false, true) => ctx.push(
                &at,
                "now required".into(),
                Impact::Breaking,
                Impact::Breaking,
            ),
            (true, false) => ctx.push(&at, "now optional".into(), Impact::Addition, Impact::Docs),
            _ => {}
        }
        let null = Value::Null;
        let (os, ns) = (
            o.get("schema").unwrap_or(&null),
            p.get("schema").unwrap_or(&null),
        );
        schema(ctx, &at, os, ns, sent, 0);
    }
}

fn body_and_responses(ctx: &mut Ctx, at: &str, old: &Value, new: &Value) {
    let body_ref = |op: &Value| {
        let content = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)?;
        let schema = content.values().next()?.get("schema")?;
        Some(
            schema
                .get("$ref")
                .and_then(Value::as_str)
                .unwrap_or("(inline)")
                .to_string(),
        )
    };
    let (ob, nb) = (body_ref(old), body_ref(new));
    if ob != nb {
        let what = format!("request body {} (was {})", show(&nb), show(&ob));
        ctx.push(at, what, Impact::Breaking, Impact::Breaking);
    }
    let codes = |op: &Value| -> BTreeSet<String> {
        let responses = op.get("responses").and_then(Value::as_object);
        responses
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (oc, nc) = (codes(old), codes(new));
    for code in oc.difference(&nc) {
        let what = format!("response {code} removed");
        ctx.push(at, what, Impact::Breaking, Impact::Breaking);
    }
    for code in nc.difference(&oc) {
        let what = format!("response {code} added");
        ctx.push(at, what, Impact::Breaking, Impact::Addition);
    }
}

fn show(value: &Option<String>) -> String {
    value
        .as_deref()
        .and_then(ref_name)
        .or(value.as_deref())
        .unwrap_or("none")
        .to_string()
}

fn components(ctx: &mut Ctx) {
    let schemas = |spec: &Value| {
        spec.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
    };
    let old = schemas(ctx.old).unwrap_or_default();
    let new = schemas(ctx.new).unwrap_or_default();
    // A schema travels the way it did before or does now.
    let sent: BTreeSet<String> = &reachable(ctx.old, true) | &reachable(ctx.new, true);
    let received: BTreeSet<String> = &reachable(ctx.old, false) | &reachable(ctx.new, false);
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        let at = format!("schema {name}");
        ctx.push(
            &at,
            "type removed".into(),
            Impact::Breaking,
            Impact::Breaking,
        );
    }
    for (name, new_schema) in &new {
        let at = format!("schema {name}");
        let Some(old_schema) = old.get(name) else {
            ctx.push(&at, "type added".into(), Impact::Addition, Impact::Addition);
            continue;
        };
        let direction = Direction {
            sent: sent.contains(name),
            received: received.contains(name),
        };
        let before = ctx.out.len();
        schema(ctx, &at, old_schema, new_schema, direction, 0);
        prose(ctx, &at, before, old_schema, new_schema);
    }
}

/// One `docs` change for an operation or schema that differs in nothing classified above
/// (descriptions, notes, examples).
fn prose(ctx: &mut Ctx, at: &str, before: usize, old: &Value, new: &Value) {
    if ctx.out.len() == before && old != new {
        let what = "descriptions, notes or examples changed".to_string();
        ctx.push(at, what, Impact::Docs, Impact::Docs);
    }
}

/// Component names reachable from what is sent (request bodies, parameters) or received
/// (responses, callbacks).
fn reachable(spec: &Value, sent: bool) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for (_, _, _, op) in operation_map(spec) {
        if sent {
            roots.extend(op.get("requestBody").cloned());
            roots.extend(op.get("parameters").cloned());
        } else {
            roots.extend(op.get("responses").cloned());
        }
    }
    if !sent {
        // Callbacks and notifications are received: their schemas are named in info's lists
        // (`schema: Name`) or referenced from it.
        for list in ["/info/x-callbacks", "/info/x-notifications"] {
            let entries = spec.pointer(list).and_then(Value::as_array);
            for entry in entries.into_iter().flatten() {
                if let Some(name) = entry.get("schema").and_then(Value::as_str) {
                    let reference = format!("#/components/schemas/{name}");
                    roots.push(serde_json::json!({ "$ref": reference }));
                }
            }
        }
        roots.extend(spec.get("info").cloned());
    }
    let mut found = BTreeSet::new();
    let mut queue = roots;
    while let Some(node) = queue.pop() {
        refs(&node, &mut |name| {
            if found.insert(name.to_string()) {
                if let Some(s) = spec.pointer(&format!("/components/schemas/{name}")) {
                    queue.push(s.clone());
                }
            }
        });
    }
    found
}

fn refs(node: &Value, f: &mut dyn FnMut(&str)) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(ref_name) {
                f(name);
            }
            map.values().for_each(|v| refs(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, f)),
        _ => {}
    }
}
