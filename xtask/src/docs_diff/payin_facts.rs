//! What SGATE's Payin pages say outside the field tables the shared comparison reads, against
//! `openapi/sgate-payin.yaml`: each endpoint's signed method name (`x-method`) and extra
//! headers, the signing pairs and headers (`info.x-signing`) and the failure codes and their
//! texts (`ErrorCode`) here; the currency limits, test data, the customer rule and callbacks in
//! [`super::payin_rules`], which uses this file's helpers.
//!
//! Acknowledgement works as for the rest of docs-diff: a difference is recorded when an
//! `x-decision` / `x-unconfirmed` on the fact's YAML node quotes the docs' side.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::markdown::{self, Block, Table};
use super::payin::{endpoints, field_name, files};
use super::report::{acknowledging, kind, Difference};
use super::yaml::notes_of;
use super::Required;

/// One page in every language: key → language → blocks.
pub(super) type Pages = BTreeMap<String, Vec<(&'static str, Vec<Block>)>>;

/// Every page of `dir`, by key, in every language.
pub(super) fn read(dir: &Path) -> Result<Pages, String> {
    let mut pages = Pages::new();
    for (lang, path, key) in files(dir)? {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let entry = pages.entry(key).or_default();
        entry.push((lang, markdown::blocks(&text)));
    }
    Ok(pages)
}

/// A fact as each language states it (`None`: not stated), against the YAML's, like the shared
/// comparison of one attribute: `languages` when the languages disagree, else `kind` when they
/// disagree with the YAML. `notes` are the YAML notes that may record it.
pub(super) struct Fact<'a> {
    pub page: &'a str,
    pub operation: Option<String>,
    pub schema: &'a str,
    pub field: String,
    pub kind: &'static str,
}

impl Fact<'_> {
    pub fn diff(
        &self,
        kind: &'static str,
        docs: Option<String>,
        yaml: Option<String>,
    ) -> Difference {
        Difference {
            page: self.page.to_string(),
            operation: self.operation.clone(),
            schema: Some(self.schema.to_string()),
            field: Some(self.field.clone()),
            kind,
            docs,
            yaml,
            note: None,
        }
    }

    pub fn compare(
        &self,
        docs: &[(&str, Option<String>)],
        yaml: Option<String>,
        notes: &[String],
        out: &mut Vec<Difference>,
    ) {
        let stated: Vec<&Option<String>> = docs.iter().map(|(_, v)| v).collect();
        if stated.iter().any(|v| *v != stated[0]) {
            let shown: Vec<String> = docs
                .iter()
                .map(|(l, v)| format!("{l}: {}", v.as_deref().unwrap_or("none")))
                .collect();
            let mut d = self.diff(
                kind::LANGUAGES,
                Some(format!("{} {}", self.kind, shown.join("; "))),
                yaml,
            );
            let tokens: Vec<String> = docs.iter().filter_map(|(_, v)| v.clone()).collect();
            d.note = acknowledging(notes, &[], None, &tokens);
            out.push(d);
            return;
        }
        let Some(Some(value)) = stated.first() else {
            return;
        };
        if yaml.as_deref() == Some(value.as_str()) {
            return;
        }
        let mut d = self.diff(self.kind, Some(value.clone()), yaml);
        d.note = acknowledging(notes, &[], None, std::slice::from_ref(value));
        out.push(d);
    }
}

/// Each language's value of `get` on the page's blocks.
pub(super) fn each<'a>(
    langs: &'a [(&'static str, Vec<Block>)],
    get: impl Fn(&[Block]) -> Option<String>,
) -> Vec<(&'a str, Option<String>)> {
    langs.iter().map(|(l, b)| (*l, get(b))).collect()
}

pub(super) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

// ------------------------------------------------------------------------------ endpoints

/// The method name and the extra headers of each endpoint of a page.
pub(super) fn endpoint_facts(
    key: &str,
    langs: &[(&'static str, Vec<Block>)],
    spec: &Value,
    out: &mut Vec<Difference>,
) {
    let read: Vec<(&str, Vec<super::payin::Endpoint>)> = langs
        .iter()
        .filter_map(|(l, b)| endpoints(b).ok().map(|e| (*l, e)))
        .collect();
    let count = read.iter().map(|(_, e)| e.len()).max().unwrap_or(0);
    for n in 0..count {
        let page = if count > 1 {
            format!("{key}#{}", n + 1)
        } else {
            key.to_string()
        };
        let Some(path) = read.iter().find_map(|(_, e)| e.get(n)).map(|e| &e.path) else {
            continue;
        };
        let Some((verb, op)) = operation(spec, path) else {
            continue; // endpoint-added, reported by the shared comparison
        };
        let fact = Fact {
            page: &page,
            operation: text(op.get("operationId")),
            schema: verb,
            field: "x-method".into(),
            kind: kind::METHOD_NAME,
        };
        let names: Vec<(&str, Option<String>)> = read
            .iter()
            .map(|(l, e)| (*l, e.get(n).and_then(|e| e.method_name.clone())))
            .collect();
        fact.compare(&names, text(op.get("x-method")), &notes_of(op), out);
        headers(&fact, &read, n, spec, op, out);
    }
}

/// The YAML operation at `path` (any verb): its verb and node.
fn operation<'a>(spec: &'a Value, path: &str) -> Option<(&'static str, &'a Value)> {
    let item = spec.get("paths")?.get(path)?;
    crate::util::METHODS
        .iter()
        .find_map(|m| item.get(*m).map(|op| (*m, op)))
}

/// The extra headers a page's `**Header**` table lists against the operation's `in: header`
/// parameters.
fn headers(
    fact: &Fact,
    read: &[(&str, Vec<super::payin::Endpoint>)],
    n: usize,
    spec: &Value,
    op: &Value,
    out: &mut Vec<Difference>,
) {
    let mut yaml: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for param in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let param = resolve_parameter(spec, param);
        if param.get("in").and_then(Value::as_str) != Some("header") {
            continue;
        }
        let Some(name) = text(param.get("name")) else {
            continue;
        };
        let required = if param.get("required") == Some(&Value::Bool(true)) {
            "required"
        } else {
            "optional"
        };
        yaml.insert(name.to_lowercase(), (required.into(), notes_of(param)));
    }
    let mut names: Vec<String> = yaml.keys().cloned().collect();
    for (_, e) in read {
        for h in e.get(n).map(|e| &e.headers[..]).unwrap_or_default() {
            let name = h.name.to_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    for name in names {
        let stated: Vec<(&str, Option<String>)> = read
            .iter()
            .map(|(l, e)| {
                let found = e.get(n).and_then(|e| {
                    e.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(&name))
                });
                let word = found.map(|h| match h.required {
                    Some(Required::Yes) => "required",
                    _ => "optional",
                });
                (*l, word.map(str::to_string))
            })
            .collect();
        let header = Fact {
            schema: "header",
            field: name.clone(),
            kind: kind::REQUIRED,
            operation: fact.operation.clone(),
            ..*fact
        };
        let (yaml_word, notes) = yaml.get(&name).cloned().unwrap_or_default();
        match (
            yaml.contains_key(&name),
            stated.iter().any(|(_, v)| v.is_some()),
        ) {
            (false, _) => {
                let mut d = header.diff(
                    kind::FIELD_ADDED,
                    stated.iter().find_map(|(_, v)| v.clone()),
                    None,
                );
                d.note = acknowledging(&[], &notes_of(op), Some(&name), &[]);
                out.push(d);
            }
            (true, false) => {
                let mut d = header.diff(kind::FIELD_REMOVED, None, Some(yaml_word));
                d.note = acknowledging(&notes, &[], None, &["field table".to_string()]);
                out.push(d);
            }
            (true, true) => header.compare(&stated, Some(yaml_word), &notes, out),
        }
    }
}

fn resolve_parameter<'a>(spec: &'a Value, param: &'a Value) -> &'a Value {
    let target = param
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/parameters/"))
        .and_then(|name| spec.pointer(&format!("/components/parameters/{name}")));
    target.unwrap_or(param)
}

// ------------------------------------------------------------------------------ lists

/// A list (signing pairs, headers, currencies) as the docs give it against the YAML's: a name
/// only the docs have is `value-added`, one only the YAML has `value-removed`.
pub(super) fn list(
    page: &str,
    schema: &str,
    docs: &[(&str, Vec<String>)],
    yaml: &[String],
    notes: &[String],
    out: &mut Vec<Difference>,
) {
    let mut all: Vec<&String> = yaml.iter().collect();
    for (_, names) in docs {
        all.extend(names.iter().filter(|n| !yaml.contains(n)));
    }
    all.dedup();
    for name in all {
        let listed: Vec<&str> = docs
            .iter()
            .filter(|(_, n)| n.contains(name))
            .map(|(l, _)| *l)
            .collect();
        let kind = match (yaml.contains(name), listed.len()) {
            (true, 0) => kind::VALUE_REMOVED,
            (false, _) => kind::VALUE_ADDED,
            (true, n) if n < docs.len() => kind::LANGUAGES,
            _ => continue,
        };
        let mut d = Difference {
            page: page.to_string(),
            schema: Some(schema.to_string()),
            field: Some(name.clone()),
            kind,
            docs: (!listed.is_empty()).then(|| format!("listed ({})", listed.join(", "))),
            yaml: yaml.contains(name).then(|| "listed".into()),
            ..Difference::default()
        };
        d.note = acknowledging(notes, &[], None, std::slice::from_ref(name));
        out.push(d);
    }
}

/// The first column of the first table (of the page's blocks) whose header names one of
/// `first_words` in its first column.
fn first_column(blocks: &[Block], first_words: &[&str]) -> Option<Vec<String>> {
    let table = find_table(blocks, |header| first_words.contains(&header[0].as_str()))?;
    Some(table.rows.iter().map(|r| field_name(&r[0])).collect())
}

pub(super) fn find_table(
    blocks: &[Block],
    mut test: impl FnMut(&[String]) -> bool,
) -> Option<&Table> {
    blocks.iter().find_map(|b| match b {
        Block::Table(t) => {
            let header: Vec<String> = t
                .header
                .iter()
                .map(|c| markdown::plain(c).to_lowercase())
                .collect();
            test(&header).then_some(t)
        }
        _ => None,
    })
}

pub(super) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| text(Some(v)))
        .collect()
}

// ------------------------------------------------------------------------------ signing, codes

const CALL_METHOD: &str = "payinApi/callMethod/callMethod.md";

pub(super) fn signing(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    let Some(langs) = pages.get(CALL_METHOD) else {
        return;
    };
    let signing = spec.pointer("/info/x-signing").unwrap_or(&Value::Null);
    let keys: Vec<(&str, Vec<String>)> = langs
        .iter()
        .map(|(l, b)| (*l, first_column(b, &["key"]).unwrap_or_default()))
        .collect();
    let yaml_keys = strings(signing.pointer("/string-to-sign/keys"));
    let notes = notes_of(signing.get("string-to-sign").unwrap_or(&Value::Null));
    list(
        CALL_METHOD,
        "x-signing.string-to-sign",
        &keys,
        &yaml_keys,
        &notes,
        out,
    );
    let headers: Vec<(&str, Vec<String>)> = langs
        .iter()
        .map(|(l, b)| {
            let table = find_table(b, |h| {
                ["parameter", "参数", "名称"].contains(&h[0].as_str())
                    && h.iter().any(|c| c == "type" || c == "类型")
            });
            let names = table.map(|t| t.rows.iter().map(|r| field_name(&r[0])).collect());
            (*l, names.unwrap_or_default())
        })
        .collect();
    let yaml_headers: Vec<String> = signing
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| text(h.get("name")))
        .collect();
    list(
        CALL_METHOD,
        "x-signing.headers",
        &headers,
        &yaml_headers,
        &notes_of(signing),
        out,
    );
}

/// The failure example's `code` and `message` (the JSON block of the response section).
fn error_example(blocks: &[Block]) -> Option<(String, String)> {
    static FIELD: OnceLock<Regex> = OnceLock::new();
    let re = FIELD.get_or_init(|| {
        Regex::new(r#""(code|message)"\s*:\s*"([^"]*)""#).expect("pattern is valid")
    });
    blocks.iter().find_map(|b| match b {
        Block::Fence { info, body, .. }
            if info.starts_with("json") && body.contains("\"code\"") =>
        {
            let get = |key: &str| {
                re.captures_iter(body)
                    .find(|c| &c[1] == key)
                    .map(|c| c[2].to_string())
            };
            Some((get("code")?, get("message")?))
        }
        _ => None,
    })
}

pub(super) fn codes(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    let Some(langs) = pages.get(CALL_METHOD) else {
        return;
    };
    let table = spec
        .pointer("/components/schemas/ErrorCode")
        .unwrap_or(&Value::Null);
    let entries: Vec<&Value> = table
        .get("x-codes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let examples: Vec<(&str, Option<(String, String)>)> =
        langs.iter().map(|(l, b)| (*l, error_example(b))).collect();
    let codes: Vec<(&str, Vec<String>)> = examples
        .iter()
        .map(|(l, e)| (*l, e.iter().map(|(c, _)| c.clone()).collect()))
        .collect();
    let yaml_codes: Vec<String> = entries.iter().filter_map(|e| text(e.get("code"))).collect();
    let mut found = Vec::new();
    list(
        CALL_METHOD,
        "ErrorCode",
        &codes,
        &yaml_codes,
        &notes_of(table),
        &mut found,
    );
    // The example shows one code: codes of the table it does not show are not removed.
    out.extend(found.into_iter().filter(|d| d.kind != kind::VALUE_REMOVED));
    for (lang, example) in &examples {
        let Some((code, message)) = example else {
            continue;
        };
        let Some(entry) = entries
            .iter()
            .find(|e| text(e.get("code")).as_deref() == Some(code))
        else {
            continue;
        };
        let own = entry.get(format!("message-{lang}").as_str());
        let yaml = text(own.or(entry.get("message")));
        let fact = Fact {
            page: CALL_METHOD,
            operation: None,
            schema: "ErrorCode",
            field: code.clone(),
            kind: kind::TEXT,
        };
        let mut notes = notes_of(entry);
        notes.extend(notes_of(table));
        fact.compare(&[(lang, Some(message.clone()))], yaml, &notes, out);
    }
}
