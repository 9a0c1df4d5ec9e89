//! Joins: inner and left-outer hash joins, co-group, cross with a broadcast side, and
//! [`Index`], a hash index over a loop-invariant input.
//!
//! A join partitions both inputs by key (or, by [`JoinHint`], replicates the small side
//! and leaves the large side in place), then builds a hash table on one side and streams
//! the other through it. With [`JoinHint::Auto`] the build side is chosen per partition
//! from the exact sizes known after the exchange: the smaller side is built.
//!
//! **Note**: the hash index keeps each record next to its key in the table when keys are
//! unique (one memory access per probe), and is in CSR layout otherwise — one `Vec` of
//! records grouped by key, the table holding each key's range — so there is no allocation
//! per key, a key's matches are contiguous and come out in insertion order. Probing runs
//! in batches of 1024 records.

use std::collections::VecDeque;
use std::hash::Hash;

use hashbrown::HashTable;
use hashbrown::hash_table;
use std::rc::Rc;

use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;
use crate::hash::{FxHashMap, hash_key};

/// How a join distributes its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JoinHint {
    /// Partition both sides by key; build the hash table on the smaller local side.
    #[default]
    Auto,
    /// The left side is small: replicate it on every worker, do not move the right side.
    BroadcastLeft,
    /// The right side is small: replicate it on every worker, do not move the left side.
    BroadcastRight,
}

/// A hash index over records. With unique keys (a primary-key side) each record sits in
/// the hash table next to its key — one memory access per lookup; otherwise the layout is
/// CSR: the records of one key stored together, in insertion order, and the table maps
/// each key to its range.
#[derive(Debug)]
pub struct HashIndex<K, T> {
    layout: Layout<K, T>,
}

#[derive(Debug)]
enum Layout<K, T> {
    Unique(HashTable<(K, T)>),
    Grouped { ranges: HashTable<(K, usize, usize)>, records: Vec<T> },
}

impl<K: Hash + Eq, T> HashIndex<K, T> {
    /// Indexes `records` by `key`.
    ///
    /// # Complexity
    /// Two passes and one hash-table upsert per record; records are moved into key order
    /// in place (a stable counting sort applied by swaps).
    pub fn build(mut records: Vec<T>, key: impl Fn(&T) -> K) -> Self {
        // Pass 1: a group per distinct key (in first-seen order), its size, each record's group.
        // Sized for all records up front: growing a table rehashes every key several times.
        let mut ranges: HashTable<(K, usize, usize)> = HashTable::with_capacity(records.len());
        let mut group_of: Vec<usize> = Vec::with_capacity(records.len());
        let mut sizes: Vec<usize> = Vec::new();
        for record in &records {
            let k = key(record);
            let h = hash_key(&k);
            let group = match ranges.entry(h, |e| e.0 == k, |e| hash_key(&e.0)) {
                hash_table::Entry::Occupied(e) => e.get().1,
                hash_table::Entry::Vacant(e) => {
                    e.insert((k, sizes.len(), 0));
                    sizes.push(0);
                    sizes.len() - 1
                }
            };
            sizes[group] += 1;
            group_of.push(group);
        }
        if sizes.len() == records.len() {
            drop(ranges);
            let mut table: HashTable<(K, T)> = HashTable::with_capacity(records.len());
            for record in records {
                let k = key(&record);
                table.insert_unique(hash_key(&k), (k, record), |e| hash_key(&e.0));
            }
            return HashIndex { layout: Layout::Unique(table) };
        }
        // Group starts, then each record's destination (stable within a group).
        let mut starts = Vec::with_capacity(sizes.len());
        let mut offset = 0;
        for size in &sizes {
            starts.push(offset);
            offset += size;
        }
        for entry in ranges.iter_mut() {
            let group = entry.1;
            entry.1 = starts[group];
            entry.2 = starts[group] + sizes[group];
        }
        let mut destination = group_of;
        for d in destination.iter_mut() {
            let group = *d;
            *d = starts[group];
            starts[group] += 1;
        }
        // Apply the permutation in place by following its cycles.
        for i in 0..records.len() {
            while destination[i] != i {
                let j = destination[i];
                records.swap(i, j);
                destination.swap(i, j);
            }
        }
        HashIndex { layout: Layout::Grouped { ranges, records } }
    }

    /// The records stored under `key`, in insertion order.
    pub fn get(&self, key: &K) -> std::slice::Iter<'_, T> {
        self.get_slice(key).iter()
    }

    /// The records stored under `key`, in insertion order, as a slice.
    pub fn get_slice(&self, key: &K) -> &[T] {
        let h = hash_key(key);
        match &self.layout {
            Layout::Unique(table) => {
                table.find(h, |e| e.0 == *key).map_or(&[], |e| std::slice::from_ref(&e.1))
            }
            Layout::Grouped { ranges, records } => match ranges.find(h, |e| e.0 == *key) {
                Some(&(_, start, end)) => &records[start..end],
                None => &[],
            },
        }
    }

    /// True if some record has this key.
    pub fn contains_key(&self, key: &K) -> bool {
        !self.get_slice(key).is_empty()
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        match &self.layout {
            Layout::Unique(table) => table.len(),
            Layout::Grouped { records, .. } => records.len(),
        }
    }

    /// True if the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of distinct keys.
    pub fn key_count(&self) -> usize {
        match &self.layout {
            Layout::Unique(table) => table.len(),
            Layout::Grouped { ranges, .. } => ranges.len(),
        }
    }
}

/// A loop-invariant dataset partitioned by key and indexed once, made by
/// [`DataSet::index_by`]; cloning the handle is cheap.
#[derive(Debug)]
pub struct Index<K, T> {
    inner: Rc<HashIndex<K, T>>,
}

impl<K, T> Clone for Index<K, T> {
    fn clone(&self) -> Self {
        Index { inner: Rc::clone(&self.inner) }
    }
}

impl<K, T> std::ops::Deref for Index<K, T> {
    type Target = HashIndex<K, T>;
    fn deref(&self) -> &HashIndex<K, T> {
        &self.inner
    }
}

/// Probe records per batch: enough to keep many independent lookups in flight.
const PROBE_BATCH: usize = 1024;

/// Streams probe records through a hash index, yielding `(build match, probe record)`;
/// in outer mode a probe record without match comes out once as `(None, record)`.
/// Lookups run in batches in a tight loop and the consumer drains the batch's output; a
/// batch holds at most `PROBE_BATCH` pairs, however many matches a hot key has.
struct Probe<K, B, P, F> {
    index: Rc<HashIndex<K, B>>,
    probe: std::vec::IntoIter<P>,
    key: F,
    outer: bool,
    out: VecDeque<(Option<B>, P)>,
    /// A probe record whose matches did not all fit in the last batch, and the next one.
    current: Option<(P, usize)>,
}

impl<K, B, P, F> Probe<K, B, P, F>
where
    K: Hash + Eq,
    B: Clone,
    P: Clone,
    F: Fn(&P) -> K,
{
    fn refill(&mut self) {
        while self.out.len() < PROBE_BATCH {
            let (p, offset) = match self.current.take() {
                Some(resumed) => resumed,
                None => match self.probe.next() {
                    Some(p) => (p, 0),
                    None => return,
                },
            };
            let matches = self.index.get_slice(&(self.key)(&p));
            if matches.is_empty() {
                if self.outer {
                    self.out.push_back((None, p));
                }
                continue;
            }
            let end = matches.len().min(offset + (PROBE_BATCH - self.out.len()));
            for b in &matches[offset..end - 1] {
                self.out.push_back((Some(b.clone()), p.clone()));
            }
            let last = Some(matches[end - 1].clone());
            if end == matches.len() {
                // The last match takes the probe record itself.
                self.out.push_back((last, p));
            } else {
                self.out.push_back((last, p.clone()));
                self.current = Some((p, end));
            }
        }
    }
}

impl<K, B, P, F> Iterator for Probe<K, B, P, F>
where
    K: Hash + Eq,
    B: Clone,
    P: Clone,
    F: Fn(&P) -> K,
{
    type Item = (Option<B>, P);
    fn next(&mut self) -> Option<(Option<B>, P)> {
        if self.out.is_empty() {
            self.refill();
        }
        self.out.pop_front()
    }
}

fn probe<K, B, P, F>(index: Rc<HashIndex<K, B>>, records: Vec<P>, key: F, outer: bool) -> Probe<K, B, P, F> {
    Probe {
        index,
        probe: records.into_iter(),
        key,
        outer,
        out: VecDeque::with_capacity(PROBE_BATCH),
        current: None,
    }
}

impl<'w, T: Data + Clone> DataSet<'w, T> {
    /// Inner equi-join: every pair `(l, r)` with `left_key(l) == right_key(r)`.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    ///
    /// # Example
    /// ```
    /// let mut pairs = eddy_core::run_single(|w| {
    ///     let users = w.from_slice(&[(1, 'a'), (2, 'b')]);
    ///     let orders = w.from_slice(&[(10, 1), (11, 1), (12, 3)]);
    ///     users.join(orders, |u| u.0, |o| o.1)?.map(|(u, o)| (u.1, o.0)).collect()
    /// })?;
    /// pairs.sort();
    /// assert_eq!(pairs, vec![('a', 10), ('a', 11)]);
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    ///
    /// # Complexity
    /// One exchange of each side, O(smaller side) to build, O(larger side + output) to
    /// probe, per partition.
    pub fn join<R, K>(
        self,
        other: DataSet<'w, R>,
        left_key: impl Fn(&T) -> K + 'w,
        right_key: impl Fn(&R) -> K + 'w,
    ) -> Result<DataSet<'w, (T, R)>>
    where
        R: Data + Clone,
        K: Hash + Eq + 'w,
    {
        self.join_with_hint(other, left_key, right_key, JoinHint::Auto)
    }

    /// Inner equi-join with an explicit distribution strategy.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn join_with_hint<R, K>(
        self,
        other: DataSet<'w, R>,
        left_key: impl Fn(&T) -> K + 'w,
        right_key: impl Fn(&R) -> K + 'w,
        hint: JoinHint,
    ) -> Result<DataSet<'w, (T, R)>>
    where
        R: Data + Clone,
        K: Hash + Eq + 'w,
    {
        let worker = self.worker;
        let (left, right): (Vec<T>, Vec<R>) = match hint {
            JoinHint::Auto => (self.hash_exchange(&left_key)?, other.hash_exchange(&right_key)?),
            JoinHint::BroadcastLeft => (self.collect()?, other.collect_partition()),
            JoinHint::BroadcastRight => (self.collect_partition(), other.collect()?),
        };
        let build_left = match hint {
            JoinHint::Auto => left.len() <= right.len(),
            JoinHint::BroadcastLeft => true,
            JoinHint::BroadcastRight => false,
        };
        if build_left {
            let index = Rc::new(HashIndex::build(left, left_key));
            let pairs = probe(index, right, right_key, false);
            Ok(DataSet::from_iter(worker, pairs.filter_map(|(l, r)| Some((l?, r)))))
        } else {
            let index = Rc::new(HashIndex::build(right, right_key));
            let pairs = probe(index, left, left_key, false);
            Ok(DataSet::from_iter(worker, pairs.filter_map(|(r, l)| Some((l, r?)))))
        }
    }

    /// Left outer equi-join: every left record with each matching right record, or with
    /// `None` when nothing matches.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    ///
    /// # Example
    /// ```
    /// let mut pairs = eddy_core::run_single(|w| {
    ///     let left = w.from_slice(&[1, 2]);
    ///     left.left_outer_join(w.from_slice(&[(1, 'x')]), |l| *l, |r| r.0)?.collect()
    /// })?;
    /// pairs.sort();
    /// assert_eq!(pairs, vec![(1, Some((1, 'x'))), (2, None)]);
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    pub fn left_outer_join<R, K>(
        self,
        other: DataSet<'w, R>,
        left_key: impl Fn(&T) -> K + 'w,
        right_key: impl Fn(&R) -> K + 'w,
    ) -> Result<DataSet<'w, (T, Option<R>)>>
    where
        R: Data + Clone,
        K: Hash + Eq + 'w,
    {
        let worker = self.worker;
        let left = self.hash_exchange(&left_key)?;
        let right = other.hash_exchange(&right_key)?;
        let index = Rc::new(HashIndex::build(right, right_key));
        let pairs = probe(index, left, left_key, true);
        Ok(DataSet::from_iter(worker, pairs.map(|(r, l)| (l, r))))
    }

    /// Calls `f(key, left records, right records)` once per key present on either side.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn co_group<R, K, U, I>(
        self,
        other: DataSet<'w, R>,
        left_key: impl Fn(&T) -> K + 'w,
        right_key: impl Fn(&R) -> K + 'w,
        mut f: impl FnMut(K, Vec<T>, Vec<R>) -> I + 'w,
    ) -> Result<DataSet<'w, U>>
    where
        R: Data,
        K: Hash + Eq + Clone + 'w,
        U: 'w,
        I: IntoIterator<Item = U> + 'w,
    {
        let worker = self.worker;
        let left = self.partition_by_hash(&left_key)?;
        let right = other.partition_by_hash(&right_key)?;
        let mut order: Vec<K> = Vec::new();
        let mut groups: FxHashMap<K, (Vec<T>, Vec<R>)> = FxHashMap::default();
        for l in left.iter {
            let k = left_key(&l);
            groups
                .entry(k)
                .or_insert_with_key(|k| {
                    order.push(k.clone());
                    (Vec::new(), Vec::new())
                })
                .0
                .push(l);
        }
        for r in right.iter {
            let k = right_key(&r);
            groups
                .entry(k)
                .or_insert_with_key(|k| {
                    order.push(k.clone());
                    (Vec::new(), Vec::new())
                })
                .1
                .push(r);
        }
        Ok(DataSet::from_iter(
            worker,
            order.into_iter().flat_map(move |k| {
                let (l, r) = groups.remove(&k).unwrap_or_default();
                f(k, l, r)
            }),
        ))
    }

    /// Cartesian product with a small dataset that is replicated on every worker.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn cross<R: Data + Clone>(self, small: DataSet<'w, R>) -> Result<DataSet<'w, (T, R)>> {
        let worker = self.worker;
        let replicated = Rc::new(small.collect()?);
        Ok(DataSet::from_iter(
            worker,
            self.iter.flat_map(move |l| {
                let rs = Rc::clone(&replicated);
                (0..rs.len()).map(move |i| (l.clone(), rs[i].clone()))
            }),
        ))
    }

    /// Partitions the dataset by `key` and indexes it — once, for use in every superstep
    /// of an iteration (loop-invariant input).
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn index_by<K: Hash + Eq>(self, key: impl Fn(&T) -> K) -> Result<Index<K, T>> {
        let local = self.hash_exchange(&key)?;
        Ok(Index { inner: Rc::new(HashIndex::build(local, key)) })
    }

    /// Joins with an [`Index`] built by [`DataSet::index_by`]: partitions this dataset by
    /// `key` (the index's partitioning) and pairs each record with every indexed match.
    ///
    /// # Errors
    /// A peer failed, finished early or ran a different exchange ([`crate::Error::PeerFailed`],
    /// [`crate::Error::PeerFinished`], [`crate::Error::OutOfStep`]).
    pub fn join_index<K, V>(
        self,
        index: &Index<K, V>,
        key: impl Fn(&T) -> K + 'w,
    ) -> Result<DataSet<'w, (T, V)>>
    where
        K: Hash + Eq + 'w,
        V: Clone + 'w,
    {
        let worker = self.worker;
        let local = self.hash_exchange(&key)?;
        let index = Rc::clone(&index.inner);
        let pairs = probe(index, local, key, false);
        Ok(DataSet::from_iter(worker, pairs.filter_map(|(v, t)| Some((t, v?)))))
    }
}

#[cfg(test)]
mod tests {
    use super::HashIndex;

    #[test]
    fn a_hot_key_is_probed_in_bounded_batches() {
        use std::rc::Rc;
        // 5000 build records under key 0 and 3 probe records with key 0, plus misses.
        let build: Vec<(u64, u64)> = (0..5000).map(|i| (0, i)).collect();
        let index = Rc::new(HashIndex::build(build, |r| r.0));
        let probes: Vec<(u64, char)> = vec![(0, 'a'), (1, 'x'), (0, 'b'), (0, 'c')];
        let mut pairs = super::probe(Rc::clone(&index), probes.clone(), |p: &(u64, char)| p.0, true);
        let mut seen = Vec::new();
        while let Some(pair) = pairs.next() {
            assert!(pairs.out.len() <= super::PROBE_BATCH);
            seen.push(pair);
        }
        assert_eq!(seen.len(), 3 * 5000 + 1);
        assert_eq!(seen[5000], (None, (1, 'x')));
        for (i, tag) in ['a', 'b', 'c'].into_iter().enumerate() {
            let offset = if i == 0 { 0 } else { 5001 + (i - 1) * 5000 };
            let expected: Vec<_> = (0..5000).map(|j| (Some((0, j)), (0, tag))).collect();
            assert_eq!(&seen[offset..offset + 5000], expected.as_slice(), "probe record {tag}");
        }
    }

    #[test]
    fn unique_keys_index_each_record_once() {
        let index = HashIndex::build((0u64..100).map(|i| (i * 7, i)).collect(), |r| r.0);
        assert_eq!((index.len(), index.key_count()), (100, 100));
        assert_eq!(index.get_slice(&21), &[(21, 3)]);
        assert!(index.get_slice(&22).is_empty());
        assert!(index.contains_key(&693) && !index.contains_key(&700));
    }

    #[test]
    fn repeated_keys_keep_their_records_together_in_insertion_order() {
        let records: Vec<(u64, u64)> = (0u64..100).map(|i| (i % 7, i)).collect();
        let index = HashIndex::build(records, |r| r.0);
        assert_eq!((index.len(), index.key_count()), (100, 7));
        for k in 0..7 {
            let expected: Vec<(u64, u64)> = (0..100).filter(|i| i % 7 == k).map(|i| (k, i)).collect();
            assert_eq!(index.get_slice(&k), expected.as_slice());
            assert_eq!(index.get(&k).count(), expected.len());
        }
        assert!(index.get_slice(&7).is_empty());
        let empty: HashIndex<u64, u64> = HashIndex::build(Vec::new(), |r| *r);
        assert!(empty.is_empty() && empty.get_slice(&0).is_empty());
    }
}
