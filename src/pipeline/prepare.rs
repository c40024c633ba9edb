//! The first stage of the pipeline: a request's one JSON value (or its query pairs) is stamped,
//! checked against the spec while it is still plain, and its `x-sensitive` members encrypted;
//! the body is then serialised once. Also the one reading of the generated builders' messages.

use bytes::Bytes;
use serde_json::Value;

use crate::json_text::{self, RawObject};

use super::wire::{GatewayCode, Wire};
use crate::codes::Code;
use crate::error::{Error, SealError};
use crate::spec::{is_sensitive, Operation, Spec, ValidationError};

/// The body of a request: stamped, validated, encrypted, serialised once. The param is JSON
/// text and is edited with each member's text kept ([`RawObject`]), so what is sent has the
/// param's own member order and every digit of its amounts; the validator reads a
/// `serde_json::Value` of it, which is only looked at.
pub(crate) fn body<C: Code, W: Wire>(
    wire: &W,
    op: &Operation,
    param: &str,
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
    let checked: Value = serde_json::from_str(&text).map_err(unwritable)?;
    spec.validate(schema, &checked)?;
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

/// A message of the generated code as a [`ValidationError`] naming the spec's field. The
/// messages are the generated code's own (typify builders: "error converting supplied value
/// for {field}: {reason}", "no value supplied for {field}"; progenitor query builders:
/// "conversion to `{Type}` for {field} failed"); paybind's own failures never pass through here.
pub(crate) fn builder_error(gateway: &GatewayCode, message: &str) -> ValidationError {
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

/// The JSON text a typed param serialises to: its members in the model's order, its amounts
/// with every digit.
pub(crate) fn to_text<T: serde::Serialize>(param: &T) -> Result<String, ValidationError> {
    // The one place a request's sensitive members serialise in plain text: they are encrypted
    // (prepare::body) before anything is sent.
    crate::secret::with_plaintext(|| serde_json::to_string(param))
        .map_err(|e| ValidationError::new("", format!("param cannot be serialised: {e}")))
}

/// The `mchOrderId` of a param's JSON text, for the call's span.
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

/// Adds a typed query parameter (a field of a generated query builder) as its text: `Err` is a
/// value its setter could not convert, `None` one not set.
#[cfg(feature = "sgate")]
pub(crate) fn query_pair<T: serde::Serialize>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: Result<Option<T>, ()>,
) -> Result<(), ValidationError> {
    let refused = || ValidationError::new(name, "is not a valid value for this parameter");
    let Some(value) = value.map_err(|()| refused())? else {
        return Ok(());
    };
    // A sensitive filter serialises in plain text here, as a body's members do in `to_text`:
    // `query` encrypts it before anything is sent.
    let value =
        crate::secret::with_plaintext(|| serde_json::to_value(&value)).map_err(|_| refused())?;
    if let Some(text) = scalar_text(name, value)? {
        pairs.push((name.to_string(), text));
    }
    Ok(())
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
