//! File plumbing shared by the readers and writers: gzip detection by name and atomic
//! writes (a fresh temporary file beside the target, renamed into place when complete).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// True for a `.gz` path (any case).
pub(crate) fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// A temporary name beside `path` that no other writer in this or another process uses.
fn temporary_path(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Writes `path` through `write` into a fresh temporary file beside it (gzip-compressed
/// for a `.gz` path) and renames it into place; on failure nothing is left behind.
///
/// # Errors
/// [`Error::Io`] naming `path`.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let temporary = temporary_path(path);
    let written = (|| -> std::io::Result<()> {
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        let file = if is_gzip(path) {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            let mut out = std::io::BufWriter::new(&mut gz);
            write(&mut out)?;
            out.flush()?;
            drop(out);
            gz.finish()?
        } else {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            out.into_inner().map_err(std::io::IntoInnerError::into_error)?
        };
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(Error::Io { path: path.to_path_buf(), source: e });
    }
    Ok(())
}
