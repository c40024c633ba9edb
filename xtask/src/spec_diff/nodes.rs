//! One schema node against its earlier form: type, members, required flags, values and limits,
//! classified by the way the node travels (see [`super::classify`]).

use std::collections::BTreeSet;

use serde_json::Value;

use super::change::{Ctx, Direction, Impact};
use crate::util::ref_name;

/// One schema node against its earlier form.
pub(super) fn schema(
    ctx: &mut Ctx,
    at: &str,
    old: &Value,
    new: &Value,
    dir: Direction,
    depth: usize,
) {
    if depth > 6 {
        return;
    }
    let get = |v: &Value, k: &str| v.get(k).cloned();
    for key in ["$ref", "type", "format"] {
        let (o, n) = (get(old, key), get(new, key));
        if o != n {
            let what = format!("{key} {} (was {})", text(&n), text(&o));
            ctx.push(at, what, Impact::Breaking, Impact::Breaking);
        }
    }
    members(ctx, at, old, new, dir, depth);
    values(ctx, at, old, new, dir);
    limits(ctx, at, old, new, dir);
    if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
        schema(ctx, &format!("{at}[]"), o, n, dir, depth + 1);
    }
}

fn members(ctx: &mut Ctx, at: &str, old: &Value, new: &Value, dir: Direction, depth: usize) {
    let props = |v: &Value| {
        v.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let required = |v: &Value| -> BTreeSet<String> {
        let list = v.get("required").and_then(Value::as_array);
        list.into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let (op, np) = (props(old), props(new));
    let (or, nr) = (required(old), required(new));
    for name in op.keys().filter(|n| !np.contains_key(*n)) {
        let what = format!("member {name} removed");
        ctx.push(at, what, Impact::Breaking, Impact::Breaking);
    }
    for (name, n) in &np {
        let member_at = format!("{at}.{name}");
        let Some(o) = op.get(name) else {
            let is_required = nr.contains(name);
            let for_schema = if is_required && dir.sent {
                Impact::Breaking
            } else {
                Impact::Addition
            };
            let what = format!(
                "{} member added (a new public field of the generated struct)",
                if is_required { "required" } else { "optional" }
            );
            ctx.push(&member_at, what, Impact::Breaking, for_schema);
            continue;
        };
        match (or.contains(name), nr.contains(name)) {
            (false, true) => {
                let for_schema = if dir.sent {
                    Impact::Breaking
                } else {
                    Impact::Docs
                };
                ctx.push(
                    &member_at,
                    "now required (Option<T> becomes T)".into(),
                    Impact::Breaking,
                    for_schema,
                );
            }
            (true, false) => {
                let for_schema = if dir.received {
                    Impact::Breaking
                } else {
                    Impact::Docs
                };
                ctx.push(
                    &member_at,
                    "now optional (T becomes Option<T>)".into(),
                    Impact::Breaking,
                    for_schema,
                );
            }
            _ => {}
        }
        schema(ctx, &member_at, o, n, dir, depth + 1);
    }
}

/// `enum` values and `x-codes` codes.
fn values(ctx: &mut Ctx, at: &str, old: &Value, new: &Value, dir: Direction) {
    let list = |v: &Value| -> BTreeSet<String> {
        if let Some(codes) = v.get("x-codes").and_then(Value::as_array) {
            return codes
                .iter()
                .filter_map(|c| c.get("code"))
                .map(Value::to_string)
                .collect();
        }
        let values = v.get("enum").and_then(Value::as_array);
        values.into_iter().flatten().map(Value::to_string).collect()
    };
    let open = new.get("x-open-enum") == Some(&Value::Bool(true)) || new.get("x-codes").is_some();
    let (o, n) = (list(old), list(new));
    let added: Vec<_> = n.difference(&o).cloned().collect();
    let removed: Vec<_> = o.difference(&n).cloned().collect();
    if !added.is_empty() {
        let for_schema = if dir.received && !open {
            Impact::Breaking
        } else {
            Impact::Addition
        };
        let what = format!("values added: {} (new enum variants)", added.join(", "));
        ctx.push(at, what, Impact::Breaking, for_schema);
    }
    if !removed.is_empty() {
        let for_schema = if dir.sent {
            Impact::Breaking
        } else {
            Impact::Docs
        };
        let what = format!("values removed: {}", removed.join(", "));
        ctx.push(at, what, Impact::Breaking, for_schema);
    }
}

/// Length, range, pattern, default and `x-rules`: narrower on what is sent breaks (requests
/// that passed validation are refused), anything else is compatible.
fn limits(ctx: &mut Ctx, at: &str, old: &Value, new: &Value, dir: Direction) {
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    for (key, larger_is_wider) in [
        ("maxLength", true),
        ("maximum", true),
        ("maxItems", true),
        ("minLength", false),
        ("minimum", false),
        ("minItems", false),
    ] {
        let (o, n) = (num(old, key), num(new, key));
        if o == n {
            continue;
        }
        let narrower = match (o, n) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(o), Some(n)) => (n < o) == larger_is_wider,
            (None, None) => false,
        };
        let impact = if narrower && dir.sent {
            Impact::Breaking
        } else {
            Impact::Docs
        };
        let what = format!(
            "{key} {} (was {})",
            text(&new.get(key).cloned()),
            text(&old.get(key).cloned())
        );
        ctx.push(at, what, impact, impact);
    }
    rules(ctx, at, old, new, dir);
    for key in ["pattern", "default", "multipleOf", "additionalProperties"] {
        let (o, n) = (old.get(key), new.get(key));
        if o == n {
            continue;
        }
        let impact = if dir.sent {
            Impact::Breaking
        } else {
            Impact::Docs
        };
        let what = format!("{key} changed");
        ctx.push(at, what, impact, impact);
    }
}

pub(super) fn text(value: &Option<Value>) -> String {
    match value {
        None => "none".into(),
        Some(Value::String(s)) => ref_name(s).unwrap_or(s).to_string(),
        Some(v) => v.to_string(),
    }
}

/// `x-rules` (cross-field request rules paybind validates): a new rule refuses requests that
/// passed, a dropped one accepts more; a rule whose description alone changed is documentation.
fn rules(ctx: &mut Ctx, at: &str, old: &Value, new: &Value, dir: Direction) {
    let list = |v: &Value| v.get("x-rules").and_then(Value::as_array).cloned();
    let (old, new) = (list(old).unwrap_or_default(), list(new).unwrap_or_default());
    let bare = |rule: &Value| {
        let mut rule = rule.clone();
        if let Some(map) = rule.as_object_mut() {
            map.remove("description");
        }
        rule
    };
    let (old_bare, new_bare): (Vec<Value>, Vec<Value>) = (
        old.iter().map(bare).collect(),
        new.iter().map(bare).collect(),
    );
    let shown = |rule: &Value| {
        let description = rule.get("description").and_then(Value::as_str);
        description.map_or_else(|| rule.to_string(), str::to_string)
    };
    for rule in new.iter().filter(|r| !old_bare.contains(&bare(r))) {
        let impact = if dir.sent {
            Impact::Breaking
        } else {
            Impact::Docs
        };
        ctx.push(at, format!("rule added: {}", shown(rule)), impact, impact);
    }
    for rule in old.iter().filter(|r| !new_bare.contains(&bare(r))) {
        ctx.push(
            at,
            format!("rule dropped: {}", shown(rule)),
            Impact::Docs,
            Impact::Docs,
        );
    }
    if old != new && old_bare == new_bare {
        ctx.push(
            at,
            "rule descriptions changed".into(),
            Impact::Docs,
            Impact::Docs,
        );
    }
}
