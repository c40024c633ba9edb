//! Any SGATE operation by `operationId` with a JSON param, for tools such as the `paybind`
//! command line: POST operations take their body (the generated `call_json`), GET operations
//! their query parameters as a JSON object. Both take the one pipeline — validation against the
//! spec, encryption of sensitive members, signing, verification of the answer and decryption —
//! and the answer's envelope is decoded as the operation's generated model before its `data` is
//! returned.

use serde_json::Value;

use super::{Client, Error, ResultCode};
use crate::pipeline::{query_pairs, Body, Opened};
use crate::spec::{Operation, ValidationError};

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
        let op = super::Operation::from_id(operation_id)
            .map(super::Operation::spec)
            .ok_or_else(|| {
                // The id is the caller's text: the reason names the rule only.
                ValidationError::new("operationId", "is not an operation of this gateway")
            })?;
        if op.manual {
            return Err(ValidationError::new(
                "operationId",
                format!(
                    "{} is not a JSON operation (file upload or download)",
                    op.id
                ),
            )
            .into());
        }
        if op.method != "GET" {
            return self.call_json(operation_id, param).await;
        }
        let pipeline = &self.pipeline();
        let order_id = crate::pipeline::order_id_of(&param).map(str::to_string);
        pipeline
            .run(op, order_id.as_deref(), async move {
                let query = query_pairs(param)?;
                let opened = pipeline
                    .exchange::<ResultCode>(op, query, Body::Empty)
                    .await?;
                Self::data_of(op, &opened)
            })
            .await
    }

    /// The `data` of a GET's opened answer, checked by decoding it as the generated model.
    fn data_of(op: &Operation, opened: &Opened) -> Result<Value, Error> {
        let decode = |reason: String| Error::decode(reason, opened.raw());
        let envelope: Value =
            serde_json::from_slice(&opened.body).map_err(|e| decode(e.to_string()))?;
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
