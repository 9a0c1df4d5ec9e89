//! Iterations: bulk ([`bulk`]) and delta ([`delta`]), their aggregators and metrics, and
//! the [`superstep`] engine that ends every superstep of every iteration in the workspace.
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
pub mod superstep;

use aggregator::{Aggregator, AggregatorHandle};

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

    pub(crate) fn converged(&self, aggregate: &A) -> bool {
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
    /// The same summary with its aggregate mapped (e.g. to the number it carries).
    pub fn map<B>(self, f: impl FnOnce(A) -> B) -> IterationSummary<B> {
        IterationSummary {
            supersteps: self.supersteps,
            converged: self.converged,
            aggregate: self.aggregate.map(f),
        }
    }
}
