//! The HMAC-signed gateway's wire (SGATE Payin): the five `x-auth-*` signing headers as
//! parameters of every operation, the signature as a security scheme whose description says how
//! to compute it (from `info.x-signing`), and the callbacks as `webhooks`: unsigned `GET`s with
//! `_orderId` and `_type` in the query, answered with `COMPLETED::{ORDER_ID}` after the order was
//! looked up. Bodies, answers and sensitive fields are as the logical spec says: nothing else is
//! signed or encrypted.

use serde_json::{json, Map, Value};

type ParamFn = fn() -> Value;

/// The request headers of every SGATE Payin call, as `components/parameters` entries.
pub(super) const PAYIN_REQUEST_HEADERS: &[(&str, ParamFn)] = &[
    ("XAuthSignature", || {
        json!({
            "name": "x-auth-signature",
            "in": "header",
            "required": true,
            "description": "Base64 HMAC-SHA256 of the string to sign, keyed with the merchant's secret (see the PayinSignature security scheme).",
            "schema": { "type": "string", "contentEncoding": "base64" },
            "example": "daFE250/BIWoJGoZxFAsm6fWWyck1HxVpI6E/EXhYKQ=",
        })
    }),
    ("XAuthKey", || {
        json!({
            "name": "x-auth-key",
            "in": "header",
            "required": true,
            "description": "The client key SGATE issued (also `key` in the string to sign).",
            "schema": { "type": "string", "minLength": 1 },
            "example": "zS83UNCPhVTqBxDHACJ30sImZRKAlzQI",
        })
    }),
    ("XAuthTimestamp", || {
        json!({
            "name": "x-auth-timestamp",
            "in": "header",
            "required": true,
            "description": "Request time in Unix seconds (int32); the same digits as `timestamp` in the string to sign.",
            "schema": { "type": "string", "pattern": "^[0-9]+$" },
            "example": "1672991487",
        })
    }),
    ("XAuthSignMethod", || {
        json!({
            "name": "x-auth-sign-method",
            "in": "header",
            "required": true,
            "description": "The signature method; SGATE documents only HmacSHA256.",
            "schema": { "type": "string", "const": "HmacSHA256" },
            "example": "HmacSHA256",
        })
    }),
    ("XAuthSignVersion", || {
        json!({
            "name": "x-auth-sign-version",
            "in": "header",
            "required": true,
            "description": "The signature version; SGATE documents only 1.",
            "schema": { "type": "string", "const": "1" },
            "example": "1",
        })
    }),
];

/// `$ref`s to [`PAYIN_REQUEST_HEADERS`], for an operation's parameter list.
pub(super) fn payin_header_refs() -> Vec<Value> {
    PAYIN_REQUEST_HEADERS
        .iter()
        .map(|(name, _)| json!({ "$ref": format!("#/components/parameters/{name}") }))
        .collect()
}

/// The `PayinSignature` security scheme: how to compute `x-auth-signature`, and the spec's test
/// vectors.
pub(super) fn payin_security_scheme(spec: &Value) -> Value {
    let signing = spec.pointer("/info/x-signing");
    let text = |pointer: &str| {
        signing
            .and_then(|s| s.pointer(pointer))
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let vectors: Vec<String> = signing
        .and_then(|s| s.get("test-vectors"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            let field = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or("");
            format!(
                "secret `{}`, string to sign `{}` gives `{}`",
                field("secret"),
                field("string-to-sign"),
                field("signature")
            )
        })
        .collect();
    let description = format!(
        "SGATE Payin signs every request (not the body) in five headers: x-auth-signature, \
         x-auth-key, x-auth-timestamp, x-auth-sign-method (HmacSHA256) and x-auth-sign-version \
         (1). Answers and callbacks are not signed.\n\n\
         1. String to sign: {}\n\
         2. Signature: {}\n\
         3. Encoding: {}\n\n\
         Test vectors: {}.\n\n\
         Sensitive fields (`x-sensitive`): {}",
        text("/string-to-sign/description"),
        text("/algorithm"),
        text("/encoding"),
        vectors.join("; "),
        text("/sensitive-fields/description"),
    );
    json!({
        "type": "apiKey",
        "in": "header",
        "name": "x-auth-signature",
        "description": description,
    })
}

/// The error body of every failure (HTTP 4xx/5xx): a string code, the message, any details.
pub(super) fn payin_error_envelope() -> Value {
    json!({
        "type": "object",
        "description": "A refused or failed request: HTTP 4xx or 5xx with a string code, e.g. {\"code\":\"notAllowed\",\"message\":\"No access\",\"data\":[\"signature error\"]}. Successes are HTTP 2xx with the record itself.",
        "required": ["code", "message"],
        "properties": {
            "code": { "$ref": "#/components/schemas/ErrorCode" },
            "message": { "type": "string" },
            "data": {},
        },
        "additionalProperties": true,
    })
}

/// A callback as a webhook path item: SGATE's unsigned `GET` to the order's notificationURL.
pub(super) fn payin_webhook(spec: &Value, mut op: Map<String, Value>, schema: &str) -> Value {
    let events = |name: &str| {
        spec.pointer(&format!("/components/schemas/{schema}/properties/{name}"))
            .cloned()
            .unwrap_or_else(|| json!({ "type": "string" }))
    };
    let query = |name: &str, description: &str| {
        json!({
            "name": name,
            "in": "query",
            "required": true,
            "description": description,
            "schema": crate::convert::schema(&events(name), crate::convert::Refs::Components),
        })
    };
    op.insert(
        "parameters".into(),
        json!([
            query("_orderId", "The order ID. Unsigned: look the order up with order_detail before believing anything."),
            query("_type", "What completed: payment or refund."),
        ]),
    );
    let ack = spec
        .pointer("/components/schemas/CallbackAck/example")
        .cloned()
        .unwrap_or(Value::Null);
    op.insert(
        "responses".into(),
        json!({
            "200": {
                "description": "After order_detail confirmed the order's state: the body COMPLETED:: followed by the callback's _orderId. Unanswered callbacks are sent again 3 times, 5 seconds apart; callbacks answered with an error every 15 minutes.",
                "content": { "text/plain": {
                    "schema": { "$ref": "#/components/schemas/CallbackAck" },
                    "example": ack,
                } },
            }
        }),
    );
    json!({ "get": Value::Object(op) })
}
