//! The SGATE Payin docs reader: the pages and their field tables ([`super::payin`] reads
//! them), and the facts outside the tables ([`super::payin_facts`], [`super::payin_rules`]),
//! put together for docs-diff. It sits above the three, which never import it.

use std::path::Path;

use serde_json::Value;

use super::markdown::{self, Block};
use super::payin::{endpoint_starts, endpoints, fields, files, Columns, SCHEMA_PAGES};
use super::report::Difference;
use super::{payin_facts, payin_rules};
use super::{DocOperation, DocSchema, PageFacts, PageReader, PageRef};

/// Reads SGATE's Payin Markdown (`<lang>/payinApi/...`).
pub struct PayinReader;

impl PageReader for PayinReader {
    fn spec_file(&self) -> &'static str {
        let payin = crate::GATEWAYS.iter().find(|g| g.id == "sgate-payin");
        payin.map_or("sgate-payin.yaml", |g| g.spec_file)
    }

    fn pages(&self, dir: &Path) -> Result<Vec<PageRef>, String> {
        let mut pages = Vec::new();
        for (lang, path, key) in files(dir)? {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let count = endpoint_starts(&markdown::blocks(&text)).len();
            let keys: Vec<String> = match count {
                0 | 1 => vec![key],
                n => (1..=n).map(|i| format!("{key}#{i}")).collect(),
            };
            for key in keys {
                pages.push(PageRef {
                    path: path.clone(),
                    lang: lang.to_string(),
                    key,
                });
            }
        }
        Ok(pages)
    }

    fn read_page(&self, page: &PageRef, text: &str) -> Result<PageFacts, String> {
        let blocks = markdown::blocks(text);
        let mut facts = PageFacts::default();
        let (file_key, nth) = match page.key.split_once('#') {
            Some((file, n)) => (file, n.parse::<usize>().map_err(|e| e.to_string())?),
            None => (page.key.as_str(), 1),
        };
        if let Some((_, schema)) = SCHEMA_PAGES.iter().find(|(key, _)| *key == file_key) {
            let table = blocks
                .iter()
                .find_map(|b| match b {
                    Block::Table(t) if Columns::of(t).is_some() => Some(t),
                    _ => None,
                })
                .ok_or("no field table (columns parameter/type)")?;
            facts.schemas.push(DocSchema {
                schema: schema.to_string(),
                fields: fields(table)?,
            });
            return Ok(facts);
        }
        let endpoints = endpoints(&blocks)?;
        if let Some(endpoint) = endpoints.into_iter().nth(nth - 1) {
            facts.operation = Some(DocOperation {
                path: endpoint.path,
                method: endpoint.verb,
                request: endpoint.request,
                response: endpoint.response,
            });
        }
        Ok(facts)
    }

    fn answers_in_envelope(&self) -> bool {
        false
    }

    fn own_differences(&self, dir: &Path, spec: &Value) -> Vec<Difference> {
        differences(dir, spec)
    }
}

/// Every difference of these facts, sorted; a page that cannot be read is `unreadable`.
pub fn differences(dir: &Path, spec: &Value) -> Vec<Difference> {
    let pages = match payin_facts::read(dir) {
        Ok(pages) => pages,
        Err(why) => return vec![Difference::unreadable("-", &why)],
    };
    let mut out = Vec::new();
    for (key, langs) in &pages {
        payin_facts::endpoint_facts(key, langs, spec, &mut out);
    }
    payin_facts::signing(&pages, spec, &mut out);
    payin_facts::codes(&pages, spec, &mut out);
    payin_rules::limits(&pages, spec, &mut out);
    payin_rules::test_data(&pages, spec, &mut out);
    payin_rules::customer_rule(&pages, spec, &mut out);
    payin_rules::callbacks(&pages, spec, &mut out);
    out.sort();
    out
}
