//! Lines up what the docs say (every language) with what the spec says.

use std::collections::BTreeSet;

use super::report::{acknowledging, kind, Difference};
use super::yaml::{Spec, YamlField, YamlFields, YamlOperation};
use super::{DocField, DocOperation, Docs, PageFacts, Required};

/// The words a note uses for something the docs do not list.
const NOT_IN_FIELD_TABLE: &str = "field table";
const NOT_IN_CODE_TABLE: &str = "code table";

/// Where a difference is.
#[derive(Clone)]
struct At<'a> {
    page: &'a str,
    operation: Option<String>,
    schema: Option<String>,
}

impl At<'_> {
    fn diff(&self, kind: &'static str, field: Option<&str>) -> Difference {
        Difference {
            page: self.page.to_string(),
            operation: self.operation.clone(),
            schema: self.schema.clone(),
            field: field.map(str::to_string),
            kind,
            ..Difference::default()
        }
    }
}

/// Every difference between the docs and the spec, sorted by page.
pub fn compare(docs: &Docs, spec: &Spec) -> Vec<Difference> {
    let operations = spec.operations();
    let languages: BTreeSet<&str> = docs
        .pages
        .values()
        .flatten()
        .map(|(lang, _)| lang.as_str())
        .collect();
    let mut out = Vec::new();
    let mut documented = BTreeSet::new();
    for (page, langs) in &docs.pages {
        let at = At {
            page,
            operation: None,
            schema: None,
        };
        page_languages(&at, langs, &languages, &operations, &mut out);
        let ops: Vec<(&str, &DocOperation)> = langs
            .iter()
            .filter_map(|(l, f)| f.operation.as_ref().map(|o| (l.as_str(), o)))
            .collect();
        if let Some((_, first)) = ops.first() {
            documented.insert(first.path.clone());
            operation(&at, &ops, spec, &operations, &mut out);
        }
        values(&at, langs, spec, &mut out);
        super::texts::compare(page, langs, spec, docs.primary.as_deref(), &mut out);
        schemas(&at, langs, spec, &mut out);
    }
    for op in operations.iter().filter(|o| !documented.contains(&o.path)) {
        let mut d = At {
            page: "-",
            operation: Some(op.id.clone()),
            schema: None,
        }
        .diff(kind::ENDPOINT_REMOVED, None);
        d.yaml = Some(format!("{} {}", op.method.to_uppercase(), op.path));
        out.push(d);
    }
    out.sort();
    out
}

/// A page that documents something but exists in only some languages.
fn page_languages(
    at: &At,
    langs: &[(String, PageFacts)],
    all: &BTreeSet<&str>,
    operations: &[YamlOperation],
    out: &mut Vec<Difference>,
) {
    let has_facts = langs.iter().any(|(_, f)| f != &PageFacts::default());
    if !has_facts || langs.len() == all.len() {
        return;
    }
    let mut d = at.diff(kind::LANGUAGES, None);
    d.operation = langs
        .iter()
        .find_map(|(_, f)| f.operation.as_ref())
        .map(|o| match operations.iter().find(|y| y.path == o.path) {
            Some(y) => y.id.clone(),
            None => format!("{} {}", o.method.to_uppercase(), o.path),
        });
    d.docs = Some(
        all.iter()
            .map(|l| {
                let has = langs.iter().any(|(lang, _)| lang == l);
                format!("{l}: {}", if has { "page" } else { "no page" })
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push(d);
}

fn operation(
    at: &At,
    ops: &[(&str, &DocOperation)],
    spec: &Spec,
    operations: &[YamlOperation],
    out: &mut Vec<Difference>,
) {
    let path = &ops[0].1.path;
    let Some(op) = operations.iter().find(|o| &o.path == path) else {
        let mut d = at.diff(kind::ENDPOINT_ADDED, None);
        d.docs = Some(format!("{} {path}", ops[0].1.method.to_uppercase()));
        d.note = acknowledging(&[], &spec.info_notes(), Some(path), &[]);
        out.push(d);
        return;
    };
    let at = At {
        operation: Some(op.id.clone()),
        ..at.clone()
    };
    let methods: Vec<(&str, Option<String>)> = ops
        .iter()
        .map(|(l, o)| (*l, Some(o.method.clone())))
        .collect();
    attribute(
        &at,
        None,
        kind::METHOD,
        &methods,
        Some(op.method.clone()),
        &|d, y| d == y,
        &Notes::default(),
        out,
    );
    let request = spec.request(op);
    let langs: Vec<(&str, &[DocField])> = ops.iter().map(|(l, o)| (*l, &o.request[..])).collect();
    fields(&at, "query", &langs, &request, out);
    let responses: Vec<(&str, &[DocField])> = ops
        .iter()
        .filter_map(|(l, o)| o.response.as_deref().map(|r| (*l, r)))
        .collect();
    if let (false, Some(response)) = (responses.is_empty(), spec.response(op)) {
        fields(&at, "data", &responses, &response, out);
    }
}

/// Code and enum tables.
fn values(at: &At, langs: &[(String, PageFacts)], spec: &Spec, out: &mut Vec<Difference>) {
    let tables: Vec<(&str, &super::DocValues)> = langs
        .iter()
        .flat_map(|(l, f)| f.values.iter().map(move |v| (l.as_str(), v)))
        .collect();
    let Some((_, first)) = tables.first() else {
        return;
    };
    let at = At {
        schema: Some(first.schema.clone()),
        ..at.clone()
    };
    let Some((yaml_values, schema_notes)) = spec.values(&first.schema) else {
        out.push(at.diff(kind::SCHEMA_MISSING, None));
        return;
    };
    let mut all: Vec<&String> = Vec::new();
    for (_, table) in &tables {
        for v in &table.values {
            if !all.contains(&v) {
                all.push(v);
            }
        }
    }
    for value in all {
        let listed_by: Vec<&str> = tables
            .iter()
            .filter(|(_, t)| t.values.contains(value))
            .map(|(l, _)| *l)
            .collect();
        let yaml = yaml_values.iter().find(|(v, _)| v == value);
        let own_notes = yaml.map(|(_, n)| n.clone()).unwrap_or_default();
        if listed_by.len() < tables.len() {
            let mut d = at.diff(kind::LANGUAGES, Some(value));
            d.docs = Some(presence(&tables, value));
            d.yaml = yaml.map(|_| "listed".into());
            d.note = acknowledging(&own_notes, &schema_notes, Some(value), &[]);
            out.push(d);
        }
        if yaml.is_none() {
            let mut d = at.diff(kind::VALUE_ADDED, Some(value));
            d.docs = Some(format!("listed ({})", listed_by.join(", ")));
            d.note = acknowledging(&[], &schema_notes, Some(value), &[]);
            out.push(d);
        }
    }
    if tables.iter().all(|(_, t)| t.complete) {
        for (value, notes) in &yaml_values {
            if tables.iter().all(|(_, t)| !t.values.contains(value)) {
                let mut d = at.diff(kind::VALUE_REMOVED, Some(value));
                d.yaml = Some("listed".into());
                let tokens = [NOT_IN_CODE_TABLE.to_string()];
                d.note = acknowledging(notes, &schema_notes, Some(value), &tokens);
                out.push(d);
            }
        }
    }
}

fn presence(tables: &[(&str, &super::DocValues)], value: &String) -> String {
    tables
        .iter()
        .map(|(l, t)| {
            let listed = if t.values.contains(value) {
                "listed"
            } else {
                "not listed"
            };
            format!("{l}: {listed}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Field tables of schemas (callback bodies).
fn schemas(at: &At, langs: &[(String, PageFacts)], spec: &Spec, out: &mut Vec<Difference>) {
    let tables: Vec<(&str, &super::DocSchema)> = langs
        .iter()
        .flat_map(|(l, f)| f.schemas.iter().map(move |s| (l.as_str(), s)))
        .collect();
    let Some((_, first)) = tables.first() else {
        return;
    };
    let at = At {
        schema: Some(first.schema.clone()),
        ..at.clone()
    };
    let Some(yaml) = spec.schema_fields(&first.schema) else {
        out.push(at.diff(kind::SCHEMA_MISSING, None));
        return;
    };
    let langs: Vec<(&str, &[DocField])> = tables.iter().map(|(l, s)| (*l, &s.fields[..])).collect();
    fields(&at, &first.schema, &langs, &yaml, out);
}

/// The notes that may acknowledge a difference on one field.
#[derive(Default)]
struct Notes {
    direct: Vec<String>,
    enclosing: Vec<String>,
}

/// One field table (in every language) against the spec's fields of the same object.
fn fields(
    at: &At,
    fallback: &str,
    langs: &[(&str, &[DocField])],
    yaml: &YamlFields,
    out: &mut Vec<Difference>,
) {
    let at = At {
        schema: Some(yaml.schema.clone().unwrap_or_else(|| fallback.to_string())),
        ..at.clone()
    };
    let mut names: Vec<&str> = Vec::new();
    for (_, table) in langs {
        for f in table.iter() {
            if !names.contains(&f.name.as_str()) {
                names.push(&f.name);
            }
        }
    }
    for name in &names {
        let present: Vec<(&str, &DocField)> = langs
            .iter()
            .filter_map(|(l, t)| t.iter().find(|f| f.name == *name).map(|f| (*l, f)))
            .collect();
        let field = yaml.fields.iter().find(|(n, _)| n == name).map(|(_, f)| f);
        let notes = Notes {
            direct: field.map(|f| f.notes.clone()).unwrap_or_default(),
            enclosing: yaml.notes.clone(),
        };
        if present.len() < langs.len() {
            let mut d = at.diff(kind::LANGUAGES, Some(name));
            d.docs = Some(
                langs
                    .iter()
                    .map(|(l, _)| {
                        let listed = present.iter().any(|(p, _)| p == l);
                        format!("{l}: {}", if listed { "listed" } else { "not listed" })
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            d.yaml = field.map(|_| "listed".into());
            let tokens = [NOT_IN_FIELD_TABLE.to_string()];
            d.note = acknowledging(&notes.direct, &notes.enclosing, Some(name), &tokens);
            out.push(d);
        }
        match field {
            None => {
                let mut d = at.diff(kind::FIELD_ADDED, Some(name));
                d.docs = Some(describe(present[0].1));
                d.note = acknowledging(&[], &notes.enclosing, Some(name), &[]);
                out.push(d);
            }
            Some(field) => attributes(&at, name, &present, field, &notes, out),
        }
    }
    for (name, field) in &yaml.fields {
        let parent_listed = |name: &str| {
            let parent = name.split('.').next().unwrap_or(name);
            names.iter().any(|n| n.starts_with(&format!("{parent}.")))
        };
        if names.contains(&name.as_str()) || (field.nested && !parent_listed(name)) {
            continue;
        }
        let mut d = at.diff(kind::FIELD_REMOVED, Some(name));
        d.yaml = Some(yaml_type(field).unwrap_or_else(|| "listed".into()));
        let tokens = [NOT_IN_FIELD_TABLE.to_string()];
        d.note = acknowledging(&field.notes, &yaml.notes, Some(name), &tokens);
        out.push(d);
    }
}

type Agrees = dyn Fn(&str, &str) -> bool;

/// Required flag, type, length, maximum, default and listed values of one field.
fn attributes(
    at: &At,
    name: &str,
    present: &[(&str, &DocField)],
    field: &YamlField,
    notes: &Notes,
    out: &mut Vec<Difference>,
) {
    let each = |get: &dyn Fn(&DocField) -> Option<String>| -> Vec<(&str, Option<String>)> {
        present.iter().map(|(l, f)| (*l, get(f))).collect()
    };
    let required = each(&|f| f.required.as_ref().map(required_word));
    attribute(
        at,
        Some(name),
        kind::REQUIRED,
        &required,
        Some(field.required.into()),
        &|d, y| d == y,
        notes,
        out,
    );
    let ty = each(&|f| f.ty.clone());
    attribute(
        at,
        Some(name),
        kind::TYPE,
        &ty,
        yaml_type(field),
        &types_agree,
        notes,
        out,
    );
    let length = each(&|f| f.length.map(|l| length_text(l.min, Some(l.max))));
    let yaml_length = field.length.map(|(min, max)| length_text(min, max));
    attribute(
        at,
        Some(name),
        kind::LENGTH,
        &length,
        yaml_length,
        &lengths_agree,
        notes,
        out,
    );
    let maximum = each(&|f| f.maximum.map(|m| m.to_string()));
    let yaml_maximum = field.maximum.map(|m| m.to_string());
    attribute(
        at,
        Some(name),
        kind::MAXIMUM,
        &maximum,
        yaml_maximum,
        &|d, y| d == y,
        notes,
        out,
    );
    let default = each(&|f| f.default.clone());
    attribute(
        at,
        Some(name),
        kind::DEFAULT,
        &default,
        field.default.clone(),
        &|d, y| d == y,
        notes,
        out,
    );
    let values = each(&|f| (!f.values.is_empty()).then(|| f.values.join(", ")));
    let yaml_values = field.values.as_ref().map(|v| v.join(", "));
    attribute(
        at,
        Some(name),
        kind::VALUES,
        &values,
        yaml_values,
        &same_set,
        notes,
        out,
    );
}

/// One attribute: a `languages` difference when the languages state different values, else a
/// `kind` difference when the stated value disagrees with the spec. Nothing when no language
/// states the attribute.
#[allow(clippy::too_many_arguments)]
fn attribute(
    at: &At,
    field: Option<&str>,
    kind: &'static str,
    docs: &[(&str, Option<String>)],
    yaml: Option<String>,
    agrees: &Agrees,
    notes: &Notes,
    out: &mut Vec<Difference>,
) {
    let stated: BTreeSet<&Option<String>> = docs.iter().map(|(_, v)| v).collect();
    if stated.len() > 1 {
        let mut d = at.diff(kind::LANGUAGES, field);
        let shown: Vec<String> = docs
            .iter()
            .map(|(l, v)| format!("{l}: {}", v.as_deref().unwrap_or("none")))
            .collect();
        d.docs = Some(format!("{kind} {}", shown.join("; ")));
        d.yaml = yaml.clone();
        let tokens: Vec<String> = docs
            .iter()
            .filter_map(|(_, v)| v.as_deref())
            .flat_map(tokens_of)
            .collect();
        d.note = acknowledging(&notes.direct, &notes.enclosing, field, &tokens);
        out.push(d);
        return;
    }
    let Some(Some(value)) = stated.into_iter().next() else {
        return;
    };
    if yaml.as_deref().is_some_and(|y| agrees(value, y)) {
        return;
    }
    let mut d = at.diff(kind, field);
    d.docs = Some(value.clone());
    d.yaml = yaml.clone();
    let tokens: Vec<String> = match (kind, &yaml) {
        (kind::VALUES, Some(y)) => symmetric_difference(value, y),
        _ => tokens_of(value),
    };
    d.note = acknowledging(&notes.direct, &notes.enclosing, field, &tokens);
    out.push(d);
}

/// A field the YAML lacks, as the docs give it: type, required flag, length, maximum, values.
fn describe(field: &DocField) -> String {
    let mut parts = vec![field.ty.clone().unwrap_or_else(|| "untyped".into())];
    parts.extend(field.required.as_ref().map(required_word));
    parts.extend(
        field
            .length
            .map(|l| format!("length {}", length_text(l.min, Some(l.max)))),
    );
    parts.extend(field.maximum.map(|m| format!("maximum {m}")));
    parts.extend(field.default.as_ref().map(|d| format!("default {d}")));
    if !field.values.is_empty() {
        parts.push(format!("values {}", field.values.join("/")));
    }
    parts.join(", ")
}

fn required_word(r: &Required) -> String {
    match r {
        Required::Yes => "required".into(),
        Required::No => "optional".into(),
        Required::When(_) => "conditional".into(),
    }
}

fn yaml_type(field: &YamlField) -> Option<String> {
    let ty = field.ty.clone()?;
    Some(match &field.format {
        Some(format) => format!("{ty} ({format})"),
        None => ty,
    })
}

/// The docs' type words against JSON Schema types: "number" covers integers, "float" is a
/// number, "file" a binary string.
fn types_agree(docs: &str, yaml: &str) -> bool {
    let yaml_ty = yaml.split(' ').next().unwrap_or(yaml);
    match docs {
        "number" => matches!(yaml_ty, "integer" | "number"),
        "float" | "double" | "decimal" => yaml_ty == "number",
        "int" | "integer" | "long" => yaml_ty == "integer",
        "bool" | "boolean" => yaml_ty == "boolean",
        "file" => yaml == "string (binary)",
        other => other == yaml_ty,
    }
}

fn length_text(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("={a}"),
        (Some(a), Some(b)) => format!("{a}..{b}"),
        (None, Some(b)) => format!("..{b}"),
        (Some(a), None) => format!("{a}.."),
        (None, None) => "any".into(),
    }
}

/// Same maximum, and the same minimum when the docs give one (a documented "length limit 64"
/// agrees with minLength 1, maxLength 64).
fn lengths_agree(docs: &str, yaml: &str) -> bool {
    let (docs_min, docs_max) = bounds(docs);
    let (yaml_min, yaml_max) = bounds(yaml);
    docs_max == yaml_max && (docs_min.is_none() || docs_min == yaml_min)
}

fn bounds(text: &str) -> (Option<&str>, Option<&str>) {
    if let Some(n) = text.strip_prefix('=') {
        return (Some(n), Some(n));
    }
    match text.split_once("..") {
        Some((a, b)) => ((!a.is_empty()).then_some(a), (!b.is_empty()).then_some(b)),
        None => (None, None),
    }
}

fn same_set(docs: &str, yaml: &str) -> bool {
    let set = |s: &str| s.split(", ").map(str::to_string).collect::<BTreeSet<_>>();
    set(docs) == set(yaml)
}

fn symmetric_difference(docs: &str, yaml: &str) -> Vec<String> {
    let set = |s: &str| s.split(", ").map(str::to_string).collect::<BTreeSet<_>>();
    set(docs)
        .symmetric_difference(&set(yaml))
        .cloned()
        .collect()
}

/// The words of a value a note must quote: the numbers of a length, the value itself otherwise.
fn tokens_of(value: &str) -> Vec<String> {
    let numbers: Vec<String> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if value.starts_with(['=', '.']) || value.contains("..") {
        numbers
    } else {
        value.split(", ").map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_and_length_rules() {
        assert!(types_agree("number", "integer (int32)"));
        assert!(types_agree("float", "number (double)"));
        assert!(!types_agree("float", "integer"));
        assert!(!types_agree("number", "string"));
        assert!(lengths_agree("..64", "1..64"));
        assert!(lengths_agree("13..19", "13..19"));
        assert!(!lengths_agree("13..19", "1..19"));
        assert!(!lengths_agree("..64", "1..128"));
        assert!(lengths_agree("=6", "=6"));
        assert_eq!(tokens_of("13..19"), ["13", "19"]);
        assert_eq!(tokens_of("number"), ["number"]);
    }
}
