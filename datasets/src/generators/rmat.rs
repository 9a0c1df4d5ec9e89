//! R-MAT, the recursive-matrix generator of the Graph500 benchmark (its Kronecker
//! generator with the initiator `[[A, B], [C, D]]`).
//!
//! Each edge picks one quadrant of the adjacency matrix per bit level; skewed
//! probabilities (Graph500: A = 0.57, B = C = 0.19, D = 0.05) concentrate edges on a few
//! hub vertices, which gives a heavy-tailed degree distribution. Vertex ids are then
//! scrambled by a seeded permutation, so that a hub's id says nothing about its degree.
//!
//! **Note**: self-loops and duplicate edges are kept, as Graph500 does; the vertex ids
//! span `0..2^scale` but some vertices get no edge at all.

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::edge_budget;
use crate::edgelist::EdgeList;
use crate::error::{Error, Result};

/// Graph500's probability of quadrant A (neither bit set).
pub const GRAPH500_A: f64 = 0.57;
/// Graph500's probability of quadrant B (target bit set).
pub const GRAPH500_B: f64 = 0.19;
/// Graph500's probability of quadrant C (source bit set).
pub const GRAPH500_C: f64 = 0.19;
/// Graph500's edge factor: edges per vertex.
pub const RMAT_DEFAULT_EDGE_FACTOR: u64 = 16;
/// The largest accepted scale (vertex ids `0..2^40`).
pub const RMAT_MAX_SCALE: u32 = 40;
/// Edges per chunk: chunk `k` (edges `k·RMAT_CHUNK_EDGES ..`) draws from its own stream,
/// so chunks can be generated independently (see [`rmat`]).
pub const RMAT_CHUNK_EDGES: usize = 1 << 16;

/// Rounds of the id-scrambling permutation.
const SCRAMBLE_ROUNDS: usize = 4;

/// Generates an R-MAT (Graph500 Kronecker) graph.
///
/// Conventions, which fix the output for a given seed:
/// - Edges are generated in chunks of [`RMAT_CHUNK_EDGES`]; chunk `k` draws from
///   `Xoshiro256PlusPlus::seed_from_u64(seed)` advanced `k · 2^128` steps (`jump()`
///   `k` times, or `jump_ce(k, 128)`), so a caller can generate chunks in parallel and
///   get the same edges.
/// - An edge takes `h = ⌈scale/2⌉` `u64` draws, and each draw decides two bit levels, one
///   per 32-bit half: the low half of draw `j` decides bit `j` of both endpoints, the
///   high half bit `h + j` (dropped if it is `>= scale`). A half's low 31 bits `x` pick
///   quadrant A if `x < t(A)`, B if `x < t(A + B)`, C if `x < t(A + B + C)`, else D,
///   with `t(p) = min(⌊p · 2^31⌋, 2^31)` computed in `f64`; so probabilities resolve to
///   2^-31 and D = 1 − A − B − C. Quadrants C and D set the source bit, B and D the
///   target bit.
/// - Both endpoints are then mapped through a seeded permutation of `0..2^scale`, whose
///   keys come from the same seeded stream advanced `2^192` steps (`long_jump()`): four
///   rounds of `x ← ((x ⊕ k) · m mod 2^scale); x ← x ⊕ (x >> ⌈scale/2⌉)` with random `k`
///   and odd `m`. Each step is a bijection, so the map is a permutation computed in O(1)
///   per id without a table — unlike Graph500's shuffled array it needs no memory and no
///   random access.
///
/// These follow `rmat.py` of the peer benchmarks (quadrant C/D sets the source bit, B/D
/// the target bit, ids scrambled afterwards), not its numbers: numpy's generator, its
/// level order and its permutation differ.
///
/// # Arguments
/// - `scale`: `log2` of the number of vertices, at most [`RMAT_MAX_SCALE`].
/// - `edge_factor`: edges per vertex; Graph500 uses [`RMAT_DEFAULT_EDGE_FACTOR`].
/// - `a`, `b`, `c`: quadrant probabilities; finite, non-negative, `a + b + c <= 1`.
///   Graph500: [`GRAPH500_A`], [`GRAPH500_B`], [`GRAPH500_C`].
/// - `seed`: any value; the output is a function of it.
///
/// # Returns
/// `edge_factor << scale` directed edges with ids in `0..2^scale`, in generation order,
/// self-loops and duplicates included.
///
/// # Errors
/// [`Error::InvalidParameter`] if `scale > RMAT_MAX_SCALE`, the probabilities are invalid,
/// or the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// O(`edges · scale`) time, one RNG draw per edge and two levels; O(edges) memory for
/// the result only. About 3 s for `scale` 22 (67 M edges) on one core.
///
/// # Example
/// ```
/// use eddy_datasets::generators::rmat;
///
/// let edges = rmat(10, 16, 0.57, 0.19, 0.19, 7)?;
/// assert_eq!(edges.len(), 16 << 10);
/// assert!(edges.src.iter().chain(&edges.dst).all(|&v| v < 1 << 10));
/// assert_eq!(edges, rmat(10, 16, 0.57, 0.19, 0.19, 7)?);
/// assert_ne!(edges, rmat(10, 16, 0.57, 0.19, 0.19, 8)?);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn rmat(scale: u32, edge_factor: u64, a: f64, b: f64, c: f64, seed: u64) -> Result<EdgeList> {
    let edges = check(scale, edge_factor, a, b, c)
        .map_err(|reason| Error::InvalidParameter { generator: "rmat", reason })?;
    let kronecker = Kronecker::new(scale, a, b, c, seed);
    let mut src = vec![0; edges];
    let mut dst = vec![0; edges];
    let mut stream = Xoshiro256PlusPlus::seed_from_u64(seed);
    for (src, dst) in src.chunks_mut(RMAT_CHUNK_EDGES).zip(dst.chunks_mut(RMAT_CHUNK_EDGES)) {
        kronecker.fill(&mut stream.clone(), src, dst);
        stream.jump();
    }
    Ok(EdgeList { src, dst, weights: None })
}

/// Checks R-MAT parameters; returns the edge count or says what is wrong.
pub(super) fn check(
    scale: u32,
    edge_factor: u64,
    a: f64,
    b: f64,
    c: f64,
) -> std::result::Result<usize, String> {
    if scale > RMAT_MAX_SCALE {
        return Err(format!("scale {scale} exceeds the maximum {RMAT_MAX_SCALE}"));
    }
    let valid = |p: f64| p.is_finite() && p >= 0.0;
    // A little slack for decimal inputs such as 0.1 + 0.2 + 0.7, which sum to 1 + 2^-52.
    if !(valid(a) && valid(b) && valid(c) && a + b + c <= 1.0 + 1e-9) {
        return Err(format!(
            "probabilities must be finite and non-negative with a + b + c <= 1, \
             got a = {a}, b = {b}, c = {c}"
        ));
    }
    edge_budget(u128::from(edge_factor) << scale)
}

/// The fixed part of an R-MAT run: quadrant thresholds and the id permutation.
struct Kronecker {
    scale: u32,
    /// `⌊p · 2^31⌋` for p = A, A + B, A + B + C (capped at `2^31`), in both 32-bit lanes.
    thresholds: [u64; 3],
    scramble: Scramble,
}

/// Bit 31 of each 32-bit lane.
const GUARDS: u64 = 0x8000_0000_8000_0000;

impl Kronecker {
    fn new(scale: u32, a: f64, b: f64, c: f64, seed: u64) -> Self {
        // A sum of 1 (or 1 + ε) becomes 2^31, above every 31-bit draw.
        let threshold = |p: f64| {
            let t = ((p * 2_147_483_648.0) as u64).min(1 << 31);
            t | t << 32
        };
        let mut keys = Xoshiro256PlusPlus::seed_from_u64(seed);
        keys.long_jump();
        Self {
            scale,
            thresholds: [threshold(a), threshold(a + b), threshold(a + b + c)],
            scramble: Scramble::new(scale, &mut keys),
        }
    }

    /// Generates `src.len()` edges from `rng` into `src` and `dst`.
    ///
    /// Two levels per draw, compared in both 32-bit lanes at once (SWAR): with the guard
    /// bit set, `(x | GUARD) − t` keeps it iff `x >= t`, and no lane borrows from the
    /// next because `x, t <= 2^31`. The guard bits of every draw are shifted into two
    /// accumulators, so the draws' decisions collect in the lanes' top bits.
    fn fill(&self, rng: &mut Xoshiro256PlusPlus, src: &mut [u64], dst: &mut [u64]) {
        let [ta, tab, tabc] = self.thresholds;
        let draws = self.scale.div_ceil(2);
        let mask = (1_u64 << self.scale) - 1;
        // After `draws` shifts, draw j's lanes sit at bits 32 − draws + j and 64 − draws + j.
        let ids = |acc: u64| {
            let lo = (acc >> 32) << draws | (acc & 0xffff_ffff);
            (lo >> (32 - draws)) & mask
        };
        for (s, d) in src.iter_mut().zip(dst.iter_mut()) {
            let (mut u, mut v) = (0_u64, 0_u64);
            for _ in 0..draws {
                // Each lane becomes 2^31 + its low 31 bits.
                let x = rng.next_u64() | GUARDS;
                let (ge_a, ge_ab, ge_abc) = (x.wrapping_sub(ta), x.wrapping_sub(tab), x.wrapping_sub(tabc));
                // Quadrants C and D set the source bit, B and D the target bit.
                u = (u >> 1) | (ge_ab & GUARDS);
                v = (v >> 1) | ((ge_a ^ ge_ab ^ ge_abc) & GUARDS);
            }
            *s = self.scramble.apply(ids(u));
            *d = self.scramble.apply(ids(v));
        }
    }
}

/// A seeded permutation of `0..2^scale`: rounds of xor-key, odd multiply and xorshift,
/// each a bijection modulo `2^scale`.
struct Scramble {
    mask: u64,
    shift: u32,
    /// `(xor key, odd multiplier)` per round, both reduced by `mask`.
    keys: [(u64, u64); SCRAMBLE_ROUNDS],
}

impl Scramble {
    fn new(scale: u32, rng: &mut Xoshiro256PlusPlus) -> Self {
        let mask = (1_u64 << scale) - 1;
        let keys = std::array::from_fn(|_| {
            let xor = rng.next_u64() & mask;
            let odd = (rng.next_u64() | 1) & mask;
            (xor, odd)
        });
        Self { mask, shift: scale.div_ceil(2).max(1), keys }
    }

    #[inline]
    fn apply(&self, mut x: u64) -> u64 {
        for &(xor, odd) in &self.keys {
            x = ((x ^ xor).wrapping_mul(odd)) & self.mask;
            x ^= x >> self.shift;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph500(scale: u32, edge_factor: u64, seed: u64) -> EdgeList {
        rmat(scale, edge_factor, GRAPH500_A, GRAPH500_B, GRAPH500_C, seed).unwrap()
    }

    #[test]
    fn edge_count_and_id_range() {
        for scale in [0, 1, 5, 12] {
            let edges = graph500(scale, 3, 1);
            assert_eq!(edges.len(), 3 << scale);
            assert_eq!(edges.dst.len(), 3 << scale);
            assert_eq!(edges.weights, None);
            assert!(edges.src.iter().chain(&edges.dst).all(|&v| v < 1 << scale));
        }
        // Scale 0 has the single vertex 0: every edge is the self-loop 0 -> 0.
        assert_eq!(graph500(0, 2, 5).src, [0, 0]);
        assert!(graph500(10, 0, 1).is_empty());
    }

    #[test]
    fn same_seed_same_edges_other_seed_other_edges() {
        let first = graph500(12, 16, 42);
        assert_eq!(first, graph500(12, 16, 42));
        let other = graph500(12, 16, 43);
        let same = first.src.iter().zip(&other.src).filter(|(x, y)| x == y).count();
        // Independent streams: agreement only as often as chance allows (hubs collide).
        assert!(same < first.len() / 10, "{same} of {} sources agree", first.len());
    }

    #[test]
    fn output_is_pinned() {
        // Guards the documented conventions and the RNG stream: a change here changes
        // every R-MAT graph users have generated.
        let edges = graph500(4, 1, 1);
        assert_eq!(edges.src, GOLDEN_SRC);
        assert_eq!(edges.dst, GOLDEN_DST);
    }
    const GOLDEN_SRC: [u64; 16] = [6, 1, 7, 3, 7, 3, 4, 7, 9, 3, 1, 9, 1, 9, 7, 1];
    const GOLDEN_DST: [u64; 16] = [3, 6, 1, 3, 1, 14, 1, 6, 6, 1, 15, 6, 1, 14, 1, 7];

    #[test]
    fn chunks_are_independent_streams() {
        // Two chunks and a bit: chunk 1 must equal a direct jump_ce(1, 128) stream.
        let scale = 5;
        let edge_factor = ((2 * RMAT_CHUNK_EDGES as u64) >> scale) + 1;
        let edges = rmat(scale, edge_factor, 0.57, 0.19, 0.19, 9).unwrap();
        let kronecker = Kronecker::new(scale, 0.57, 0.19, 0.19, 9);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        rng.jump_ce(1, 128);
        let (mut src, mut dst) = (vec![0; 100], vec![0; 100]);
        kronecker.fill(&mut rng, &mut src, &mut dst);
        let chunk1 = RMAT_CHUNK_EDGES..RMAT_CHUNK_EDGES + 100;
        assert_eq!(edges.src[chunk1.clone()], src[..]);
        assert_eq!(edges.dst[chunk1], dst[..]);
    }

    /// The documented convention, one level at a time, without the SWAR tricks.
    fn reference_edge(rng: &mut Xoshiro256PlusPlus, scale: u32, [a, b, c]: [f64; 3]) -> (u64, u64) {
        let t = |p: f64| ((p * 2_f64.powi(31)) as u64).min(1 << 31);
        let (ta, tab, tabc) = (t(a), t(a + b), t(a + b + c));
        let h = scale.div_ceil(2);
        let (mut src, mut dst) = (0, 0);
        for j in 0..h {
            let r = rng.next_u64();
            for (x, bit) in [(r & 0x7fff_ffff, j), ((r >> 32) & 0x7fff_ffff, h + j)] {
                let quadrant = match x {
                    x if x < ta => 'A',
                    x if x < tab => 'B',
                    x if x < tabc => 'C',
                    _ => 'D',
                };
                if bit < scale {
                    src |= u64::from(matches!(quadrant, 'C' | 'D')) << bit;
                    dst |= u64::from(matches!(quadrant, 'B' | 'D')) << bit;
                }
            }
        }
        (src, dst)
    }

    #[test]
    fn matches_the_documented_convention() {
        let graph500 = [GRAPH500_A, GRAPH500_B, GRAPH500_C];
        for (scale, abc) in [
            (0, graph500),
            (1, graph500),
            (7, [0.1, 0.2, 0.3]),
            (20, [0.25, 0.25, 0.25]),
            (21, graph500),
            (40, [0.45, 0.15, 0.15]),
        ] {
            let [a, b, c] = abc;
            let kronecker = Kronecker::new(scale, a, b, c, 17);
            let (mut src, mut dst) = (vec![0; 2000], vec![0; 2000]);
            kronecker.fill(&mut Xoshiro256PlusPlus::seed_from_u64(5), &mut src, &mut dst);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
            for (&s, &d) in src.iter().zip(&dst) {
                let (u, v) = reference_edge(&mut rng, scale, abc);
                assert_eq!((s, d), (kronecker.scramble.apply(u), kronecker.scramble.apply(v)));
            }
        }
    }

    #[test]
    fn quadrant_convention() {
        let all_ones = (1 << 6) - 1;
        let scramble = Kronecker::new(6, 0.57, 0.19, 0.19, 3).scramble;
        let endpoints = |a, b, c| {
            let edges = rmat(6, 2, a, b, c, 3).unwrap();
            let pairs: Vec<_> = edges.src.into_iter().zip(edges.dst).collect();
            assert!(pairs.windows(2).all(|w| w[0] == w[1]), "one edge repeated");
            pairs[0]
        };
        // Only quadrant A: no bit set; only B: target bits; only C: source bits; only D.
        let id = |x| scramble.apply(x);
        assert_eq!(endpoints(1.0, 0.0, 0.0), (id(0), id(0)));
        assert_eq!(endpoints(0.0, 1.0, 0.0), (id(0), id(all_ones)));
        assert_eq!(endpoints(0.0, 0.0, 1.0), (id(all_ones), id(0)));
        assert_eq!(endpoints(0.0, 0.0, 0.0), (id(all_ones), id(all_ones)));
    }

    #[test]
    fn scramble_is_a_permutation() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for scale in 0..=14 {
            let scramble = Scramble::new(scale, &mut rng);
            let mut seen = vec![false; 1 << scale];
            for x in 0..1 << scale {
                let y = scramble.apply(x) as usize;
                assert!(!seen[y], "scale {scale}: {x} collides");
                seen[y] = true;
            }
        }
    }

    #[test]
    fn degrees_are_skewed_and_hubs_spread() {
        let scale = 14;
        let n = 1_usize << scale;
        let edges = graph500(scale, 16, 5);
        let mut degree = vec![0_u64; n];
        for &v in edges.src.iter().chain(&edges.dst) {
            degree[v as usize] += 1;
        }
        let mean = 2.0 * edges.len() as f64 / n as f64; // 32
        let max = *degree.iter().max().unwrap() as f64;
        assert!(max > 30.0 * mean, "max degree {max}, mean {mean}");
        let isolated = degree.iter().filter(|&&d| d == 0).count();
        assert!(isolated > n / 10, "{isolated} isolated vertices"); // heavy tail
        // Unscrambled, a source bit is set with probability C + D = 0.24 at every level;
        // the permutation must balance every bit of the ids.
        for bit in 0..scale {
            let set = edges.src.iter().filter(|&&v| v >> bit & 1 == 1).count();
            let share = set as f64 / edges.len() as f64;
            assert!((0.35..0.65).contains(&share), "bit {bit}: share {share}");
        }
        // The 16 largest hubs are not bunched at low (or any) ids.
        let mut by_degree: Vec<usize> = (0..n).collect();
        by_degree.sort_by_key(|&v| std::cmp::Reverse(degree[v]));
        let top = &by_degree[..16];
        let quarters = top.iter().fold([0; 4], |mut q, &v| {
            q[v * 4 / n] += 1;
            q
        });
        assert!(quarters.iter().all(|&q| q <= 10), "hubs per quarter of ids: {quarters:?}");
        assert_ne!(top[0], 0);
    }

    #[test]
    fn rejects_bad_parameters() {
        let reason = |scale, edge_factor, a, b, c| match rmat(scale, edge_factor, a, b, c, 1) {
            Err(Error::InvalidParameter { generator: "rmat", reason }) => reason,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(reason(41, 16, 0.57, 0.19, 0.19), "scale 41 exceeds the maximum 40");
        assert_eq!(
            reason(10, 16, 0.5, 0.5, 0.5),
            "probabilities must be finite and non-negative with a + b + c <= 1, \
             got a = 0.5, b = 0.5, c = 0.5"
        );
        assert!(reason(10, 16, f64::NAN, 0.1, 0.1).contains("a = NaN"));
        assert!(reason(10, 16, -0.1, 0.1, 0.1).contains("a = -0.1"));
        assert_eq!(
            reason(40, 16, 0.57, 0.19, 0.19),
            "the graph would have 17592186044416 edges, more than the limit \
             MAX_EDGES = 4294967296"
        );
        // Decimal rounding slack: 0.1 + 0.2 + 0.7 > 1 in f64 but is accepted.
        assert_eq!(rmat(3, 1, 0.1, 0.2, 0.7, 1).unwrap().len(), 8);
    }
}
