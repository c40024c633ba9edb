//! No error quotes a value from the network or the user: a fuzzed value, marked with `§` (a
//! character no paybind message contains), is put in one member of a documented example —
//! a request body (spec validation, then decoding as the generated model, as `call_json`
//! does), a GET's query parameters, a BluePay notification (signed with the fixture gateway
//! key), an SGATE callback and an SGATE answer (signed with the fixture system key; the member
//! optionally encrypted for the merchant key, as SGATE sends a sensitive member).
//!
//! Input: byte 0 picks the path, byte 1 the example, byte 2 the member, byte 3 the form of the
//! value (the text as a string, as number-like text, inside a list or an object, or the text
//! parsed as JSON with every string marked), the rest is the text.
//! Oracle: neither `Display` nor `Debug` of the error contains `§`. What an error keeps of the
//! answer as received (`RawBody`, a notification's signed `param`) is the raw answer, shown
//! with its sensitive members redacted, and is left out; the reasons are not.
//!
//! Money types read directly (`Decimal2::from_str`) are not checked here: `AmountError` is
//! being reworded in `src/money.rs`; in a model they are, through every decode path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use paybind::envelope::{HashAlgorithm, RsaSigner};
use paybind::fuzzing::SgateAnswers;
use paybind::sgate::Notifications;
use paybind::spec::{Spec, ValidationError};
use serde_json::{json, Value};

use crate::{key_pair, split_headers, SignedParts, NOW_MILLIS, SGATE_API_KEY};

/// The marker: no message of paybind's contains it.
const MARK: char = '§';

/// Longest text taken from the input: the oracle needs no more.
const MAX_TEXT: usize = 64;

/// A generated model's decode of a component, by name (`roundtrip_schema` of a gateway).
type Roundtrip = fn(&str, Value) -> Option<Result<Value, serde_json::Error>>;

/// What the checks reuse: verifiers and the documented examples, addressed by input bytes.
struct Fixture {
    answers: SgateAnswers,
    callbacks: Notifications,
    signer: RsaSigner,
    bluepay: paybind::bluepay::Notifications,
    jt: paybind::bluepay_jt::Notifications,
    /// (spec, its models, schema, example) of every request body with an example.
    bodies: Vec<(&'static Spec, Roundtrip, &'static str, Value)>,
    /// (operation, query parameter names) of the SGATE GETs.
    queries: Vec<&'static paybind::spec::Operation>,
    /// (method, path, response schema, documented answer) of SGATE operations.
    answers_docs: Vec<(&'static str, &'static str, &'static str, Value)>,
    /// Documented SGATE callback payloads.
    callbacks_docs: Vec<Value>,
    /// Documented BluePay / JT notification params.
    notifications: Vec<Value>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let system_public = &key_pair("sgate-system").1;
        let merchant = key_pair("sgate-merchant");
        let gateway = key_pair("gateway");
        let specs = [
            paybind::bluepay::spec(),
            paybind::bluepay_jt::spec(),
            paybind::sgate::spec(),
        ];
        let all_operations = [
            paybind::bluepay::operations(),
            paybind::bluepay_jt::operations(),
            paybind::sgate::operations(),
        ];
        let models: [Roundtrip; 3] = [
            paybind::bluepay::roundtrip_schema,
            paybind::bluepay_jt::roundtrip_schema,
            paybind::sgate::roundtrip_schema,
        ];
        let mut bodies = Vec::new();
        for ((spec, operations), models) in specs.into_iter().zip(all_operations).zip(models) {
            for op in operations {
                let Some(schema) = op.body_schema else {
                    continue;
                };
                if let Some(example) = spec.schema(schema).and_then(|s| s.get("example")) {
                    bodies.push((spec, models, schema, example.clone()));
                }
            }
        }
        let sgate = paybind::sgate::spec();
        let queries = paybind::sgate::operations()
            .iter()
            .filter(|op| op.method == "GET" && !op.query.is_empty() && !op.manual)
            .collect();
        let answers_docs = paybind::sgate::operations()
            .iter()
            .filter(|op| !op.manual)
            .filter_map(|op| {
                let schema = op.response_schema?;
                let pointer = format!(
                    "/paths/{}/{}/responses/200/content/application~1json/examples",
                    op.path.replace('~', "~0").replace('/', "~1"),
                    op.method.to_lowercase()
                );
                let examples = sgate.document().pointer(&pointer)?.as_object()?;
                let example = examples.values().find_map(|e| e.get("value"))?.clone();
                Some((op.method, op.path, schema, example))
            })
            .collect();
        let callbacks_docs = sgate
            .document()
            .pointer("/info/x-callbacks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.get("schema")?.as_str())
            .filter_map(|schema| sgate.schema(schema)?.get("example").cloned())
            .collect();
        let notifications = crate::notification::PARAMS
            .iter()
            .map(|p| serde_json::from_str(p).expect("a documented param"))
            .collect();
        Fixture {
            answers: SgateAnswers::new(
                SGATE_API_KEY,
                merchant.0.clone(),
                system_public.clone(),
                NOW_MILLIS,
            ),
            callbacks: Notifications::new(SGATE_API_KEY, system_public.clone(), merchant.0.clone())
                .clock(paybind::clock::FixedClock(NOW_MILLIS)),
            signer: RsaSigner::new(&gateway.0, HashAlgorithm::Sha256),
            bluepay: paybind::bluepay::Notifications::new(gateway.1.clone(), HashAlgorithm::Sha256),
            jt: paybind::bluepay_jt::Notifications::new(gateway.1.clone(), HashAlgorithm::Sha256),
            bodies,
            queries,
            answers_docs,
            callbacks_docs,
            notifications,
        }
    })
}

/// Inputs for every path and form, over a few examples and members each.
pub fn seeds() -> Vec<Vec<u8>> {
    let texts: [&[u8]; 6] = [
        b"5123450000000001",
        b"18.751",
        b"not an amount",
        b"SAR-X",
        br#"{"a": ["x", 1.5, true]}"#,
        b"2024-13-45",
    ];
    let mut seeds = Vec::new();
    for path in 0..PATHS {
        for (n, text) in texts.iter().enumerate() {
            let n = n as u8;
            let mut seed = vec![path, n * 7, n * 3 + path, n % FORMS];
            seed.extend_from_slice(text);
            seeds.push(seed);
        }
    }
    seeds
}

/// How many paths [`check`] takes, and forms [`marked`] makes.
const PATHS: u8 = 5;
const FORMS: u8 = 5;

/// Puts the marked value in an example; panics if an error quotes it.
pub fn check(data: &[u8]) {
    let [path, example, member, form, text @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let text: String = text.chars().take(MAX_TEXT).collect();
    let value = marked(*form, &text);
    let f = fixture();
    let pick = |len: usize| usize::from(*example) % len.max(1);
    match path % PATHS {
        0 => {
            let (spec, models, schema, example) = &f.bodies[pick(f.bodies.len())];
            let body = replace_member(example, *member, value);
            request_body(spec, *models, schema, &body);
        }
        1 => {
            let op = f.queries[pick(f.queries.len())];
            let name = op.query[usize::from(*member) % op.query.len()];
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            let pairs = vec![(name.to_string(), text)];
            if let Err(e) = paybind::sgate::spec().validate_query(op.method, op.path, &pairs) {
                assert_quotes_nothing(&format!("{e}"), &format!("{e:?}"));
            }
        }
        2 => {
            let param = &f.notifications[pick(f.notifications.len())];
            let param = replace_member(param, *member, value).to_string();
            let sign = f.signer.sign_base64(param.as_bytes());
            let body = json!({ "param": param, "sign": sign }).to_string();
            for result in [
                f.bluepay.verify(body.as_bytes()).err(),
                f.jt.verify(body.as_bytes()).err(),
            ] {
                match result {
                    // The signed `param` is kept as received; the reason is checked.
                    Some(paybind::envelope::NotificationError::BadParam { reason, .. }) => {
                        assert_quotes_nothing(&reason, &format!("{reason:?}"))
                    }
                    Some(e) => assert_quotes_nothing(&format!("{e}"), &format!("{e:?}")),
                    None => {}
                }
            }
        }
        3 => {
            let payload = &f.callbacks_docs[pick(f.callbacks_docs.len())];
            let (payload, _) = replace_sensitive(payload, *member, value, *form);
            let body = serde_json::to_vec(&payload).expect("json");
            let signed = SignedParts::sign(NOW_MILLIS / 1000, &nonce(), URL, "POST", &body);
            let (headers, body) = split_headers(&signed);
            if let Err(e) = f.callbacks.verify(&headers, URL, body) {
                assert_quotes_nothing(&format!("{e}"), &format!("{e:?}"));
            }
        }
        _ => {
            let (method, path, schema, answer) = &f.answers_docs[pick(f.answers_docs.len())];
            let (mut answer, sensitive) = replace_sensitive(answer, *member, value, *form);
            // The documented answers name members whose ciphertext is a placeholder.
            answer["sensitiveFields"] = json!(sensitive);
            let body = serde_json::to_vec(&answer).expect("json");
            let signed = SignedParts::sign(NOW_MILLIS / 1000, &nonce(), path, method, &body);
            let (headers, body) = split_headers(&signed);
            if let Err(e) = f.answers.decode(method, path, 200, &headers, body, schema) {
                let mut debug = format!("{e:?}");
                if let Some(raw) = e.raw() {
                    debug = debug.replace(&format!("{raw:?}"), "RawBody(..)");
                }
                assert_quotes_nothing(&format!("{e}"), &debug);
            }
        }
    }
}

/// A nonce not used before in this process: a repeated one is refused as a replay before
/// anything is decoded.
fn nonce() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("noecho{:016x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The path the callbacks are signed for.
const URL: &str = "/sgate/notify";

/// A request body as `call_json` takes it: checked against the spec, then decoded as the
/// generated model (whose serde message becomes the reason, as `from_json_param` makes it).
fn request_body(spec: &Spec, models: Roundtrip, schema: &str, body: &Value) {
    if let Err(e) = spec.validate(schema, body) {
        assert_quotes_nothing(&format!("{e}"), &format!("{e:?}"));
    }
    if let Some(Err(e)) = models(schema, body.clone()) {
        let e = ValidationError::new("", e.to_string());
        assert_quotes_nothing(&format!("{e}"), &format!("{e:?}"));
    }
}

/// The text in one of [`FORMS`] forms, every string in it marked.
fn marked(form: u8, text: &str) -> Value {
    let mark = |t: &str| format!("{MARK}{t}{MARK}");
    match form % FORMS {
        0 => Value::String(mark(text)),
        // Number-like: what an amount or a code looks like, spoilt.
        1 => Value::String(format!("1{MARK}{text}.75")),
        2 => json!([mark(text)]),
        3 => json!({ "value": mark(text) }),
        _ => match serde_json::from_str::<Value>(text) {
            Ok(mut value) => {
                mark_strings(&mut value);
                value
            }
            Err(_) => Value::String(mark(text)),
        },
    }
}

fn mark_strings(value: &mut Value) {
    match value {
        Value::String(s) => s.insert(0, MARK),
        Value::Array(items) => items.iter_mut().for_each(mark_strings),
        Value::Object(map) => map.values_mut().for_each(mark_strings),
        _ => {}
    }
}

/// Every member of `value` at any depth, as JSON pointers (objects' members only: a list's
/// items are reached through the list).
fn members(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, member) in map {
                let here = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                members(member, &here, out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                members(first, &format!("{at}/0"), out);
            }
        }
        _ => {}
    }
}

/// The member picked by `member`.
fn pick_member(value: &Value, member: u8) -> Option<String> {
    let mut all = Vec::new();
    members(value, "", &mut all);
    (!all.is_empty()).then(|| all.swap_remove(usize::from(member) % all.len()))
}

fn replace_member(example: &Value, member: u8, value: Value) -> Value {
    let mut out = example.clone();
    if let Some(pointer) = pick_member(example, member) {
        if let Some(slot) = out.pointer_mut(&pointer) {
            *slot = value;
        }
    }
    out
}

/// The example with the member replaced; when it is a direct member of `data` (or of
/// `data`'s items) and the form's high bit asks, its value encrypted for the merchant key and
/// its name returned, as SGATE sends a sensitive member.
fn replace_sensitive(example: &Value, member: u8, value: Value, form: u8) -> (Value, Vec<String>) {
    let mut out = example.clone();
    let Some(pointer) = pick_member(example, member) else {
        return (out, Vec::new());
    };
    let direct = pointer
        .strip_prefix("/data/")
        .map(|rest| rest.strip_prefix("0/").unwrap_or(rest))
        .filter(|name| !name.contains('/'))
        .map(|name| name.replace("~1", "/").replace("~0", "~"));
    let mut sensitive = Vec::new();
    let value = match (direct, &value, form & 0x80 != 0) {
        (Some(name), Value::String(plain), true) => {
            sensitive.push(name);
            let public = &key_pair("sgate-merchant").1;
            Value::String(paybind::sgate::crypto::encrypt_field(public, plain).expect("encrypts"))
        }
        _ => value,
    };
    if let Some(slot) = out.pointer_mut(&pointer) {
        *slot = value;
    }
    (out, sensitive)
}

/// The oracle.
fn assert_quotes_nothing(display: &str, debug: &str) {
    for text in [display, debug] {
        assert!(
            !text.contains(MARK),
            "an error quotes a value: {display}\n{debug}"
        );
    }
}
