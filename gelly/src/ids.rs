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
        let max = worker.all_reduce(local_max, |a, b| a.max(b))?;
        let total = worker.all_reduce(all().count() as u64, |a, b| a + b)?;
        // A bitmap over 0..=max costs max/8 bytes; use it while that stays within a few
        // bytes per key, else fall back to sorting.
        if let Some(max) = max
            && max / 8 <= 4 * total + (1 << 20)
            && K::from_u64(max).is_some()
        {
            return map_integer_keys(worker, keys, max);
        }
    }
    map_sorted_keys(worker, keys)
}

fn map_integer_keys<K: VertexKey>(
    worker: &Worker,
    keys: &[&[K]],
    max: u64,
) -> Result<(VertexIds<K>, Vec<Vec<u32>>)> {
    let words = (max / 64 + 1) as usize;
    let mut bits = vec![0u64; words];
    for key in keys.iter().flat_map(|s| s.iter()) {
        let v = key.as_u64().unwrap_or_default();
        bits[(v / 64) as usize] |= 1 << (v % 64);
    }
    let bits = worker.all_reduce(bits, |mut a, b| {
        a.iter_mut().zip(&b).for_each(|(x, y)| *x |= y);
        a
    })?;
    let mut rank = Vec::with_capacity(words);
    let mut count = 0u64;
    for word in &bits {
        rank.push(count);
        count += u64::from(word.count_ones());
    }
    if count as usize > MAX_VERTICES {
        return Err(Error::TooLarge(format!("{count} vertices; at most {MAX_VERTICES} are supported")));
    }
    let dense = keys
        .iter()
        .map(|slice| {
            slice
                .iter()
                .map(|key| {
                    let v = key.as_u64().unwrap_or_default();
                    let word = (v / 64) as usize;
                    let below = bits[word] & ((1u64 << (v % 64)) - 1);
                    (rank[word] + u64::from(below.count_ones())) as u32
                })
                .collect()
        })
        .collect();
    let mut sorted = Vec::with_capacity(count as usize);
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let bit = word.trailing_zeros() as u64;
            sorted.push(K::from_u64(w as u64 * 64 + bit).expect("checked by the caller"));
            word &= word - 1;
        }
    }
    Ok((VertexIds::from_sorted(sorted), dense))
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
