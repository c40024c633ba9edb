//! The envelope gateways' wire (BluePay, BluePay JT): every request body is `{appId, param,
//! sign}` with `param` a string holding JSON text of the operation's schema; notifications are
//! `{param, sign}`.

use serde_json::{json, Map, Value};

use crate::convert::{self, Refs};
use crate::util::ref_name;

/// Placeholder for a signature in examples: a real one needs the merchant's private key.
const SIGN_PLACEHOLDER: &str = "<Base64 RSA signature over the exact param string>";

/// The request media type of an envelope operation: the `{appId, param, sign}` envelope whose
/// `param` is JSON text of the operation's schema.
pub(super) fn envelope_media(spec: &Value, media: &Value) -> Result<Value, String> {
    let logical = media
        .get("schema")
        .ok_or("application/json request body without schema")?;
    let name = logical
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_name)
        .unwrap_or("the operation's param");
    let content_schema = convert::schema(logical, Refs::Components);
    let app_id = spec
        .pointer("/info/x-envelope/request/example/appId")
        .and_then(Value::as_str);
    let mut out = Map::new();
    out.insert(
        "schema".into(),
        envelope_schema(&content_schema, true, name),
    );
    if let Some(example) = media.get("example") {
        out.insert("example".into(), envelope_example(app_id, example));
    }
    if let Some(Value::Object(named)) = media.get("examples") {
        let named: Map<String, Value> = named
            .iter()
            .map(|(k, e)| {
                let mut e = e.as_object().cloned().unwrap_or_default();
                if let Some(v) = e.get_mut("value") {
                    *v = envelope_example(app_id, v);
                }
                (k.clone(), Value::Object(e))
            })
            .collect();
        out.insert("examples".into(), Value::Object(named));
    }
    for (k, v) in media.as_object().into_iter().flatten() {
        if k != "schema" && k != "example" && k != "examples" {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// `{appId, param, sign}` (a request) or `{param, sign}` (a notification).
pub(super) fn envelope_schema(content_schema: &Value, request: bool, name: &str) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if request {
        properties.insert(
            "appId".into(),
            json!({
                "type": "string",
                "description": "Merchant application id issued by BluePay.",
            }),
        );
        required.push("appId");
    }
    let (signer, key) = if request {
        ("the merchant's private key", "merchant's public key")
    } else {
        ("BluePay's private key", "BluePay public key")
    };
    properties.insert(
        "param".into(),
        json!({
            "type": "string",
            "description": format!("JSON text of {name} (JSON inside a string). The exact string is what is signed: send (or read) it byte for byte."),
            "contentMediaType": "application/json",
            "contentSchema": content_schema,
        }),
    );
    properties.insert(
        "sign".into(),
        json!({
            "type": "string",
            "contentEncoding": "base64",
            "description": format!("Base64 (standard alphabet, padded) RSASSA-PKCS1-v1_5 signature with SHA-256 (SHA256withRSA) over the UTF-8 bytes of the exact `param` string, made with {signer}; verified with the {key}."),
        }),
    );
    required.extend(["param", "sign"]);
    let mut schema = json!({
        "type": "object",
        "required": required,
        "properties": properties,
    });
    // BluePay's own request envelope is closed; notifications stay open (forward-compatible).
    schema["additionalProperties"] = json!(!request);
    schema
}

pub(super) fn envelope_example(app_id: Option<&str>, example: &Value) -> Value {
    let mut out = Map::new();
    if let Some(app_id) = app_id {
        out.insert("appId".into(), json!(app_id));
    }
    out.insert("param".into(), json!(example.to_string()));
    out.insert("sign".into(), json!(SIGN_PLACEHOLDER));
    Value::Object(out)
}
