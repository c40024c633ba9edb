//! What every generating step returns: its output, or why it cannot generate, as the text of
//! the build failure (the caller adds the file and the JSON path).

/// A generating step's result.
pub(crate) type BuildResult<T> = Result<T, String>;
