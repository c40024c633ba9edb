//! `cargo xtask spec-diff <rev> [<new-rev>]` / `--old FILE --new FILE`: what a change of the
//! specs under `openapi/` means for users, with a suggested version and a CHANGELOG draft.
//!
//! Both sides are bundled the way `build.rs` bundles them (borrowed components copied in from
//! sibling files of the same revision), so a change in `bluepay-common.yaml` shows up in the
//! specs that use it. The classification rules are in [`classify`]; the version rule in
//! [`VERSION_RULE`].

mod change;
pub mod classify;
mod nodes;
mod repeat;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use classify::{Change, Impact};

use crate::bundle::bundle;
use crate::GATEWAYS;

/// The version rule `spec-diff` applies, stated in its output.
pub const VERSION_RULE: &str = "while the major version is 0, a breaking change raises the \
minor version and anything else the patch version (Cargo treats 0.x.y and 0.x.z as \
compatible); from 1.0 on, breaking raises the major, an addition the minor, documentation the \
patch version. The heavier impact of the two audiences (crate, schema/) decides.";

/// The changes of one spec file.
#[derive(Debug)]
pub struct SpecChanges {
    pub file: String,
    pub changes: Vec<Change>,
}

/// A directory removed when dropped (the specs of a revision, written out to be bundled).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `openapi/` directory of a git revision, written to a scratch directory.
fn checkout(root: &Path, rev: &str) -> Result<Scratch, String> {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("{rev} is not a revision of {}", root.display()))?;
    let listing = git(root, &["ls-tree", "--name-only", rev, "openapi/"])?;
    let safe: String = rev
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = std::env::temp_dir().join(format!("paybind-spec-diff-{}-{safe}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let scratch = Scratch(dir);
    for path in listing.lines().filter(|p| p.ends_with(".yaml")) {
        let text = git(root, &["show", &format!("{rev}:{path}")])?;
        let name = Path::new(path).file_name().ok_or("bad path")?;
        crate::util::write(&scratch.0.join(name), &text)?;
    }
    Ok(scratch)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("git output is not UTF-8: {e}"))
}

/// Every gateway's spec at `old_rev` against `new_rev` (or, without it, `openapi_dir`).
pub fn between_revisions(
    root: &Path,
    old_rev: &str,
    new_rev: Option<&str>,
    openapi_dir: &Path,
) -> Result<Vec<SpecChanges>, String> {
    let old = checkout(root, old_rev)?;
    let new = new_rev.map(|rev| checkout(root, rev)).transpose()?;
    let new_dir = new.as_ref().map_or(openapi_dir, |s| s.0.as_path());
    let mut out = Vec::new();
    for gateway in GATEWAYS {
        let file = gateway.spec_file;
        let load = |dir: &Path| dir.join(file).exists().then(|| bundle(dir, file));
        let before = load(&old.0).transpose();
        let before = before.map_err(|e| format!("{old_rev}: {file}: {e}"))?;
        let after = load(new_dir).transpose();
        let after = after.map_err(|e| format!("new {file}: {e}"))?;
        // A gateway added after both revisions (its spec in neither) has nothing to report.
        if before.is_none() && after.is_none() {
            continue;
        }
        out.push(SpecChanges {
            file: file.to_string(),
            changes: spec_changes(before.as_ref(), after.as_ref()),
        });
    }
    Ok(out)
}

/// Two spec files, each bundled with the files beside it.
pub fn between_files(old: &Path, new: &Path) -> Result<Vec<SpecChanges>, String> {
    let load = |path: &Path| {
        let dir = path.parent().unwrap_or(Path::new("."));
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .ok_or("bad file name")?;
        bundle(dir, file).map_err(|e| format!("{}: {e}", path.display()))
    };
    let (before, after) = (load(old)?, load(new)?);
    let file = new
        .file_name()
        .map_or("spec".into(), |f| f.to_string_lossy().to_string());
    Ok(vec![SpecChanges {
        file,
        changes: spec_changes(Some(&before), Some(&after)),
    }])
}

fn spec_changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<Change> {
    let change = |what: &str, impact| Change {
        at: "spec".into(),
        what: what.into(),
        for_crate: impact,
        for_schema: impact,
    };
    match (before, after) {
        (Some(b), Some(a)) => classify::changes(b, a),
        (None, Some(_)) => vec![change(
            "new spec (a new client module and schema/ folder)",
            Impact::Addition,
        )],
        (Some(_), None) => vec![change("spec removed", Impact::Breaking)],
        (None, None) => Vec::new(),
    }
}

/// The heaviest impact over every change and both audiences (`None`: nothing changed).
pub fn heaviest(specs: &[SpecChanges]) -> Option<Impact> {
    specs
        .iter()
        .flat_map(|s| &s.changes)
        .map(|c| c.for_crate.max(c.for_schema))
        .max()
}

/// The next version after `current` for a change of weight `impact`, by [`VERSION_RULE`].
pub fn next_version(current: &str, impact: Impact) -> Result<String, String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(|p| {
            p.parse()
                .map_err(|_| format!("version {current:?} is not x.y.z"))
        })
        .collect::<Result<_, _>>()?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version {current:?} is not x.y.z"));
    };
    Ok(match (major, impact) {
        (0, Impact::Breaking) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Impact::Breaking) => format!("{}.0.0", major + 1),
        (_, Impact::Addition) => format!("{major}.{}.0", minor + 1),
        (_, Impact::Docs) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// The `version` of the `[package]` in a Cargo.toml.
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The readable report: every change with its impact on crate and schema users, the suggested
/// version and a CHANGELOG entry draft.
pub fn report(title: &str, specs: &[SpecChanges], version: &str) -> Result<String, String> {
    let mut out = format!("{title}\n");
    for spec in specs {
        let _ = writeln!(out, "\n{}: {} change(s)", spec.file, spec.changes.len());
        for c in &spec.changes {
            let _ = writeln!(
                out,
                "  crate {:<8} schema {:<8} {}: {}",
                c.for_crate.word(),
                c.for_schema.word(),
                c.at,
                c.what
            );
        }
    }
    let Some(impact) = heaviest(specs) else {
        out += "\nNo change: no version bump, no CHANGELOG entry.\n";
        return Ok(out);
    };
    let next = next_version(version, impact)?;
    let _ = writeln!(
        out,
        "\nSuggested version: {version} -> {next} ({} change)\nRule: {VERSION_RULE}",
        impact.word()
    );
    out += "\nCHANGELOG draft:\n\n";
    out += &changelog(&next, specs);
    Ok(out)
}

/// A CHANGELOG entry: each change under the heading of its heavier impact.
pub fn changelog(version: &str, specs: &[SpecChanges]) -> String {
    let mut out = format!("## [{version}] - unreleased\n");
    for (impact, heading) in [
        (Impact::Breaking, "Breaking"),
        (Impact::Addition, "Added"),
        (Impact::Docs, "Documentation"),
    ] {
        let lines: Vec<String> = specs
            .iter()
            .flat_map(|s| s.changes.iter().map(move |c| (s, c)))
            .filter(|(_, c)| c.for_crate.max(c.for_schema) == impact)
            .map(|(s, c)| {
                let api = s.file.trim_end_matches(".yaml");
                format!(
                    "- {api}: {}: {} (crate: {}, schema/: {})",
                    c.at,
                    c.what,
                    c.for_crate.word(),
                    c.for_schema.word()
                )
            })
            .collect();
        if !lines.is_empty() {
            let _ = write!(out, "\n### {heading}\n\n{}\n", lines.join("\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(next_version("0.1.0", Impact::Breaking).unwrap(), "0.2.0");
        assert_eq!(next_version("0.1.0", Impact::Addition).unwrap(), "0.1.1");
        assert_eq!(next_version("0.3.4", Impact::Docs).unwrap(), "0.3.5");
        assert_eq!(next_version("1.2.3", Impact::Breaking).unwrap(), "2.0.0");
        assert_eq!(next_version("1.2.3", Impact::Addition).unwrap(), "1.3.0");
        assert_eq!(next_version("1.2.3", Impact::Docs).unwrap(), "1.2.4");
        assert!(next_version("1.2", Impact::Docs).is_err());
        let manifest =
            "[package]\nname = \"x\"\nversion = \"0.4.2\"\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.4.2"));
    }
}
