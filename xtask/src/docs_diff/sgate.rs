//! SGATE's docs: VitePress Markdown in English (`en/`) and Chinese (`zh/`), one page per
//! endpoint (`### Request URL` / `### 请求 URL`, `### Request Method`, `### Request Parameters`
//! with one or more field tables, `### Response Parameters`), appendix pages holding the code
//! and enum tables, and a notification page per API with the callback body's table.

use std::path::Path;

use super::markdown::{self, Block, Table};
use super::phrases::{length, listed_values, maximum};
use super::{
    DocField, DocOperation, DocSchema, DocText, DocValues, PageFacts, PageReader, PageRef, Required,
};

/// Every endpoint path in the docs is relative to this base.
const BASE_PATH: &str = "/openApi/v1";
/// Languages in the order they are read; the first is the primary one.
const LANGUAGES: &[&str] = &["en", "zh"];

/// Appendix pages: file name, YAML schema holding the values, words that pick the column of
/// values (the first column when none is given), and whether the page lists every value.
const VALUE_PAGES: &[(&str, &str, &[&str], bool)] = &[
    ("payoutApi/appendix/statusCode.md", "StatusCode", &[], true),
    (
        "virtualAccountApi/appendix/statusCode.md",
        "StatusCode",
        &[],
        false,
    ),
    (
        "payoutApi/appendix/currency.md",
        "Currency",
        &["code of currency", "货币代码"],
        true,
    ),
    (
        "payoutApi/appendix/paymentMethod.md",
        "PaymentMethod",
        &[],
        true,
    ),
    (
        "payoutApi/appendix/paymentStatus.md",
        "PaymentOrderStatus",
        &[],
        true,
    ),
    (
        "payoutApi/appendix/customStatus.md",
        "CustomerStatus",
        &[],
        true,
    ),
    (
        "payoutApi/appendix/tranType.md",
        "TransactionType",
        &[],
        true,
    ),
];

/// Pages whose first field table is the body of a schema (the callbacks' common envelope).
const SCHEMA_PAGES: &[(&str, &str)] = &[
    ("payoutApi/notification/notification.md", "CallbackEnvelope"),
    (
        "virtualAccountApi/notification/notification.md",
        "CallbackEnvelope",
    ),
];

/// Reads SGATE's Markdown (the `vitepress-dev` layout: `<lang>/payoutApi/...`,
/// `<lang>/virtualAccountApi/...`).
pub struct SgateReader;

impl PageReader for SgateReader {
    fn spec_file(&self) -> &'static str {
        let sgate = crate::GATEWAYS.iter().find(|g| g.id == "sgate");
        sgate.map_or("sgate-payout.yaml", |g| g.spec_file)
    }

    fn pages(&self, dir: &Path) -> Result<Vec<PageRef>, String> {
        let mut pages = Vec::new();
        for lang in LANGUAGES {
            let root = dir.join(lang);
            if !root.is_dir() {
                continue;
            }
            let mut files = Vec::new();
            markdown_files(&root, &mut files)?;
            files.sort();
            for path in files {
                let key = path
                    .strip_prefix(&root)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                pages.push(PageRef {
                    path,
                    lang: lang.to_string(),
                    key,
                });
            }
        }
        if pages.is_empty() {
            return Err(format!(
                "{}: no en/ or zh/ folder with Markdown pages (expected SGATE's docs layout \
                 <lang>/payoutApi/...)",
                dir.display()
            ));
        }
        Ok(pages)
    }

    fn read_page(&self, page: &PageRef, text: &str) -> Result<PageFacts, String> {
        let blocks = markdown::blocks(text);
        let mut facts = PageFacts::default();
        if let Some((_, schema, columns, complete)) =
            VALUE_PAGES.iter().find(|(key, ..)| *key == page.key)
        {
            facts
                .values
                .push(values_page(&blocks, schema, columns, *complete)?);
            facts.texts = value_texts(&blocks, schema, columns);
            return Ok(facts);
        }
        if let Some((_, schema)) = SCHEMA_PAGES.iter().find(|(key, _)| *key == page.key) {
            let table = blocks
                .iter()
                .find_map(|b| match b {
                    Block::Table(t) if FieldColumns::of(t).is_some() => Some(t),
                    _ => None,
                })
                .ok_or("no field table (columns parameter/type)")?;
            facts.schemas.push(DocSchema {
                schema: schema.to_string(),
                fields: fields(table, None)?,
            });
            return Ok(facts);
        }
        facts.operation = operation(&blocks)?;
        Ok(facts)
    }
}

fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
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

/// The values of an appendix page: every row of every table, from the chosen column.
fn values_page(
    blocks: &[Block],
    schema: &str,
    columns: &[&str],
    complete: bool,
) -> Result<DocValues, String> {
    let mut values = Vec::new();
    for block in blocks {
        let Block::Table(table) = block else { continue };
        let column = if columns.is_empty() {
            0
        } else {
            find_column(table, columns).ok_or_else(|| {
                format!(
                    "table at line {}: no column {columns:?} (header {:?})",
                    table.line, table.header
                )
            })?
        };
        for row in &table.rows {
            let value = markdown::plain(&row[column]);
            if !value.is_empty() && !values.contains(&value) {
                values.push(value);
            }
        }
    }
    if values.is_empty() {
        return Err(format!("no table with values for {schema}"));
    }
    Ok(DocValues {
        schema: schema.to_string(),
        values,
        complete,
    })
}

/// The header words of the column that says what a value means, best first: a status page
/// has a name column ("Explain", "说明") beside the meaning ("Describe", "描述").
const TEXT_COLUMNS: &[&[&str]] = &[&["describe", "描述"], &["description", "说明"]];

/// What each value of an appendix page means, where its tables have a description column
/// beside the column of values.
fn value_texts(blocks: &[Block], schema: &str, columns: &[&str]) -> Vec<DocText> {
    let mut texts = Vec::new();
    for block in blocks {
        let Block::Table(table) = block else { continue };
        let value_column = if columns.is_empty() {
            Some(0)
        } else {
            find_column(table, columns)
        };
        let text_column = TEXT_COLUMNS
            .iter()
            .find_map(|words| find_column(table, words));
        let (Some(value_column), Some(text_column)) = (value_column, text_column) else {
            continue;
        };
        if value_column == text_column {
            continue;
        }
        for row in &table.rows {
            let value = markdown::plain(&row[value_column]);
            if !value.is_empty() {
                texts.push(DocText {
                    schema: schema.to_string(),
                    value,
                    text: markdown::plain(&row[text_column]),
                });
            }
        }
    }
    texts
}

fn find_column(table: &Table, words: &[&str]) -> Option<usize> {
    table.header.iter().position(|cell| {
        let cell = markdown::plain(cell).to_lowercase();
        words.iter().any(|w| cell == *w)
    })
}

/// Where the walk through an endpoint page is.
#[derive(PartialEq)]
enum Section {
    Other,
    Url,
    Method,
    Request,
    Response,
}

fn section_of(heading: &str) -> Section {
    let h = heading.to_lowercase().replace(' ', "");
    if h.contains("requesturl") || h.contains("请求url") {
        Section::Url
    } else if h.contains("requestmethod") || h.contains("请求方式") {
        Section::Method
    } else if h.contains("requestparam") || h.contains("请求参数") {
        Section::Request
    } else if h.contains("responseparam") || h.contains("响应参数") {
        Section::Response
    } else {
        Section::Other
    }
}

/// The endpoint of a page, `None` for pages without a request URL section.
fn operation(blocks: &[Block]) -> Result<Option<DocOperation>, String> {
    let mut section = Section::Other;
    let mut section_level = 0;
    let mut path = None;
    let mut method = None;
    let mut request = Vec::new();
    let mut response: Option<Vec<DocField>> = None;
    let mut condition: Option<String> = None;
    let mut saw_url = false;
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                let next = section_of(text);
                // A sub-heading inside the parameter sections ("#### custominfo") continues
                // them: a table split across it is still one table.
                let continues = next == Section::Other
                    && *level > section_level
                    && matches!(section, Section::Request | Section::Response);
                if !continues {
                    section = next;
                    section_level = *level;
                    condition = None;
                }
                saw_url |= section == Section::Url;
            }
            // Tables written in HTML are not read; a field table must not be skipped silently.
            Block::Text { line, text } if in_parameters(&section) && text.starts_with("<table") => {
                return Err(format!(
                    "HTML table at line {line} in the parameter section"
                ));
            }
            Block::Text { text, .. } => match section {
                Section::Url if path.is_none() => {
                    path = markdown::code_spans(text).into_iter().next()
                }
                Section::Method if method.is_none() => method = http_method(text),
                Section::Request => {
                    if let Some(c) = table_condition(text) {
                        condition = c;
                    }
                }
                _ => {}
            },
            Block::Table(table) if in_parameters(&section) => {
                if FieldColumns::of(table).is_none() {
                    return Err(format!(
                        "table at line {} in the parameter section has no parameter and type \
                         columns (header {:?})",
                        table.line, table.header
                    ));
                }
                match section {
                    Section::Request => request.extend(fields(table, condition.as_deref())?),
                    _ => response
                        .get_or_insert_with(Vec::new)
                        .extend(fields(table, None)?),
                }
            }
            _ => {}
        }
    }
    if !saw_url {
        return Ok(None);
    }
    let path = path.ok_or("the request URL section names no path in backticks")?;
    let method = method.ok_or("the request method section names no GET/POST")?;
    if !path.starts_with('/') {
        return Err(format!("request URL {path:?} is not a path"));
    }
    Ok(Some(DocOperation {
        path: format!("{BASE_PATH}{path}"),
        method,
        request,
        response,
    }))
}

fn in_parameters(section: &Section) -> bool {
    matches!(section, Section::Request | Section::Response)
}

fn http_method(text: &str) -> Option<String> {
    let word = markdown::plain(text.trim_start_matches(['-', '*', ' ']));
    ["GET", "POST", "PUT", "DELETE", "PATCH"]
        .iter()
        .find(|m| word.eq_ignore_ascii_case(m))
        .map(|m| m.to_lowercase())
}

/// The lead-in line of a table that applies only under a condition ("When using **STCPay**
/// payment method, ..." / "使用 **STCPay** 付款方式时 ..."): `Some(Some(condition))`;
/// `Some(None)` for the unconditional "**Must** pass" line; `None` for any other line.
fn table_condition(text: &str) -> Option<Option<String>> {
    let t = text.trim_start_matches(['-', '*', ' ']);
    if !(t.ends_with(':') || t.ends_with('：')) || !t.contains("**") {
        return None;
    }
    let bold = t.split("**").nth(1)?.trim().to_string();
    let lower = t.to_lowercase();
    if lower.contains("must") || t.contains("必须") {
        Some(None)
    } else {
        Some(Some(bold))
    }
}

/// Column positions of a field table.
struct FieldColumns {
    name: usize,
    ty: usize,
    required: Option<usize>,
    default: Option<usize>,
    description: Option<usize>,
}

impl FieldColumns {
    /// `None` for tables that are not field tables (examples, test accounts, ...).
    fn of(table: &Table) -> Option<FieldColumns> {
        let header: Vec<String> = table
            .header
            .iter()
            .map(|c| markdown::plain(c).to_lowercase())
            .collect();
        let find = |words: &[&str]| header.iter().position(|h| words.contains(&h.as_str()));
        Some(FieldColumns {
            name: find(&[
                "parameter",
                "parameters",
                "参数",
                "参数名",
                "field name",
                "字段名称",
            ])?,
            ty: find(&["type", "类型"])?,
            required: find(&["required", "必填"]),
            default: find(&["default value", "默认值"]),
            description: find(&["description", "描述", "说明"]),
        })
    }
}

/// The rows of a field table. A row with an empty name cell continues the row above (a merged
/// cell): its description is appended there.
fn fields(table: &Table, condition: Option<&str>) -> Result<Vec<DocField>, String> {
    let columns = FieldColumns::of(table).ok_or("not a field table")?;
    let mut out: Vec<DocField> = Vec::new();
    let mut descriptions: Vec<String> = Vec::new();
    for row in &table.rows {
        let name = markdown::plain(&row[columns.name]);
        let description = columns.description.map_or("", |i| row[i].as_str());
        if name.is_empty() {
            let last = descriptions.last_mut().ok_or_else(|| {
                format!(
                    "table at line {}: first row has no parameter name",
                    table.line
                )
            })?;
            last.push_str("<br>");
            last.push_str(description);
            continue;
        }
        if !is_field_name(&name) {
            return Err(format!(
                "table at line {}: {name:?} is not a parameter name",
                table.line
            ));
        }
        let ty = markdown::plain(&row[columns.ty]).to_lowercase();
        out.push(DocField {
            name,
            required: match columns.required {
                Some(i) => Some(required(&row[i], condition, table.line)?),
                None => None,
            },
            ty: (!ty.is_empty()).then_some(ty),
            default: columns
                .default
                .map(|i| markdown::plain(&row[i]))
                .filter(|d| !d.is_empty() && d != "-"),
            ..DocField::default()
        });
        descriptions.push(description.to_string());
    }
    for (field, description) in out.iter_mut().zip(&descriptions) {
        let text = markdown::plain(description);
        field.length = length(&text);
        field.maximum = maximum(&text);
        field.values = listed_values(description);
    }
    Ok(out)
}

fn is_field_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn required(cell: &str, condition: Option<&str>, line: usize) -> Result<Required, String> {
    let value = markdown::plain(cell);
    let yes = match value.as_str() {
        "Y" | "y" | "Yes" | "yes" | "是" => true,
        "N" | "n" | "No" | "no" | "否" => false,
        other => {
            return Err(format!(
                "table at line {line}: required column holds {other:?}, not Y/N"
            ))
        }
    };
    Ok(match (yes, condition) {
        (false, _) => Required::No,
        (true, None) => Required::Yes,
        (true, Some(c)) => Required::When(c.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_conditions() {
        assert_eq!(
            table_condition("* When using **bankTransfer** payment method, additional parameters need to be passed:"),
            Some(Some("bankTransfer".to_string()))
        );
        assert_eq!(table_condition("* **Must** pass parameters:"), Some(None));
        assert_eq!(table_condition("- **Request Body**"), None);
    }

    #[test]
    fn endpoint_page_with_split_tables_and_a_merged_cell() {
        let page = "# Rapid\n### Request URL\n- `/payee/x`\n### Request Method\n- POST\n\
            ### Request Parameters\n* **Must** pass parameters:\n\n\
            | **Parameter** | **Required** | **Type** | **Default Value** | **Description** |\n\
            | --- | --- | --- | --- | --- |\n\
            | a | Y | string | - | A, length limit 8 characters |\n\
            | | | | | continued: `0`: Off |\n\n\
            * When using **STCPay** payment method, additional parameters need to be passed:\n\n\
            | **Parameter** | **Required** | **Type** | **Default Value** | **Description** |\n\
            | --- | --- | --- | --- | --- |\n\
            | b | Y | number | 1 | B |\n\
            ```json\n| c | Y | string | - | in a fence |\n```\n\
            ### Response Parameters\n\
            | **Parameter** | **Type** | **Description** |\n| --- | --- | --- |\n| d | float | D |\n\
            #### More members\n\
            | **Parameter** | **Type** | **Description** |\n| --- | --- | --- |\n| e | string | E |\n\
            ## Notes\n\
            | **Parameter** | **Type** | **Description** |\n| --- | --- | --- |\n| f | string | F |\n";
        let op = operation(&markdown::blocks(page)).unwrap().unwrap();
        assert_eq!(op.path, "/openApi/v1/payee/x");
        assert_eq!(op.method, "post");
        let names: Vec<_> = op.request.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(op.request[0].required, Some(Required::Yes));
        assert_eq!(
            op.request[0].length,
            Some(crate::docs_diff::Length { min: None, max: 8 })
        );
        assert_eq!(
            op.request[1].required,
            Some(Required::When("STCPay".into()))
        );
        assert_eq!(op.request[1].default.as_deref(), Some("1"));
        let response = op.response.unwrap();
        assert_eq!(response[0].ty.as_deref(), Some("float"));
        let names: Vec<_> = response.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["d", "e"],
            "split across a sub-heading, ended by a new section"
        );
    }

    #[test]
    fn unreadable_pages_say_why() {
        let no_path = "### Request URL\n- /payee/x\n### Request Method\n- GET\n";
        assert!(operation(&markdown::blocks(no_path))
            .unwrap_err()
            .contains("no path"));
        let bad_required =
            "### Request URL\n- `/x`\n### Request Method\n- GET\n### Request Parameters\n\
            | Parameter | Required | Type |\n| - | - | - |\n| a | maybe | string |\n";
        assert!(operation(&markdown::blocks(bad_required))
            .unwrap_err()
            .contains("maybe"));
        assert_eq!(
            operation(&markdown::blocks("# Guide\ntext\n")).unwrap(),
            None
        );
    }
}
