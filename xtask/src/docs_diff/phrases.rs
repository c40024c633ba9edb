//! What the docs' prose says about a field: its length ("length limit 13 to 19 characters",
//! "长度限制 64 字符"), its largest value ("up to 1000 pages") and the values a description
//! lists (`` `0`: Disable <br> `1`: Enable ``).

use std::sync::OnceLock;

use regex::Regex;

use super::Length;

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("pattern is valid"))
}

/// "length limit 64 characters", "length limit 13 to 19 characters", "fixed length of 6
/// characters", "长度限制 13 ～ 19 字符", "长度固定 32 字符".
pub fn length(text: &str) -> Option<Length> {
    static FIXED: OnceLock<Regex> = OnceLock::new();
    static LIMIT: OnceLock<Regex> = OnceLock::new();
    let fixed = regex(&FIXED, r"(?i)(?:fixed length of|长度固定)\s*(\d+)");
    let limit = regex(
        &LIMIT,
        r"(?i)(?:length limit(?: of)?|长度限制)\s*(\d+)(?:\s*(?:to|～|~|-)\s*(\d+))?",
    );
    let number = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u64>().ok());
    if let Some(c) = fixed.captures(text) {
        let n = number(c.get(1))?;
        return Some(Length {
            min: Some(n),
            max: n,
        });
    }
    let c = limit.captures(text)?;
    let first = number(c.get(1))?;
    Some(match number(c.get(2)) {
        Some(max) => Length {
            min: Some(first),
            max,
        },
        None => Length {
            min: None,
            max: first,
        },
    })
}

/// "supports up to 1000 pages", "a maximum of 100 items", "最多支持 100 条".
pub fn maximum(text: &str) -> Option<u64> {
    static MAX: OnceLock<Regex> = OnceLock::new();
    let re = regex(&MAX, r"(?i)(?:up to|maximum of|最多支持)\s*(\d+)");
    re.captures(text)?.get(1)?.as_str().parse().ok()
}

/// Values listed one per line as `` `value`: meaning `` in a description cell.
pub fn listed_values(cell: &str) -> Vec<String> {
    let lines = cell
        .split("<br>")
        .flat_map(|s| s.split("<br/>"))
        .flat_map(|s| s.split("<br />"));
    lines
        .filter_map(|line| {
            let rest = line.trim().strip_prefix('`')?;
            let (value, after) = rest.split_once('`')?;
            let after = after.trim_start();
            (after.starts_with(':') || after.starts_with('：')).then(|| value.trim().to_string())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_phrases() {
        let l = |t: &str| length(t).map(|l| (l.min, l.max));
        assert_eq!(
            l("Merchant customer ID, length limit 128 characters"),
            Some((None, 128))
        );
        assert_eq!(
            l("must be a number, length limit 13 to 19 characters"),
            Some((Some(13), 19))
        );
        assert_eq!(l("银行账户，长度限制 13 ～ 19 字符"), Some((Some(13), 19)));
        assert_eq!(l("OTP，fixed length of 6 characters"), Some((Some(6), 6)));
        assert_eq!(l("OTP 发送凭证，长度固定 32 字符"), Some((Some(32), 32)));
        assert_eq!(l("has a length limit of 64 characters"), Some((None, 64)));
        assert_eq!(l("Payment amount"), None);
        assert_eq!(
            maximum("Page number, supports up to 1000 pages"),
            Some(1000)
        );
        assert_eq!(maximum("每页显示条数，最多支持 100 条"), Some(100));
    }

    #[test]
    fn listed_values_in_cells() {
        assert_eq!(
            listed_values("Bank country:<br>` ALL `: All Banks<br>` SAU `: Saudi Arabia"),
            ["ALL", "SAU"]
        );
        assert_eq!(
            listed_values("状态：<br>`unknown`：未知<br>`fail`：失败"),
            ["unknown", "fail"]
        );
        assert_eq!(listed_values("[Bank code](/en/x)"), Vec::<String>::new());
    }
}
