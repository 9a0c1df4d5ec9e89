//! Global operators: results over all partitions, identical on every worker.
//!
//! Each one folds the local partition, then all-gathers the partial results and combines
//! them in worker order — so floating-point results are bit-identical on all workers and
//! between runs with the same partitioning.
//!
//! **Note**: the result depends on the partitioning when `combine` is not exactly
//! associative (float sums); it never depends on thread timing.

use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;

impl<T: 'static> DataSet<'_, T> {
    /// The number of records in all partitions.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn count(self) -> Result<u64> {
        let worker = self.worker;
        let local = self.iter.count() as u64;
        worker.all_reduce(local, |a, b| a + b)
    }

    /// Folds every partition with `fold` from `zero`, then combines the partial results
    /// with `combine` in worker order.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn aggregate<A: Data + Clone>(
        self,
        zero: A,
        fold: impl FnMut(A, T) -> A,
        combine: impl Fn(A, A) -> A,
    ) -> Result<A> {
        let worker = self.worker;
        let local = self.iter.fold(zero, fold);
        worker.all_reduce(local, combine)
    }
}

impl<T: Data + Clone> DataSet<'_, T> {
    /// Reduces all records with an associative `f`; `None` for an empty dataset.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn reduce(self, f: impl Fn(T, T) -> T) -> Result<Option<T>> {
        let worker = self.worker;
        let local = self.iter.reduce(&f);
        let partials = worker.all_gather(local)?;
        Ok(partials.into_iter().flatten().reduce(f))
    }
}
