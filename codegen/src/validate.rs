//! Checks of the bundled spec that progenitor would not make or would make without saying
//! where: every local `$ref` resolves (typify panics on a dangling one, naming neither file nor
//! place), and every schema keyword has the JSON type OpenAPI 3.0 gives it (openapiv3 quietly
//! drops a schema whose `required` is not a list, losing the constraint). A fault is named by
//! its JSON pointer; the caller adds the file.
//!
//! Used by [`generate`](crate::generate) (which refuses to generate from such a spec) and by
//! `xtask check` (which reports it with the other spec problems). Depends only on `serde_json`.

use std::fmt;

use serde_json::{Map, Value};

/// The first fault found: where (a JSON pointer into the bundled spec) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The JSON pointer of the fault.
    pub at: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

type CheckResult = Result<(), Fault>;

fn fault(at: impl Into<String>, message: impl Into<String>) -> CheckResult {
    Err(Fault {
        at: at.into(),
        message: message.into(),
    })
}

/// Checks the whole bundled document.
pub fn check(spec: &Value) -> CheckResult {
    check_refs(spec, spec, "")?;
    check_schema_positions(spec, "")?;
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            check_schema(schema, &format!("/components/schemas/{}", escape(name)))?;
        }
    }
    Ok(())
}

/// A JSON-pointer segment for `key`.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn check_refs(root: &Value, value: &Value, at: &str) -> CheckResult {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                check_ref(root, reference, &format!("{at}/$ref"))?;
            }
            for (key, v) in map {
                check_refs(root, v, &format!("{at}/{}", escape(key)))?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_refs(root, v, &format!("{at}/{i}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_ref(root: &Value, reference: &Value, at: &str) -> CheckResult {
    let Some(target) = reference.as_str() else {
        return fault(at, "not a string");
    };
    match target.strip_prefix('#') {
        None => fault(at, format!("{target} is not a reference into this spec")),
        Some(pointer) if root.pointer(pointer).is_none() => {
            fault(at, format!("{target} points to nothing"))
        }
        Some(_) => Ok(()),
    }
}

/// Outside `components/schemas`, schemas sit under a `schema` key (parameters, media types).
fn check_schema_positions(value: &Value, at: &str) -> CheckResult {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{at}/{}", escape(key));
                if here == "/components/schemas" || key.starts_with("x-") {
                    continue;
                }
                if key == "schema" {
                    check_schema(v, &here)?;
                } else {
                    check_schema_positions(v, &here)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_schema_positions(v, &format!("{at}/{i}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
const NUMBERS: &[&str] = &["minimum", "maximum", "multipleOf"];
const FLAGS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "uniqueItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
];
const TEXTS: &[&str] = &["pattern", "format", "description", "title"];

/// Keywords whose values share one JSON type: the keywords, the test, what the fault says.
type KeywordRule = (&'static [&'static str], fn(&Value) -> bool, &'static str);
const KEYWORD_RULES: &[KeywordRule] = &[
    (COUNTS, Value::is_u64, "a whole number of at least 0"),
    (NUMBERS, Value::is_number, "a number"),
    (FLAGS, Value::is_boolean, "true or false"),
    (TEXTS, Value::is_string, "text"),
];

fn check_schema(schema: &Value, at: &str) -> CheckResult {
    let Some(map) = schema.as_object() else {
        return fault(at, format!("a schema is an object, found {schema}"));
    };
    if map.contains_key("$ref") {
        return Ok(());
    }
    check_keyword_types(map, at)?;
    if let Some(properties) = map.get("properties") {
        let Some(properties) = properties.as_object() else {
            return fault(format!("{at}/properties"), "not a map of schemas");
        };
        for (name, property) in properties {
            check_schema(property, &format!("{at}/properties/{}", escape(name)))?;
        }
    }
    for key in ["items", "not"] {
        if let Some(inner) = map.get(key) {
            check_schema(inner, &format!("{at}/{key}"))?;
        }
    }
    if let Some(extra) = map.get("additionalProperties").filter(|v| !v.is_boolean()) {
        check_schema(extra, &format!("{at}/additionalProperties"))?;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        let Some(list) = map.get(key) else { continue };
        let Some(list) = list.as_array() else {
            return fault(format!("{at}/{key}"), "not a list of schemas");
        };
        for (i, inner) in list.iter().enumerate() {
            check_schema(inner, &format!("{at}/{key}/{i}"))?;
        }
    }
    Ok(())
}

fn check_keyword_types(map: &Map<String, Value>, at: &str) -> CheckResult {
    let wrong = |key: &str, want: &str| {
        let found = &map[key];
        fault(
            format!("{at}/{key}"),
            format!("must be {want}, found {found}"),
        )
    };
    if let Some(kind) = map.get("type") {
        if !kind.as_str().is_some_and(|t| TYPES.contains(&t)) {
            return wrong("type", &format!("one of {}", TYPES.join(", ")));
        }
    }
    if let Some(required) = map.get("required") {
        if !required
            .as_array()
            .is_some_and(|l| l.iter().all(Value::is_string))
        {
            return wrong("required", "a list of property names");
        }
    }
    if map.get("enum").is_some_and(|v| !v.is_array()) {
        return wrong("enum", "a list of values");
    }
    for (keys, fits, want) in KEYWORD_RULES.iter().copied() {
        if let Some(key) = keys.iter().find(|k| map.get(**k).is_some_and(|v| !fits(v))) {
            return wrong(key, want);
        }
    }
    Ok(())
}
