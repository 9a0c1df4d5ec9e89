//! The error type of eddy-datasets.
//!
//! **Note**: input errors name the file, the 1-based line number and the offending text,
//! so that a user can fix the file without a debugger.

use std::path::PathBuf;

/// Errors raised while reading, writing or generating datasets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of an input file is malformed.
    #[error("{path}:{line}: {reason}: {text:?}")]
    InvalidInput {
        /// The file (or the name given to in-memory input).
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// The offending line, trimmed and shortened to 120 characters.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A generator spec such as `rmat:20` could not be parsed or asks for an impossible or
    /// oversized graph; `reason` says what is wrong and ends with the expected syntax.
    #[error("invalid generator spec {spec:?}: {reason}")]
    InvalidSpec {
        /// The spec as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A generator was called with parameters that describe no graph (probabilities that
    /// do not sum to at most 1, more edges than vertex pairs) or an oversized one.
    #[error("invalid {generator} parameters: {reason}")]
    InvalidParameter {
        /// The generator function, e.g. `rmat`.
        generator: &'static str,
        /// What is wrong with the parameters.
        reason: String,
    },
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
