//! eddy-gelly: Eddy's graph library — a Gelly-style [`Graph`] over partitioned vertices and
//! CSR edges, the three iteration models (vertex-centric, scatter-gather,
//! gather-sum-apply) and an algorithm library (PageRank, weakly connected components,
//! single-source shortest paths).
//!
//! Like everything on the runtime, a graph is SPMD: every worker of a job builds it from
//! its share of the input and holds one partition. A small complete job:
//!
//! ```
//! use eddy_gelly::{Graph, algorithms::{PageRank, pagerank}};
//! # fn main() -> eddy_gelly::Result<()> {
//! let edges = eddy_datasets::graphs::karate_club();
//! let ranks = eddy_runtime::LocalRuntime::with_parallelism(2)?.execute(|worker| {
//!     let share = worker.from_slice(&edges).map(|(a, b)| (a, b, ())).collect_partition();
//!     let graph = Graph::from_edges(worker, share)?.undirected()?;
//!     let (ranks, stats) = pagerank(&graph, &PageRank::tolerance(1e-10))?;
//!     assert!(stats.converged);
//!     Ok::<_, eddy_core::Error>(ranks.vertices().collect()?)
//! })?;
//! let total: f64 = ranks[0].iter().map(|(_, r)| r).sum();
//! assert!((total - 1.0).abs() < 1e-12);
//! # Ok(()) }
//! ```

pub mod algorithms;
pub mod error;
pub mod graph;
pub mod ids;
pub mod load;
pub mod models;

pub use eddy_core::IterationSummary;
pub use error::{Error, Result};
pub use graph::{EdgeDirection, Graph, Triplet};
pub use ids::{VertexIds, VertexKey};
