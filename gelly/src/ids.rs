//! External vertex keys and their dense indices.
//!
//! A graph's vertices are numbered `0..n` in ascending key order at load: the dense index
//! of a vertex is the rank of its key among all keys. Partitions are contiguous ranges of
//! dense indices, so vertex arrays are plain slices, neighbour lists are `u32` indices, and
//! concatenating the partitions in worker order lists the vertices sorted by key.

use std::fmt::{Debug, Display};
use std::hash::Hash;

use eddy_core::{Data, Worker};
use rustc_hash::FxHashMap;

use crate::{Error, Result};

/// A type usable as an external vertex key: `u64`, `u32`, `i64`, `String`, ...
pub trait VertexKey: Data + Clone + Ord + Hash + Debug + Display + Sync {
    /// The key as an unsigned integer, if it is one; lets integer keys use a bitmap instead
    /// of a sort and a hash map when they are mapped to dense indices.
    fn as_u64(&self) -> Option<u64> {
        None
    }
    /// The inverse of [`VertexKey::as_u64`].
    fn from_u64(_value: u64) -> Option<Self> {
        None
    }
}

impl VertexKey for u64 {
    fn as_u64(&self) -> Option<u64> {
        Some(*self)
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value)
    }
}

impl VertexKey for u32 {
    fn as_u64(&self) -> Option<u64> {
        Some(u64::from(*self))
    }
    fn from_u64(value: u64) -> Option<Self> {
        u32::try_from(value).ok()
    }
}

impl VertexKey for i64 {}
impl VertexKey for String {}

/// The sorted keys of all vertices: dense index `i` is vertex `keys[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VertexIds<K> {
    keys: Vec<K>,
}

impl<K: VertexKey> VertexIds<K> {
    /// Wraps keys that are sorted and distinct.
    pub(crate) fn from_sorted(keys: Vec<K>) -> Self {
        debug_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        VertexIds { keys }
    }

    /// The number of vertices.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True if there are no vertices.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key of dense index `index`.
    pub fn key(&self, index: u32) -> &K {
        &self.keys[index as usize]
    }

    /// All keys, ascending.
    pub fn keys(&self) -> &[K] {
        &self.keys
    }

    /// The dense index of `key`, if it is a vertex.
    pub fn index_of(&self, key: &K) -> Option<u32> {
        self.keys.binary_search(key).ok().map(|i| i as u32)
    }
}

/// The largest number of vertices a graph may have (dense indices are `u32`).
pub const MAX_VERTICES: usize = u32::MAX as usize;

/// Maps every worker's keys to global dense indices. Each worker passes the keys it holds
/// as a few slices (in any order, repeats allowed); all receive the same [`VertexIds`] and
/// the dense index of each of their keys, slice by slice.
pub(crate) fn map_keys<K: VertexKey>(
    worker: &Worker,
    keys: &[&[K]],
) -> Result<(VertexIds<K>, Vec<Vec<u32>>)> {
    let all = || keys.iter().flat_map(|s| s.iter());
    let integer = all().all(|k| k.as_u64().is_some());
    let all_integer = worker.all_reduce(integer, |a, b| a && b)?;
    if all_integer {
        let local_max = all().filter_map(VertexKey::as_u64).max();
        let total = all().count() as u64;
        if let Some(max) = bitmap_bound(worker, local_max, total)?
            && K::from_u64(max).is_some()
        {
            let mut bitmap = KeyBitmap::new(max);
            all().for_each(|k| bitmap.insert(k.as_u64().unwrap_or_default()));
            let bitmap = bitmap.merge(worker)?;
            let dense = keys
                .iter()
                .map(|slice| slice.iter().map(|k| bitmap.index(k.as_u64().unwrap_or_default())).collect())
                .collect();
            return Ok((VertexIds::from_sorted(bitmap.keys()), dense));
        }
    }
    map_sorted_keys(worker, keys)
}

/// The largest key of all workers if a bitmap over `0..=max` is worth it: it costs
/// `max / 8` bytes, so while that stays within a few bytes per key (else keys are sorted).
fn bitmap_bound(worker: &Worker, local_max: Option<u64>, local_count: u64) -> Result<Option<u64>> {
    let max = worker.all_reduce(local_max, |a, b| a.max(b))?;
    let total = worker.all_reduce(local_count, |a, b| a + b)?;
    Ok(max.filter(|&max| max / 8 <= 4 * total + (1 << 20)))
}

/// The integer keys present, as a bitmap over `0..=max`; once merged, each word comes
/// with its rank (the keys in the words before it), so that the dense index of key `v`,
/// the number of keys below it, is one look-up.
struct KeyBitmap {
    bits: Vec<u64>,
    /// `(word, rank)` pairs, filled by [`KeyBitmap::merge`].
    ranked: Vec<(u64, u64)>,
}

impl KeyBitmap {
    fn new(max: u64) -> Self {
        KeyBitmap { bits: vec![0; (max / 64 + 1) as usize], ranked: Vec::new() }
    }

    #[inline]
    fn insert(&mut self, key: u64) {
        self.bits[(key / 64) as usize] |= 1 << (key % 64);
    }

    /// Joins every worker's bitmap and ranks the words.
    fn merge(self, worker: &Worker) -> Result<Self> {
        // A bitmap of every possible id is data, not a control value: gathered worker to
        // worker (`all_gather`), not through a cluster's JobManager (`all_reduce`).
        let bits = worker
            .all_gather(self.bits)?
            .into_iter()
            .reduce(|mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x |= y);
                a
            })
            .unwrap_or_default();
        let mut ranked = Vec::with_capacity(bits.len());
        let mut count = 0u64;
        for &word in &bits {
            ranked.push((word, count));
            count += u64::from(word.count_ones());
        }
        if count as usize > MAX_VERTICES {
            return Err(Error::TooLarge(format!("{count} vertices; at most {MAX_VERTICES} are supported")));
        }
        Ok(KeyBitmap { bits: Vec::new(), ranked })
    }

    /// The dense index of `key`, which must be present.
    #[inline]
    fn index(&self, key: u64) -> u32 {
        let (word, rank) = self.ranked[(key / 64) as usize];
        let below = word & ((1u64 << (key % 64)) - 1);
        (rank + u64::from(below.count_ones())) as u32
    }

    /// All keys, ascending.
    fn keys<K: VertexKey>(&self) -> Vec<K> {
        let count = self.ranked.last().map_or(0, |(word, rank)| rank + u64::from(word.count_ones()));
        let mut sorted = Vec::with_capacity(count as usize);
        for (w, &(word, _)) in self.ranked.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let bit = word.trailing_zeros() as u64;
                sorted.push(K::from_u64(w as u64 * 64 + bit).expect("the caller checked the largest key"));
                word &= word - 1;
            }
        }
        sorted
    }
}

/// A column of `u64` vertex keys, stored in 32 bits while every key fits (half the
/// memory for the common case of ids below 2³²).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyColumn {
    /// Every key fits in 32 bits.
    Narrow(Vec<u32>),
    /// Some key does not.
    Wide(Vec<u64>),
}

impl Default for KeyColumn {
    fn default() -> Self {
        KeyColumn::Narrow(Vec::new())
    }
}

impl KeyColumn {
    /// A copy of `keys`.
    pub(crate) fn from_slice(keys: &[u64]) -> Self {
        let mut column = KeyColumn::default();
        column.extend_from_slice(keys);
        column
    }

    /// Appends `keys`, widening the column if one of them needs more than 32 bits.
    pub(crate) fn extend_from_slice(&mut self, keys: &[u64]) {
        if let KeyColumn::Narrow(narrow) = self {
            if let Some(max) = keys.iter().max()
                && u32::try_from(*max).is_err()
            {
                *self = KeyColumn::Wide(narrow.iter().map(|&k| u64::from(k)).collect());
            } else {
                narrow.extend(keys.iter().map(|&k| k as u32));
                return;
            }
        }
        if let KeyColumn::Wide(wide) = self {
            wide.extend_from_slice(keys);
        }
    }

    /// The number of keys.
    pub(crate) fn len(&self) -> usize {
        match self {
            KeyColumn::Narrow(v) => v.len(),
            KeyColumn::Wide(v) => v.len(),
        }
    }

    /// Gives back the memory the column holds beyond its keys.
    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            KeyColumn::Narrow(v) => v.shrink_to_fit(),
            KeyColumn::Wide(v) => v.shrink_to_fit(),
        }
    }

    fn for_each(&self, mut f: impl FnMut(u64)) {
        match self {
            KeyColumn::Narrow(v) => v.iter().for_each(|&k| f(u64::from(k))),
            KeyColumn::Wide(v) => v.iter().for_each(|&k| f(k)),
        }
    }

    /// The column with every key replaced by `index(key)`; a narrow column is rewritten
    /// in place.
    fn into_dense(self, index: impl Fn(u64) -> u32) -> Vec<u32> {
        match self {
            KeyColumn::Narrow(mut v) => {
                v.iter_mut().for_each(|k| *k = index(u64::from(*k)));
                v
            }
            KeyColumn::Wide(v) => v.into_iter().map(index).collect(),
        }
    }
}

/// [`map_keys`] for `u64` keys held in [`KeyColumn`]s, which it turns into the dense
/// index columns (in place where the keys are narrow, so no memory is added).
pub(crate) fn map_key_columns(
    worker: &Worker,
    columns: Vec<KeyColumn>,
) -> Result<(VertexIds<u64>, Vec<Vec<u32>>)> {
    let mut local_max = None;
    columns.iter().for_each(|c| c.for_each(|k| local_max = local_max.max(Some(k))));
    let total = columns.iter().map(|c| c.len() as u64).sum();
    if let Some(max) = bitmap_bound(worker, local_max, total)? {
        let mut bitmap = KeyBitmap::new(max);
        columns.iter().for_each(|c| c.for_each(|k| bitmap.insert(k)));
        let bitmap = bitmap.merge(worker)?;
        let dense = columns.into_iter().map(|c| c.into_dense(|k| bitmap.index(k))).collect();
        return Ok((VertexIds::from_sorted(bitmap.keys()), dense));
    }
    let mut local = rustc_hash::FxHashSet::default();
    columns.iter().for_each(|c| {
        c.for_each(|k| {
            local.insert(k);
        });
    });
    let mut local: Vec<u64> = local.into_iter().collect();
    local.sort_unstable();
    let mut all: Vec<u64> = worker.all_gather(local)?.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    if all.len() > MAX_VERTICES {
        return Err(Error::TooLarge(format!("{} vertices; at most {MAX_VERTICES} are supported", all.len())));
    }
    let index: FxHashMap<u64, u32> = all.iter().enumerate().map(|(i, k)| (*k, i as u32)).collect();
    let dense = columns.into_iter().map(|c| c.into_dense(|k| index[&k])).collect();
    drop(index);
    Ok((VertexIds::from_sorted(all), dense))
}

fn map_sorted_keys<K: VertexKey>(worker: &Worker, keys: &[&[K]]) -> Result<(VertexIds<K>, Vec<Vec<u32>>)> {
    let mut local: Vec<K> = keys.iter().flat_map(|s| s.iter().cloned()).collect();
    local.sort_unstable();
    local.dedup();
    let mut all: Vec<K> = worker.all_gather(local)?.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    if all.len() > MAX_VERTICES {
        return Err(Error::TooLarge(format!("{} vertices; at most {MAX_VERTICES} are supported", all.len())));
    }
    let index: FxHashMap<&K, u32> = all.iter().enumerate().map(|(i, k)| (k, i as u32)).collect();
    let dense = keys.iter().map(|s| s.iter().map(|k| index[k]).collect()).collect();
    drop(index);
    Ok((VertexIds::from_sorted(all), dense))
}
