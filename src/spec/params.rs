//! The JSON face of the generated models: a param checked against the spec and decoded into the
//! operation's model, serde's messages without the values they quote, and response data as
//! JSON.

use serde_json::Value;

use super::{Spec, ValidationError};

/// Checks a JSON param against the spec's schema `schema` (every broken rule, in the API's
/// terms), then decodes it into the operation's model.
#[doc(hidden)]
pub fn from_json_param_in<T: serde::de::DeserializeOwned>(
    spec: &Spec,
    schema: &str,
    param: Value,
) -> Result<T, ValidationError> {
    spec.validate(schema, &param)?;
    from_json_param(param)
}

/// Decodes a JSON param into an operation's model; a misfit names the field.
#[doc(hidden)]
pub fn from_json_param<T: serde::de::DeserializeOwned>(param: Value) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize(param).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        ValidationError::new(field, without_value(&e.inner().to_string()))
    })
}

/// A serde message without the values it quotes: `invalid type: integer `5123450000000001`,
/// expected a string` becomes `invalid type, expected a string`. The value may be a card
/// number given with the wrong type, or a decrypted member; an error never repeats it.
///
/// Every shape of serde's and serde_json's messages that quotes input is cut, wherever it
/// stands in the message (a caller may have prefixed it): `invalid type: …`, `invalid value:
/// …`, `invalid length …`, `unknown variant `…``, and a custom message's quoted `, got "…"` (to
/// its end). What remains names the rule (`expected …`, from the model) and, from serde_json, the
/// position. Field names (`unknown field `x``, `missing field `x``) are kept: they name the
/// field, as a validation error does. The sandbox's admin API and fixture loader cut their
/// messages with it too.
pub fn without_value(message: &str) -> String {
    /// What starts a quoted value, and what is kept of it.
    const SHAPES: [(&str, &str); 4] = [
        ("invalid type: ", "invalid type"),
        ("invalid value: ", "invalid value"),
        ("invalid length ", "invalid length"),
        ("unknown variant `", "unknown variant"),
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((at, marker, kept)) = SHAPES
        .iter()
        .filter_map(|&(marker, kept)| rest.find(marker).map(|at| (at, marker, kept)))
        .min_by_key(|&(at, ..)| at)
    {
        out.push_str(&rest[..at]);
        out.push_str(kept);
        let after = &rest[at + marker.len()..];
        // The value runs to the last `, expected` (or serde's `, there are no variants`): the
        // value itself may contain the words. With neither, all of the rest may be value.
        rest = [", expected ", ", there are no "]
            .iter()
            .filter_map(|tail| after.rfind(tail))
            .max()
            .map_or("", |end| &after[end..]);
    }
    out.push_str(rest);
    // A custom message (a `FromStr` error passed on by serde) that quotes what it was given;
    // `, got a JSON envelope` quotes nothing and stays.
    if let Some(at) = [", got \"", ", got `"]
        .iter()
        .filter_map(|quoted| out.find(quoted))
        .min()
    {
        out.truncate(at);
    }
    out
}

/// Encodes a response's data as JSON, sensitive members in plain text: `call_json` returns
/// the decrypted answer it documents (take care where it goes).
#[doc(hidden)]
pub fn to_json_data<T: serde::Serialize>(data: &T) -> Result<Value, ValidationError> {
    crate::secret::with_plaintext(|| serde_json::to_value(data))
        .map_err(|e| ValidationError::new("", e.to_string()))
}
