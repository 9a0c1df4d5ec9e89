//! Iterations: bulk ([`bulk`]) and delta ([`delta`]), their aggregators and metrics.
//!
//! Both are configured by one builder, [`Iteration`]: the maximum number of supersteps,
//! the aggregator type and an optional convergence criterion over the all-reduced
//! aggregate. `DataSet::iterate` and `DataSet::iterate_delta` are the short forms without
//! aggregators.
//!
//! **Note**: the convergence criterion sees the *global* aggregate, identical on every
//! worker, so all workers leave the loop at the same superstep — never decide on local
//! values in a way that changes which exchanges a worker runs.

pub mod aggregator;
pub mod bulk;
pub mod delta;
pub mod metrics;

use std::time::{Duration, Instant};

use crate::worker::Worker;
use aggregator::{Aggregator, AggregatorHandle};
use metrics::{IterationKind, SuperstepMetrics};

type Criterion<A> = Box<dyn Fn(&A) -> bool>;

/// Configuration of a bulk or delta iteration.
///
/// # Example
/// ```text
/// Iteration::new(100)
///     .aggregate::<Sum<f64>>()
///     .converge_when(|delta| delta.get() < 1e-9)
///     .bulk(initial, |step, ranks| { … })
/// ```
pub struct Iteration<A = ()> {
    max_iterations: u32,
    criterion: Option<Criterion<A>>,
}

impl<A> std::fmt::Debug for Iteration<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iteration")
            .field("max_iterations", &self.max_iterations)
            .field("criterion", &self.criterion.is_some())
            .finish()
    }
}

impl Iteration<()> {
    /// An iteration of at most `max_iterations` supersteps, without aggregators.
    pub fn new(max_iterations: u32) -> Self {
        Iteration { max_iterations, criterion: None }
    }

    /// Uses aggregator type `B` (e.g. `Sum<f64>` or `(Sum<f64>, Count)`). A criterion set
    /// before is kept (it cannot look at an aggregate).
    pub fn aggregate<B: Aggregator>(self) -> Iteration<B> {
        let criterion: Option<Criterion<B>> = match self.criterion {
            Some(before) => Some(Box::new(move |_: &B| before(&()))),
            None => None,
        };
        Iteration { max_iterations: self.max_iterations, criterion }
    }
}

impl<A: Aggregator> Iteration<A> {
    /// Ends the iteration after the first superstep whose all-reduced aggregate satisfies
    /// `criterion`.
    pub fn converge_when(mut self, criterion: impl Fn(&A) -> bool + 'static) -> Self {
        self.criterion = Some(Box::new(criterion));
        self
    }

    /// The maximum number of supersteps.
    pub fn max_iterations(&self) -> u32 {
        self.max_iterations
    }

    fn converged(&self, aggregate: &A) -> bool {
        self.criterion.as_ref().is_some_and(|c| c(aggregate))
    }
}

/// What a step function sees: the superstep number, the previous superstep's global
/// aggregate, and a handle to contribute to this superstep's aggregate.
#[derive(Debug)]
pub struct Superstep<A> {
    number: u32,
    previous: Option<A>,
    aggregator: AggregatorHandle<A>,
}

impl<A: Aggregator> Superstep<A> {
    fn new(number: u32, previous: Option<A>) -> Self {
        Superstep { number, previous, aggregator: AggregatorHandle::default() }
    }

    /// The superstep number, from 1.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The previous superstep's all-reduced aggregate; `None` in superstep 1.
    pub fn previous(&self) -> Option<&A> {
        self.previous.as_ref()
    }

    /// A handle to contribute to this superstep's aggregate (clone it into closures).
    pub fn aggregator(&self) -> AggregatorHandle<A> {
        self.aggregator.clone()
    }

    /// Contributes to this superstep's aggregate directly.
    pub fn aggregate(&self, f: impl FnOnce(&mut A)) {
        self.aggregator.update(f);
    }
}

/// How an iteration ended.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationSummary<A> {
    /// Supersteps run.
    pub supersteps: u32,
    /// True if it stopped early: the criterion held, or (delta) the workset became empty.
    pub converged: bool,
    /// The global aggregate of the last superstep (`None` if no superstep ran).
    pub aggregate: Option<A>,
}

impl<A> IterationSummary<A> {
    /// Records the end of superstep `number` with its global aggregate; returns true if
    /// the iteration ends here.
    fn finish_superstep(&mut self, number: u32, aggregate: A, converged: bool) -> bool {
        self.supersteps = number;
        self.aggregate = Some(aggregate);
        self.converged = converged;
        converged
    }
}

/// Builds a metrics record and hands it to the job's listener (worker 0 only).
struct Reporter<'w> {
    worker: &'w Worker,
    kind: IterationKind,
    started: Instant,
}

impl<'w> Reporter<'w> {
    fn new(worker: &'w Worker, kind: IterationKind) -> Self {
        Reporter { worker, kind, started: Instant::now() }
    }

    fn report<A: Aggregator>(
        &self,
        superstep: u32,
        workset_size: u64,
        delta_size: Option<u64>,
        aggregate: &A,
        converged: bool,
        elapsed: Duration,
    ) {
        tracing::debug!(superstep, workset_size, ?delta_size, converged, "superstep done");
        if self.worker.index() != 0 {
            return;
        }
        if let Some(listener) = self.worker.listener() {
            listener.on_superstep(&SuperstepMetrics {
                kind: self.kind,
                superstep,
                workset_size,
                delta_size,
                aggregates: aggregate.values(),
                converged,
                elapsed,
                total_elapsed: self.started.elapsed(),
            });
        }
    }
}
