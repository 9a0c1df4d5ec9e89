//! Keyed operators: reduce by key (with a combiner before the exchange), distinct and
//! grouped reductions.
//!
//! `reduce_by_key` first combines the records of each key on the local worker in a hash
//! table, ships at most one record per key and worker, and combines again at the key's
//! owner — the exchanged volume is bounded by the number of distinct keys, not records.
//! `group_by(key).reduce_group(f)` ships every record (no combiner is possible for an
//! arbitrary group function).
//!
//! **Note**: `combine_by_key` is the in-place form (`acc += record`), which avoids moving
//! the accumulator in and out of the table for every record; prefer it for hot loops.

use std::collections::hash_map::Entry;
use std::hash::Hash;

use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;
use crate::hash::{FxHashMap, FxHashSet, partition_of};

impl<'w, T: Data> DataSet<'w, T> {
    /// Reduces the records of each key with the associative `f`; one record per key.
    ///
    /// # Example
    /// ```
    /// let mut counts = eddy_core::run_single(|w| {
    ///     w.from_slice(&['b', 'a', 'b']).map(|c| (c, 1)).reduce_by_key(|p| p.0, |a, b| (a.0, a.1 + b.1))?.collect()
    /// })?;
    /// counts.sort();
    /// assert_eq!(counts, vec![('a', 1), ('b', 2)]);
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    ///
    /// # Complexity
    /// One pass and one hash-table insert per local record, one exchange of at most
    /// (distinct keys × workers) records.
    pub fn reduce_by_key<K>(self, key: impl Fn(&T) -> K, f: impl Fn(T, T) -> T) -> Result<DataSet<'w, T>>
    where
        K: Hash + Eq + 'w,
    {
        let mut slots: FxHashMap<K, Option<T>> = FxHashMap::default();
        let merge = |slots: &mut FxHashMap<K, Option<T>>, record: T| match slots.entry(key(&record)) {
            Entry::Occupied(mut e) => {
                let slot = e.get_mut();
                let acc = slot.take().expect("a reduce slot is always filled between records");
                *slot = Some(f(acc, record));
            }
            Entry::Vacant(e) => {
                e.insert(Some(record));
            }
        };
        let worker = self.worker;
        for record in self.iter {
            merge(&mut slots, record);
        }
        let peers = worker.parallelism();
        if peers == 1 {
            return Ok(DataSet::from_iter(worker, slots.into_values().flatten()));
        }
        let mut buckets: Vec<Vec<T>> = (0..peers).map(|_| Vec::with_capacity(slots.len() / peers)).collect();
        for (k, v) in slots {
            buckets[partition_of(&k, peers)].extend(v);
        }
        let received = worker.all_to_all(buckets)?;
        let mut slots: FxHashMap<K, Option<T>> = FxHashMap::default();
        slots.reserve(received.iter().map(Vec::len).max().unwrap_or(0));
        for record in received.into_iter().flatten() {
            merge(&mut slots, record);
        }
        Ok(DataSet::from_iter(worker, slots.into_values().flatten()))
    }

    /// Like [`DataSet::reduce_by_key`] with an in-place combine: `f(&mut acc, record)`.
    pub fn combine_by_key<K>(self, key: impl Fn(&T) -> K, f: impl Fn(&mut T, T)) -> Result<DataSet<'w, T>>
    where
        K: Hash + Eq + 'w,
    {
        let merge = |slots: &mut FxHashMap<K, T>, record: T| match slots.entry(key(&record)) {
            Entry::Occupied(mut e) => f(e.get_mut(), record),
            Entry::Vacant(e) => {
                e.insert(record);
            }
        };
        let worker = self.worker;
        let mut slots: FxHashMap<K, T> = FxHashMap::default();
        for record in self.iter {
            merge(&mut slots, record);
        }
        let peers = worker.parallelism();
        if peers == 1 {
            return Ok(DataSet::from_iter(worker, slots.into_values()));
        }
        let mut buckets: Vec<Vec<T>> = (0..peers).map(|_| Vec::with_capacity(slots.len() / peers)).collect();
        for (k, v) in slots {
            buckets[partition_of(&k, peers)].push(v);
        }
        let received = worker.all_to_all(buckets)?;
        let mut slots: FxHashMap<K, T> = FxHashMap::default();
        slots.reserve(received.iter().map(Vec::len).max().unwrap_or(0));
        for record in received.into_iter().flatten() {
            merge(&mut slots, record);
        }
        Ok(DataSet::from_iter(worker, slots.into_values()))
    }

    /// Removes duplicate records (deduplicating locally before the exchange). The first
    /// occurrence on each worker is kept, in order.
    pub fn distinct(self) -> Result<DataSet<'w, T>>
    where
        T: Hash + Eq + Clone,
    {
        let worker = self.worker;
        let peers = worker.parallelism();
        let mut seen: FxHashSet<T> = FxHashSet::default();
        let mut buckets: Vec<Vec<T>> = (0..peers).map(|_| Vec::new()).collect();
        for record in self.iter {
            if !seen.contains(&record) {
                buckets[partition_of(&record, peers)].push(record.clone());
                seen.insert(record);
            }
        }
        if peers == 1 {
            return Ok(DataSet::from_iter(worker, buckets.pop().unwrap_or_default()));
        }
        drop(seen);
        let received = worker.all_to_all(buckets)?;
        let mut seen: FxHashSet<T> = FxHashSet::default();
        let unique: Vec<T> = received
            .into_iter()
            .flatten()
            .filter(|r| if seen.contains(r) { false } else { seen.insert(r.clone()) })
            .collect();
        Ok(DataSet::from_iter(worker, unique))
    }

    /// Groups the records by `key` for a group-wise operation.
    pub fn group_by<K, F>(self, key: F) -> Grouped<'w, T, F>
    where
        K: Hash + Eq + 'w,
        F: Fn(&T) -> K,
    {
        Grouped { data: self, key }
    }
}

/// A dataset grouped by a key, made by [`DataSet::group_by`].
#[must_use = "a grouping does nothing until reduced"]
pub struct Grouped<'w, T, F> {
    data: DataSet<'w, T>,
    key: F,
}

impl<'w, T: Data, F> Grouped<'w, T, F> {
    /// Calls `f(key, records)` once per key with all records of the key (in arrival order:
    /// worker by worker) and emits what it returns.
    ///
    /// # Example
    /// ```
    /// let mut medians = eddy_core::run_single(|w| {
    ///     let data = [(1, 5), (2, 7), (1, 1), (1, 3)];
    ///     w.from_slice(&data)
    ///         .group_by(|r| r.0)
    ///         .reduce_group(|k, mut group| {
    ///             group.sort();
    ///             Some((k, group[group.len() / 2].1))
    ///         })?
    ///         .collect()
    /// })?;
    /// medians.sort();
    /// assert_eq!(medians, vec![(1, 3), (2, 7)]);
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    pub fn reduce_group<K, U, I>(self, mut f: impl FnMut(K, Vec<T>) -> I + 'w) -> Result<DataSet<'w, U>>
    where
        K: Hash + Eq + 'w,
        F: Fn(&T) -> K,
        U: 'w,
        I: IntoIterator<Item = U> + 'w,
    {
        let key = self.key;
        let exchanged = self.data.partition_by_hash(&key)?;
        let worker = exchanged.worker;
        let mut order: Vec<K> = Vec::new();
        let mut groups: FxHashMap<K, Vec<T>> = FxHashMap::default();
        for record in exchanged.iter {
            match groups.entry(key(&record)) {
                Entry::Occupied(mut e) => e.get_mut().push(record),
                Entry::Vacant(e) => {
                    order.push(key(&record));
                    e.insert(vec![record]);
                }
            }
        }
        Ok(DataSet::from_iter(
            worker,
            order.into_iter().flat_map(move |k| {
                let group = groups.remove(&k).unwrap_or_default();
                f(k, group)
            }),
        ))
    }

    /// Reduces each group with an associative `f`, combining before the exchange.
    pub fn reduce<K>(self, f: impl Fn(T, T) -> T) -> Result<DataSet<'w, T>>
    where
        K: Hash + Eq + 'w,
        F: Fn(&T) -> K,
    {
        self.data.reduce_by_key(self.key, f)
    }
}
