//! The header-signed gateway's wire (SGATE): the `V-*` signing headers as parameters and
//! response headers, the signature as a security scheme, and sensitive strings as Base64 RSA
//! ciphertext (the plaintext schema kept as `x-plaintext`).

use serde_json::{json, Map, Value};

use crate::convert;
use crate::util::ref_name;

type ParamFn = fn() -> Value;

/// The request headers of every SGATE call, as `components/parameters` entries.
pub(super) const SGATE_REQUEST_HEADERS: &[(&str, ParamFn)] = &[
    ("VApiKey", || {
        json!({
            "name": "V-Api-Key",
            "in": "header",
            "required": true,
            "description": "The merchant API KEY issued by SGATE (also `api_key` in the signature object).",
            "schema": { "type": "string", "minLength": 1 },
            "example": "xxxxxxxxxxxxxx",
        })
    }),
    ("VApiVersion", || {
        json!({
            "name": "V-Api-Version",
            "in": "header",
            "required": true,
            "description": "Interface version; SGATE documents only 1.",
            "schema": { "type": "string", "const": "1" },
            "example": "1",
        })
    }),
    ("VTimestamp", || {
        json!({
            "name": "V-Timestamp",
            "in": "header",
            "required": true,
            "description": "Request time in Unix seconds; the same number as `timestamp` in the signature object.",
            "schema": { "type": "integer", "format": "int64", "minimum": 0 },
            "example": 1686647706,
        })
    }),
    ("VNonceStr", || {
        json!({
            "name": "V-Nonce-Str",
            "in": "header",
            "required": true,
            "description": "Random string of fewer than 128 characters; the same as `nonce_str` in the signature object.",
            "schema": { "type": "string", "minLength": 1, "maxLength": 127 },
            "example": "TIj5tZ3gM6FbprYlKNR2",
        })
    }),
    ("VSignature", || {
        json!({
            "name": "V-Signature",
            "in": "header",
            "required": true,
            "description": "Base64 MD5withRSA signature of the MD5 hex digest of the signature object (see the SgateSignature security scheme).",
            "schema": { "type": "string", "contentEncoding": "base64" },
            "example": "<Base64 MD5withRSA signature, 344 characters for a 2048-bit key>",
        })
    }),
];

pub(super) fn sgate_header_components() -> Value {
    json!({
        "V-Timestamp": {
            "description": "Response (or callback) time in Unix seconds; `timestamp` of the signature object to verify.",
            "required": true,
            "schema": { "type": "integer", "format": "int64", "minimum": 0 },
        },
        "V-Nonce-Str": {
            "description": "Random string; `nonce_str` of the signature object to verify.",
            "required": true,
            "schema": { "type": "string" },
        },
        "V-Signature": {
            "description": "Base64 MD5withRSA signature made with the SGATE system private key; verify with the system public key before parsing the body. Empty when merchant authentication itself failed.",
            "required": true,
            "schema": { "type": "string", "contentEncoding": "base64" },
        },
    })
}

pub(super) fn sgate_response_headers() -> Value {
    let mut out = Map::new();
    for name in ["V-Timestamp", "V-Nonce-Str", "V-Signature"] {
        out.insert(
            name.into(),
            json!({ "$ref": format!("#/components/headers/{name}") }),
        );
    }
    Value::Object(out)
}

pub(super) fn sgate_security_scheme(spec: &Value) -> Value {
    let signing = spec.pointer("/info/x-signing");
    let text = |pointer: &str| {
        signing
            .and_then(|s| s.pointer(pointer))
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let vector = text("/test-vector/signature-object");
    let digest = text("/test-vector/md5");
    let description = format!(
        "SGATE signs every request, response and callback in headers (V-Api-Key, V-Api-Version, \
         V-Timestamp, V-Nonce-Str, V-Signature; plus any non-empty User-Agent, without which a \
         request is refused with code 1211).\n\n\
         1. Signature object: {}\n\
         2. Digest: {}\n\
         3. Signature: {}\n\
         4. Encoding: {}\n\n\
         Test vector: the signature object `{vector}` has the MD5 digest `{digest}`.\n\n\
         Responses: {}\n\n\
         Callbacks: {}\n\n\
         Sensitive fields (`x-sensitive`, Base64 ciphertext on the wire): {}",
        text("/signature-object/description"),
        text("/digest"),
        text("/algorithm"),
        text("/encoding"),
        text("/response-verification"),
        text("/callback-verification"),
        text("/sensitive-fields/description"),
    );
    json!({
        "type": "apiKey",
        "in": "header",
        "name": "V-Signature",
        "description": description,
    })
}

pub(super) fn is_sensitive(schema: &Value) -> bool {
    schema.get("x-sensitive") == Some(&Value::Bool(true))
        && schema.get("type").and_then(Value::as_str) == Some("string")
}

/// Replaces every sensitive string schema (at any depth) with its ciphertext form; the
/// plaintext schema is kept as `x-plaintext`.
pub(super) fn encrypt_sensitive(schema: &mut Value) {
    if is_sensitive(schema) {
        let plaintext = schema.clone();
        let mut description = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        if !description.is_empty() {
            description.push(' ');
        }
        description += "On the wire: RSA ciphertext of the UTF-8 plaintext (PKCS#1 v1.5, 245-byte \
                        plaintext blocks, 256-byte cipher blocks concatenated), Base64; \"\" when \
                        empty. Requests use the SGATE system public key, responses and callbacks \
                        the merchant public key. The plaintext's schema is `x-plaintext`.";
        *schema = json!({
            "type": "string",
            "contentEncoding": "base64",
            "description": description,
            "x-sensitive": true,
            "x-plaintext": plaintext,
        });
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    for (key, v) in map.iter_mut() {
        let k = key.as_str();
        if convert::ONE_SCHEMA.contains(&k) {
            encrypt_sensitive(v);
        } else if convert::SCHEMA_LISTS.contains(&k) {
            v.as_array_mut()
                .into_iter()
                .flatten()
                .for_each(encrypt_sensitive);
        } else if convert::SCHEMA_MAPS.contains(&k) {
            v.as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
                .for_each(encrypt_sensitive);
        }
    }
}

pub(super) fn ciphertext_placeholder(plaintext: &Value, note: &str) -> Value {
    let shown = match plaintext {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!(format!("<RSA ciphertext of {shown:?}, Base64{note}>"))
}

/// The example with each value whose (logical) schema is sensitive replaced by a ciphertext
/// placeholder.
pub(super) fn mask_sensitive(spec: &Value, schema: &Value, example: &Value) -> Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
            .and_then(|n| spec.pointer(&format!("/components/schemas/{n}")))
        {
            Some(s) => schema = s,
            None => break,
        }
    }
    if is_sensitive(schema) && example.is_string() {
        return ciphertext_placeholder(example, "");
    }
    match example {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let inner = schema
                        .pointer(&format!("/properties/{}", crate::util::token(k)))
                        .unwrap_or(&Value::Null);
                    (k.clone(), mask_sensitive(spec, inner, v))
                })
                .collect(),
        ),
        Value::Array(items) => {
            let inner = schema.get("items").unwrap_or(&Value::Null);
            Value::Array(
                items
                    .iter()
                    .map(|v| mask_sensitive(spec, inner, v))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}
