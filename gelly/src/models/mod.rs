//! The three iteration models of Gelly, compiled to delta iterations over the CSR layout.
//!
//! The solution set is the dense vertex-value array of each partition, updated in place;
//! the workset is the set of active vertices (those that have not voted to halt or that
//! received messages, or whose neighbours changed). A superstep does work proportional to
//! the workset. Messages to vertices of this partition go straight into the next inbox;
//! messages to another partition are combined per target vertex (with a combiner) and
//! shipped in one batch per peer per superstep; all-reduced counts decide termination.
//!
//! - [`vertex_centric`] — Pregel: `compute(vertex, messages)`.
//! - [`scatter_gather`] — scatter along edges from changed vertices, gather at receivers.
//! - [`gsa`] — gather over neighbours, sum, apply.

pub mod gsa;
pub mod scatter_gather;
pub mod vertex_centric;

use std::time::{Duration, Instant};

use eddy_core::{Aggregator, IterationKind, SuperstepMetrics, Worker};

/// What an iteration did.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationStats<A = ()> {
    /// Supersteps executed.
    pub supersteps: u32,
    /// True if it stopped because nothing was active any more (or the convergence
    /// criterion held), false if it hit the superstep limit.
    pub converged: bool,
    /// The last superstep's all-reduced aggregate.
    pub aggregate: A,
}

/// Reports per-superstep metrics to the job's listener (worker 0 only).
pub(crate) struct Reporter<'w> {
    worker: &'w Worker,
    started: Instant,
    last: Instant,
}

impl<'w> Reporter<'w> {
    pub(crate) fn new(worker: &'w Worker) -> Self {
        let now = Instant::now();
        Reporter { worker, started: now, last: now }
    }

    pub(crate) fn report<A: Aggregator>(
        &mut self,
        superstep: u32,
        active: u64,
        changed: u64,
        aggregate: &A,
        converged: bool,
    ) {
        self.report_values(superstep, active, changed, aggregate.values(), converged);
    }

    pub(crate) fn report_values(
        &mut self,
        superstep: u32,
        active: u64,
        changed: u64,
        aggregates: Vec<f64>,
        converged: bool,
    ) {
        let now = Instant::now();
        let elapsed: Duration = now - self.last;
        self.last = now;
        if self.worker.index() != 0 {
            return;
        }
        if let Some(listener) = self.worker.listener() {
            listener.on_superstep(&SuperstepMetrics {
                kind: IterationKind::Delta,
                superstep,
                workset_size: active,
                delta_size: Some(changed),
                aggregates,
                converged,
                elapsed,
                total_elapsed: now - self.started,
            });
        }
    }
}
