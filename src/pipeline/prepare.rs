//! The first stage of the pipeline: a request's one JSON value (or its query pairs) is stamped,
//! checked against the spec while it is still plain, and its `x-sensitive` members encrypted;
//! the body is then serialised once.

use bytes::Bytes;
use serde_json::Value;

use crate::json_text::{self, RawObject};

use super::wire::Wire;
use crate::codes::Code;
use crate::error::{Error, SealError};
use crate::members;
use crate::spec::{is_sensitive, Operation, Spec, ValidationError, Violation};

/// The body of a request: stamped, validated, encrypted, serialised once. The param is JSON
/// text and is edited with each member's text kept ([`RawObject`]), so what is sent has the
/// param's own member order and every digit of its amounts; the validator reads a
/// `serde_json::Value` of it, which is only looked at.
///
/// `problems` are what a builder's setters could not convert (each at its member's path,
/// which the text leaves out): they are reported first, with the spec's violations, in one
/// error; a violation about a member that has a problem (`is required`, a rule naming it) is
/// not reported again.
pub(crate) fn body<C: Code, W: Wire>(
    wire: &W,
    op: &Operation,
    param: &str,
    problems: Vec<Violation>,
) -> Result<Bytes, Error<C>> {
    let spec = wire.gateway().spec();
    let schema = op
        .body_schema
        .ok_or_else(|| ValidationError::new("", format!("{} takes no body", op.id)))?;
    let Ok(mut object) = json_text::object_of(param.as_bytes()) else {
        // Not an object: the validator names what the schema expects instead.
        let value: Value = serde_json::from_str(param).unwrap_or(Value::Null);
        spec.validate(schema, &value)?;
        return Err(ValidationError::new("", "the param must be a JSON object").into());
    };
    if let Some(now) = wire.timestamp() {
        if spec.has_property(schema, "timestamp") {
            stamp(&mut object, now);
        }
    }
    let unwritable = |e: serde_json::Error| SealError::Request(e.to_string());
    let text = json_text::text_of(&object).map_err(unwritable)?;
    let mut checked: Value = serde_json::from_str(&text).map_err(unwritable)?;
    validate_with(spec, schema, &mut checked, problems)?;
    encrypt_members(wire, spec, schema, &mut object)?;
    let text = json_text::text_of(&object).map_err(unwritable)?;
    Ok(text.into())
}

/// Checks a value against a schema of the gateway's spec (a multipart form's fields).
#[cfg(feature = "sgate")]
pub(crate) fn validate<W: Wire>(
    wire: &W,
    schema: &str,
    value: &Value,
) -> Result<(), ValidationError> {
    wire.gateway().spec().validate(schema, value)
}

/// The query of a request: checked against the operation's parameters, sensitive ones
/// encrypted.
pub(crate) fn query<C: Code, W: Wire>(
    wire: &W,
    op: &Operation,
    pairs: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Error<C>> {
    let spec = wire.gateway().spec();
    if op.method == "GET" || !pairs.is_empty() {
        spec.validate_query(op.method, op.path, &pairs)?;
    }
    let sensitive = spec.sensitive_parameters(op.method, op.path);
    let mut out = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let value = if sensitive.contains(&name) {
            wire.encrypt(&name, &value)?
        } else {
            value
        };
        out.push((name, value));
    }
    Ok(out)
}

/// Puts `timestamp` where the model would: typify orders members by name, so the stamp keeps
/// the param in the model's order.
fn stamp(object: &mut RawObject, now: i64) {
    if object
        .get("timestamp")
        .is_some_and(|raw| raw.get().trim() != "null")
    {
        return;
    }
    object.shift_remove("timestamp");
    let Ok(stamp) = json_text::raw_of(now.to_string()) else {
        return;
    };
    let at = object
        .keys()
        .position(|k| k.as_str() > "timestamp")
        .unwrap_or(object.len());
    object.shift_insert(at, "timestamp".into(), stamp);
}

/// Encrypts, in place, the members of a body whose property is `x-sensitive`.
fn encrypt_members<W: Wire>(
    wire: &W,
    spec: &Spec,
    schema: &str,
    object: &mut RawObject,
) -> Result<(), SealError> {
    let properties = spec
        .schema(schema)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object);
    let Some(properties) = properties else {
        return Ok(());
    };
    for (name, _) in properties.iter().filter(|(_, p)| is_sensitive(p)) {
        let Some(member) = object.get_mut(name) else {
            continue;
        };
        if let Some(plain) = json_text::as_string(member) {
            let sealed = wire.encrypt(name, &plain)?;
            *member =
                json_text::string_value(&sealed).map_err(|e| SealError::Request(e.to_string()))?;
        }
    }
    Ok(())
}

/// Checks `value` against `schema`, a builder's conversion `problems` first. A member with a
/// problem was left out of the text; it is checked as given (a placeholder stands in for it,
/// so that neither `required` nor a rule such as "one of customid, mercustomid" reports it
/// missing), and whatever the spec says of it is dropped: its problem says it.
fn validate_with(
    spec: &Spec,
    schema: &str,
    value: &mut Value,
    problems: Vec<Violation>,
) -> Result<(), ValidationError> {
    for problem in &problems {
        stand_in(value, &problem.field);
    }
    let violations = match spec.validate(schema, value) {
        Ok(()) => Vec::new(),
        Err(e) => e.violations(),
    };
    let violations = violations
        .into_iter()
        .filter(|v| !problems.iter().any(|p| members::covers(&p.field, &v.field)));
    let all: Vec<Violation> = problems.iter().cloned().chain(violations).collect();
    members::combine(all)
}

/// Puts a placeholder (an empty object, equal to no documented value) at `path`
/// (`items[1].amount`) of `value`, where that member is absent.
fn stand_in(value: &mut Value, path: &str) {
    if path.is_empty() {
        return;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let mut at = value;
    for (position, part) in parts.iter().enumerate() {
        let (name, indices) = part.split_once('[').map_or((*part, ""), |(n, i)| (n, i));
        let Some(object) = at.as_object_mut() else {
            return;
        };
        if position + 1 == parts.len() && indices.is_empty() {
            object
                .entry(name)
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            return;
        }
        let Some(member) = object.get_mut(name) else {
            return;
        };
        at = member;
        for index in indices.split('[').map(|i| i.trim_end_matches(']')) {
            let Some(item) = index
                .parse::<usize>()
                .ok()
                .and_then(|i| at.as_array_mut()?.get_mut(i))
            else {
                return;
            };
            at = item;
        }
    }
}

/// The `mchOrderId` of a param's JSON text, for the call's span.
#[cfg(any(feature = "envelope", feature = "sgate"))]
pub(crate) fn order_id(param: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct OrderId {
        #[serde(rename = "mchOrderId")]
        mch_order_id: Option<String>,
    }
    serde_json::from_str::<OrderId>(param).ok()?.mch_order_id
}

/// The `mchOrderId` of a JSON param, for the call's span.
#[cfg(feature = "sgate")]
pub(crate) fn order_id_of(param: &Value) -> Option<&str> {
    param.get("mchOrderId").and_then(Value::as_str)
}

/// A JSON object of query parameters as name/value pairs, in its order (`null` members
/// dropped).
#[cfg(feature = "sgate")]
pub(crate) fn query_pairs(param: Value) -> Result<Vec<(String, String)>, ValidationError> {
    let object = match param {
        Value::Object(object) => object,
        Value::Null => serde_json::Map::new(),
        _ => {
            return Err(ValidationError::new(
                "",
                "query parameters must be a JSON object",
            ))
        }
    };
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        if let Some(text) = scalar_text(&name, value)? {
            pairs.push((name, text));
        }
    }
    Ok(pairs)
}

/// The query of a generated query builder: its pairs, in its order (unset parameters left
/// out), and what its setters could not make a query value of (a list, an object).
#[cfg(feature = "sgate")]
#[derive(Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
    problems: Vec<Violation>,
}

#[cfg(feature = "sgate")]
impl Query {
    /// A query of ready pairs (a status query by the key a reconciled call looks up).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self {
            pairs,
            problems: Vec::new(),
        }
    }

    /// The value of parameter `name`, when the query sets it.
    pub(crate) fn value_of(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(pair_name, _)| pair_name == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The [`Query`] of a generated query builder's members.
#[cfg(feature = "sgate")]
pub(crate) fn query_pairs_of(query: members::Members) -> Query {
    let mut problems = query.problems();
    let mut pairs = Vec::new();
    for (name, raw) in query.set_members() {
        let Ok(value) = serde_json::from_str::<Value>(raw.get()) else {
            continue;
        };
        match scalar_text(name, value) {
            Ok(Some(text)) => pairs.push((name.to_string(), text)),
            Ok(None) => {}
            Err(e) => problems.extend(e.violations()),
        }
    }
    Query { pairs, problems }
}

/// The pairs of a typed query, or its problems with every rule of the spec its pairs break, at
/// once (a parameter with a problem is not reported again). Without problems the pairs go on
/// as they are: [`query`] checks them when they are sent.
#[cfg(feature = "sgate")]
pub(crate) fn query_checked<W: Wire>(
    wire: &W,
    op: &Operation,
    query: Query,
) -> Result<Vec<(String, String)>, ValidationError> {
    let Query { pairs, problems } = query;
    if problems.is_empty() {
        return Ok(pairs);
    }
    let spec = wire.gateway().spec();
    let violations = match spec.validate_query(op.method, op.path, &pairs) {
        Ok(()) => Vec::new(),
        Err(e) => e.violations(),
    };
    let violations = violations
        .into_iter()
        .filter(|v| !problems.iter().any(|p| members::covers(&p.field, &v.field)));
    members::combine(problems.iter().cloned().chain(violations).collect())?;
    Ok(pairs)
}

/// A query parameter's text: a string as it is, a number or boolean as JSON writes it, `null`
/// left out.
#[cfg(feature = "sgate")]
fn scalar_text(name: &str, value: Value) -> Result<Option<String>, ValidationError> {
    Ok(Some(match value {
        Value::Null => return Ok(None),
        Value::String(text) => text,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) | Value::Object(_) => {
            return Err(ValidationError::new(
                name,
                "a query parameter must be a string, number or boolean",
            ))
        }
    }))
}
