//! Erdős–Rényi G(n, m): `m` distinct directed edges drawn uniformly from the `n·(n − 1)`
//! ordered pairs of distinct vertices.
//!
//! Sampling draws pairs uniformly with replacement, sorts and deduplicates them, and draws
//! again for the shortfall until `m` distinct pairs remain: the procedure treats all pairs
//! alike, so every `m`-subset is equally likely. When `m` is more than half of the pairs,
//! the `n·(n − 1) − m` pairs to leave out are sampled instead, which bounds the expected
//! work at twice the output either way.
//!
//! **Note**: this is G(n, m), a fixed edge count, not G(n, p); for a graph with edge
//! probability `p`, draw `m` from Binomial(n·(n − 1), p) first.

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::edge_budget;
use crate::edgelist::EdgeList;
use crate::error::{Error, Result};

/// Checks G(n, m) parameters; returns the edge count or says what is wrong.
pub(super) fn check(n: u64, m: u64) -> std::result::Result<usize, String> {
    let pairs = u128::from(n) * u128::from(n.saturating_sub(1));
    if u128::from(m) > pairs {
        return Err(format!(
            "{m} edges requested but {n} vertices have only {pairs} ordered pairs without \
             self-loops"
        ));
    }
    edge_budget(u128::from(m))
}

/// Generates an Erdős–Rényi G(n, m) directed graph.
///
/// Conventions, which fix the output for a given seed: one
/// `Xoshiro256PlusPlus::seed_from_u64(seed)` stream; a pair is drawn as `src` uniform in
/// `0..n`, then `dst` uniform in `0..n − 1`, incremented if `>= src`; a uniform integer
/// below `k` is Lemire's multiply-and-reject on one `u64` draw (no floating point).
///
/// # Arguments
/// - `n`: number of vertices, ids `0..n`.
/// - `m`: number of edges, at most `n·(n − 1)`.
/// - `seed`: any value; the output is a function of it.
///
/// # Returns
/// `m` distinct directed edges without self-loops, sorted by `(src, dst)`.
///
/// # Errors
/// [`Error::InvalidParameter`] if `m > n·(n − 1)` or `m` exceeds
/// [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// Expected O(m log m) time and O(m) memory; O(n²) when `m > n·(n − 1) / 2`, which is
/// then O(m) too.
///
/// # Example
/// ```
/// let edges = eddy_datasets::generators::erdos_renyi(100, 500, 3)?;
/// assert_eq!(edges.len(), 500);
/// let pairs: Vec<_> = edges.src.iter().zip(&edges.dst).collect();
/// assert!(pairs.windows(2).all(|w| w[0] < w[1])); // sorted, hence distinct
/// assert!(pairs.iter().all(|(u, v)| u != v && **u < 100 && **v < 100));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn erdos_renyi(n: u64, m: u64, seed: u64) -> Result<EdgeList> {
    let edges = check(n, m).map_err(|reason| Error::InvalidParameter { generator: "erdos_renyi", reason })?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let pairs = u128::from(n) * u128::from(n.saturating_sub(1));
    let chosen = if 2 * u128::from(m) <= pairs {
        sample_pairs(&mut rng, n, edges)
    } else {
        // Here n·(n − 1) < 2·m <= 2·MAX_EDGES, so all counts fit in usize.
        let left_out = sample_pairs(&mut rng, n, (pairs - u128::from(m)) as usize);
        let mut left_out = left_out.into_iter().peekable();
        let mut chosen = Vec::with_capacity(edges);
        for pair in (0..n).flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v))) {
            if left_out.next_if_eq(&pair).is_none() {
                chosen.push(pair);
            }
        }
        chosen
    };
    let (src, dst) = chosen.into_iter().unzip();
    Ok(EdgeList { src, dst, weights: None })
}

/// `count` distinct uniform pairs `(u, v)`, `u != v`, sorted. Needs `n >= 2` if
/// `count > 0`.
fn sample_pairs(rng: &mut Xoshiro256PlusPlus, n: u64, count: usize) -> Vec<(u64, u64)> {
    let mut pairs = Vec::with_capacity(count);
    while pairs.len() < count {
        for _ in pairs.len()..count {
            let u = below(rng, n);
            let v = below(rng, n - 1);
            pairs.push((u, v + u64::from(v >= u)));
        }
        pairs.sort_unstable();
        pairs.dedup();
    }
    pairs
}

/// A uniform integer in `0..bound` (`bound > 0`): Lemire's nearly divisionless method.
fn below(rng: &mut Xoshiro256PlusPlus, bound: u64) -> u64 {
    let reject_below = bound.wrapping_neg() % bound; // 2^64 mod bound
    loop {
        let wide = u128::from(rng.next_u64()) * u128::from(bound);
        if wide as u64 >= reject_below {
            return (wide >> 64) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generators::complete;

    fn pairs(edges: &EdgeList) -> Vec<(u64, u64)> {
        edges.src.iter().copied().zip(edges.dst.iter().copied()).collect()
    }

    /// `m` distinct, sorted, in-range, loop-free edges.
    fn assert_gnm(edges: &EdgeList, n: u64, m: usize) {
        let pairs = pairs(edges);
        assert_eq!(pairs.len(), m);
        assert_eq!(edges.weights, None);
        assert!(pairs.windows(2).all(|w| w[0] < w[1]), "sorted, hence distinct");
        assert!(pairs.iter().all(|&(u, v)| u != v && u < n && v < n));
    }

    #[test]
    fn sparse_graphs_have_m_distinct_edges() {
        for (n, m) in [(2, 1), (10, 45), (100, 1000), (1 << 40, 5000)] {
            assert_gnm(&erdos_renyi(n, m, 7).unwrap(), n, m as usize);
        }
        assert!(erdos_renyi(0, 0, 1).unwrap().is_empty());
        assert!(erdos_renyi(1, 0, 1).unwrap().is_empty());
    }

    #[test]
    fn dense_graphs_sample_the_complement() {
        for m in [46, 80, 89] {
            assert_gnm(&erdos_renyi(10, m, 7).unwrap(), 10, m as usize);
        }
        assert_eq!(erdos_renyi(10, 90, 7).unwrap(), complete(10).unwrap());
        assert_eq!(erdos_renyi(2, 2, 7).unwrap(), complete(2).unwrap());
    }

    #[test]
    fn deterministic_per_seed() {
        let edges = erdos_renyi(1000, 5000, 1).unwrap();
        assert_eq!(edges, erdos_renyi(1000, 5000, 1).unwrap());
        assert_ne!(edges, erdos_renyi(1000, 5000, 2).unwrap());
        // Guards the documented conventions and the RNG stream.
        assert_eq!(pairs(&erdos_renyi(5, 4, 1).unwrap()), GOLDEN);
    }
    const GOLDEN: [(u64, u64); 4] = [(0, 1), (0, 3), (4, 1), (4, 2)];

    #[test]
    fn every_pair_is_equally_likely() {
        // 4 vertices, 12 pairs, one edge per seed: 1200 draws, 100 expected per pair,
        // standard deviation sqrt(1200 · 1/12 · 11/12) ≈ 9.6; ±40 is more than 4σ.
        let mut count = [0_u32; 16];
        for seed in 0..1200 {
            let edges = erdos_renyi(4, 1, seed).unwrap();
            count[(edges.src[0] * 4 + edges.dst[0]) as usize] += 1;
        }
        for u in 0..4 {
            for v in 0..4 {
                let c = count[u * 4 + v];
                if u == v {
                    assert_eq!(c, 0);
                } else {
                    assert!((60..=140).contains(&c), "pair ({u}, {v}) drawn {c} times");
                }
            }
        }
        // Same for the complement path: 11 of 12 pairs, each left out ~100 times.
        let mut left_out = [0_u32; 16];
        for seed in 0..1200 {
            let chosen = pairs(&erdos_renyi(4, 11, seed).unwrap());
            for (u, v) in (0..4).flat_map(|u| (0..4).map(move |v| (u, v))) {
                if u != v && !chosen.contains(&(u, v)) {
                    left_out[(u * 4 + v) as usize] += 1;
                }
            }
        }
        let off_diagonal = left_out.iter().enumerate().filter(|(i, _)| i % 5 != 0);
        assert!(off_diagonal.clone().all(|(_, &c)| (60..=140).contains(&c)), "{left_out:?}");
    }

    #[test]
    fn below_is_in_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for bound in [1, 2, 3, 7, 1 << 33, u64::MAX] {
            assert!((0..1000).all(|_| below(&mut rng, bound) < bound));
        }
    }

    #[test]
    fn rejects_too_many_edges() {
        let reason = |n, m| match erdos_renyi(n, m, 1) {
            Err(Error::InvalidParameter { generator: "erdos_renyi", reason }) => reason,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(
            reason(3, 7),
            "7 edges requested but 3 vertices have only 6 ordered pairs without self-loops"
        );
        assert!(reason(1, 1).contains("only 0 ordered pairs"));
        assert!(reason(1 << 40, 1 << 33).contains("more than the limit MAX_EDGES"));
    }
}
