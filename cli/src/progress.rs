//! Downloads into a file with a progress bar on stderr — only when stderr is a terminal, so a
//! piped or scripted run prints nothing but its JSON. The file is written under a temporary
//! name and renamed only when the download verified, so a failed download leaves nothing.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::CliError;

/// A file being downloaded, counting what is written into a progress bar.
pub struct Download {
    file: std::fs::File,
    part: PathBuf,
    target: PathBuf,
    bar: ProgressBar,
}

impl Download {
    /// Creates `<target>.part` and, on a terminal, a progress bar labelled `label`.
    pub fn create(target: &Path, label: &str) -> Result<Self, CliError> {
        let mut name = target.as_os_str().to_owned();
        name.push(".part");
        let part = PathBuf::from(name);
        let file = std::fs::File::create(&part).map_err(|e| {
            CliError::input("io", format!("cannot create {}: {e}", part.display()))
                .with("path", part.display().to_string())
        })?;
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {msg} {bytes} ({binary_bytes_per_sec}, {elapsed})",
            ) {
                bar.set_style(style);
            }
            bar.set_message(label.to_string());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Ok(Self {
            file,
            part,
            target: target.to_path_buf(),
            bar,
        })
    }

    /// Keeps the file under its real name.
    pub fn commit(mut self) -> Result<PathBuf, CliError> {
        self.bar.finish_and_clear();
        let fail = |e: std::io::Error| {
            CliError::input("io", format!("cannot write {}: {e}", self.target.display()))
                .with("path", self.target.display().to_string())
        };
        self.file.flush().map_err(fail)?;
        self.file.sync_all().map_err(fail)?;
        std::fs::rename(&self.part, &self.target).map_err(fail)?;
        Ok(self.target.clone())
    }

    /// Removes the partial file.
    pub fn discard(self) {
        self.bar.finish_and_clear();
        drop(self.file);
        let _ = std::fs::remove_file(&self.part);
    }
}

impl std::io::Write for Download {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes go straight to the file: for a command-line download, blocking the single task for a
/// chunk is what it should do.
impl tokio::io::AsyncWrite for Download {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.get_mut().write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().flush())
    }
}
