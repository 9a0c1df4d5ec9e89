//! `DataSet<T>`: one worker's handle on a partitioned collection, and its partition-local
//! operators.
//!
//! A `DataSet` is lazy: it wraps this worker's partition as an iterator, and the
//! partition-local operators ([`DataSet::map`], [`DataSet::flat_map`],
//! [`DataSet::filter`], [`DataSet::map_partition`], [`DataSet::union`]) only stack
//! adapters on it, so a chain of them runs in one pass when something consumes the
//! dataset — an exchange, a global operator, an iteration barrier or
//! [`DataSet::collect_partition`]. Exchanges and keyed operators live in
//! [`crate::operators`].
//!
//! **Note**: a dataset is consumed by use. To feed one result into two operators,
//! [`DataSet::duplicate`] materialises it once; to reuse a loop-invariant input in every
//! superstep, [`DataSet::cache`] or an index built once outside the step is the tool.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::worker::Worker;

/// This worker's partition of a partitioned collection of `T`, as a lazy pipeline.
#[must_use = "a DataSet does nothing until it is consumed"]
pub struct DataSet<'w, T> {
    pub(crate) worker: &'w Worker,
    pub(crate) iter: Box<dyn Iterator<Item = T> + 'w>,
}

impl<T> std::fmt::Debug for DataSet<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataSet")
            .field("worker", &self.worker.index())
            .field("record_type", &std::any::type_name::<T>())
            .finish()
    }
}

impl<'w, T: 'w> DataSet<'w, T> {
    /// A dataset whose local partition is the given records.
    pub fn from_iter<I>(worker: &'w Worker, records: I) -> Self
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: 'w,
    {
        DataSet { worker, iter: Box::new(records.into_iter()) }
    }

    /// The worker this dataset lives on.
    pub fn worker(&self) -> &'w Worker {
        self.worker
    }

    /// The number of records of this worker's partition when it is known without running
    /// the pipeline (a materialised partition, or one-to-one operators on top of it).
    pub fn exact_local_len(&self) -> Option<usize> {
        match self.iter.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        }
    }

    /// Applies `f` to every record.
    pub fn map<U: 'w>(self, f: impl FnMut(T) -> U + 'w) -> DataSet<'w, U> {
        DataSet { worker: self.worker, iter: Box::new(self.iter.map(f)) }
    }

    /// Calls `f` on every record as it passes (for aggregators and metrics).
    pub fn inspect(self, f: impl FnMut(&T) + 'w) -> DataSet<'w, T> {
        DataSet { worker: self.worker, iter: Box::new(self.iter.inspect(f)) }
    }

    /// Maps every record to zero or more records.
    pub fn flat_map<U: 'w, I>(self, f: impl FnMut(T) -> I + 'w) -> DataSet<'w, U>
    where
        I: IntoIterator<Item = U> + 'w,
    {
        DataSet { worker: self.worker, iter: Box::new(self.iter.flat_map(f)) }
    }

    /// Keeps the records for which `predicate` holds.
    pub fn filter(self, predicate: impl FnMut(&T) -> bool + 'w) -> DataSet<'w, T> {
        DataSet { worker: self.worker, iter: Box::new(self.iter.filter(predicate)) }
    }

    /// Transforms this worker's whole partition at once: `f` receives the partition as an
    /// iterator and returns the new partition.
    pub fn map_partition<U: 'w, I>(
        self,
        f: impl FnOnce(Box<dyn Iterator<Item = T> + 'w>) -> I,
    ) -> DataSet<'w, U>
    where
        I: IntoIterator<Item = U>,
        I::IntoIter: 'w,
    {
        DataSet { worker: self.worker, iter: Box::new(f(self.iter).into_iter()) }
    }

    /// Sorts this worker's partition by `key` (stable). Materialises the partition.
    pub fn sort_partition<K: Ord>(self, key: impl FnMut(&T) -> K) -> DataSet<'w, T> {
        let mut records: Vec<T> = self.iter.collect();
        records.sort_by_key(key);
        DataSet::from_iter(self.worker, records)
    }

    /// Sorts this worker's partition with a comparator (stable). Materialises the partition.
    pub fn sort_partition_by(self, compare: impl FnMut(&T, &T) -> Ordering) -> DataSet<'w, T> {
        let mut records: Vec<T> = self.iter.collect();
        records.sort_by(compare);
        DataSet::from_iter(self.worker, records)
    }

    /// Both datasets' records (bag union, duplicates kept). Partition-local: no exchange.
    pub fn union(self, other: DataSet<'w, T>) -> DataSet<'w, T> {
        DataSet { worker: self.worker, iter: Box::new(self.iter.chain(other.iter)) }
    }

    /// Runs the pipeline and returns this worker's partition.
    pub fn collect_partition(self) -> Vec<T> {
        self.iter.collect()
    }

    /// Materialises the partition once and returns two datasets over it.
    pub fn duplicate(self) -> (DataSet<'w, T>, DataSet<'w, T>)
    where
        T: Clone,
    {
        let worker = self.worker;
        let records: Vec<T> = self.iter.collect();
        (DataSet::from_iter(worker, records.clone()), DataSet::from_iter(worker, records))
    }

    /// Materialises the partition once into a [`Cached`] dataset that can be read any
    /// number of times (a loop-invariant input).
    pub fn cache(self) -> Cached<'w, T> {
        Cached { worker: self.worker, records: Rc::new(self.iter.collect()) }
    }
}

/// A materialised partition that can be turned into a dataset many times.
pub struct Cached<'w, T> {
    worker: &'w Worker,
    records: Rc<Vec<T>>,
}

impl<T> Clone for Cached<'_, T> {
    fn clone(&self) -> Self {
        Cached { worker: self.worker, records: Rc::clone(&self.records) }
    }
}

impl<'w, T: 'w> Cached<'w, T> {
    /// The records of this worker's partition.
    pub fn records(&self) -> &[T] {
        &self.records
    }

    /// A dataset over references to the cached records (no copy).
    pub fn iter(&self) -> DataSet<'_, &T> {
        DataSet::from_iter(self.worker, self.records.iter())
    }

    /// A dataset over clones of the cached records.
    pub fn dataset(&self) -> DataSet<'w, T>
    where
        T: Clone,
    {
        let records = Rc::clone(&self.records);
        let n = records.len();
        DataSet::from_iter(self.worker, (0..n).map(move |i| records[i].clone()))
    }
}
