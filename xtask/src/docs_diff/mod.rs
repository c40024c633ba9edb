//! `cargo xtask docs-diff <gateway> <docs-dir>`: what a gateway's published docs say that the
//! YAML under `openapi/` does not (or says differently).
//!
//! Three layers, each replaceable on its own:
//!
//! 1. A [`PageReader`] per source format turns the gateway's pages into [`PageFacts`]: the
//!    operation a page documents (path, method, request and response field tables), the code and
//!    enum tables it holds, and field tables of other objects (callbacks). SGATE publishes
//!    Markdown in a public repository: [`sgate::SgateReader`] reads it, in every language.
//! 2. [`yaml`] reads the same facts from the spec, with the `x-decision` / `x-unconfirmed` notes
//!    that apply to each of them.
//! 3. [`compare`] lines the two up and yields [`report::Difference`]s (endpoints, fields,
//!    required flags, types, lengths, maxima, defaults, enum values, codes, and disagreements
//!    between the languages of the docs); [`texts`] adds the codes' texts (the docs' text of a
//!    code against its `message`, or `message-<lang>` for another language, in the YAML);
//!    [`report`] prints them for people or as JSON.
//!
//! A difference is *acknowledged* when the YAML already records it: an `x-decision` or
//! `x-unconfirmed` on the field (its parameter, property, or the schema it refers to), or on the
//! enclosing operation/schema when that note names the field, whose text quotes the docs' side
//! (the documented length, type, value or code; for a code's text, the docs' text; for a field
//! the docs do not list, the words "field table"; for a disagreement between languages, every
//! value the languages state). A note that only explains something else does not hide a new
//! change. `docs-diff` exits 0 when every difference is acknowledged and every page was read, 1
//! otherwise.
//!
//! ## Adding BluePay (HTML docs, no public source)
//!
//! A BluePay reader implements [`PageReader`] over saved HTML pages (one directory per
//! language or snapshot): `pages` lists the `.html` files and keys them by their URL path;
//! `read_page` finds the request URL and method (BluePay: one `POST` path per page and the
//! `{appId, param, sign}` envelope, so the fields to compare are those of `param`, the decoded
//! business body, not the envelope), the `<table>`s under the request/response headings (an
//! HTML parser with rowspan/colspan expansion replaces [`markdown`], which is the only
//! Markdown-specific part), and the code tables (BluePay's result codes map to the
//! `ResultCode`-style `x-codes` schema of `bluepay.yaml` / `bluepay-jt.yaml`). Length and
//! required phrases are English only. Everything from [`PageFacts`] on — comparison,
//! acknowledgement, report, exit code — is shared.

pub mod compare;
pub mod markdown;
pub mod payin;
mod payin_facts;
mod payin_reader;
mod payin_rules;
pub mod phrases;
pub mod report;
pub mod sgate;
pub mod texts;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use report::Difference;

/// Reads one gateway's published pages in one source format.
pub trait PageReader {
    /// The spec file under `openapi/` the pages describe.
    fn spec_file(&self) -> &'static str;
    /// The pages under `dir`, in a stable order. The same page in different languages shares
    /// its `key`; the first language listed is the primary one.
    fn pages(&self, dir: &Path) -> Result<Vec<PageRef>, String>;
    /// What one page documents. `Err` names why the page cannot be read (never a guess).
    fn read_page(&self, page: &PageRef, text: &str) -> Result<PageFacts, String>;
    /// Whether the spec's success answers are envelopes whose `data` holds the record (SGATE
    /// payout) rather than the record itself (SGATE Payin).
    fn answers_in_envelope(&self) -> bool {
        true
    }
    /// Differences in facts the shared [`PageFacts`] do not hold (Payin: method names, extra
    /// headers, signing, currency limits, test data, codes, callbacks), read from `dir` again.
    fn own_differences(&self, _dir: &Path, _spec: &serde_json::Value) -> Vec<Difference> {
        Vec::new()
    }
}

/// One page of the docs in one language.
#[derive(Debug, Clone)]
pub struct PageRef {
    pub path: PathBuf,
    pub lang: String,
    /// The page's path without the language, e.g. `payoutApi/custom/customCreate.md`.
    pub key: String,
}

/// What one page documents; empty for pages with nothing to compare (rules, guides).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    pub operation: Option<DocOperation>,
    /// Code and enum tables, each tied to the YAML schema that holds the values.
    pub values: Vec<DocValues>,
    /// Field tables of objects that are not an operation's (e.g. a callback's body).
    pub schemas: Vec<DocSchema>,
    /// What the code and enum tables say each value means.
    pub texts: Vec<DocText>,
}

/// An endpoint as a page documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOperation {
    /// Full path as in the YAML's `paths` (the gateway's base path included).
    pub path: String,
    /// Lower-case HTTP method.
    pub method: String,
    pub request: Vec<DocField>,
    /// `None` when the page has no response field table.
    pub response: Option<Vec<DocField>>,
}

/// One row of a field table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocField {
    pub name: String,
    /// Request tables only.
    pub required: Option<Required>,
    /// The docs' type word, lower case (`string`, `number`, `float`, `object`, ...).
    pub ty: Option<String>,
    pub length: Option<Length>,
    /// Largest value (`up to 1000 pages`).
    pub maximum: Option<u64>,
    /// Values listed in the description (`` `0`: Disable <br> `1`: Enable ``).
    pub values: Vec<String>,
    pub default: Option<String>,
}

/// The required column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// Required in a table that applies only under a condition (e.g. one payment method).
    When(String),
}

/// A documented length: `max` characters, at least `min` when the docs give a range or a fixed
/// length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    pub min: Option<u64>,
    pub max: u64,
}

/// A code table or enum table.
#[derive(Debug, Clone, PartialEq)]
pub struct DocValues {
    /// The YAML component schema holding these values (`enum` or `x-codes`).
    pub schema: String,
    pub values: Vec<String>,
    /// False when the page lists only the values that apply to it (a subset).
    pub complete: bool,
}

/// The text a code or enum table gives one value (`| 1404 | The payment amount ... |`).
#[derive(Debug, Clone, PartialEq)]
pub struct DocText {
    /// The YAML component schema holding the value.
    pub schema: String,
    pub value: String,
    pub text: String,
}

/// Field table of an object that is not an operation's request or response.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSchema {
    pub schema: String,
    pub fields: Vec<DocField>,
}

/// Every page, read.
#[derive(Debug, Default)]
pub struct Docs {
    /// page key → language → facts, languages in the reader's order.
    pub pages: BTreeMap<String, Vec<(String, PageFacts)>>,
    /// Pages that could not be read, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
    /// The primary language (the reader's first): its code texts are the YAML's `message`.
    pub primary: Option<String>,
}

/// Reads every page the reader lists under `dir`.
pub fn read_docs(reader: &dyn PageReader, dir: &Path) -> Result<Docs, String> {
    let mut docs = Docs::default();
    let pages = reader.pages(dir)?;
    docs.primary = pages.first().map(|page| page.lang.clone());
    for page in pages {
        let facts = std::fs::read_to_string(&page.path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| reader.read_page(&page, &text));
        match facts {
            Ok(facts) => docs
                .pages
                .entry(page.key.clone())
                .or_default()
                .push((page.lang.clone(), facts)),
            Err(reason) => docs.unreadable.push((page.path.clone(), reason)),
        }
    }
    Ok(docs)
}

/// The snapshot of SGATE's docs that `openapi/sgate-payout.yaml` describes (see its
/// `info.x-decision`); `xtask check` runs `docs-diff` against it.
pub const SGATE_SNAPSHOT: &str = "2024-10-10-8355bb8";

/// Environment variable naming the `shared/` directory (default: `../shared` beside the
/// workspace root, where the workplace keeps it; CI clones may not have it).
pub const SHARED_DIR_VAR: &str = "PAYBIND_SHARED_DIR";

/// `shared/sgate-docs-history`: from [`SHARED_DIR_VAR`], else `<workspace>/../shared`.
/// `Err` says where it looked, for the "skipped" message.
pub fn sgate_history() -> Result<PathBuf, String> {
    let shared = match std::env::var_os(SHARED_DIR_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => crate::workspace_root().join("..").join("shared"),
    };
    let history = shared.join("sgate-docs-history");
    if history.is_dir() {
        Ok(history)
    } else {
        Err(format!(
            "{} not found (set {SHARED_DIR_VAR} to the shared/ directory)",
            history.display()
        ))
    }
}

/// The reader for a gateway name given on the command line.
pub fn reader(gateway: &str) -> Result<Box<dyn PageReader>, String> {
    match gateway {
        "sgate" => Ok(Box::new(sgate::SgateReader)),
        "sgate-payin" => Ok(Box::new(payin_reader::PayinReader)),
        other => Err(format!(
            "no docs reader for {other:?} (known: sgate, sgate-payin; BluePay publishes HTML \
             without a source repository, see the docs_diff module documentation)"
        )),
    }
}

/// Reads the docs and the spec and compares them.
pub fn run(gateway: &str, docs_dir: &Path, openapi_dir: &Path) -> Result<Vec<Difference>, String> {
    let reader = reader(gateway)?;
    if !docs_dir.is_dir() {
        return Err(format!("{} is not a directory", docs_dir.display()));
    }
    let docs = read_docs(reader.as_ref(), docs_dir)?;
    let spec = crate::bundle::bundle(openapi_dir, reader.spec_file())
        .map_err(|e| format!("{}: {e}", reader.spec_file()))?;
    let mut yaml = yaml::Spec::new(&spec);
    if !reader.answers_in_envelope() {
        yaml = yaml.with_bare_answers();
    }
    let mut differences = compare::compare(&docs, &yaml);
    differences.extend(reader.own_differences(docs_dir, &spec));
    differences.sort();
    for (path, reason) in &docs.unreadable {
        let page = path
            .strip_prefix(docs_dir)
            .unwrap_or(path)
            .display()
            .to_string();
        differences.push(Difference::unreadable(&page, reason));
    }
    Ok(differences)
}
