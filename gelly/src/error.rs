//! The errors of graph construction and graph algorithms.

/// Everything that can go wrong while building a graph or running an algorithm on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The runtime failed (a peer failed, an exchange went out of step, ...).
    #[error(transparent)]
    Runtime(#[from] eddy_core::Error),
    /// Reading or parsing an input file failed.
    #[error(transparent)]
    Input(#[from] eddy_datasets::Error),
    /// A vertex key named by a parameter or an edge is not a vertex of the graph.
    #[error("unknown vertex {key}: {context}")]
    UnknownVertex {
        /// The key, formatted.
        key: String,
        /// Where it was named (e.g. "the source of sssp").
        context: String,
    },
    /// An edge weight the algorithm cannot use (negative or NaN for shortest paths).
    #[error("edge {src} -> {dst} has weight {weight}: {reason}")]
    InvalidWeight {
        /// Source key, formatted.
        src: String,
        /// Target key, formatted.
        dst: String,
        /// The offending weight.
        weight: f64,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// A parameter is out of its domain.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The graph is larger than the dense index type can address.
    #[error("graph too large: {0}")]
    TooLarge(String),
}

/// Result alias for graph operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Lets jobs that return [`eddy_core::Result`] use `?` on graph operations: runtime errors
/// pass through unchanged, the others travel as [`eddy_core::Error::Job`].
impl From<Error> for eddy_core::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Runtime(e) => e,
            other => eddy_core::Error::Job(Box::new(other)),
        }
    }
}
