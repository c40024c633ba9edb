//! The one JSON object `call_json` takes for an SGATE Payin operation (the `paybind` command
//! line's `--param`): its path parameters by their names (`ORDER_ID`), its header parameters by
//! theirs (`x-auth-uuid`) and its body's members, side by side. The names cannot meet: the
//! spec's path parameters are upper case, its headers have dashes, its bodies' members neither.

use serde_json::{Map, Value};

use crate::spec::ValidationError;

/// A `call_json` param being taken apart.
pub(crate) struct JsonParam {
    members: Map<String, Value>,
}

impl JsonParam {
    /// The param, which must be an object (or `null`, an empty one).
    pub(crate) fn new(param: Value) -> Result<Self, ValidationError> {
        match param {
            Value::Object(members) => Ok(Self { members }),
            Value::Null => Ok(Self {
                members: Map::new(),
            }),
            _ => Err(ValidationError::new("", "the param must be a JSON object")),
        }
    }

    /// Takes out the text of the path or header parameter `name`, which must be there.
    pub(crate) fn required(&mut self, name: &str) -> Result<String, ValidationError> {
        match self.members.remove(name) {
            Some(Value::String(text)) => Ok(text),
            // The value is not repeated: it may be a secret given in the wrong member.
            Some(_) => Err(ValidationError::new(name, "must be a string")),
            None => Err(ValidationError::new(name, "is required")),
        }
    }

    /// What is left: the body.
    pub(crate) fn into_body(self) -> Value {
        Value::Object(self.members)
    }

    /// Nothing may be left for an operation without a body.
    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        let errors = self
            .members
            .keys()
            .map(|name| ValidationError::new(name, "is not a parameter of this operation"))
            .collect();
        ValidationError::combine(errors)
    }
}
