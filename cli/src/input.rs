//! Reading what the user gives: files, stdin, JSON and keys. Every failure is an input error
//! (exit 2) that names the file, never its content.

use std::io::{IsTerminal as _, Read as _};
use std::path::Path;

use paybind::keys::{PrivateKey, PublicKey};
use serde_json::Value;

use crate::output::CliError;

/// The largest file or stdin the command line reads (a param, a body, a key, a config file,
/// a notification): 16 MiB, far above any of them; more is refused, not read.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Reads at most [`MAX_INPUT_BYTES`]; more is an input error.
fn read_bounded(reader: impl std::io::Read, what: &str) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input("io", format!("cannot read {what}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::input(
            "too_large",
            format!("{what} is larger than {MAX_INPUT_BYTES} bytes"),
        )
        .with("limit", MAX_INPUT_BYTES));
    }
    Ok(bytes)
}

/// The bytes of a file (at most [`MAX_INPUT_BYTES`]).
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    let file = std::fs::File::open(path).map_err(|e| {
        CliError::input("io", format!("cannot read {what} {}: {e}", path.display()))
            .with("path", path.display().to_string())
    })?;
    read_bounded(file, &format!("{what} {}", path.display()))
        .map_err(|e| e.with("path", path.display().to_string()))
}

/// Everything on stdin (at most [`MAX_INPUT_BYTES`]), or `None` when stdin is a terminal
/// (nothing was piped).
pub fn read_stdin(what: &str) -> Result<Option<Vec<u8>>, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    read_bounded(stdin.lock(), &format!("{what} from stdin")).map(Some)
}

/// Bytes as UTF-8 text.
pub fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, CliError> {
    String::from_utf8(bytes).map_err(|_| CliError::input("input", format!("{what} is not UTF-8")))
}

/// Text as a JSON value.
pub fn json(text: &str, what: &str) -> Result<Value, CliError> {
    serde_json::from_str(text).map_err(|e| {
        let reason = paybind::spec::without_value(&e.to_string());
        CliError::input("json", format!("{what} is not valid JSON: {reason}"))
            .with("line", e.line())
            .with("column", e.column())
    })
}

/// The merchant's private key from a file (PEM or bare Base64).
pub fn private_key(path: &Path) -> Result<PrivateKey, CliError> {
    Ok(PrivateKey::from_file(path)?)
}

/// A public key from a file (PEM or bare Base64).
pub fn public_key(path: &Path) -> Result<PublicKey, CliError> {
    Ok(PublicKey::from_file(path)?)
}
