//! Exchanges: moving records between workers.
//!
//! `partition_by_hash` sends each record to the worker owning its key; `rebalance`
//! redistributes records into equal contiguous shares (order kept); `broadcast` gives
//! every worker all records; `collect` is a broadcast into a plain `Vec`.
//!
//! **Note**: an exchange is a pipeline breaker: the local pipeline runs to completion and
//! the records are bucketed into one contiguous `Vec` per destination — one allocation per
//! destination, never one per record.

use std::hash::Hash;
use std::ops::Deref;
use std::rc::Rc;

use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;
use crate::hash::partition_of;
use crate::worker::chunk;

/// A small dataset replicated on every worker (Flink's broadcast set): read it from the
/// closures of other operators. Cloning the handle is cheap.
#[derive(Debug)]
pub struct Broadcast<T> {
    records: Rc<Vec<T>>,
}

impl<T> Clone for Broadcast<T> {
    fn clone(&self) -> Self {
        Broadcast { records: Rc::clone(&self.records) }
    }
}

impl<T> Deref for Broadcast<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.records
    }
}

impl<'w, T: Data> DataSet<'w, T> {
    /// Sends every record to the worker that owns `key(record)`.
    ///
    /// # Errors
    /// A peer failed during the exchange.
    ///
    /// # Complexity
    /// One pass over the local records and one exchange.
    pub fn partition_by_hash<K: Hash>(self, key: impl Fn(&T) -> K) -> Result<DataSet<'w, T>> {
        let worker = self.worker;
        Ok(DataSet::from_iter(worker, self.hash_exchange(key)?))
    }

    /// [`DataSet::partition_by_hash`] into one contiguous `Vec` (one copy of what arrives;
    /// none at all on a single worker).
    pub(crate) fn hash_exchange<K: Hash>(self, key: impl Fn(&T) -> K) -> Result<Vec<T>> {
        let worker = self.worker;
        let peers = worker.parallelism();
        if peers == 1 {
            return Ok(self.iter.collect());
        }
        let estimate = self.iter.size_hint().0 / peers;
        let mut buckets: Vec<Vec<T>> = (0..peers).map(|_| Vec::with_capacity(estimate)).collect();
        for record in self.iter {
            buckets[partition_of(&key(&record), peers)].push(record);
        }
        Ok(concat(worker.all_to_all(buckets)?))
    }

    /// Redistributes the records so that every worker holds an equal contiguous share
    /// (sizes differ by at most one); the global order (worker by worker) is kept.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn rebalance(self) -> Result<DataSet<'w, T>> {
        let worker = self.worker;
        let peers = worker.parallelism();
        let mut local: Vec<T> = self.iter.collect();
        let counts = worker.all_gather(local.len() as u64)?;
        let total: u64 = counts.iter().sum();
        let offset: u64 = counts[..worker.index()].iter().sum();
        let mut outgoing: Vec<Vec<T>> = Vec::with_capacity(peers);
        // Walk the destinations from the last so that `split_off` keeps the front in place.
        for dest in (0..peers).rev() {
            let (start, _) = chunk(total, dest, peers);
            let cut = start.saturating_sub(offset).min(local.len() as u64) as usize;
            outgoing.push(local.split_off(cut));
        }
        outgoing.reverse();
        let received = worker.all_to_all(outgoing)?;
        Ok(DataSet::from_iter(worker, received.into_iter().flatten()))
    }

    /// Replicates the whole dataset on every worker, in worker order.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn broadcast(self) -> Result<Broadcast<T>>
    where
        T: Clone,
    {
        Ok(Broadcast { records: Rc::new(self.gather_all()?) })
    }

    /// Returns all records of all partitions, in worker order, on every worker.
    /// Meant for small results.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn collect(self) -> Result<Vec<T>>
    where
        T: Clone,
    {
        self.gather_all()
    }

    fn gather_all(self) -> Result<Vec<T>>
    where
        T: Clone,
    {
        let worker = self.worker;
        let peers = worker.parallelism();
        let local: Vec<T> = self.iter.collect();
        let mut outgoing: Vec<Vec<T>> = (1..peers).map(|_| local.clone()).collect();
        outgoing.insert(worker.index(), local);
        Ok(concat(worker.all_to_all(outgoing)?))
    }
}

/// Concatenates the received batches with one allocation.
fn concat<T>(mut parts: Vec<Vec<T>>) -> Vec<T> {
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    all
}
