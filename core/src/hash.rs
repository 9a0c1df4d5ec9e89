//! Deterministic hashing for partitioning and local hash tables.
//!
//! Every process of a cluster must send a key to the same worker, so partitioning uses a
//! hasher without a random seed ([`rustc_hash::FxHasher`]) followed by a multiplicative
//! mix, and maps the 64-bit hash onto `0..peers` with a multiply-shift (no modulo bias).
//!
//! **Note**: local hash tables use the same hasher without the mix; because partitions
//! are chosen from the *mixed* hash, the keys of one partition still spread over all of a
//! local table's buckets.

use std::hash::{BuildHasher, Hash};

use rustc_hash::FxBuildHasher;

/// Hash map with the deterministic Fx hasher.
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuildHasher>;
/// Hash set with the deterministic Fx hasher.
pub type FxHashSet<K> = std::collections::HashSet<K, FxBuildHasher>;

/// The deterministic 64-bit hash of `key` used by Eddy's hash tables and partitioning.
#[inline]
pub fn hash_key<K: Hash + ?Sized>(key: &K) -> u64 {
    FxBuildHasher.hash_one(key)
}

/// The worker that owns `key` among `peers` workers.
#[inline]
pub fn partition_of<K: Hash + ?Sized>(key: &K, peers: usize) -> usize {
    if peers == 1 {
        return 0;
    }
    partition_of_hash(hash_key(key), peers)
}

/// The worker that owns a key whose [`hash_key`] is `h`, among `peers` workers.
#[inline]
pub fn partition_of_hash(h: u64, peers: usize) -> usize {
    let mixed = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    ((u128::from(mixed ^ (mixed >> 32)) * peers as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_in_range_and_roughly_balanced() {
        for peers in [1usize, 2, 3, 8] {
            let mut counts = vec![0usize; peers];
            for k in 0u64..80_000 {
                counts[partition_of(&k, peers)] += 1;
            }
            let expected = 80_000 / peers;
            for c in counts {
                assert!(c.abs_diff(expected) < expected / 20, "{peers}: {c} vs {expected}");
            }
        }
    }

    #[test]
    fn partitioning_is_deterministic() {
        assert_eq!(partition_of("abc", 7), partition_of(&"abc".to_string(), 7));
        assert_eq!(partition_of(&42u64, 5), partition_of(&42u64, 5));
    }
}
