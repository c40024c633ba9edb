//! Any SGATE operation by `operationId` with a JSON param, for tools such as the `paybind`
//! command line: POST operations take their body (the generated `call_json`), GET operations
//! their query parameters as a JSON object. Both go through the same hooks as the typed methods
//! — validation against the spec, encryption of sensitive members, signing, verification of the
//! answer and decryption — and the answer's envelope is decoded as the operation's generated
//! model before its `data` is returned.

use progenitor_client::ClientInfo as _;
use serde_json::{Map, Value};
use tracing::Instrument as _;

use super::call::{builder_error, transport, unexpected};
use super::errors::Error;
use super::hooks::{prepare, send};
use super::Client;
use crate::spec::ValidationError;

impl Client {
    /// Calls the operation `operation_id` with a JSON param and returns its `data` as JSON, with
    /// sensitive members decrypted (plain text: take care where it goes).
    ///
    /// For a POST operation `param` is the request body, as with [`Client::call_json`]. For a
    /// GET operation it is an object of query parameters (`{"pagesize": 50, "cardno": "…"}`;
    /// strings, numbers and booleans), checked against the spec's parameters before anything
    /// is sent. The multipart upload and the statement file are not JSON operations: use
    /// [`Client::customer_file_upload`] and [`Client::statement_download`].
    pub async fn call_json_any(&self, operation_id: &str, param: Value) -> Result<Value, Error> {
        let op = super::operations()
            .iter()
            .find(|op| op.id == operation_id)
            .ok_or_else(|| {
                ValidationError::new("operationId", format!("unknown operation {operation_id}"))
            })?;
        if op.manual {
            return Err(ValidationError::new(
                "operationId",
                format!("{operation_id} is not a JSON operation (file upload or download)"),
            )
            .into());
        }
        if op.method != "GET" {
            return self.call_json(operation_id, param).await;
        }
        let pairs = query_pairs(param)?;
        let generated = &self.generated;
        let mut url = reqwest::Url::parse(&format!("{}{}", generated.baseurl(), op.path))
            .map_err(|e| ValidationError::new("", format!("bad base URL: {e}")))?;
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(&pairs);
        }
        let mut request = generated
            .client()
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .build()
            .map_err(transport)?;
        let info = progenitor_client::OperationInfo {
            operation_id: op.id,
        };
        let ctx = self.context();
        if let Err(e) = prepare::<()>(ctx, &mut request, &info).await {
            return Err(match e {
                progenitor_client::Error::InvalidRequest(message) => builder_error(&message).into(),
                other => Error::Signing(other.to_string()),
            });
        }
        let span = tracing::info_span!("paybind.call", gateway = "sgate", operation = op.id);
        let response = send(generated.client(), ctx, request)
            .instrument(span)
            .await
            .map_err(transport)?;
        if response.status() != http::StatusCode::OK {
            return Err(unexpected(response).await);
        }
        let body = response.bytes().await.map_err(transport)?;
        let decode = |reason: String| Error::Decode {
            reason,
            raw: super::hooks::redact(&body),
        };
        let envelope: Value = serde_json::from_slice(&body).map_err(|e| decode(e.to_string()))?;
        // Decoding the envelope as the generated model checks the answer as the typed method
        // would; its re-encoding is what is returned.
        let typed = match op.response_schema {
            Some(schema) => match super::roundtrip_schema(schema, envelope) {
                Some(result) => result.map_err(|e| decode(e.to_string()))?,
                None => return Err(decode(format!("no model named {schema}"))),
            },
            None => envelope,
        };
        match typed {
            Value::Object(mut map) => Ok(map.remove("data").unwrap_or(Value::Null)),
            _ => Err(decode("answer is not a JSON object".into())),
        }
    }
}

/// The query pairs of a JSON object of scalars, in its order.
fn query_pairs(param: Value) -> Result<Vec<(String, String)>, ValidationError> {
    let object = match param {
        Value::Object(object) => object,
        Value::Null => Map::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_keep_scalars_and_refuse_structures() {
        let pairs = query_pairs(serde_json::json!({"pageno": 2, "name_e": "A B", "x": null}))
            .map_err(|e| e.to_string());
        assert_eq!(
            pairs,
            Ok(vec![
                ("pageno".to_string(), "2".to_string()),
                ("name_e".to_string(), "A B".to_string())
            ])
        );
        assert!(query_pairs(serde_json::json!({"a": [1]})).is_err());
        assert!(query_pairs(serde_json::json!([1])).is_err());
        assert_eq!(query_pairs(Value::Null).map(|p| p.len()), Ok(0));
    }
}
