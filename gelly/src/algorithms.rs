//! Graph algorithms: PageRank, weakly connected components, shortest paths — each as a
//! fast path and in the three generic models ([`Model`], `*_in` to pick one).

pub mod components;
pub mod hits;
pub mod kcore;
pub mod model;
pub mod pagerank;
pub mod scc;
pub mod similarity;
pub mod sssp;
pub mod triangles;

pub use components::{connected_components, wcc_gsa, wcc_scatter_gather, wcc_vertex_centric};
pub use hits::{Hits, HubAuthority, hits};
pub use kcore::core_numbers;
pub use model::{Model, bfs_in, components_in, pagerank_in, sssp_in};
pub use pagerank::{PageRank, pagerank, pagerank_gsa, pagerank_scatter_gather, pagerank_vertex_centric};
pub use scc::strongly_connected_components;
pub use similarity::{adamic_adar, jaccard, top_per_vertex};
pub use sssp::{bfs, sssp, sssp_gsa, sssp_scatter_gather, sssp_vertex_centric};
pub use triangles::{ClusteringSummary, clustering, triangle_listing, triangles};
