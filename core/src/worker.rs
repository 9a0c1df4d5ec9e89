//! A worker: one of the P SPMD participants of a job, and its collective operations.
//!
//! Every worker runs the same job code with its own [`Worker`]. The worker owns partition
//! `index()` of every dataset, reaches its peers only through its [`Communicator`], and
//! offers the typed collectives the operators are built from: [`Worker::all_to_all`],
//! [`Worker::all_gather`] and [`Worker::all_reduce`].
//!
//! **Note**: collectives must be called by every worker in the same order; a collective
//! call skipped on one worker is reported as [`crate::Error::PeerFinished`] or hangs
//! until the peer's next exchange, so keep control flow that precedes an exchange
//! identical on all workers (decide on all-reduced values, never on local ones).

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::communicator::{Batch, Communicator, Data};
use crate::dataset::DataSet;
use crate::iteration::metrics::SuperstepListener;
use crate::iteration::superstep::{CancelToken, CheckpointStore};
use crate::{Error, Result};

/// What an executor attaches to every worker of a job, for the superstep engine: the
/// metrics listener, the checkpoint store and a cancel token. All optional.
#[derive(Clone, Default)]
pub struct JobHooks {
    /// Receives every superstep's metrics (on worker 0).
    pub listener: Option<Arc<dyn SuperstepListener>>,
    /// Saves iteration state at superstep boundaries and restores it when a job resumes.
    pub checkpoints: Option<Arc<dyn CheckpointStore>>,
    /// Cancels the job at the next superstep boundary.
    pub cancel: Option<CancelToken>,
}

impl std::fmt::Debug for JobHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHooks")
            .field("listener", &self.listener.is_some())
            .field("checkpoints", &self.checkpoints.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl JobHooks {
    /// Hooks with just a listener (or none).
    pub fn with_listener(listener: Option<Arc<dyn SuperstepListener>>) -> Self {
        JobHooks { listener, ..Self::default() }
    }
}

/// One worker of a running job: its partition index, its communicator and its hooks.
pub struct Worker {
    index: usize,
    peers: usize,
    communicator: RefCell<Box<dyn Communicator>>,
    hooks: JobHooks,
    /// Iterations started so far on this worker (the next one's ordinal).
    iterations: Cell<u32>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("index", &self.index).field("peers", &self.peers).finish()
    }
}

impl Worker {
    /// Creates a worker around a communicator; executors call this, jobs receive `&Worker`.
    pub fn new(communicator: Box<dyn Communicator>, hooks: JobHooks) -> Self {
        Worker {
            index: communicator.index(),
            peers: communicator.peers(),
            communicator: RefCell::new(communicator),
            hooks,
            iterations: Cell::new(0),
        }
    }

    /// Gives the communicator back to the executor when the job is done.
    pub fn into_communicator(self) -> Box<dyn Communicator> {
        self.communicator.into_inner()
    }

    /// This worker's index, which is also the index of the partition it owns.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The number of workers, which is the number of partitions of every dataset.
    pub fn parallelism(&self) -> usize {
        self.peers
    }

    /// The listener that receives per-superstep metrics, if the executor has one.
    pub fn listener(&self) -> Option<&Arc<dyn SuperstepListener>> {
        self.hooks.listener.as_ref()
    }

    /// The job's checkpoint store, if the executor has one.
    pub fn checkpoints(&self) -> Option<&Arc<dyn CheckpointStore>> {
        self.hooks.checkpoints.as_ref()
    }

    /// Why the job was cancelled, once it was (by the executor or a [`CancelToken`]).
    pub fn cancellation(&self) -> Option<String> {
        let token = self.hooks.cancel.as_ref().and_then(|t| t.reason().map(str::to_string));
        token.or_else(|| self.communicator.borrow().cancelled())
    }

    /// The ordinal of the iteration that starts now (0, 1, … per job; the same on every
    /// worker because every worker runs the same iterations).
    pub(crate) fn next_iteration(&self) -> u32 {
        let ordinal = self.iterations.get();
        self.iterations.set(ordinal + 1);
        ordinal
    }

    /// Sends `outgoing[j]` to worker `j` and returns what every worker sent here, in
    /// worker order.
    ///
    /// # Errors
    /// A failed or finished peer; `InvalidParameter` when `outgoing.len() != parallelism()`.
    pub fn all_to_all<T: Data>(&self, outgoing: Vec<Vec<T>>) -> Result<Vec<Vec<T>>> {
        if outgoing.len() != self.peers {
            return Err(Error::InvalidParameter {
                name: "outgoing",
                reason: format!("{} batches for {} workers", outgoing.len(), self.peers),
            });
        }
        let batches = outgoing.into_iter().map(Batch::new).collect();
        let received = self.communicator.borrow_mut().exchange(batches)?;
        received.into_iter().map(|batch| batch.decode(self.index)).collect()
    }

    /// Every worker contributes one value; every worker receives all of them in worker order.
    /// The values travel like any exchanged data (worker to worker); for small control
    /// values — aggregates, counts, votes — use [`Worker::control_gather`].
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn all_gather<T: Data + Clone>(&self, value: T) -> Result<Vec<T>> {
        // Cloned for all workers but the last, which gets the value itself.
        let mut outgoing: Vec<Vec<T>> = (1..self.peers).map(|_| vec![value.clone()]).collect();
        outgoing.push(vec![value]);
        let received = self.all_to_all(outgoing)?;
        received
            .into_iter()
            .map(|mut v| v.pop().ok_or_else(|| Error::Internal("empty all-gather batch".into())))
            .collect()
    }

    /// Combines one value per worker with `combine`, folding in worker order so that every
    /// worker obtains the identical result (bit for bit, also for floats).
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn all_reduce<T: Data + Clone>(&self, value: T, combine: impl Fn(T, T) -> T) -> Result<T> {
        let mut values = self.control_gather(value)?.into_iter();
        let first = values.next().ok_or_else(|| Error::Internal("all-reduce over no workers".into()))?;
        Ok(values.fold(first, combine))
    }

    /// Waits until every worker reaches this point.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn barrier(&self) -> Result<()> {
        self.control_gather(()).map(|_| ())
    }

    /// [`Worker::all_gather`] for small control values: the partial aggregates of a
    /// superstep barrier, counts, convergence votes (also behind [`Worker::all_reduce`]
    /// and [`Worker::barrier`]). In cluster mode the JobManager gathers them — this is how
    /// it coordinates supersteps — so never send partition data this way; locally it is
    /// an ordinary all-gather.
    ///
    /// # Errors
    /// As [`Worker::all_gather`]; in cluster mode also a JobManager that ended the job.
    pub fn control_gather<T: Data + Clone>(&self, value: T) -> Result<Vec<T>> {
        if self.communicator.borrow().coordinates_gathers() {
            let bytes = postcard::to_stdvec(&value)?;
            let gathered = self.communicator.borrow_mut().gather(bytes)?;
            return gathered.iter().map(|b| Ok(postcard::from_bytes(b)?)).collect();
        }
        self.all_gather(value)
    }

    /// This worker's contiguous share of `len` records — `from_slice`'s split, for data
    /// a job indexes itself (e.g. columns every worker can see).
    pub fn share(&self, len: usize) -> std::ops::Range<usize> {
        let (start, end) = chunk(len as u64, self.index, self.peers);
        start as usize..end as usize
    }

    /// This worker's partition of `records`: a contiguous chunk of about `len / P` records,
    /// cloned lazily. Every worker passes the same slice (SPMD), so together the workers
    /// hold each record exactly once.
    pub fn from_slice<'a, T: Clone + 'a>(&'a self, records: &'a [T]) -> DataSet<'a, T> {
        DataSet::from_iter(self, records[self.share(records.len())].iter().cloned())
    }

    /// A dataset of `n` generated records: this worker produces `f(i)` for the indices
    /// `i` of its contiguous share of `0..n`, without materialising anything.
    pub fn generate<'a, T: 'a>(&'a self, n: u64, f: impl Fn(u64) -> T + 'a) -> DataSet<'a, T> {
        let (start, end) = chunk(n, self.index, self.peers);
        DataSet::from_iter(self, (start..end).map(f))
    }

    /// A dataset whose partition on this worker is exactly `records` (records the worker
    /// read or produced itself).
    pub fn from_partition<T: 'static>(&self, records: Vec<T>) -> DataSet<'_, T> {
        DataSet::from_iter(self, records)
    }
}

/// The half-open range of `0..n` owned by worker `index` of `peers`.
pub(crate) fn chunk(n: u64, index: usize, peers: usize) -> (u64, u64) {
    let bound = |i: usize| (u128::from(n) * i as u128 / peers as u128) as u64;
    (bound(index), bound(index + 1))
}

#[cfg(test)]
mod tests {
    use super::chunk;

    #[test]
    fn chunks_cover_the_range_exactly() {
        for n in [0u64, 1, 7, 100] {
            for p in [1usize, 2, 3, 8] {
                let mut next = 0;
                for i in 0..p {
                    let (s, e) = chunk(n, i, p);
                    assert_eq!(s, next);
                    assert!(e >= s);
                    next = e;
                }
                assert_eq!(next, n);
            }
        }
    }
}
