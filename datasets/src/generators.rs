//! Deterministic graph generators: R-MAT (Graph500 Kronecker), Erdős–Rényi G(n, m) and
//! the classic families grid, path, cycle, star and complete, plus [`GeneratorSpec`], the
//! `rmat:20`-style text form the command line uses.
//!
//! Every generator returns an [`EdgeList`](crate::edgelist::EdgeList) of directed
//! `src → dst` edges without weights, over vertex ids `0..n`. The output is a pure
//! function of the arguments: the same seed gives the same edges on every platform and
//! run (integer arithmetic, apart from one IEEE multiplication per R-MAT probability, and
//! a [`Xoshiro256PlusPlus`](rand_xoshiro::Xoshiro256PlusPlus) stream seeded with
//! `seed_from_u64(seed)`, whose output `rand_xoshiro` keeps stable). The deterministic
//! families ([`grid`], [`path`], [`cycle`], [`star`], [`complete`]) and [`erdos_renyi`]
//! return their edges sorted by `(src, dst)`; [`rmat`] returns them in generation order.
//!
//! | spec | function | edges |
//! | --- | --- | --- |
//! | `rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]]` | [`rmat`] | `EDGE_FACTOR · 2^SCALE` |
//! | `er:N:M[:SEED]` | [`erdos_renyi`] | `M` distinct, no self-loops |
//! | `grid:ROWS:COLS` | [`grid`] | `ROWS·(COLS−1) + COLS·(ROWS−1)` |
//! | `path:N` | [`path`] | `N − 1` |
//! | `cycle:N` | [`cycle`] | `N` |
//! | `star:N` | [`star`] | `N − 1` |
//! | `complete:N` | [`complete`] | `N·(N − 1)` |
//!
//! **Note**: R-MAT keeps self-loops and duplicate edges (the Graph500 convention), and
//! its vertex ids span `0..2^SCALE` although some of them have no edge; deduplicate or
//! symmetrise downstream if an algorithm needs a simple graph. No generator produces more
//! than [`MAX_EDGES`] edges: a larger request is an error, not an out-of-memory abort.
//!
//! # Example
//! ```
//! use eddy_datasets::generators::{self, GeneratorSpec};
//!
//! let spec: GeneratorSpec = "grid:2:3".parse()?;
//! assert_eq!(spec, GeneratorSpec::Grid { rows: 2, cols: 3 });
//! // 0 - 1 - 2
//! // |   |   |
//! // 3 - 4 - 5
//! let edges = spec.generate();
//! assert_eq!(edges.src, [0, 0, 1, 1, 2, 3, 4]);
//! assert_eq!(edges.dst, [1, 3, 2, 4, 5, 4, 5]);
//!
//! // Defaults fill in: edge factor 16, seed 1, Graph500 probabilities.
//! let spec: GeneratorSpec = "rmat:8".parse()?;
//! assert_eq!(spec.to_string(), "rmat:8:16:1");
//! let edges = spec.generate();
//! assert_eq!(edges.len(), 16 << 8);
//! assert!(edges.src.iter().chain(&edges.dst).all(|&v| v < 1 << 8));
//! assert_eq!(edges, generators::rmat(8, 16, 0.57, 0.19, 0.19, 1)?);
//! # Ok::<(), eddy_datasets::Error>(())
//! ```

mod classic;
mod erdos_renyi;
mod rmat;
pub(crate) mod spec;

pub use classic::{complete, cycle, grid, path, star};
pub use erdos_renyi::erdos_renyi;
pub use rmat::{
    GRAPH500_A, GRAPH500_B, GRAPH500_C, RMAT_CHUNK_EDGES, RMAT_DEFAULT_EDGE_FACTOR, RMAT_MAX_SCALE, rmat,
};
pub use spec::{DEFAULT_SEED, GeneratorSpec};

/// The most edges any generator produces: 2^32, 64 GiB as an
/// [`EdgeList`](crate::edgelist::EdgeList). Larger requests fail with
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) (or
/// [`Error::InvalidSpec`](crate::Error::InvalidSpec) for a spec) before allocating.
pub const MAX_EDGES: u64 = 1 << 32;

/// Checks an edge count, computed exactly in `u128`, against [`MAX_EDGES`] and the
/// address space; returns it as a `usize` or says why not.
fn edge_budget(edges: u128) -> std::result::Result<usize, String> {
    if edges > u128::from(MAX_EDGES) {
        return Err(format!(
            "the graph would have {edges} edges, more than the limit MAX_EDGES = {MAX_EDGES}"
        ));
    }
    usize::try_from(edges)
        .map_err(|_| format!("the graph would have {edges} edges, too many for this platform"))
}
