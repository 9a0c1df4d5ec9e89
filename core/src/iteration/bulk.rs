//! Bulk iteration: the step function maps the whole partial solution to the next one.
//!
//! Each superstep hands this worker's partition of the partial solution to the step
//! function, materialises what it returns (running the fused pipeline once), then
//! all-reduces the aggregators and the solution size in a single exchange — the superstep
//! barrier — and checks the convergence criterion on the global aggregate.
//!
//! **Note**: loop-invariant inputs (a graph's edges, a feature matrix) must be prepared
//! before the loop — [`crate::DataSet::index_by`], [`crate::DataSet::broadcast`],
//! [`crate::DataSet::cache`] — and captured by the step; building them inside the step
//! would re-shuffle them every superstep.

use std::time::Instant;

use super::aggregator::Aggregator;
use super::metrics::IterationKind;
use super::{Iteration, IterationSummary, Reporter, Superstep};
use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;

impl<A: Aggregator> Iteration<A> {
    /// Runs a bulk iteration from `initial`.
    ///
    /// # Arguments
    /// - `initial`: the partial solution before superstep 1.
    /// - `step`: maps (superstep context, partial solution) to the next partial solution.
    ///
    /// # Returns
    /// The final partial solution and an [`IterationSummary`].
    ///
    /// # Errors
    /// What the step returns, or a failed peer.
    pub fn bulk<'w: 's, 's, T, F>(
        &self,
        initial: DataSet<'w, T>,
        mut step: F,
    ) -> Result<(DataSet<'w, T>, IterationSummary<A>)>
    where
        T: Data,
        F: FnMut(&Superstep<A>, DataSet<'s, T>) -> Result<DataSet<'s, T>>,
    {
        let worker = initial.worker;
        let reporter = Reporter::new(worker, IterationKind::Bulk);
        let mut current: Vec<T> = initial.collect_partition();
        let mut summary = IterationSummary { supersteps: 0, converged: false, aggregate: None };
        for number in 1..=self.max_iterations {
            let started = Instant::now();
            let context = Superstep::new(number, summary.aggregate.take());
            let next = step(&context, DataSet::from_iter(worker, current))?;
            current = next.collect_partition();
            let local = (context.aggregator.take(), current.len() as u64);
            let partials = worker.control_gather(local)?;
            let mut aggregate = A::default();
            let mut size = 0;
            for (partial, n) in &partials {
                aggregate.merge(partial);
                size += n;
            }
            let converged = self.converged(&aggregate);
            reporter.report(number, size, None, &aggregate, converged, started.elapsed());
            if summary.finish_superstep(number, aggregate, converged) {
                break;
            }
        }
        Ok((DataSet::from_iter(worker, current), summary))
    }
}

impl<'w, T: Data> DataSet<'w, T> {
    /// Bulk iteration without aggregators: runs `step` exactly `max_iterations` times.
    ///
    /// # Example
    /// ```
    /// let doubled = eddy_core::run_single(|w| w.from_slice(&[1, 2]).iterate(3, |_, d| Ok(d.map(|x| x * 2)))?.collect())?;
    /// assert_eq!(doubled, vec![8, 16]);
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    ///
    /// The step may borrow data that lives shorter than `self` (`'s`): the result is
    /// materialised.
    ///
    /// # Errors
    /// What the step returns, or a failed peer.
    pub fn iterate<'s, F>(self, max_iterations: u32, step: F) -> Result<DataSet<'w, T>>
    where
        'w: 's,
        F: FnMut(&Superstep<()>, DataSet<'s, T>) -> Result<DataSet<'s, T>>,
    {
        Iteration::new(max_iterations).bulk(self, step).map(|(result, _)| result)
    }
}
