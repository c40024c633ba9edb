//! Why the sandbox could not start, or an admin call failed.

use paybind::keys::KeyError;

use super::store::StoreError;

/// Why the sandbox could not start, or an admin call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A key could not be read, generated or parsed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// Which file or directory.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The state database failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The configuration (or config file) is not usable.
    #[error("sandbox configuration: {0}")]
    Config(String),
    /// The admin API answered with an error.
    #[error("admin API: HTTP {status}: {message}")]
    Admin {
        /// HTTP status.
        status: u16,
        /// The error text.
        message: String,
    },
    /// An HTTP call to the sandbox failed.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
}

/// The `map_err` of an I/O failure on `what` (which file or directory, and what was tried).
pub fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SandboxError {
    let what = what.into();
    move |source| SandboxError::Io { what, source }
}
