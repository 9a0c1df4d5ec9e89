//! The error type of eddy-core.
//!
//! Errors separate *the caller's mistake* ([`Error::InvalidParameter`]), *a worker's
//! failure* ([`Error::WorkerPanicked`], [`Error::PeerFailed`], [`Error::OutOfStep`]) and
//! *our bug* ([`Error::Internal`]).
//!
//! **Note**: when one worker fails, every other worker blocked in an exchange receives
//! [`Error::PeerFailed`]; the executor reports the root cause, not the echoes.

/// Errors raised by datasets, operators, iterations and communicators.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter given to the API is out of range.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// Why it is rejected.
        reason: String,
    },
    /// User code panicked on one worker.
    #[error("worker {worker} panicked: {message}")]
    WorkerPanicked {
        /// The worker (partition) index.
        worker: usize,
        /// The panic message.
        message: String,
    },
    /// Workers ran different exchanges at the same point: a batch arrived with another
    /// record type than the receiver expects.
    #[error(
        "worker {worker} received {found} where it expected records of type {expected}: \
         the workers ran different exchanges (every worker must run the same exchanges in the same order)"
    )]
    OutOfStep {
        /// The receiving worker.
        worker: usize,
        /// The record type the receiver asked for.
        expected: &'static str,
        /// What arrived instead.
        found: String,
    },
    /// Another worker failed while this one waited for it in an exchange.
    #[error("worker {worker} failed: {reason}")]
    PeerFailed {
        /// The failed peer.
        worker: usize,
        /// What the peer reported.
        reason: String,
    },
    /// Workers did not run the same sequence of exchanges (the job is not SPMD).
    #[error(
        "worker {worker} finished its job while worker {waiting} still waits for it in an exchange; \
         every worker must run the same exchanges in the same order"
    )]
    PeerFinished {
        /// The worker that finished.
        worker: usize,
        /// The worker left waiting.
        waiting: usize,
    },
    /// The job was cancelled from outside (for example, Ctrl-C in the Python package);
    /// every worker stops at its next exchange.
    #[error("job cancelled: {reason}")]
    Cancelled {
        /// Who or what cancelled it.
        reason: String,
    },
    /// A connection to another process failed or was refused: cluster mode's data plane
    /// could not reach, authenticate with, or keep talking to the process at `address`.
    #[error("network error with {address}: {reason}")]
    Network {
        /// The remote address (`host:port`) or peer the error concerns.
        address: String,
        /// What went wrong.
        reason: String,
    },
    /// A record batch could not be encoded or decoded for the wire.
    #[error("serialization failed: {0}")]
    Serialization(#[from] postcard::Error),
    /// An error raised by the job's own code or by a library built on the runtime (the
    /// graph library's errors, a user's), carried through the executor unchanged; its
    /// message is the inner error's. Downcast with `source()` to inspect it.
    #[error(transparent)]
    Job(Box<dyn std::error::Error + Send + Sync>),
    /// A bug in Eddy: a user should never be able to trigger this.
    #[error("internal error (a bug in eddy): {0}")]
    Internal(String),
}

impl Error {
    /// True for errors that only echo another worker's failure.
    pub fn is_echo(&self) -> bool {
        matches!(self, Error::PeerFailed { .. } | Error::PeerFinished { .. })
    }
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
