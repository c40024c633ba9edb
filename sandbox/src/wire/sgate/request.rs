//! What an SGATE request carries, read as SGATE reads it: the query (sensitive parameters
//! decrypted with the system private key), the JSON body (sensitive members decrypted) or the
//! multipart form of the file upload, each checked against the spec (1102 missing, 1103
//! invalid, 1203 not decryptable).

use axum::body::{Body, Bytes};
use serde_json::{json, Map, Value};

use crate::base::gateway::Gateway;
use crate::base::http::Fail;
use crate::base::shared::Shared;

const GATEWAY: Gateway = Gateway::Sgate;

/// A request's content, read and checked.
pub struct Incoming {
    /// The body (sensitive members decrypted; the form fields of a multipart upload).
    pub body: Value,
    /// The query, numbers as numbers.
    pub query: Map<String, Value>,
    /// The uploaded file and its name.
    pub file: Option<(Vec<u8>, String)>,
}

fn validation_fail(error: &paybind::spec::ValidationError) -> Fail {
    let code = if error.reason.starts_with("is required") || error.reason.starts_with("one of") {
        1102
    } else if error.field == "amount" && error.reason.starts_with("must be greater than") {
        // A payment order's amount of 0 or less: SGATE's own code for it.
        1404
    } else {
        1103
    };
    Fail::new(GATEWAY, code, error.to_string())
}

/// Reads and checks the query and body of a request to the operation `operation_spec` describes
/// (`url`: path and query as received).
pub async fn read_request(
    shared: &Shared,
    operation_spec: &paybind::spec::Operation,
    url: &str,
    content_type: &str,
    multipart: bool,
    body: Bytes,
) -> Result<Incoming, Fail> {
    let spec = paybind::sgate::spec();
    let system = &shared.keys.sgate_system;
    let sensitive_parameters =
        spec.sensitive_parameters(operation_spec.method, operation_spec.path);
    let query_text = url.split_once('?').map(|(_, query)| query).unwrap_or("");
    let mut pairs = Vec::new();
    for (name, value) in form_urlencoded(query_text) {
        let value = if sensitive_parameters.contains(&name) {
            paybind::sgate::crypto::decrypt_field(system, &value)
                .map_err(|_| Fail::new(GATEWAY, 1203, &name))?
                .into_inner()
        } else {
            value
        };
        pairs.push((name, value));
    }
    if operation_spec.method == "GET" || !pairs.is_empty() {
        spec.validate_query(operation_spec.method, operation_spec.path, &pairs)
            .map_err(|e| validation_fail(&e))?;
    }
    let mut query = Map::new();
    let parameters = spec
        .operation(operation_spec.method, operation_spec.path)
        .and_then(|operation| operation.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (name, text) in pairs {
        let numeric = parameters.iter().any(|parameter| {
            parameter.get("name").and_then(Value::as_str) == Some(name.as_str())
                && matches!(
                    parameter.pointer("/schema/type").and_then(Value::as_str),
                    Some("integer" | "number")
                )
        });
        let value = if numeric {
            text.parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(text))
        } else {
            Value::String(text)
        };
        query.insert(name, value);
    }

    if multipart {
        return read_multipart(operation_spec, content_type, body, query).await;
    }
    let Some(schema) = operation_spec.body_schema else {
        return Ok(Incoming {
            body: Value::Null,
            query,
            file: None,
        });
    };
    let mut value: Value =
        serde_json::from_slice(&body).map_err(|_| Fail::new(GATEWAY, 1103, "body is not JSON"))?;
    if let (Some(properties), Value::Object(object)) = (
        spec.schema(schema)
            .and_then(|definition| definition.get("properties"))
            .and_then(Value::as_object),
        &mut value,
    ) {
        for (name, property) in properties {
            if !paybind::spec::is_sensitive(property) {
                continue;
            }
            if let Some(Value::String(text)) = object.get_mut(name) {
                *text = paybind::sgate::crypto::decrypt_field(system, text)
                    .map_err(|_| Fail::new(GATEWAY, 1203, name))?
                    .into_inner();
            }
        }
    }
    spec.validate(schema, &value)
        .map_err(|e| validation_fail(&e))?;
    Ok(Incoming {
        body: value,
        query,
        file: None,
    })
}

fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://sandbox.invalid/?{query}"))
        .map(|url| {
            url.query_pairs()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

async fn read_multipart(
    operation_spec: &paybind::spec::Operation,
    content_type: &str,
    body: Bytes,
    query: Map<String, Value>,
) -> Result<Incoming, Fail> {
    use axum::extract::FromRequest as _;
    let request = axum::http::Request::builder()
        .method("POST")
        .header("content-type", content_type)
        .body(Body::from(body))
        .map_err(|_| Fail::new(GATEWAY, 1103, "bad multipart request"))?;
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| Fail::new(GATEWAY, 1103, "bad multipart body"))?;
    let mut fields = Map::new();
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(Fail::new(GATEWAY, 1500, "unreadable multipart body")),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("file").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Fail::new(GATEWAY, 1500, "unreadable file"))?;
            fields.insert("file".into(), json!("(binary)"));
            file = Some((bytes.to_vec(), file_name));
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| Fail::new(GATEWAY, 1103, &name))?;
            fields.insert(name, Value::String(text));
        }
    }
    let body = Value::Object(fields);
    if let Some(schema) = operation_spec
        .body_schema
        .or(Some("CustomerFileUploadParam"))
    {
        if paybind::sgate::spec().schema(schema).is_some() {
            paybind::sgate::spec()
                .validate(schema, &body)
                .map_err(|e| validation_fail(&e))?;
        }
    }
    Ok(Incoming { body, query, file })
}
