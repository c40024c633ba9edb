//! Docs pages the tests keep as fixtures: the signing and payment-link tests read SGATE Payin's
//! pages from `tests/fixtures/` as their oracles (so the tests run without `../shared`). Each
//! must be its page of the snapshot the spec describes, byte for byte: when the spec moves to
//! newer docs, a stale copy would keep the tests checking the old text.

use std::path::Path;

use super::Problem;

/// Each fixture, and its page below a Payin docs snapshot.
pub const PAYIN_PAGE_FIXTURES: &[(&str, &str)] = &[
    (
        "tests/fixtures/sgate-payin/callMethod.en.md",
        "en/payinApi/callMethod/callMethod.md",
    ),
    (
        "tests/fixtures/sgate-payin/paymentCashier.en.md",
        "en/payinApi/payment/paymentCashier.md",
    ),
];

/// A problem for each fixture of `fixtures` under `root` that is not its page under `snapshot`,
/// or that is missing.
pub fn check_page_fixtures(
    root: &Path,
    snapshot: &Path,
    fixtures: &[(&str, &str)],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (fixture, page) in fixtures {
        let problem = |message: String| Problem {
            file: (*fixture).into(),
            at: String::new(),
            message,
        };
        let page_path = snapshot.join(page);
        match (std::fs::read(root.join(fixture)), std::fs::read(&page_path)) {
            (Ok(copy), Ok(original)) if copy == original => {}
            (Ok(_), Ok(_)) => problems.push(problem(format!(
                "differs from {}: copy the page again (the tests read it as their oracle)",
                page_path.display()
            ))),
            (Err(e), _) => problems.push(problem(format!("cannot be read: {e}"))),
            (_, Err(e)) => problems.push(problem(format!(
                "its page {} cannot be read: {e}",
                page_path.display()
            ))),
        }
    }
    problems
}
