//! Every example of `openapi/sgate-payout.yaml` (components, request bodies, query parameters,
//! every response example, callbacks) round-trips through the generated models: deserialise,
//! serialise, compare JSON values. Request examples also pass paybind's validator, and the seed
//! page's create-order request and answer are the YAML's examples, byte for byte as JSON.

use paybind::sgate::{roundtrip_schema, spec};
use serde_json::Value;

const SEED: &str = include_str!("../fixtures/seeds/sgate-payout-create-zh.txt");

fn ref_name(value: Option<&Value>) -> Option<String> {
    value
        .and_then(|v| v.get("$ref"))
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
}

/// The example as the models write it back: documented `default`s of absent properties made
/// explicit (typify always serialises a defaulted field), and empty arrays dropped (typify
/// writes an absent optional list and `[]` alike, as absent).
fn normalised(schema: &Value, example: &Value) -> Value {
    let spec = spec();
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.schema(r.rsplit('/').next().unwrap()).unwrap(),
        None => schema,
    };
    match example {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                if v.as_array().is_some_and(Vec::is_empty) {
                    continue;
                }
                let inner = properties.and_then(|p| p.get(k)).unwrap_or(&Value::Null);
                out.insert(k.clone(), normalised(inner, v));
            }
            for (k, p) in properties.into_iter().flatten() {
                if let (false, Some(default)) = (out.contains_key(k), p.get("default")) {
                    out.insert(k.clone(), default.clone());
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let inner = schema.get("items").unwrap_or(&Value::Null);
            Value::Array(items.iter().map(|i| normalised(inner, i)).collect())
        }
        other => other.clone(),
    }
}

fn round_trips(schema: &str, example: &Value, what: &str) {
    let back = roundtrip_schema(schema, example.clone())
        .unwrap_or_else(|| panic!("{what}: no model for {schema}"))
        .unwrap_or_else(|e| panic!("{what}: does not decode as {schema}: {e}"));
    let expected = normalised(spec().schema(schema).unwrap(), example);
    assert_eq!(back, expected, "{what}: changed in the round trip");
}

#[test]
fn component_examples_round_trip() {
    let schemas = spec().document()["components"]["schemas"]
        .as_object()
        .unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else {
            continue;
        };
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            continue;
        }
        round_trips(name, example, &format!("components/{name}"));
        if name.ends_with("Param") {
            spec()
                .validate(name, example)
                .unwrap_or_else(|e| panic!("{name} example: {e}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 24, "component examples");
}

#[test]
fn operation_examples_round_trip_and_validate() {
    let mut requests = 0;
    let mut responses = 0;
    let mut queries = 0;
    for (path, item) in spec().document()["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            if let Some(content) = op.pointer("/requestBody/content") {
                for (media, body) in content.as_object().unwrap() {
                    let schema = ref_name(body.get("schema")).unwrap();
                    let example = &body["example"];
                    assert!(!example.is_null(), "{id}: {media} has no example");
                    round_trips(&schema, example, &format!("{id} request"));
                    if media == "application/json" {
                        spec()
                            .validate(&schema, example)
                            .unwrap_or_else(|e| panic!("{id} request example: {e}"));
                    }
                    requests += 1;
                }
            }
            let pairs: Vec<(String, String)> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    let example = match &p["example"] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (p["name"].as_str().unwrap().to_string(), example)
                })
                .collect();
            if !pairs.is_empty() {
                spec()
                    .validate_query(method, path, &pairs)
                    .unwrap_or_else(|e| panic!("{id} parameter examples: {e}"));
                queries += 1;
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let Some(json) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let schema = ref_name(json.get("schema")).unwrap();
                let examples = json["examples"].as_object().unwrap();
                assert!(!examples.is_empty(), "{id} {status}: no example");
                for (name, example) in examples {
                    round_trips(&schema, &example["value"], &format!("{id} {status} {name}"));
                    responses += 1;
                }
            }
        }
    }
    // 18 payout operations + the VA list: 9 JSON/multipart bodies, 10 GETs (8 with parameters).
    assert_eq!(requests, 9, "request examples");
    assert_eq!(queries, 8, "operations with parameter examples");
    assert!(responses >= 19, "only {responses} response examples");
}

/// The JSON blocks of the seed page, in order.
fn seed_blocks() -> Vec<Value> {
    let mut blocks = Vec::new();
    let mut rest = SEED;
    while let Some(start) = rest.find("\njson\n") {
        let text = &rest[start + 6..];
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        let value = stream.next().unwrap().unwrap();
        let used = stream.byte_offset();
        blocks.push(value);
        rest = &text[used..];
    }
    blocks
}

#[test]
fn seed_create_order_examples_are_the_yaml_examples() {
    let blocks = seed_blocks();
    assert_eq!(blocks.len(), 2);
    let op = spec()
        .operation("post", "/openApi/v1/payee/payCustomTicket/create")
        .unwrap();
    let request = &op["requestBody"]["content"]["application/json"]["example"];
    assert_eq!(&blocks[0], request);
    let answer =
        &op["responses"]["200"]["content"]["application/json"]["examples"]["docs"]["value"];
    assert_eq!(&blocks[1], answer);
    round_trips("PaymentOrderCreateParam", &blocks[0], "seed request");
    round_trips("PaymentOrderCreateResponse", &blocks[1], "seed answer");
    // The amounts are exact decimals, not floats.
    let typed: paybind::sgate::types::PaymentOrderCreateResponse =
        serde_json::from_value(blocks[1].clone()).unwrap();
    let data = typed.data.unwrap();
    assert_eq!(data.amount.unwrap().minor_units(), Some(1875));
    assert_eq!(data.realamount.unwrap().minor_units(), Some(1781));
    assert_eq!(data.fee.unwrap().minor_units(), Some(94));
}

#[test]
fn every_status_code_and_enum_of_the_docs_is_generated() {
    use paybind::sgate::ResultCode;
    assert_eq!(ResultCode::KNOWN.len(), 61);
    assert_eq!(ResultCode::from_code(1407), ResultCode::UnsupportedCurrency);
    assert_eq!(
        ResultCode::from_code(1406),
        ResultCode::PaymentOrderStatusNotAllowed
    );
    assert!(ResultCode::from_code(1212).is_retryable());
    assert!(!ResultCode::from_code(1213).is_retryable());
    assert_eq!(ResultCode::from_code(4242), ResultCode::Unknown(4242));
    assert_eq!(paybind::sgate::CustomerStatus::KNOWN.len(), 5);
    assert_eq!(paybind::sgate::PaymentOrderStatus::KNOWN.len(), 5);
    let kinds: Vec<&str> = paybind::sgate::CallbackEvent::KNOWN
        .iter()
        .map(|e| e.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "CUSTOM_STATUS_CHANGE",
            "SALARY_STATUS_CHANGE",
            "RECEIVING_TRANS_NOTIFICATION"
        ]
    );
    // A value SGATE adds later is kept, not a parse failure.
    let method: paybind::sgate::PaymentMethod = serde_json::from_str("\"wallet\"").unwrap();
    assert_eq!(method.as_str(), "wallet");
    assert!(!method.is_known());
}

#[test]
fn every_documented_operation_has_a_facade_method_and_an_entry() {
    let ids: Vec<&str> = paybind::sgate::operations().iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), 19);
    for id in [
        "merchant_balance",
        "customer_create",
        "customer_list",
        "customer_detail",
        "customer_update",
        "customer_file_upload",
        "customer_stc_otp_resend",
        "customer_stc_otp_submit",
        "bank_list",
        "exchange_rate",
        "payment_order_create",
        "payment_order_list",
        "payment_order_detail",
        "payment_order_rapid",
        "otp_send",
        "otp_check",
        "otp_detail",
        "statement_download",
        "va_receiving_trans_list",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}
