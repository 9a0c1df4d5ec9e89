//! eddy-core: partitioned datasets, their operators, bulk and delta iterations, and the
//! [`Communicator`] seam between workers.
//!
//! Entrypoint: [`DataSet`], obtained from a [`Worker`] inside a job (see `eddy-runtime`
//! for the executors that run jobs), [`Iteration`] for bulk and delta iterations, and
//! [`SuperstepEngine`], through which every iterative loop ends its supersteps.
//!
//! A job is ordinary Rust code run by every worker (SPMD): each worker holds one
//! partition of every dataset; partition-local operators are fused into one pass;
//! exchanges, keyed operators and iteration barriers go through the worker's
//! [`Communicator`], the only place where workers meet.
//!
//! This crate has no threads and no sockets: executors provide communicators.

pub mod communicator;
pub mod dataset;
pub mod error;
pub mod hash;
pub mod iteration;
pub mod operators;
pub mod worker;

pub use communicator::{Batch, Communicator, Data, Loopback, run_single};
pub use dataset::{Cached, DataSet};
pub use error::{Error, Result};
pub use iteration::aggregator::{Aggregator, AggregatorHandle, Count, Max, Min, Sum};
pub use iteration::delta::{DeltaStep, SolutionSet};
pub use iteration::metrics::{IterationKind, MetricsRecorder, SuperstepListener, SuperstepMetrics};
pub use iteration::superstep::{
    Boundary, CancelToken, Checkpoint, CheckpointStore, Control, IterationState, MemoryCheckpoints,
    SuperstepEngine,
};
pub use iteration::{Iteration, IterationSummary, Superstep};
pub use operators::exchange::Broadcast;
pub use operators::join::{HashIndex, Index, JoinHint};
pub use operators::keyed::Grouped;
pub use worker::{JobHooks, Worker};
