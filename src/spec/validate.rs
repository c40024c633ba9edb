//! A JSON value checked against a component schema: the YAML's own constraints (`required`,
//! lengths, `pattern`, `enum`, bounds, `additionalProperties: false`), each object's `x-rules`
//! included.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use super::rules::check_rule;
use super::{Spec, ValidationError};

impl Spec {
    pub(super) fn check_resolved(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
    ) -> Result<(), ValidationError> {
        let schema = self.resolve(schema)?;
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return Ok(());
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let errors = all
                .iter()
                .filter_map(|part| self.check(part, value, path).err());
            ValidationError::combine(errors.collect())?;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let matching = options
                    .iter()
                    .filter(|o| self.check(o, value, path).is_ok())
                    .count();
                if matching == 0 {
                    return Err(ValidationError::new(
                        path,
                        "matches none of the allowed shapes",
                    ));
                }
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
                return Err(ValidationError::new(
                    path,
                    format!("must be one of {}", list.join(", ")),
                ));
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => self.check_object(schema, value, path),
            Some("array") => self.check_array(schema, value, path),
            Some("string") => check_string(schema, value, path),
            Some("integer") => check_number(schema, value, path, true),
            Some("number") => check_number(schema, value, path, false),
            Some("boolean") if !value.is_boolean() => {
                Err(ValidationError::new(path, "expected true or false"))
            }
            _ => Ok(()),
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
    ) -> Result<(), ValidationError> {
        let object = value
            .as_object()
            .ok_or_else(|| ValidationError::new(path, "expected an object"))?;
        let properties = schema.get("properties").and_then(Value::as_object);
        // Every broken rule of the object is reported, not only the first.
        let mut errors = Vec::new();
        for name in strings(schema.get("required")) {
            if object.get(name).is_none_or(Value::is_null) {
                errors.push(ValidationError::new(join(path, name), "is required"));
            }
        }
        for (name, field) in object {
            let field_path = join(path, name);
            let checked = match properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, field, &field_path),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => Err(ValidationError::new(
                        field_path,
                        "is not a field of this request",
                    )),
                    Some(extra @ Value::Object(_)) => self.check(extra, field, &field_path),
                    _ => Ok(()),
                },
            };
            errors.extend(checked.err());
        }
        if let Some(rules) = schema.get("x-rules").and_then(Value::as_array) {
            for rule in rules {
                errors.extend(check_rule(rule, object, path).err());
            }
        }
        ValidationError::combine(errors)
    }

    fn check_array(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
    ) -> Result<(), ValidationError> {
        let items = value
            .as_array()
            .ok_or_else(|| ValidationError::new(path, "expected a list"))?;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                return Err(ValidationError::new(
                    path,
                    format!("needs at least {min} items"),
                ));
            }
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
            if items.len() as u64 > max {
                return Err(ValidationError::new(
                    path,
                    format!("allows at most {max} items"),
                ));
            }
        }
        let mut errors = Vec::new();
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                errors.extend(
                    self.check(item_schema, item, &format!("{path}[{index}]"))
                        .err(),
                );
            }
        }
        ValidationError::combine(errors)
    }
}

pub(super) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

pub(super) fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn check_string(schema: &Value, value: &Value, path: &str) -> Result<(), ValidationError> {
    let text = value
        .as_str()
        .ok_or_else(|| ValidationError::new(path, "expected a string"))?;
    let length = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        if length < min {
            return Err(ValidationError::new(
                path,
                format!("shorter than {min} characters"),
            ));
        }
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        if length > max {
            return Err(ValidationError::new(
                path,
                format!("longer than {max} characters"),
            ));
        }
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        if !pattern_matches(pattern, text) {
            return Err(ValidationError::new(
                path,
                format!("does not match {pattern}"),
            ));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date")
        && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err()
    {
        return Err(ValidationError::new(path, "expected a date yyyy-MM-dd"));
    }
    Ok(())
}

/// Patterns are compiled once; the specs hold a few dozen.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regress::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache
        .entry(pattern.to_string())
        .or_insert_with(|| regress::Regex::new(pattern).ok());
    regex.as_ref().is_some_and(|r| r.find(text).is_some())
}

fn check_number(
    schema: &Value,
    value: &Value,
    path: &str,
    integer: bool,
) -> Result<(), ValidationError> {
    let number = value
        .as_number()
        .ok_or_else(|| ValidationError::new(path, "expected a number"))?;
    if integer && !(number.is_i64() || number.is_u64()) {
        return Err(ValidationError::new(path, "expected a whole number"));
    }
    let n = number.as_f64().unwrap_or(f64::NAN);
    // OpenAPI 3.0: `exclusiveMinimum: true` makes `minimum` a bound the value may not reach.
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if exclusive("exclusiveMinimum") && n <= min {
            return Err(ValidationError::new(
                path,
                format!("must be greater than {min}"),
            ));
        }
        if n < min {
            return Err(ValidationError::new(
                path,
                format!("must be at least {min}"),
            ));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if exclusive("exclusiveMaximum") && n >= max {
            return Err(ValidationError::new(
                path,
                format!("must be less than {max}"),
            ));
        }
        if n > max {
            return Err(ValidationError::new(path, format!("must be at most {max}")));
        }
    }
    if schema.get("multipleOf").and_then(Value::as_f64) == Some(0.01) {
        let text = number.to_string();
        let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
        if decimals > 2 || text.contains(['e', 'E']) {
            return Err(ValidationError::new(path, "more than two fraction digits"));
        }
    }
    Ok(())
}
