//! What the generators read from a bundled spec: its component schemas and its operations.
//! Nothing here writes Rust.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::BuildResult;
use crate::notes::{notes_doc, notes_within};
use crate::validate::escape;

/// What the facade, the operation table and the validator need to know about one operation.
pub struct Operation {
    pub id: String,
    /// Upper case, as sent.
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// Name of the JSON request-body schema.
    pub body_schema: Option<String>,
    /// Name of the 200 response schema.
    pub response_schema: Option<String>,
    /// Shape of `data` inside the response.
    pub data_schema: Option<DataShape>,
    /// Query parameters (name, required).
    pub query: Vec<(String, bool)>,
    /// Path parameters (`{ORDER_ID}`), in the order the path writes them.
    pub path_params: Vec<String>,
    /// Header parameters (name, as the spec writes it), in the spec's order.
    pub header_params: Vec<String>,
    /// The operation's name as the gateway's docs write it (`x-method`, SGATE Payin's
    /// `merchant.addOrder`): what its signature covers.
    pub signed_name: Option<String>,
    /// Handled by hand-written code instead of progenitor (multipart, several success bodies).
    pub manual: bool,
    /// Whether sending the same request twice can double an action.
    pub repeat: Repeat,
    /// A list the gateway answers page by page (`x-paged`).
    pub paged: Option<Paged>,
    /// How a request of unknown outcome is reconciled (`x-reconcile`).
    pub reconcile: Option<Reconcile>,
}

/// `x-reconcile: {lookup-by, not-found, duplicate}` of a money-moving operation with a status
/// query (`x-status-query`).
pub struct Reconcile {
    /// The status query's `operationId`.
    pub status_query: String,
    /// The member of the request the status query looks the order up by (same name there).
    pub lookup_by: String,
    /// The codes by which the status query says there is no such order.
    pub not_found: Vec<i64>,
    /// The codes by which the gateway refuses a repeat of an order it has.
    pub duplicate: Vec<i64>,
}

/// A list answered page by page (`x-paged: {page: <parameter>, size: <parameter>}`): the
/// query parameters that choose the page and its size, with what their schemas say.
pub struct Paged {
    /// The page number's parameter (pages count from 1).
    pub page: String,
    /// The page size's parameter.
    pub size: String,
    /// The last page the gateway serves (the page parameter's `maximum`).
    pub last_page: u64,
    /// The page size when none is set (the size parameter's `default`).
    pub default_size: u64,
}

/// What sending an operation's request twice does (`x-read-only`, `x-idempotency-key`).
pub enum Repeat {
    /// It only reads (`x-read-only: true`).
    ReadOnly,
    /// The gateway refuses a repeat by this member of the request (`x-idempotency-key`), as
    /// `fact` (`x-idempotency-fact`, or the `x-idempotency-unconfirmed` reason) says; a status
    /// query (`x-status-query`) finds out whether the first attempt was processed.
    Deduplicated {
        key: String,
        fact: String,
        status_query: Option<String>,
    },
    /// Neither: a repeat may act twice.
    Unsafe,
}

/// The `data` of a response: one component, or a list of one.
pub enum DataShape {
    Named(String),
    ListOf(String),
}

pub const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];

/// The spec's component schemas.
pub fn schemas(spec: &Value) -> BuildResult<&Map<String, Value>> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| "no components/schemas".to_string())
}

/// A string enum that keeps values it does not know (`x-open-enum: true`).
pub fn is_open_enum(schema: &Value) -> bool {
    schema.get("x-open-enum").and_then(Value::as_bool) == Some(true)
}

/// A code table with names (`x-codes`), of integer or string codes.
pub fn is_code_table(schema: &Value) -> bool {
    schema.get("x-codes").is_some()
}

/// The Rust name of the code table of component `name`. SGATE's docs call its business codes
/// "status codes", SGATE Payin's "error codes"; in Rust every gateway's table is `ResultCode`,
/// which neither differs between gateways nor clashes with `http::StatusCode`.
pub fn code_table_name(name: &str) -> String {
    match name {
        "StatusCode" | "ErrorCode" => "ResultCode".to_string(),
        other => other.to_upper_camel_case(),
    }
}

/// The member [`generate`](crate::generate) adds to the spec it generates from (never to the bundled spec): the
/// paths in the YAML's order ([`bundle::path_order`](crate::bundle::path_order)).
pub const PATH_ORDER: &str = "x-paybind-path-order";

/// Every operation, in spec order (paths as the YAML writes them, then [`METHODS`] order): the
/// index into this list is the index into the generated `OPERATIONS` table.
pub fn operations(spec: &Value) -> BuildResult<Vec<Operation>> {
    let mut ops = Vec::new();
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    let written: Vec<&str> = match spec.get(PATH_ORDER).and_then(Value::as_array) {
        Some(order) => order.iter().filter_map(Value::as_str).collect(),
        None => paths.keys().map(String::as_str).collect(),
    };
    let in_order = written
        .into_iter()
        .filter_map(|path| paths.get(path).map(|item| (path, item)));
    for (path, item) in in_order {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("/paths/{}/{method}", escape(path));
            ops.push(operation(spec, path, method, op).map_err(|e| format!("{at}: {e}"))?);
        }
    }
    Ok(ops)
}

fn operation(spec: &Value, path: &str, method: &str, op: &Value) -> BuildResult<Operation> {
    let text = |key: &str| -> BuildResult<String> {
        op.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("missing {key}"))
    };
    let content = op.pointer("/requestBody/content");
    let body_schema = content
        .and_then(|c| c.pointer("/application~1json/schema/$ref"))
        .and_then(Value::as_str)
        .map(ref_name);
    let multipart = content.and_then(|c| c.get("multipart/form-data")).is_some();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or("missing responses")?;
    let success_count = responses.keys().filter(|k| k.starts_with('2')).count();
    let response_schema = op
        .pointer("/responses/200/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .map(ref_name);
    let data_schema = response_schema
        .as_deref()
        .and_then(|name| spec.pointer(&format!("/components/schemas/{name}/properties/data")))
        .and_then(data_shape);
    Ok(Operation {
        id: text("operationId")?,
        summary: text("summary")?,
        description: description(op),
        method: method.to_uppercase(),
        path: path.to_string(),
        body_schema,
        response_schema,
        data_schema,
        query: query_parameters(spec, op),
        path_params: path_parameters(spec, path, op)?,
        header_params: parameters_in(spec, op, "header")
            .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect(),
        signed_name: op
            .get("x-method")
            .and_then(Value::as_str)
            .map(str::to_string),
        manual: multipart || success_count > 1,
        repeat: repeat(op)?,
        paged: paged(op)?,
        reconcile: reconcile(op)?,
    })
}

/// The operation's `x-reconcile`, which needs its `x-status-query`.
fn reconcile(op: &Value) -> BuildResult<Option<Reconcile>> {
    let Some(mark) = op.get("x-reconcile") else {
        return Ok(None);
    };
    let status_query = op
        .get("x-status-query")
        .and_then(Value::as_str)
        .ok_or("x-reconcile needs x-status-query: the operation that looks an order up")?;
    let codes = |key: &str| -> BuildResult<Vec<i64>> {
        mark.get(key)
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_i64).collect::<Vec<_>>())
            .filter(|list| !list.is_empty())
            .ok_or_else(|| format!("x-reconcile needs `{key}`: a list of the gateway's codes"))
    };
    Ok(Some(Reconcile {
        status_query: status_query.to_string(),
        lookup_by: mark
            .get("lookup-by")
            .and_then(Value::as_str)
            .ok_or("x-reconcile needs `lookup-by`: the member the status query looks up by")?
            .to_string(),
        not_found: codes("not-found")?,
        duplicate: codes("duplicate")?,
    }))
}

/// The operation's `x-paged`, with the bounds its two parameters' schemas give.
fn paged(op: &Value) -> BuildResult<Option<Paged>> {
    let Some(mark) = op.get("x-paged") else {
        return Ok(None);
    };
    let name = |key: &str| -> BuildResult<String> {
        mark.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("x-paged needs `{key}`: the name of a query parameter"))
    };
    let (page, size) = (name("page")?, name("size")?);
    let bound = |parameter: &str, key: &str| -> BuildResult<u64> {
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(parameter))
            .and_then(|p| p.pointer(&format!("/schema/{key}")))
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("x-paged: the parameter `{parameter}` needs a schema `{key}`"))
    };
    Ok(Some(Paged {
        last_page: bound(&page, "maximum")?,
        default_size: bound(&size, "default")?,
        page,
        size,
    }))
}

/// An operation's description with the notes (`x-unconfirmed`, `x-decision`) written on it,
/// on its request body and on its answers, so that its method's rustdoc carries them.
fn description(op: &Value) -> String {
    let mut doc = op
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    doc += &notes_doc(op);
    if let Some(body) = op.get("requestBody") {
        doc += &notes_within(body, "request body");
    }
    if let Some(responses) = op.get("responses") {
        doc += &notes_within(responses, "answer");
    }
    doc.trim().to_string()
}

fn repeat(op: &Value) -> BuildResult<Repeat> {
    let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::to_string);
    let read_only = op.get("x-read-only").and_then(Value::as_bool) == Some(true);
    match (text("x-idempotency-key"), read_only) {
        (Some(_), true) => Err("x-read-only and x-idempotency-key exclude each other".into()),
        (None, true) => Ok(Repeat::ReadOnly),
        (None, false) => Ok(Repeat::Unsafe),
        (Some(key), false) => {
            let fact = match (
                text("x-idempotency-fact"),
                text("x-idempotency-unconfirmed"),
            ) {
                (Some(fact), None) => fact,
                (None, Some(why)) => format!("unconfirmed: {why}"),
                _ => {
                    return Err(
                        "x-idempotency-key needs x-idempotency-fact (the docs' fact) \
                         or x-idempotency-unconfirmed (why it is assumed)"
                            .into(),
                    )
                }
            };
            Ok(Repeat::Deduplicated {
                key,
                fact,
                status_query: text("x-status-query"),
            })
        }
    }
}

/// The operation's parameters `in` one place (`query`, `path`, `header`), each read through its
/// `$ref` to `components/parameters` when it is one.
pub fn parameters_in<'a>(
    spec: &'a Value,
    op: &'a Value,
    place: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve_parameter(spec, p))
        .filter(move |p| p.get("in").and_then(Value::as_str) == Some(place))
}

/// A parameter, or the component parameter its `$ref` names (itself when the reference dangles:
/// the spec check reports that).
pub fn resolve_parameter<'a>(spec: &'a Value, parameter: &'a Value) -> &'a Value {
    parameter
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/parameters/"))
        .and_then(|name| spec.pointer(&format!("/components/parameters/{}", escape(name))))
        .unwrap_or(parameter)
}

/// The `{NAME}`s of a path template, in order; each must be a declared path parameter.
fn path_parameters(spec: &Value, path: &str, op: &Value) -> BuildResult<Vec<String>> {
    let declared: Vec<&str> = parameters_in(spec, op, "path")
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .collect();
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("path {path} opens a parameter it does not close"))?;
        let name = &rest[open + 1..open + close];
        if !declared.contains(&name) {
            return Err(format!(
                "path parameter {{{name}}} is not declared `in: path`"
            ));
        }
        names.push(name.to_string());
        rest = &rest[open + close + 1..];
    }
    if let Some(extra) = declared.iter().find(|d| !names.iter().any(|n| n == *d)) {
        return Err(format!("path parameter {extra} is not in the path"));
    }
    Ok(names)
}

fn query_parameters(spec: &Value, op: &Value) -> Vec<(String, bool)> {
    parameters_in(spec, op, "query")
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_string();
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            Some((name, required))
        })
        .collect()
}

fn data_shape(data: &Value) -> Option<DataShape> {
    if let Some(r) = data.get("$ref").and_then(Value::as_str) {
        return Some(DataShape::Named(ref_name(r)));
    }
    if let Some(r) = data.pointer("/items/$ref").and_then(Value::as_str) {
        return Some(DataShape::ListOf(ref_name(r)));
    }
    None
}

fn ref_name(r: &str) -> String {
    r.rsplit('/').next().unwrap_or(r).to_string()
}
