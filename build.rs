//! Generates paybind's clients from the hand-written specs under `openapi/`.
//!
//! For each gateway whose Cargo feature is on, this:
//! 1. reads the YAML and bundles the components it borrows from another file (`x.yaml#/...`);
//! 2. writes the bundled spec as JSON to `OUT_DIR` (the run-time validator reads it);
//! 3. generates the client and models with progenitor, formatted with prettyplease;
//! 4. generates what typify cannot: open enums with an `Unknown` variant, named code tables,
//!    the operation table and the facade methods.
//!
//! A broken spec fails the build with the file name and the JSON path of the fault.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};

// Loading and bundling, shared with `xtask` (which exports the same bundled document).
#[path = "build/bundle.rs"]
mod bundle;
use bundle::bundle;

/// One generated API.
struct Api {
    /// Cargo feature that turns it on (as in `CARGO_FEATURE_*`).
    feature_env: &'static str,
    /// Spec file under `openapi/`.
    file: &'static str,
    /// Stem of the generated files in `OUT_DIR`.
    stem: &'static str,
    /// Type the generated `Client` carries as `inner` (the signing context).
    inner_type: &'static str,
    /// Path of the facade type the generated methods are added to.
    facade: &'static str,
    /// Header-signed gateway (SGATE): `x-sensitive` strings become this secret-bearing type,
    /// and facade methods are also generated for GET and hand-written (`manual`) operations.
    header_signed: Option<HeaderSigned>,
}

/// What only a header-signed gateway (SGATE) needs from the generator.
struct HeaderSigned {
    /// Rust type of every string property or parameter marked `x-sensitive: true`.
    sensitive_type: &'static str,
    /// Module holding the hand-written request builders of `manual` operations.
    manual_module: &'static str,
}

const APIS: &[Api] = &[
    Api {
        feature_env: "CARGO_FEATURE_BLUEPAY",
        file: "bluepay.yaml",
        stem: "bluepay",
        inner_type: "crate::envelope::EnvelopeContext",
        facade: "crate::bluepay::Client",
        header_signed: None,
    },
    Api {
        feature_env: "CARGO_FEATURE_BLUEPAY_JT",
        file: "bluepay-jt.yaml",
        stem: "bluepay_jt",
        inner_type: "crate::envelope::EnvelopeContext",
        facade: "crate::bluepay_jt::Client",
        header_signed: None,
    },
    Api {
        feature_env: "CARGO_FEATURE_SGATE",
        file: "sgate-payout.yaml",
        stem: "sgate",
        inner_type: "crate::sgate::signing::SgateContext",
        facade: "crate::sgate::Client",
        header_signed: Some(HeaderSigned {
            sensitive_type: "crate::sgate::Sensitive",
            manual_module: "crate::sgate::manual",
        }),
    },
];

/// Spec components replaced by paybind's money types.
const MONEY_TYPES: &[(&str, &str)] = &[
    ("Amount", "crate::money::Amount"),
    ("DecimalAmount", "crate::money::DecimalAmount"),
    ("Decimal2", "crate::money::Decimal2"),
];

type BuildResult<T> = Result<T, String>;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let openapi_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")).join("openapi");
    let out_dir = PathBuf::from(env("OUT_DIR"));
    if let Ok(entries) = std::fs::read_dir(&openapi_dir) {
        for entry in entries.flatten() {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
    for api in APIS {
        if std::env::var_os(api.feature_env).is_none() {
            continue;
        }
        if let Err(message) = generate(api, &openapi_dir, &out_dir) {
            eprintln!("error: openapi/{}: {message}", api.file);
            std::process::exit(1);
        }
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("cargo sets {name} for build scripts"))
}

fn generate(api: &Api, openapi_dir: &Path, out_dir: &Path) -> BuildResult<()> {
    let spec = bundle(openapi_dir, api.file)?;
    write(out_dir, &format!("{}.json", api.stem), &spec.to_string())?;

    let client = generate_client(api, &spec)?;
    write(out_dir, &format!("{}_client.rs", api.stem), &client)?;

    let extras = generate_extras(api, &spec)?;
    let extras = format_rust(&extras).map_err(|e| format!("generated extras do not parse: {e}"))?;
    write(out_dir, &format!("{}_extras.rs", api.stem), &extras)
}

fn write(out_dir: &Path, name: &str, text: &str) -> BuildResult<()> {
    std::fs::write(out_dir.join(name), text).map_err(|e| format!("writing {name}: {e}"))
}

fn format_rust(source: &str) -> Result<String, String> {
    let file: syn::File = syn::parse_str(source).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

// ---------------------------------------------------------------------------------------------
// Operations

/// What the facade and the validator need to know about one operation.
struct Operation {
    id: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    /// Name of the JSON request-body schema.
    body_schema: Option<String>,
    /// Name of the 200 response schema.
    response_schema: Option<String>,
    /// Name of the schema of `data` inside the response.
    data_schema: Option<DataShape>,
    /// Query parameters (name, required).
    query: Vec<(String, bool)>,
    /// Handled by hand-written code instead of progenitor (multipart, several success bodies).
    manual: bool,
}

enum DataShape {
    Named(String),
    ListOf(String),
}

const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];

fn operations(spec: &Value) -> BuildResult<Vec<Operation>> {
    let mut ops = Vec::new();
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!(
                "/paths/{}/{method}",
                path.replace('~', "~0").replace('/', "~1")
            );
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
    let id = text("operationId")?;
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
    let query = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|params| {
            params
                .iter()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?.to_string();
                    let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                    Some((name, required))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Operation {
        summary: text("summary")?,
        description: op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        body_schema,
        response_schema,
        data_schema,
        query,
        manual: multipart || success_count > 1,
    })
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

// ---------------------------------------------------------------------------------------------
// progenitor

fn generate_client(api: &Api, spec: &Value) -> BuildResult<String> {
    let mut for_progenitor = spec.clone();
    remove_manual_operations(&mut for_progenitor, spec)?;
    keep_unknown_fields(&mut for_progenitor);
    if api.header_signed.is_some() {
        use_sensitive_type(&mut for_progenitor)?;
    }
    let openapi: openapiv3::OpenAPI = serde_path_to_error::deserialize(&for_progenitor)
        .map_err(|e| format!("at {}: {}", e.path(), e.inner()))?;

    let inner_type: proc_macro2::TokenStream = api
        .inner_type
        .parse()
        .map_err(|e| format!("inner type: {e}"))?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(inner_type)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq");
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("no components/schemas")?;
    for (name, path) in MONEY_TYPES {
        if schemas.contains_key(*name) {
            settings.with_replacement(name, path, std::iter::empty());
        }
    }
    if let Some(signed) = &api.header_signed {
        settings.with_replacement(SENSITIVE_SCHEMA, signed.sensitive_type, std::iter::empty());
    }
    let stem = api.stem;
    for (name, schema) in schemas {
        if is_open_enum(schema) || is_code_table(schema) {
            let path = format!("crate::{stem}::{}", name.to_upper_camel_case());
            settings.with_replacement(name.to_upper_camel_case(), path, std::iter::empty());
        }
    }
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&openapi)
        .map_err(|e| format!("progenitor: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated client does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

fn remove_manual_operations(target: &mut Value, spec: &Value) -> BuildResult<()> {
    let manual: BTreeSet<String> = operations(spec)?
        .into_iter()
        .filter(|op| op.manual)
        .map(|op| op.id)
        .collect();
    if let Some(paths) = target.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|_, op| {
                    op.get("operationId")
                        .and_then(Value::as_str)
                        .is_none_or(|id| !manual.contains(id))
                });
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|m| METHODS.iter().any(|k| m.contains_key(*k)))
        });
    }
    Ok(())
}

/// typify ignores fields allowed by `additionalProperties: true`, but keeps them in a flattened
/// `extra` map for the equally permissive `{}`. Received objects say `true` in the YAML (see
/// CONVENTIONS.md); for the generator it becomes `{}` so a field the gateway adds is kept.
fn keep_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(true)) {
                map.insert("additionalProperties".into(), Value::Object(Map::new()));
            }
            map.values_mut().for_each(keep_unknown_fields);
        }
        Value::Array(items) => items.iter_mut().for_each(keep_unknown_fields),
        _ => {}
    }
}

fn is_open_enum(schema: &Value) -> bool {
    schema.get("x-open-enum").and_then(Value::as_bool) == Some(true)
}

fn is_code_table(schema: &Value) -> bool {
    schema.get("x-codes").is_some()
}

// ---------------------------------------------------------------------------------------------
// Extras: open enums, code tables, operation table, facade methods

fn generate_extras(api: &Api, spec: &Value) -> BuildResult<String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("no components/schemas")?;
    let mut out = String::new();
    writeln!(
        out,
        "// Generated by build.rs from openapi/{}. Do not edit.",
        api.file
    )
    .ok();
    for (name, schema) in schemas {
        let at = format!("/components/schemas/{name}");
        if is_open_enum(schema) {
            out += &open_enum(name, schema).map_err(|e| format!("{at}: {e}"))?;
        }
        if is_code_table(schema) {
            out += &code_table(name, schema).map_err(|e| format!("{at}: {e}"))?;
        }
    }
    let ops = operations(spec)?;
    out += &operation_table(api, &ops);
    out += &field_names(schemas);
    out += &data_impls(&ops);
    out += &roundtrip_fn(schemas);
    out += &facade_methods(api, &ops);
    if let Some(signed) = &api.header_signed {
        out += &header_signed_facade_methods(api, signed, spec, &ops)?;
    }
    out += &ack_body(spec);
    if let Some(list) = spec
        .pointer("/info/x-notifications")
        .or(spec.pointer("/info/x-callbacks"))
    {
        out += &notification_enum(list).map_err(|e| format!("/info notifications: {e}"))?;
    }
    Ok(out)
}

/// `ACK_BODY`: the answer to every notification, from the spec's `AckBody` example.
fn ack_body(spec: &Value) -> String {
    match spec.pointer("/components/schemas/AckBody/example") {
        Some(ack) => format!(
            "/// The body to answer every notification with (HTTP 200), from the spec's `AckBody`.\npub const ACK_BODY: &str = {:?};\n",
            ack.to_string()
        ),
        None => String::new(),
    }
}

fn doc_lines(text: &str) -> String {
    text.lines()
        .map(|l| format!("#[doc = {:?}]\n", format!(" {}", l.trim_end())))
        .collect()
}

fn schema_doc(schema: &Value) -> String {
    let mut doc = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    for key in ["x-unconfirmed", "x-decision"] {
        if let Some(note) = schema.get(key).and_then(Value::as_str) {
            let label = if key == "x-unconfirmed" {
                "Unconfirmed"
            } else {
                "Decision"
            };
            write!(doc, "\n\n**{label}:** {}", note.trim()).ok();
        }
    }
    doc
}

fn variant_name(value: &str) -> String {
    let name = value.to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("V{name}")
    } else {
        name
    }
}

fn open_enum(name: &str, schema: &Value) -> BuildResult<String> {
    let values = schema
        .get("enum")
        .and_then(Value::as_array)
        .ok_or("x-open-enum without enum")?;
    let descriptions = schema.get("x-enum-descriptions");
    // Spellings that differ only in case or punctuation share one variant; the first is sent.
    let mut variants: Vec<(String, Vec<String>)> = Vec::new();
    for value in values {
        let value = value.as_str().ok_or("open enums hold strings")?;
        let mut variant = variant_name(value);
        if variant == "Unknown" {
            // The documented value `unknown` must not collide with the catch-all `Unknown(_)`.
            variant = "ReportedUnknown".to_string();
        }
        match variants.iter_mut().find(|(v, _)| *v == variant) {
            Some((_, spellings)) => spellings.push(value.to_string()),
            None => variants.push((variant, vec![value.to_string()])),
        }
    }
    let mut body = String::new();
    for (variant, spellings) in &variants {
        let doc = descriptions
            .and_then(|d| d.get(&spellings[0]))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("`{}`", spellings.join("` or `")));
        let spellings: Vec<String> = spellings.iter().map(|s| format!("{s:?}")).collect();
        writeln!(
            body,
            "{}{variant} = [{}],",
            doc_lines(&doc),
            spellings.join(", ")
        )
        .ok();
    }
    Ok(format!(
        "crate::open_enum! {{\n{}pub enum {} {{\n{body}}}\n}}\n",
        doc_lines(&schema_doc(schema)),
        name.to_upper_camel_case()
    ))
}

fn code_table(name: &str, schema: &Value) -> BuildResult<String> {
    let codes = schema
        .get("x-codes")
        .and_then(Value::as_array)
        .ok_or("x-codes is not a list")?;
    let mut body = String::new();
    let mut seen = BTreeSet::new();
    for entry in codes {
        let code = entry
            .get("code")
            .and_then(Value::as_i64)
            .ok_or("x-codes entry without integer code")?;
        let variant = entry
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("code {code}: no name"))?
            .to_upper_camel_case();
        if !seen.insert(variant.clone()) {
            return Err(format!("code {code}: name {variant} used twice"));
        }
        let message = entry.get("message").and_then(Value::as_str).unwrap_or("");
        let inner = entry.get("inner").and_then(Value::as_str).unwrap_or("");
        let retryable = entry
            .get("retryable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut doc = format!("`{code}`: {message}");
        for key in ["x-unconfirmed", "x-decision", "description"] {
            if let Some(note) = entry.get(key).and_then(Value::as_str) {
                write!(doc, "\n\n{note}").ok();
            }
        }
        writeln!(
            body,
            "{}{variant} = ({code}, {inner:?}, {message:?}, {retryable}),",
            doc_lines(&doc)
        )
        .ok();
    }
    Ok(format!(
        "crate::code_table! {{\n{}pub enum {} {{\n{body}}}\n}}\n",
        doc_lines(&schema_doc(schema)),
        name.to_upper_camel_case()
    ))
}

fn operation_table(api: &Api, ops: &[Operation]) -> String {
    let mut out = format!(
        "/// The bundled spec, as JSON.\npub(crate) const SPEC_JSON: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{}.json\"));\n",
        api.stem
    );
    out += "/// Every operation of the spec.\npub(crate) const OPERATIONS: &[crate::spec::Operation] = &[\n";
    for op in ops {
        let opt = |s: &Option<String>| match s {
            Some(s) => format!("Some({s:?})"),
            None => "None".to_string(),
        };
        let query: Vec<String> = op.query.iter().map(|(n, _)| format!("{n:?}")).collect();
        writeln!(
            out,
            "crate::spec::Operation {{ id: {:?}, method: {:?}, path: {:?}, summary: {:?}, body_schema: {}, response_schema: {}, query: &[{}], manual: {} }},",
            op.id,
            op.method,
            op.path,
            op.summary,
            opt(&op.body_schema),
            opt(&op.response_schema),
            query.join(", "),
            op.manual
        )
        .ok();
    }
    out += "];\n";
    out
}

/// Maps the Rust field names typify chose back to the spec's property names, so a validation
/// error names the field as the gateway's docs do.
fn field_names(schemas: &Map<String, Value>) -> String {
    let mut pairs = BTreeMap::new();
    for schema in schemas.values() {
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for prop in props.keys() {
                pairs
                    .entry(prop.to_snake_case())
                    .or_insert_with(|| prop.clone());
            }
        }
    }
    let mut out = String::from(
        "/// The spec's property name for a Rust field name.\npub(crate) fn spec_field_name(rust: &str) -> Option<&'static str> {\nmatch rust {\n",
    );
    for (rust, spec) in pairs {
        writeln!(out, "{rust:?} => Some({spec:?}),").ok();
    }
    out += "_ => None,\n}\n}\n";
    out
}

/// `roundtrip_schema` decodes a value as the generated type of an object component and encodes
/// it again: the tests and the sandbox use it to prove the docs' examples fit the models.
fn roundtrip_fn(schemas: &Map<String, Value>) -> String {
    let mut arms = String::new();
    for (name, schema) in schemas {
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            writeln!(
                arms,
                "{name:?} => rt::<types::{}>(value),",
                name.to_upper_camel_case()
            )
            .ok();
        }
    }
    format!(
        "/// Decodes `value` as the generated model of component `name` and encodes it again;\n\
         /// `None` when the spec has no object component of that name.\n\
         #[doc(hidden)]\n\
         pub fn roundtrip_schema(name: &str, value: serde_json::Value) -> Option<Result<serde_json::Value, serde_json::Error>> {{\n\
         fn rt<T: serde::Serialize + serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<serde_json::Value, serde_json::Error> {{\n\
         serde_json::to_value(serde_json::from_value::<T>(value)?)\n}}\n\
         Some(match name {{\n{arms}_ => return None,\n}})\n}}\n"
    )
}

fn data_type(shape: &DataShape) -> String {
    match shape {
        DataShape::Named(n) => format!("types::{}", n.to_upper_camel_case()),
        DataShape::ListOf(n) => format!("::std::vec::Vec<types::{}>", n.to_upper_camel_case()),
    }
}

/// `ResponseData` lets the shared call path take `data` out of any response envelope.
fn data_impls(ops: &[Operation]) -> String {
    let mut out = String::new();
    let mut done = BTreeSet::new();
    for op in ops.iter().filter(|op| !op.manual) {
        let Some(response) = &op.response_schema else {
            continue;
        };
        if !done.insert(response.clone()) {
            continue;
        }
        let response = response.to_upper_camel_case();
        match &op.data_schema {
            // typify makes an optional array `Vec<T>` (absent = empty), not `Option<Vec<T>>`.
            Some(shape @ DataShape::ListOf(_)) => writeln!(
                out,
                "impl crate::spec::ResponseData for types::{response} {{ type Data = {}; fn into_data(self) -> Option<Self::Data> {{ Some(self.data) }} }}",
                data_type(shape)
            ),
            Some(shape) => writeln!(
                out,
                "impl crate::spec::ResponseData for types::{response} {{ type Data = {}; fn into_data(self) -> Option<Self::Data> {{ self.data }} }}",
                data_type(shape)
            ),
            None => writeln!(
                out,
                "impl crate::spec::ResponseData for types::{response} {{ type Data = (); fn into_data(self) -> Option<Self::Data> {{ Some(()) }} }}"
            ),
        }
        .ok();
    }
    out
}

fn facade_methods(api: &Api, ops: &[Operation]) -> String {
    let mut out = format!("impl {} {{\n", api.facade);
    for (index, op) in ops.iter().enumerate() {
        if op.manual || op.method != "POST" {
            continue;
        }
        let (Some(body), Some(_)) = (&op.body_schema, &op.response_schema) else {
            continue;
        };
        let body = body.to_upper_camel_case();
        let data = op
            .data_schema
            .as_ref()
            .map(data_type)
            .unwrap_or_else(|| "()".to_string());
        let method = op.id.to_snake_case();
        let mut doc = format!(
            "{}\n\n`{} {}` (operation `{}`).",
            op.summary, op.method, op.path, op.id
        );
        if !op.description.trim().is_empty() {
            doc = format!(
                "{}\n\n{}\n\n`{} {}` (operation `{}`).",
                op.summary,
                op.description.trim(),
                op.method,
                op.path,
                op.id
            );
        }
        write!(
            out,
            "{}pub async fn {method}(&self, param: impl ::std::convert::Into<types::builder::{body}>) -> ::std::result::Result<{data}, Error> {{\n\
             self.call(&OPERATIONS[{index}], param.into(), |param: types::{body}| self.generated.{method}().body(param).send()).await\n}}\n",
            doc_lines(&doc)
        )
        .ok();
    }
    out += &call_json_method(ops);
    out += "}\n";
    out
}

/// `call_json` reaches any operation by `operationId` with a JSON param: the CLI and the tests
/// use it; the param still passes the typed model and the spec's checks.
fn call_json_method(ops: &[Operation]) -> String {
    let mut arms = String::new();
    for op in ops {
        if op.manual || op.method != "POST" || op.response_schema.is_none() {
            continue;
        }
        let Some(body) = &op.body_schema else {
            continue;
        };
        writeln!(
            arms,
            "{:?} => crate::spec::to_json_data(&self.{}(crate::spec::from_json_param::<types::{}>(param)?).await?).map_err(Into::into),",
            op.id,
            op.id.to_snake_case(),
            body.to_upper_camel_case()
        )
        .ok();
    }
    format!(
        "/// Calls the operation `operation_id` with a JSON param and returns its `data` as JSON.\n\
         /// The param is decoded into the operation's model and checked like any other call.\n\
         pub async fn call_json(&self, operation_id: &str, param: serde_json::Value) -> ::std::result::Result<serde_json::Value, Error> {{\n\
         match operation_id {{\n{arms}\
         _ => Err(crate::spec::ValidationError::new(\"operationId\", format!(\"unknown operation {{operation_id}}\")).into()),\n}}\n}}\n"
    )
}

fn notification_enum(list: &Value) -> BuildResult<String> {
    let list = list.as_array().ok_or("not a list")?;
    let mut variants = String::new();
    let mut arms = String::new();
    let mut kinds = String::new();
    for entry in list {
        let kind = entry
            .get("kind")
            .and_then(Value::as_str)
            .ok_or("entry without kind")?
            .to_upper_camel_case();
        let schema = entry
            .get("schema")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{kind}: no schema"))?
            .to_upper_camel_case();
        let description = entry
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let strings = |key: &str| -> Vec<String> {
            entry
                .get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| format!("{s:?}"))
                        .collect()
                })
                .unwrap_or_default()
        };
        let events = strings("events");
        let fields = strings("match-fields");
        writeln!(
            variants,
            "{}{kind}(types::{schema}),",
            doc_lines(description)
        )
        .ok();
        writeln!(
            arms,
            "{kind:?} => serde_json::from_value(param).map(Self::{kind}),"
        )
        .ok();
        writeln!(
            kinds,
            "crate::spec::NotificationKind {{ kind: {kind:?}, events: &[{}], match_fields: &[{}] }},",
            events.join(", "),
            fields.join(", ")
        )
        .ok();
    }
    Ok(format!(
        "/// A verified notification, one variant per kind the gateway sends. It serialises as\n\
         /// `{{\"kind\": \"<variant>\", \"event\": {{..}}}}`.\n\
         #[derive(Debug, Clone, PartialEq, serde::Serialize)]\n#[serde(tag = \"kind\", content = \"event\")]\n#[non_exhaustive]\npub enum Notification {{\n{variants}\
         /// A notification whose kind this version of paybind does not recognise; its param is kept.\n\
         Unrecognized(serde_json::Map<String, serde_json::Value>),\n}}\n\
         /// How each notification kind is recognised.\n\
         pub(crate) const NOTIFICATION_KINDS: &[crate::spec::NotificationKind] = &[\n{kinds}];\n\
         impl Notification {{\n\
         pub(crate) fn from_kind(kind: &str, param: serde_json::Value) -> Result<Self, serde_json::Error> {{\n\
         match kind {{\n{arms}_ => match param {{ serde_json::Value::Object(map) => Ok(Self::Unrecognized(map)), _ => Err(<serde_json::Error as serde::de::Error>::custom(\"param is not a JSON object\")) }},\n}}\n}}\n}}\n"
    ))
}

// ---------------------------------------------------------------------------------------------
// Header-signed gateway (SGATE) only: secret-bearing sensitive strings, and facade methods for
// GET operations (query set on the generated builder through a closure) and for hand-written
// (`manual`) operations. Nothing here runs for the envelope gateways.

/// Component added for progenitor only; replaced by `HeaderSigned::sensitive_type`.
const SENSITIVE_SCHEMA: &str = "SensitiveString";

/// Every string schema marked `x-sensitive: true` becomes a reference to [`SENSITIVE_SCHEMA`],
/// so the generated models hold a type that never prints its value. The constraints stay in the
/// bundled spec, where the validator checks the plaintext before it is encrypted.
fn use_sensitive_type(spec: &mut Value) -> BuildResult<()> {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                let sensitive = map.get("x-sensitive").and_then(Value::as_bool) == Some(true)
                    && map.get("type").and_then(Value::as_str) == Some("string");
                if sensitive {
                    let reference = format!("#/components/schemas/{SENSITIVE_SCHEMA}");
                    *value = serde_json::json!({ "$ref": reference });
                    return;
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(spec);
    let schemas = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("no components/schemas")?;
    schemas.insert(
        SENSITIVE_SCHEMA.to_string(),
        serde_json::json!({ "type": "string" }),
    );
    Ok(())
}

fn operation_doc(op: &Operation) -> String {
    let mut doc = op.summary.trim().to_string();
    if !op.description.trim().is_empty() {
        write!(doc, "\n\n{}", op.description.trim()).ok();
    }
    doc
}

/// The query parameters of an operation with their descriptions, and the operation's `x-rules`,
/// as rustdoc lines.
fn query_doc(spec: &Value, op: &Operation) -> String {
    let mut doc = String::new();
    let item = spec
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|i| i.get(op.method.to_lowercase()));
    let params = item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    if let Some(params) = params.filter(|p| !p.is_empty()) {
        doc += "\n\nQuery parameters (set them on the builder the closure receives):";
        for p in params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            let text = p.get("description").and_then(Value::as_str).unwrap_or("");
            let flag = if required { " (required)" } else { "" };
            write!(doc, "\n- `{name}`{flag}: {}", text.trim()).ok();
        }
    }
    if let Some(rules) = item
        .and_then(|i| i.get("x-rules"))
        .and_then(Value::as_array)
    {
        doc += "\n\nChecked before sending (nothing is sent when a rule fails):";
        for rule in rules {
            if let Some(text) = rule.get("description").and_then(Value::as_str) {
                write!(doc, "\n- {}", text.trim()).ok();
            }
        }
    }
    doc
}

fn header_signed_facade_methods(
    api: &Api,
    signed: &HeaderSigned,
    spec: &Value,
    ops: &[Operation],
) -> BuildResult<String> {
    let module = api
        .facade
        .rsplit_once("::")
        .map(|(m, _)| m)
        .ok_or("facade path has no module")?;
    let mut out = format!("impl {} {{\n", api.facade);
    for (index, op) in ops.iter().enumerate() {
        let method = op.id.to_snake_case();
        let builder = op.id.to_upper_camel_case();
        let at = format!("\n\n`{} {}` (operation `{}`).", op.method, op.path, op.id);
        if op.manual {
            let doc = format!(
                "{}{}\n\nReturns a request builder; see [`{}::{builder}`].",
                operation_doc(op),
                at,
                signed.manual_module
            );
            writeln!(
                out,
                "{}pub fn {method}(&self) -> {}::{builder}<'_> {{\n{}::{builder}::new(self, &OPERATIONS[{index}])\n}}",
                doc_lines(&doc),
                signed.manual_module,
                signed.manual_module
            )
            .ok();
            continue;
        }
        if op.method != "GET" || op.response_schema.is_none() {
            continue;
        }
        let data = op
            .data_schema
            .as_ref()
            .map(data_type)
            .unwrap_or_else(|| "()".to_string());
        let doc = format!("{}{}{}", operation_doc(op), query_doc(spec, op), at);
        if op.query.is_empty() {
            write!(
                out,
                "{}pub async fn {method}(&self) -> ::std::result::Result<{data}, Error> {{\n\
                 self.call_query(&OPERATIONS[{index}], self.generated.{method}().send()).await\n}}\n",
                doc_lines(&doc)
            )
            .ok();
        } else {
            write!(
                out,
                "{}pub async fn {method}<F>(&self, query: F) -> ::std::result::Result<{data}, Error>\n\
                 where F: for<'b> FnOnce({module}::generated::builder::{builder}<'b>) -> {module}::generated::builder::{builder}<'b>,\n{{\n\
                 self.call_query(&OPERATIONS[{index}], query(self.generated.{method}()).send()).await\n}}\n",
                doc_lines(&doc)
            )
            .ok();
        }
    }
    out += "}\n";
    Ok(out)
}
