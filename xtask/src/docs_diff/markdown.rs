//! Markdown as documentation sites publish it, reduced to what a page reader needs: headings,
//! text lines and pipe tables, with code fences kept apart (a table-like line inside a fence is
//! not a table) and footnote definitions dropped.
//!
//! Cells keep their inline markup (`**`, backticks, links, `<br>`); [`plain`] and
//! [`cell_lines`] strip it when the reader wants text.

/// One block of a page, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `#`-heading: level and text (markup stripped).
    Heading { level: usize, text: String },
    /// A non-empty line outside tables and fences (list items, paragraphs, tip markers).
    Text { line: usize, text: String },
    /// A pipe table: the header cells and the rows, cells as written.
    Table(Table),
    /// A fenced code block: the info string and the body.
    Fence {
        line: usize,
        info: String,
        body: String,
    },
}

/// A pipe table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// 1-based line of the header row.
    pub line: usize,
    pub header: Vec<String>,
    /// Every row padded or cut to the header's width (a merged cell is an empty string).
    pub rows: Vec<Vec<String>>,
}

/// Splits a page into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim();
        if let Some(fence) = fence_marker(trimmed) {
            let info = trimmed[fence.len()..].trim().to_string();
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && !lines[end].trim().starts_with(fence) {
                end += 1;
            }
            out.push(Block::Fence {
                line: i + 1,
                info,
                body: lines[start..end.min(lines.len())].join("\n"),
            });
            i = end + 1;
        } else if is_table_start(&lines, i) {
            let (table, next) = table_at(&lines, i);
            out.push(Block::Table(table));
            i = next;
        } else if let Some((level, text)) = heading(trimmed) {
            out.push(Block::Heading { level, text });
            i += 1;
        } else {
            if !trimmed.is_empty() && !is_footnote_definition(trimmed) {
                out.push(Block::Text {
                    line: i + 1,
                    text: trimmed.to_string(),
                });
            }
            i += 1;
        }
    }
    out
}

fn fence_marker(line: &str) -> Option<&'static str> {
    ["```", "~~~"].into_iter().find(|f| line.starts_with(f))
}

/// A heading, also when written inside a list item (`- ### Request Parameters`).
fn heading(line: &str) -> Option<(usize, String)> {
    let line = ["- ", "* ", "+ "]
        .iter()
        .find_map(|m| line.strip_prefix(m))
        .map_or(line, str::trim_start);
    let level = line.chars().take_while(|c| *c == '#').count();
    let rest = line.get(level..)?;
    (level > 0 && level <= 6 && rest.starts_with(' ')).then(|| (level, plain(rest)))
}

fn is_footnote_definition(line: &str) -> bool {
    line.starts_with("[^") && line.contains("]:")
}

fn is_table_start(lines: &[&str], i: usize) -> bool {
    lines[i].trim().starts_with('|') && lines.get(i + 1).is_some_and(|l| is_delimiter_row(l))
}

fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|')
        && t.contains('-')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn table_at(lines: &[&str], start: usize) -> (Table, usize) {
    let header = split_row(lines[start]);
    let width = header.len();
    let mut rows = Vec::new();
    let mut i = start + 2;
    while i < lines.len() && lines[i].trim().starts_with('|') {
        if !is_delimiter_row(lines[i]) {
            let mut row = split_row(lines[i]);
            row.resize(width, String::new());
            rows.push(row);
        }
        i += 1;
    }
    let table = Table {
        line: start + 1,
        header,
        rows,
    };
    (table, i)
}

/// Cells of one table row: split on `|` that is not escaped (`\|`) and not inside backticks.
fn split_row(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t
        .strip_suffix('|')
        .filter(|s| !s.ends_with('\\'))
        .unwrap_or(t);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut in_code = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '`' => {
                in_code = !in_code;
                cell.push(c);
            }
            '|' if !in_code => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

/// The text of a cell or line without inline markup: `<br>` becomes a space, links keep their
/// text, footnote references, emphasis and backticks go, whitespace is collapsed.
pub fn plain(text: &str) -> String {
    cell_lines(text).join(" ")
}

/// The lines of a cell (split at `<br>`), each as [`plain`] text; empty lines dropped.
pub fn cell_lines(text: &str) -> Vec<String> {
    let broken = replace_br(text);
    broken
        .split('\n')
        .map(strip_inline)
        .filter(|l| !l.is_empty())
        .collect()
}

fn replace_br(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.to_ascii_lowercase().find("<br") {
        out.push_str(&rest[..at]);
        match rest[at..].find('>') {
            Some(end) => {
                out.push('\n');
                rest = &rest[at + end + 1..];
            }
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn strip_inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let inner = &after[..close];
        let tail = &after[close + 1..];
        if inner.starts_with('^') {
            // Footnote reference: dropped.
            rest = tail;
        } else if let Some(link) = tail.strip_prefix('(') {
            out.push_str(inner);
            rest = link.find(')').map_or("", |end| &link[end + 1..]);
        } else {
            out.push('[');
            out.push_str(inner);
            out.push(']');
            rest = tail;
        }
    }
    out.push_str(rest);
    let cleaned: String = out.replace("**", "").replace('`', "");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The values written in backticks in a cell, in order (`` `0`: Disable `` gives `0`).
pub fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fences_and_cells() {
        let page = "# Title\n- ## Listed\n| **A** | B |\n| --- | --- |\n| x `a|b` | y<br>z [^1] |\n| only |\n\n\
                    ```json\n| not | a table |\n| --- | --- |\n```\n[^1]: a footnote\nafter";
        let blocks = blocks(page);
        assert_eq!(
            blocks[0],
            Block::Heading {
                level: 1,
                text: "Title".into()
            }
        );
        assert_eq!(
            blocks[1],
            Block::Heading {
                level: 2,
                text: "Listed".into()
            }
        );
        let Block::Table(table) = &blocks[2] else {
            panic!("no table: {blocks:?}")
        };
        assert_eq!(table.header, ["**A**", "B"]);
        assert_eq!(table.rows[0], ["x `a|b`", "y<br>z [^1]"]);
        assert_eq!(table.rows[1], ["only", ""]);
        assert_eq!(plain(&table.rows[0][1]), "y z");
        assert_eq!(cell_lines(&table.rows[0][1]), ["y", "z"]);
        assert!(matches!(&blocks[3], Block::Fence { info, .. } if info == "json"));
        assert_eq!(blocks.len(), 5, "footnote definition dropped: {blocks:?}");
    }

    #[test]
    fn links_and_code_spans() {
        assert_eq!(
            plain("Returns the [currency code](/en/x) **now**"),
            "Returns the currency code now"
        );
        assert_eq!(
            code_spans("Bank:<br>` ALL `: All<br>`SAU`: Saudi"),
            ["ALL", "SAU"]
        );
    }
}
