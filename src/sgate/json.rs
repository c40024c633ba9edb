//! The GET half of the generated `call_json`: an SGATE query operation with its parameters as a
//! JSON object, for tools such as the `paybind` command line. It takes the one pipeline —
//! validation against the spec, encryption of sensitive members, signing, verification of the
//! answer and decryption — and the answer's envelope is decoded as the operation's generated
//! model before its `data` is returned.

use serde_json::Value;

use super::{Client, Error, ResultCode};
use crate::pipeline::{query_pairs, Body, Opened};
use crate::spec::Operation;

impl Client {
    /// Calls the GET operation `op` with its query parameters given as a JSON object
    /// (`call_json`'s GET arm).
    pub(crate) async fn call_json_query(
        &self,
        op: &'static Operation,
        param: Value,
    ) -> Result<Value, Error> {
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
