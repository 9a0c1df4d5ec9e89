//! Shared generators for the benches: a seeded RNG, scrambled keys and graphs.
//!
//! Everything here is deterministic: the same seed gives the same records on every run
//! and every worker, so the Eddy jobs and their single-threaded baselines see identical
//! inputs.

// Each bench file uses a subset of these helpers.
#![allow(dead_code)]

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, good enough for
/// benchmark inputs and free of dependencies.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// A uniform number in `0..n` (multiply-shift, no modulo).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// The SplitMix64 finaliser: a bijection on `u64` that scatters consecutive integers.
#[inline]
pub(crate) fn mix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The key of record `i` among `distinct` keys: `mix64(i mod distinct)`, so there are
/// exactly `distinct` keys, each `n / distinct` times, scattered over `u64`.
#[inline]
pub(crate) fn record_key(i: u64, distinct: u64) -> u64 {
    mix64(i % distinct)
}

/// The path `0 - 1 - 2 - … - (n-1)`.
pub(crate) fn path_graph(n: u64) -> Vec<(u64, u64)> {
    (1..n).map(|v| (v - 1, v)).collect()
}

/// A path over `n` vertices whose ids are a seeded random permutation of `0..n`.
pub(crate) fn permuted_path_graph(n: u64, seed: u64) -> Vec<(u64, u64)> {
    let mut ids: Vec<u64> = (0..n).collect();
    let mut rng = SplitMix64::new(seed);
    for i in (1..ids.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        ids.swap(i, j);
    }
    ids.windows(2).map(|w| (w[0], w[1])).collect()
}

/// `m` edges between uniformly random endpoints in `0..n` (no self-loops; duplicates
/// possible), from a seeded generator.
pub(crate) fn random_graph(n: u64, m: u64, seed: u64) -> Vec<(u64, u64)> {
    let mut rng = SplitMix64::new(seed);
    let mut edges = Vec::with_capacity(m as usize);
    while (edges.len() as u64) < m {
        let (a, b) = (rng.below(n), rng.below(n));
        if a != b {
            edges.push((a, b));
        }
    }
    edges
}

/// True under `cargo bench` (criterion's benchmark mode); false under `cargo test
/// --benches`, which runs every bench once as a smoke test — usually in a debug build.
pub(crate) fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list")
}

/// `n` under `cargo bench`, `n / 1000` (at least 10) in test mode.
pub(crate) fn scaled(n: u64) -> u64 {
    if bench_mode() { n } else { (n / 1000).max(10) }
}
