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

use super::aggregator::Aggregator;
use super::metrics::IterationKind;
use super::superstep::{Control, IterationState, SuperstepEngine};
use super::{Iteration, IterationSummary, Superstep};
use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;

impl<A: Aggregator> Iteration<A> {
    /// Runs a bulk iteration from `initial`.
    ///
    /// # Arguments
    /// - `initial`: the partial solution before superstep 1.
    /// - `step`: maps (superstep context, partial solution) to the next partial solution.
    ///   It must not carry state of its own from one superstep to the next (a checkpoint
    ///   saves the partial solution only); a step that does uses
    ///   [`Iteration::bulk_with_state`].
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
        let (result, (), summary) =
            self.bulk_with_state(initial, (), |context, (), data| step(context, data))?;
        Ok((result, summary))
    }

    /// A bulk iteration whose step also carries `state` from one superstep to the next
    /// (k-means' labels, an optimiser's memory): the step receives it mutably, and
    /// checkpoints save and restore it with the partial solution.
    ///
    /// # Returns
    /// The final partial solution, the final state and an [`IterationSummary`].
    ///
    /// # Errors
    /// What the step returns, a failed peer, a checkpoint that does not fit.
    pub fn bulk_with_state<'w: 's, 's, T, S, F>(
        &self,
        initial: DataSet<'w, T>,
        state: S,
        mut step: F,
    ) -> Result<(DataSet<'w, T>, S, IterationSummary<A>)>
    where
        T: Data,
        S: IterationState,
        F: FnMut(&Superstep<A>, &mut S, DataSet<'s, T>) -> Result<DataSet<'s, T>>,
    {
        let worker = initial.worker;
        let mut current = (initial.collect_partition(), state);
        let mut engine = SuperstepEngine::start(worker, IterationKind::Bulk, self, false, &mut current)?;
        while let Some(number) = engine.next_superstep() {
            let context = Superstep::new(number, engine.previous().cloned());
            let (partial, state) = &mut current;
            let next = step(&context, state, DataSet::from_iter(worker, std::mem::take(partial)))?;
            *partial = next.collect_partition();
            let local =
                Control { active: partial.len() as u64, changed: 0, aggregate: context.aggregator.take() };
            if engine.end_superstep(local, &current)?.done {
                break;
            }
        }
        let (partial, state) = current;
        Ok((DataSet::from_iter(worker, partial), state, engine.finish()))
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
