//! Reading what the user gives: files, stdin, JSON and keys. Every failure is an input error
//! (exit 2) that names the file, never its content.

use std::io::{IsTerminal as _, Read as _};
use std::path::Path;

use paybind::keys::{PrivateKey, PublicKey};
use serde_json::Value;

use crate::output::CliError;

/// The bytes of a file.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::input("io", format!("cannot read {what} {}: {e}", path.display()))
            .with("path", path.display().to_string())
    })
}

/// Everything on stdin, or `None` when stdin is a terminal (nothing was piped).
pub fn read_stdin(what: &str) -> Result<Option<Vec<u8>>, CliError> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    stdin
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input("io", format!("cannot read {what} from stdin: {e}")))?;
    Ok(Some(bytes))
}

/// Bytes as UTF-8 text.
pub fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, CliError> {
    String::from_utf8(bytes).map_err(|_| CliError::input("input", format!("{what} is not UTF-8")))
}

/// Text as a JSON value.
pub fn json(text: &str, what: &str) -> Result<Value, CliError> {
    serde_json::from_str(text).map_err(|e| {
        CliError::input("json", format!("{what} is not valid JSON: {e}"))
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
