//! The first stage of the pipeline: a request's one JSON value (or its query pairs) is stamped,
//! checked against the spec while it is still plain, and its `x-sensitive` members encrypted;
//! the body is then serialised once. Also the one reading of the generated builders' messages.

use bytes::Bytes;
use serde_json::Value;

use super::wire::{Gateway, Wire};
use crate::codes::Code;
use crate::error::{Error, SealError};
use crate::spec::{is_sensitive, Operation, Spec, ValidationError};

/// The body of a request: stamped, validated, encrypted, serialised once.
pub(crate) fn body<C: Code, W: Wire>(
    wire: &W,
    op: &Operation,
    mut value: Value,
) -> Result<Bytes, Error<C>> {
    let spec = (wire.gateway().spec)();
    let schema = op
        .body_schema
        .ok_or_else(|| ValidationError::new("", format!("{} takes no body", op.id)))?;
    if let Some(now) = wire.timestamp() {
        if spec.has_property(schema, "timestamp") {
            stamp(&mut value, now);
        }
    }
    spec.validate(schema, &value)?;
    encrypt_members(wire, spec, schema, &mut value)?;
    let bytes = serde_json::to_vec(&value).map_err(|e| SealError::Request(e.to_string()))?;
    Ok(bytes.into())
}

/// Checks a value against a schema of the gateway's spec (a multipart form's fields).
#[cfg(feature = "sgate")]
pub(crate) fn validate<W: Wire>(
    wire: &W,
    schema: &str,
    value: &Value,
) -> Result<(), ValidationError> {
    (wire.gateway().spec)().validate(schema, value)
}

/// The query of a request: checked against the operation's parameters, sensitive ones
/// encrypted.
pub(crate) fn query<C: Code, W: Wire>(
    wire: &W,
    op: &Operation,
    pairs: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Error<C>> {
    let spec = (wire.gateway().spec)();
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
fn stamp(value: &mut Value, now: i64) {
    let Value::Object(map) = value else { return };
    if !map.get("timestamp").is_none_or(Value::is_null) {
        return;
    }
    map.remove("timestamp");
    let at = map
        .keys()
        .position(|k| k.as_str() > "timestamp")
        .unwrap_or(map.len());
    map.shift_insert(at, "timestamp".into(), now.into());
}

/// Encrypts, in place, the members of a body whose property is `x-sensitive`.
fn encrypt_members<W: Wire>(
    wire: &W,
    spec: &Spec,
    schema: &str,
    value: &mut Value,
) -> Result<(), SealError> {
    let properties = spec
        .schema(schema)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object);
    let (Some(properties), Value::Object(object)) = (properties, value) else {
        return Ok(());
    };
    for (name, _) in properties.iter().filter(|(_, p)| is_sensitive(p)) {
        if let Some(Value::String(plain)) = object.get_mut(name) {
            *plain = wire.encrypt(name, plain)?;
        }
    }
    Ok(())
}

/// A message of the generated code as a [`ValidationError`] naming the spec's field. The
/// messages are the generated code's own (typify builders: "error converting supplied value
/// for {field}: {reason}", "no value supplied for {field}"; progenitor query builders:
/// "conversion to `{Type}` for {field} failed"); paybind's own failures never pass through here.
pub(crate) fn builder_error(gateway: &Gateway, message: &str) -> ValidationError {
    let field = |rust: &str| {
        let rust = rust.trim();
        (gateway.spec_field_name)(rust).unwrap_or(rust).to_string()
    };
    if let Some((name, reason)) = message
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        return ValidationError::new(field(name), crate::spec::without_value(reason));
    }
    if let Some(name) = message.strip_prefix("no value supplied for ") {
        return ValidationError::new(field(name), "is required");
    }
    if let Some(name) = message
        .split_once("` for ")
        .and_then(|(_, rest)| rest.strip_suffix(" failed"))
    {
        return ValidationError::new(field(name), "is not a valid value for this parameter");
    }
    ValidationError::new("", message)
}

/// The JSON object a typed value serialises to, for the one `Value` of a request.
pub(crate) fn to_value<T: serde::Serialize>(param: &T) -> Result<Value, ValidationError> {
    // The one place a request's sensitive members serialise in plain text: they are encrypted
    // (prepare::body) before anything is sent.
    crate::secret::with_plaintext(|| serde_json::to_value(param))
        .map_err(|e| ValidationError::new("", format!("param cannot be serialised: {e}")))
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
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(ValidationError::new(
                    name,
                    "a query parameter must be a string, number or boolean",
                ))
            }
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}
