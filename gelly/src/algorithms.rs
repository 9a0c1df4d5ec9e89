//! Graph algorithms: PageRank, weakly connected components, shortest paths.

pub mod components;
pub mod pagerank;
pub mod sssp;

pub use components::{connected_components, wcc_gsa, wcc_scatter_gather, wcc_vertex_centric};
pub use pagerank::{PageRank, pagerank, pagerank_vertex_centric};
pub use sssp::{bfs, sssp, sssp_vertex_centric};
