//! The spec's conditional `x-rules` (see `openapi/CONVENTIONS.md`): fields required, one of a
//! set required, or values allowed only when a condition on other fields holds.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::validate::{join, strings};
use super::ValidationError;

/// Evaluates one `x-rules` entry (see `openapi/CONVENTIONS.md`).
pub(super) fn check_rule(
    rule: &Value,
    object: &Map<String, Value>,
    path: &str,
) -> Result<(), ValidationError> {
    let condition = rule.get("if").and_then(Value::as_object);
    if let Some(condition) = condition {
        let holds = condition.iter().all(|(field, allowed)| {
            let allowed = allowed.as_array().map(Vec::as_slice).unwrap_or_default();
            object.get(field).is_some_and(|v| allowed.contains(v))
        });
        if !holds {
            return Ok(());
        }
    }
    let present = |name: &str| object.get(name).is_some_and(|v| !v.is_null());
    // `if-present: [a, b]`: the rule applies only when every listed property is present.
    let given: Vec<&str> = strings(rule.get("if-present")).collect();
    if !given.iter().all(|name| present(name)) {
        return Ok(());
    }
    let mut because = condition.map(describe_condition).unwrap_or_default();
    if !given.is_empty() {
        let sep = if because.is_empty() { " when" } else { " and" };
        let _ = write!(because, "{sep} {} is given", given.join(" and "));
    }
    let missing: Vec<ValidationError> = strings(rule.get("require"))
        .filter(|name| !present(name))
        .map(|name| ValidationError::new(join(path, name), format!("is required{because}")))
        .collect();
    ValidationError::combine(missing)?;
    let one_of: Vec<&str> = strings(rule.get("require-one-of")).collect();
    if !one_of.is_empty() && !one_of.iter().any(|name| present(name)) {
        return Err(ValidationError::new(
            join(path, one_of[0]),
            format!("one of {} is required{because}", one_of.join(", ")),
        ));
    }
    if let Some(allow) = rule.get("allow").and_then(Value::as_object) {
        for (name, allowed) in allow {
            let allowed = allowed.as_array().map(Vec::as_slice).unwrap_or_default();
            if let Some(v) = object.get(name).filter(|v| !v.is_null()) {
                if !allowed.contains(v) {
                    let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
                    return Err(ValidationError::new(
                        join(path, name),
                        format!("must be one of {}{because}", list.join(", ")),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn describe_condition(condition: &Map<String, Value>) -> String {
    let mut text = String::from(" when");
    for (i, (field, values)) in condition.iter().enumerate() {
        let values: Vec<String> = values
            .as_array()
            .map(|a| a.iter().map(Value::to_string).collect())
            .unwrap_or_default();
        let sep = if i == 0 { "" } else { " and" };
        let _ = write!(text, "{sep} {field} is {}", values.join(" or "));
    }
    text
}
