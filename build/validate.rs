//! Checks of the bundled spec that progenitor would not make or would make without saying
//! where: every local `$ref` resolves (typify panics on a dangling one, naming neither file nor
//! place), and every schema keyword has the JSON type OpenAPI 3.0 gives it (openapiv3 quietly
//! drops a schema whose `required` is not a list, losing the constraint). Each fault is named by
//! its JSON pointer; build.rs adds the file.

use serde_json::{Map, Value};

use crate::BuildResult;

/// Checks the whole bundled document.
pub fn check(spec: &Value) -> BuildResult<()> {
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

fn check_refs(root: &Value, value: &Value, at: &str) -> BuildResult<()> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let target = reference
                    .as_str()
                    .ok_or_else(|| format!("{at}/$ref: not a string"))?;
                let pointer = target.strip_prefix('#').ok_or_else(|| {
                    format!("{at}/$ref: {target} is not a reference into this spec")
                })?;
                if root.pointer(pointer).is_none() {
                    return Err(format!("{at}/$ref: {target} points to nothing"));
                }
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

/// Outside `components/schemas`, schemas sit under a `schema` key (parameters, media types).
fn check_schema_positions(value: &Value, at: &str) -> BuildResult<()> {
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

fn check_schema(schema: &Value, at: &str) -> BuildResult<()> {
    let map = schema
        .as_object()
        .ok_or_else(|| format!("{at}: a schema is an object, found {schema}"))?;
    if map.contains_key("$ref") {
        return Ok(());
    }
    check_keyword_types(map, at)?;
    if let Some(properties) = map.get("properties") {
        let properties = properties
            .as_object()
            .ok_or_else(|| format!("{at}/properties: not a map of schemas"))?;
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
        let list = list
            .as_array()
            .ok_or_else(|| format!("{at}/{key}: not a list of schemas"))?;
        for (i, inner) in list.iter().enumerate() {
            check_schema(inner, &format!("{at}/{key}/{i}"))?;
        }
    }
    Ok(())
}

fn check_keyword_types(map: &Map<String, Value>, at: &str) -> BuildResult<()> {
    let fault =
        |key: &str, want: &str| Err(format!("{at}/{key}: must be {want}, found {}", map[key]));
    if let Some(kind) = map.get("type") {
        if !kind.as_str().is_some_and(|t| TYPES.contains(&t)) {
            return fault("type", &format!("one of {}", TYPES.join(", ")));
        }
    }
    if let Some(required) = map.get("required") {
        if !required
            .as_array()
            .is_some_and(|l| l.iter().all(Value::is_string))
        {
            return fault("required", "a list of property names");
        }
    }
    if map.get("enum").is_some_and(|v| !v.is_array()) {
        return fault("enum", "a list of values");
    }
    for (keys, fits, want) in KEYWORD_RULES.iter().copied() {
        if let Some(key) = keys.iter().find(|k| map.get(**k).is_some_and(|v| !fits(v))) {
            return fault(key, want);
        }
    }
    Ok(())
}
