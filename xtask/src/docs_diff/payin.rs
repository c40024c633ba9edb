//! SGATE Payin's docs: VitePress Markdown in English (`en/`) and Chinese (`zh/`) under
//! `payinApi/`. An endpoint is a `Request URL` / `请求 URL` section (the path below `/api_v1`),
//! `Request Method` / `请求 Method` (the signed method name, `merchant.addOrder`), `HTTP Verb` /
//! `请求方式`, `Request Parameters` (a `**Header**` table of extra headers, then the
//! `**Request Body**` table) and `Response Parameters`. One page may document several endpoints
//! (`payment/directOrder.md`): each is read as its own page, keyed `<file>#<n>`. Field names
//! are written `&nbsp;customer.nickname` and `products[_n_].name` (read as `products.name`), and
//! value lists with or without backticks (`` `pending`: … ``, `closed: …`, a bare `stcpay`).
//!
//! What the shared [`PageFacts`] cannot hold (method names, extra headers, signing, currency
//! limits, test data, codes and callbacks) is compared by [`super::payin_facts`] and
//! [`super::payin_rules`]; [`super::payin_reader`] puts them together.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::markdown::{self, Block, Table};
use super::{DocField, Length, Required};

/// The snapshot of the Payin pages that `openapi/sgate-payin.yaml` describes (its
/// `info.version`), under `sgate-docs-history/payin/`; `xtask check` runs `docs-diff` against it.
pub const PAYIN_SNAPSHOT: &str = "2024-09-01-ae8fe00";
/// Languages in the order they are read; the first is the primary one.
pub(super) const LANGUAGES: &[&str] = &["en", "zh"];
/// The folder of the Payin pages inside a language.
const ROOT: &str = "payinApi";
/// Pages whose first field table is the body of a schema: the callback's query parameters.
pub(super) const SCHEMA_PAGES: &[(&str, &str)] =
    &[("payinApi/callback/callbackNotification.md", "CallbackQuery")];

/// `sgate-docs-history/payin` (see [`super::sgate_history`]).
pub fn payin_history() -> Result<PathBuf, String> {
    let dir = super::sgate_history()?.join("payin");
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!("{} not found", dir.display()))
    }
}

/// Every Markdown file of the Payin pages: language, path, key (`payinApi/...` without the
/// language), languages in [`LANGUAGES`] order, files sorted.
pub(super) fn files(dir: &Path) -> Result<Vec<(&'static str, PathBuf, String)>, String> {
    let mut out = Vec::new();
    for lang in LANGUAGES {
        let root = dir.join(lang);
        if !root.join(ROOT).is_dir() {
            continue;
        }
        let mut paths = Vec::new();
        markdown_files(&root.join(ROOT), &mut paths)?;
        paths.sort();
        for path in paths {
            let key = path
                .strip_prefix(&root)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            out.push((*lang, path, key));
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{}: no en/ or zh/ folder with Markdown pages (expected SGATE's docs layout \
             <lang>/payinApi/...)",
            dir.display()
        ));
    }
    Ok(out)
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// One endpoint as a page documents it.
pub(super) struct Endpoint {
    /// The path below `/api_v1`, as the YAML's `paths` write it.
    pub path: String,
    /// Lower-case HTTP verb.
    pub verb: String,
    /// The signed method name (`merchant.addOrder`).
    pub method_name: Option<String>,
    pub request: Vec<DocField>,
    /// Extra headers of the `**Header**` table.
    pub headers: Vec<DocField>,
    /// `None` when the page has no response field table (the PUTs: "200 means success").
    pub response: Option<Vec<DocField>>,
}

/// Where the walk through an endpoint is.
#[derive(PartialEq, Clone, Copy)]
enum Section {
    Other,
    Url,
    MethodName,
    Verb,
    Request,
    Response,
}

fn section_of(heading: &str) -> Section {
    let h = heading.to_lowercase().replace(' ', "");
    if h.contains("requesturl") || h.contains("请求url") {
        Section::Url
    } else if h.contains("requestmethod") || h.contains("请求method") {
        Section::MethodName
    } else if h.contains("httpverb") || h.contains("请求方式") {
        Section::Verb
    } else if h.contains("requestparam") || h.contains("请求参数") {
        Section::Request
    } else if h.contains("responseparam") || h.contains("响应参数") {
        Section::Response
    } else {
        Section::Other
    }
}

/// Indices of the blocks that open an endpoint (a request URL heading).
pub(super) fn endpoint_starts(blocks: &[Block]) -> Vec<usize> {
    let starts = blocks.iter().enumerate().filter_map(|(i, b)| match b {
        Block::Heading { text, .. } if section_of(text) == Section::Url => Some(i),
        _ => None,
    });
    starts.collect()
}

/// Every endpoint of a page, in page order.
pub(super) fn endpoints(blocks: &[Block]) -> Result<Vec<Endpoint>, String> {
    let starts = endpoint_starts(blocks);
    let mut out = Vec::new();
    for (n, start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(blocks.len());
        out.push(endpoint(&blocks[*start..end])?);
    }
    Ok(out)
}

fn endpoint(blocks: &[Block]) -> Result<Endpoint, String> {
    let (mut section, mut section_level) = (Section::Other, 0);
    let (mut path, mut verb, mut method_name) = (None, None, None);
    let (mut request, mut headers, mut response) = (Vec::new(), Vec::new(), None);
    let mut in_header = false;
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                let next = section_of(text);
                let continues = next == Section::Other
                    && *level > section_level
                    && matches!(section, Section::Request | Section::Response);
                if !continues {
                    (section, section_level, in_header) = (next, *level, false);
                }
            }
            Block::Text { line, text } if in_parameters(section) && text.starts_with("<table") => {
                return Err(format!(
                    "HTML table at line {line} in the parameter section"
                ));
            }
            Block::Text { text, .. } => match section {
                Section::Url if path.is_none() => {
                    path = markdown::code_spans(text).into_iter().next()
                }
                Section::MethodName if method_name.is_none() => {
                    method_name = markdown::code_spans(text).into_iter().next()
                }
                Section::Verb if verb.is_none() => verb = http_verb(text),
                Section::Request if text.contains("**Header**") => in_header = true,
                Section::Request if text.contains("**Request Body**") => in_header = false,
                _ => {}
            },
            Block::Table(table) if in_parameters(section) => {
                let found = fields(table)?;
                match (section, in_header) {
                    (Section::Request, true) => headers.extend(found),
                    (Section::Request, false) => request.extend(found),
                    _ => response.get_or_insert_with(Vec::new).extend(found),
                }
            }
            _ => {}
        }
    }
    let path = path.ok_or("the request URL section names no path in backticks")?;
    if !path.starts_with('/') {
        return Err(format!("request URL {path:?} is not a path"));
    }
    Ok(Endpoint {
        path,
        verb: verb.ok_or("the HTTP verb section names no GET/POST/PUT")?,
        method_name,
        request,
        headers,
        response,
    })
}

fn in_parameters(section: Section) -> bool {
    matches!(section, Section::Request | Section::Response)
}

fn http_verb(text: &str) -> Option<String> {
    let word = markdown::plain(text.trim_start_matches(['-', '*', ' ']));
    ["GET", "POST", "PUT", "DELETE", "PATCH"]
        .iter()
        .find(|m| word.eq_ignore_ascii_case(m))
        .map(|m| m.to_lowercase())
}

/// Column positions of a field table (body, answer, header or callback parameters).
pub(super) struct Columns {
    pub name: usize,
    ty: usize,
    required: Option<usize>,
    description: Option<usize>,
}

impl Columns {
    /// `None` for tables that are not field tables.
    pub fn of(table: &Table) -> Option<Columns> {
        let header: Vec<String> = table
            .header
            .iter()
            .map(|c| markdown::plain(c).to_lowercase())
            .collect();
        let find = |words: &[&str]| header.iter().position(|h| words.contains(&h.as_str()));
        Some(Columns {
            name: find(&["parameter", "参数", "名称", "name", "key"])?,
            ty: find(&["type", "类型"])?,
            required: find(&["required", "必填", "是否必填"]),
            description: find(&["description", "描述", "说明"]),
        })
    }
}

/// The rows of a field table.
pub(super) fn fields(table: &Table) -> Result<Vec<DocField>, String> {
    let columns = Columns::of(table).ok_or_else(|| {
        format!(
            "table at line {} in the parameter section has no parameter and type columns \
             (header {:?})",
            table.line, table.header
        )
    })?;
    let mut out = Vec::new();
    for row in &table.rows {
        let name = field_name(&row[columns.name]);
        if name.is_empty() || !is_field_name(&name) {
            return Err(format!(
                "table at line {}: {name:?} is not a parameter name",
                table.line
            ));
        }
        let ty = markdown::plain(&row[columns.ty]).to_lowercase();
        let ty = if ty.starts_with("array") {
            "array".to_string()
        } else {
            ty
        };
        let description = columns.description.map_or("", |i| row[i].as_str());
        out.push(DocField {
            name,
            required: match columns.required {
                Some(i) => Some(required(&row[i], table.line)?),
                None => None,
            },
            ty: (!ty.is_empty()).then_some(ty),
            length: length(&markdown::plain(description)),
            values: listed_values(description),
            ..DocField::default()
        });
    }
    Ok(out)
}

/// `&nbsp;&nbsp;customer.nickname` → `customer.nickname`;
/// `products[_n_].name` → `products.name`.
pub(super) fn field_name(cell: &str) -> String {
    static INDEX: OnceLock<Regex> = OnceLock::new();
    let index = INDEX.get_or_init(|| Regex::new(r"\[[^\]]*\]").expect("pattern is valid"));
    let cell = cell.replace("&nbsp;", " ");
    let name = index.replace_all(&cell, "");
    markdown::plain(&name).replace(' ', "")
}

fn is_field_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn required(cell: &str, line: usize) -> Result<Required, String> {
    match markdown::plain(cell).as_str() {
        "Y" | "y" | "Yes" | "yes" | "是" => Ok(Required::Yes),
        "N" | "n" | "No" | "no" | "否" => Ok(Required::No),
        other => Err(format!(
            "table at line {line}: required column holds {other:?}, not Y/N"
        )),
    }
}

/// "(within 1024 characters)", "（1024 个字符之内)".
fn length(text: &str) -> Option<Length> {
    static WITHIN: OnceLock<Regex> = OnceLock::new();
    let within = WITHIN.get_or_init(|| {
        Regex::new(r"(?i)within\s+(\d+)\s+characters|(\d+)\s*个?字符[之以]内")
            .expect("pattern is valid")
    });
    let c = within.captures(text)?;
    let max = c.get(1).or(c.get(2))?.as_str().parse().ok()?;
    Some(Length { min: None, max })
}

/// The values a description lists after its first line, one per `<br>` line: `` `value`: … ``,
/// `value: …` or a bare `value`.
pub(super) fn listed_values(cell: &str) -> Vec<String> {
    let is_value = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    static BREAK: OnceLock<Regex> = OnceLock::new();
    let line_break =
        BREAK.get_or_init(|| Regex::new(r"(?i)<br\s*/?\s*>").expect("pattern is valid"));
    line_break
        .split(cell)
        .skip(1)
        .filter_map(|line| {
            let line = line.replace('`', "");
            let line = line.trim();
            let value = line.split_once([':', '：']).map_or(line, |(v, _)| v).trim();
            is_value(value).then(|| value.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_lengths() {
        assert_eq!(
            field_name("&nbsp;&nbsp;&nbsp;&nbsp;customer.nickname"),
            "customer.nickname"
        );
        assert_eq!(
            field_name("&nbsp;&nbsp;products[_n_].name"),
            "products.name"
        );
        assert_eq!(
            listed_values("Status: <br> `pending`: a <br> closed: b<br > `error`：c<br/>d"),
            ["pending", "closed", "error", "d"]
        );
        assert_eq!(
            listed_values("支付方式： <br> stcpay <br> mastercard"),
            ["stcpay", "mastercard"]
        );
        assert_eq!(
            listed_values("Order amount, up to two places"),
            Vec::<String>::new()
        );
        assert_eq!(
            length("Image URL (within 1024 characters)").map(|l| l.max),
            Some(1024)
        );
        assert_eq!(
            length("产品头图访问 URL （1024 个字符之内)").map(|l| l.max),
            Some(1024)
        );
    }

    #[test]
    fn a_page_with_two_endpoints() {
        let page = r#"# Pay

### Request URL

- `/orders/{ORDER_ID}/a`

### Request Method

- `order.a`

### HTTP Verb

- POST

### Request Parameters

- **Header**

| **名称** | **类型** | **是否必填** | **说明** |
| --- | --- | --- | --- |
| x-auth-uuid | String | 是 | UUID |

- **Request Body**

| **Parameter** | **Type** | **Required** | **Description** |
| --- | --- | --- | --- |
| ticket | string | Y | Ticket |

### Response Parameters

| **Parameter** | **Type** | **Description** |
| --- | --- | --- |
| id | string | ID |

## Next

### Request URL

- `/b`

### Request Method

- `b.get`

### HTTP Verb

- PUT

### Response Parameters

HTTP 200 means success
"#;
        let found = endpoints(&markdown::blocks(page)).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].path, "/orders/{ORDER_ID}/a");
        assert_eq!(found[0].method_name.as_deref(), Some("order.a"));
        assert_eq!(found[0].headers[0].name, "x-auth-uuid");
        assert_eq!(found[0].request[0].name, "ticket");
        assert_eq!(found[0].response.as_ref().unwrap()[0].name, "id");
        assert_eq!(
            (found[1].verb.as_str(), found[1].response.is_none()),
            ("put", true)
        );
    }
}
