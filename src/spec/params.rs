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

/// A serde message without the value it quotes: `invalid type: integer `5123450000000001`,
/// expected a string` becomes `invalid type, expected a string`. The value may be a card
/// number given with the wrong type; an error never repeats it.
#[doc(hidden)]
pub fn without_value(message: &str) -> String {
    for kind in ["invalid type", "invalid value", "invalid length"] {
        if let Some(rest) = message
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(": "))
        {
            return match rest.rfind(", expected ") {
                Some(at) => format!("{kind}{}", &rest[at..]),
                None => kind.to_string(),
            };
        }
    }
    message.to_string()
}

/// Encodes a response's data as JSON, sensitive members in plain text: `call_json` returns
/// the decrypted answer it documents (take care where it goes).
#[doc(hidden)]
pub fn to_json_data<T: serde::Serialize>(data: &T) -> Result<Value, ValidationError> {
    crate::secret::with_plaintext(|| serde_json::to_value(data))
        .map_err(|e| ValidationError::new("", e.to_string()))
}
