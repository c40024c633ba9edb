//! `cargo xtask cross-language`: proves the export usable from another language.
//!
//! Creates (once per requirements change) a Python virtual environment under the target
//! directory with the pinned packages of `schema/check/requirements.txt`, then runs
//! `schema/check/cross_language.py`, which validates every exported document with
//! `openapi-spec-validator`, generates pydantic models from the exported JSON Schema with
//! `datamodel-code-generator`, imports them and checks every documented example with them and
//! with the Python `jsonschema` package. Then it records the sandbox's real answers to every
//! operation of the three APIs (the integration test `wire_answers`) and validates each one
//! against the exported wire document with `openapi-core` (`schema/check/wire_answers.py`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs the proof; `Err` names what failed.
pub fn run(root: &Path, schema_dir: &Path) -> Result<(), String> {
    let check_dir = root.join("schema").join("check");
    let requirements = check_dir.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let venv = target_dir(root).join("xtask-python");
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    let stamp = venv.join("requirements.installed");
    let installed = std::fs::read_to_string(&stamp).unwrap_or_default();
    if installed != wanted || !python.exists() {
        let system_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        eprintln!("xtask cross-language: creating {}", venv.display());
        run_command(
            Command::new(&system_python)
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
        )?;
        eprintln!(
            "xtask cross-language: pip install -r {}",
            requirements.display()
        );
        run_command(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                ])
                .arg(&requirements),
        )?;
        std::fs::write(&stamp, &wanted)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    run_command(
        Command::new(&python)
            .arg(check_dir.join("cross_language.py"))
            .arg(schema_dir),
    )?;
    // The wire documents against the sandbox's real answers: the integration test
    // `wire_answers` records every answer, openapi-core validates each one.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run_command(
        Command::new(cargo)
            .current_dir(root)
            .args([
                "test",
                "--locked",
                "--all-features",
                "--test",
                "it",
                "--",
                "wire_answers::",
            ])
            .stdin(Stdio::null()),
    )?;
    run_command(
        Command::new(&python)
            .arg(check_dir.join("wire_answers.py"))
            .arg(schema_dir)
            .arg(target_dir(root).join("wire-answers.json")),
    )
}

/// `CARGO_TARGET_DIR`, or `target/` of the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    }
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}
