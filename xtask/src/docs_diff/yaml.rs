//! The facts of the spec that the docs can be compared with, each with the `x-decision` /
//! `x-unconfirmed` notes that apply to it.

use serde_json::Value;

use crate::util::{ref_name, METHODS};

const NOTE_KEYS: &[&str] = &["x-decision", "x-unconfirmed"];

/// A value with the notes written on it.
pub type Noted = (String, Vec<String>);

/// A code's text in the YAML, with the notes on the code and on its table.
pub struct CodeText {
    pub text: String,
    pub notes: Vec<String>,
    pub schema_notes: Vec<String>,
}

/// A bundled spec.
pub struct Spec<'a> {
    root: &'a Value,
    /// The success answer is the record itself, not an envelope with `data` (SGATE Payin).
    bare_answers: bool,
}

/// An operation of the spec.
pub struct YamlOperation<'a> {
    pub id: String,
    pub path: String,
    pub method: String,
    pub node: &'a Value,
}

/// A field (query parameter or object member) as the spec states it.
#[derive(Debug, Default)]
pub struct YamlField {
    /// `required`, `optional` or `conditional` (required by an `x-rules` entry).
    pub required: &'static str,
    pub ty: Option<String>,
    pub format: Option<String>,
    /// (min, max) characters from minLength/maxLength or a `{m,n}` pattern quantifier.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub maximum: Option<u64>,
    /// `enum` values or `x-codes` codes.
    pub values: Option<Vec<String>>,
    pub default: Option<String>,
    /// Notes on the field, its parameter and every schema it refers to.
    pub notes: Vec<String>,
    /// A member of a member (`exchangeinfo.custname`): compared only when the docs list
    /// members of its parent.
    pub nested: bool,
}

/// The fields of one request or response object.
#[derive(Debug, Default)]
pub struct YamlFields {
    /// Component schema name, when the object is one.
    pub schema: Option<String>,
    pub fields: Vec<(String, YamlField)>,
    /// Notes on the enclosing operation, media type and schema; they count for a field only
    /// when they name it.
    pub notes: Vec<String>,
}

impl<'a> Spec<'a> {
    pub fn new(root: &'a Value) -> Self {
        Spec {
            root,
            bare_answers: false,
        }
    }

    /// The same spec, read as one whose success answers are bare records (no `data` envelope).
    pub fn with_bare_answers(self) -> Self {
        Spec {
            bare_answers: true,
            ..self
        }
    }

    /// Every operation, in the order of `paths`.
    pub fn operations(&self) -> Vec<YamlOperation<'a>> {
        let mut out = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            for method in METHODS {
                if let Some(node) = item.get(*method) {
                    let id = node
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("{method} {path}"), str::to_string);
                    out.push(YamlOperation {
                        id,
                        path: path.clone(),
                        method: method.to_string(),
                        node,
                    });
                }
            }
        }
        out
    }

    /// Notes on the spec's `info` (they acknowledge endpoint-level differences that name the path).
    pub fn info_notes(&self) -> Vec<String> {
        self.root.get("info").map(notes_of).unwrap_or_default()
    }

    /// The request fields: query parameters of a GET, the body members of a POST.
    pub fn request(&self, op: &YamlOperation) -> YamlFields {
        let mut out = YamlFields {
            notes: notes_of(op.node),
            ..YamlFields::default()
        };
        let params = op.node.get("parameters").and_then(Value::as_array);
        for param in params.into_iter().flatten() {
            let param = self.resolve(param);
            if param.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            let mut field = self.field(param.get("schema").unwrap_or(&Value::Null));
            field.notes.extend(notes_of(param));
            field.required = if param.get("required") == Some(&Value::Bool(true)) {
                "required"
            } else {
                conditional_or_optional(op.node, name)
            };
            out.fields.push((name.to_string(), field));
        }
        let media = op
            .node
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next());
        if let Some(media) = media {
            out.notes.extend(notes_of(media));
            if let Some(schema) = media.get("schema") {
                self.members(schema, &mut out);
            }
        }
        out
    }

    /// The members of `data` in the success response (of its items when it is an array), or of
    /// the answer itself for a spec of bare answers.
    pub fn response(&self, op: &YamlOperation) -> Option<YamlFields> {
        let content = op.node.pointer("/responses/200/content")?.as_object()?;
        let envelope = content.get("application/json")?.get("schema")?;
        let data = if self.bare_answers {
            envelope
        } else {
            self.chase(envelope).get("properties")?.get("data")?
        };
        let mut out = YamlFields::default();
        match self.chase(data).get("items") {
            Some(items) => {
                out.notes.extend(notes_of(self.chase(data)));
                self.members(items, &mut out);
            }
            None => self.members(data, &mut out),
        }
        Some(out)
    }

    /// The members of a component schema (callback bodies).
    pub fn schema_fields(&self, name: &str) -> Option<YamlFields> {
        let schema = self.component(name)?;
        let mut out = YamlFields::default();
        self.members(schema, &mut out);
        out.schema = Some(name.to_string());
        Some(out)
    }

    /// The values (`enum` or `x-codes`) of a component schema, each with its own notes, and the
    /// schema's notes.
    pub fn values(&self, name: &str) -> Option<(Vec<Noted>, Vec<String>)> {
        let schema = self.component(name)?;
        let values = if let Some(codes) = schema.get("x-codes").and_then(Value::as_array) {
            codes
                .iter()
                .filter_map(|c| Some((scalar(c.get("code")?)?, notes_of(c))))
                .collect()
        } else {
            let list = schema.get("enum")?.as_array()?;
            list.iter()
                .filter_map(|v| Some((scalar(v)?, Vec::new())))
                .collect()
        };
        Some((values, notes_of(schema)))
    }

    /// The text `key` (`message`, `message-zh`) of code `code` in the `x-codes` of component
    /// `name`, with the code's own notes and the schema's; `None` where the YAML holds no such
    /// text.
    pub fn code_text(&self, name: &str, code: &str, key: &str) -> Option<CodeText> {
        let schema = self.component(name)?;
        let entry = schema
            .get("x-codes")?
            .as_array()?
            .iter()
            .find(|entry| entry.get("code").and_then(scalar).as_deref() == Some(code))?;
        Some(CodeText {
            text: entry.get(key)?.as_str()?.to_string(),
            notes: notes_of(entry),
            schema_notes: notes_of(schema),
        })
    }

    pub fn component(&self, name: &str) -> Option<&'a Value> {
        self.root.get("components")?.get("schemas")?.get(name)
    }

    fn resolve(&self, node: &'a Value) -> &'a Value {
        self.chase(node)
    }

    /// Follows `$ref`s to the schema they name.
    fn chase(&self, mut node: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(target) = node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(ref_name)
                .and_then(|n| self.component(n))
            else {
                break;
            };
            node = target;
        }
        node
    }

    fn members(&self, schema: &'a Value, out: &mut YamlFields) {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_name)
        {
            out.schema.get_or_insert_with(|| name.to_string());
        }
        let schema = self.chase(schema);
        out.notes.extend(notes_of(schema));
        self.add_members(schema, "", out);
    }

    /// The members of `schema` as `prefix` + name, and those of object members one level down.
    fn add_members(&self, schema: &'a Value, prefix: &str, out: &mut YamlFields) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, prop) in props {
            let mut field = self.field(prop);
            field.required = if required.contains(&name.as_str()) {
                "required"
            } else {
                conditional_or_optional(schema, name)
            };
            field.nested = !prefix.is_empty();
            out.fields.push((format!("{prefix}{name}"), field));
            // The members of an array's items are the array's (`products.name`).
            let object = self.chase(prop);
            let object = object
                .get("items")
                .map_or(object, |items| self.chase(items));
            if prefix.is_empty() && object.get("properties").is_some() {
                self.add_members(object, &format!("{name}."), out);
            }
        }
    }

    /// A field's facts, gathered along its `$ref` chain (the first statement of each wins).
    fn field(&self, schema: &'a Value) -> YamlField {
        let mut field = YamlField::default();
        let mut node = schema;
        for _ in 0..16 {
            field.notes.extend(notes_of(node));
            absorb(&mut field, node);
            match node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(ref_name)
                .and_then(|n| self.component(n))
            {
                Some(next) => node = next,
                None => break,
            }
        }
        field
    }
}

fn absorb(field: &mut YamlField, node: &Value) {
    let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
    let number = |key: &str| node.get(key).and_then(Value::as_u64);
    if field.ty.is_none() {
        field.ty = text("type");
    }
    if field.format.is_none() {
        field.format = text("format");
    }
    if field.length.is_none() {
        let (min, max) = (number("minLength"), number("maxLength"));
        field.length = if max.is_some() {
            Some((min, max))
        } else {
            text("pattern").and_then(|p| pattern_length(&p))
        };
    }
    if field.maximum.is_none() {
        field.maximum = number("maximum");
    }
    if field.values.is_none() {
        field.values = node
            .get("enum")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(scalar).collect())
            .or_else(|| {
                node.get("x-codes").and_then(Value::as_array).map(|codes| {
                    codes
                        .iter()
                        .filter_map(|c| c.get("code").and_then(scalar))
                        .collect()
                })
            });
    }
    if field.default.is_none() {
        field.default = node.get("default").and_then(scalar);
    }
}

/// `(min, max)` of a pattern made of one character class with a `{m,n}` / `{n}` quantifier,
/// e.g. `^[0-9]{13,19}$`; `None` for any other pattern.
fn pattern_length(pattern: &str) -> Option<(Option<u64>, Option<u64>)> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let (class, quantifier) = body.split_once("]{")?;
    if !class.starts_with('[') || class[1..].contains(['[', '(', '|']) {
        return None;
    }
    let quantifier = quantifier.strip_suffix('}')?;
    match quantifier.split_once(',') {
        Some((min, max)) => Some((min.parse().ok(), Some(max.parse().ok()?))),
        None => {
            let n = quantifier.parse().ok()?;
            Some((Some(n), Some(n)))
        }
    }
}

/// `conditional` when an `x-rules` entry of `node` with an `if` requires the field.
fn conditional_or_optional(node: &Value, name: &str) -> &'static str {
    let rules = node.get("x-rules").and_then(Value::as_array);
    let required_by_rule = rules.into_iter().flatten().any(|rule| {
        rule.get("if").is_some()
            && rule
                .get("require")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
    });
    if required_by_rule {
        "conditional"
    } else {
        "optional"
    }
}

/// The `x-decision` / `x-unconfirmed` texts directly on a node.
pub fn notes_of(node: &Value) -> Vec<String> {
    NOTE_KEYS
        .iter()
        .filter_map(|k| node.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_from_patterns() {
        assert_eq!(pattern_length("^[0-9]{13,19}$"), Some((Some(13), Some(19))));
        assert_eq!(
            pattern_length("^[A-Za-z0-9]{1,34}$"),
            Some((Some(1), Some(34)))
        );
        assert_eq!(
            pattern_length("^[0-9A-Fa-f]{32}$"),
            Some((Some(32), Some(32)))
        );
        assert_eq!(pattern_length("^(\\+?966|0)?5[0-9]{8}$"), None);
    }
}
