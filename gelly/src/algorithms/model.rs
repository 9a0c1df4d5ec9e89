//! Which implementation runs an algorithm: the hand-written fast path or one of the three
//! generic iteration models. Every model gives the fast path's results (PageRank within
//! 1e-12 per vertex, components and distances equal), so a user can compare their speed
//! on the same input (`eddy pagerank --model gsa`).
//!
//! **Note**: the generic models run until they halt (no superstep limit); their speed is
//! the subject of the benchmarks, not their results.

use std::fmt;
use std::str::FromStr;

use eddy_core::Data;

use super::components::{connected_components, wcc_gsa, wcc_scatter_gather, wcc_vertex_centric};
use super::pagerank::{PageRank, pagerank, pagerank_gsa, pagerank_scatter_gather, pagerank_vertex_centric};
use super::sssp::{
    bfs, distances_gsa, distances_scatter_gather, distances_vertex_centric, sssp, sssp_gsa,
    sssp_scatter_gather, sssp_vertex_centric,
};
use crate::graph::Graph;
use crate::ids::VertexKey;
use crate::{Error, IterationSummary, Result};

/// An implementation of the graph algorithms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Model {
    /// The hand-written kernel (pull PageRank, Afforest, partitioned Dijkstra,
    /// direction-optimising BFS).
    #[default]
    #[serde(rename = "fast")]
    Fast,
    /// The vertex-centric (Pregel) model.
    #[serde(rename = "vertex-centric")]
    VertexCentric,
    /// The scatter-gather model.
    #[serde(rename = "scatter-gather")]
    ScatterGather,
    /// The gather-sum-apply model.
    #[serde(rename = "gsa")]
    GatherSumApply,
}

impl Model {
    /// Every model, the fast path first.
    pub const ALL: [Model; 4] =
        [Model::Fast, Model::VertexCentric, Model::ScatterGather, Model::GatherSumApply];

    /// The name the CLI and the serde form use: `fast`, `vertex-centric`,
    /// `scatter-gather`, `gsa`.
    pub fn name(self) -> &'static str {
        match self {
            Model::Fast => "fast",
            Model::VertexCentric => "vertex-centric",
            Model::ScatterGather => "scatter-gather",
            Model::GatherSumApply => "gsa",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Model {
    type Err = Error;

    /// Parses a [`Model::name`].
    fn from_str(s: &str) -> Result<Self> {
        Model::ALL.into_iter().find(|m| m.name() == s).ok_or_else(|| Error::InvalidParameter {
            name: "model",
            reason: format!("{s:?} is not one of fast, vertex-centric, scatter-gather, gsa"),
        })
    }
}

/// PageRank in `model`; see [`pagerank`].
///
/// # Errors
/// Invalid parameters, runtime failures.
///
/// # Example
/// ```
/// use eddy_gelly::Graph;
/// use eddy_gelly::algorithms::{Model, PageRank, pagerank_in};
/// # fn main() -> eddy_gelly::Result<()> {
/// let ranks = eddy_runtime::LocalRuntime::with_parallelism(2)?.execute(|worker| {
///     let graph = Graph::from_edges(worker, [(1u64, 2u64, ()), (2, 3, ()), (3, 1, ())])?;
///     let fast = pagerank_in(Model::Fast, &graph, &PageRank::iterations(10))?.0;
///     let gsa = pagerank_in(Model::GatherSumApply, &graph, &PageRank::iterations(10))?.0;
///     Ok::<_, eddy_core::Error>((fast.local_values().to_vec(), gsa.local_values().to_vec()))
/// })?;
/// for (fast, gsa) in ranks {
///     assert!(fast.iter().zip(&gsa).all(|(a, b)| (a - b).abs() < 1e-12));
/// }
/// # Ok(()) }
/// ```
pub fn pagerank_in<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    model: Model,
    graph: &Graph<'w, K, VV, EV>,
    params: &PageRank,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<f64>)> {
    match model {
        Model::Fast => pagerank(graph, params),
        Model::VertexCentric => pagerank_vertex_centric(graph, params),
        Model::ScatterGather => pagerank_scatter_gather(graph, params),
        Model::GatherSumApply => pagerank_gsa(graph, params),
    }
}

/// Weakly connected components in `model`; see [`connected_components`].
///
/// # Errors
/// A runtime failure.
pub fn components_in<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    model: Model,
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    match model {
        Model::Fast => connected_components(graph),
        Model::VertexCentric => wcc_vertex_centric(graph, u32::MAX),
        Model::ScatterGather => wcc_scatter_gather(graph, u32::MAX),
        Model::GatherSumApply => wcc_gsa(graph, u32::MAX),
    }
}

/// Weighted shortest paths from `source` in `model`; see [`sssp`].
///
/// # Errors
/// As [`sssp`].
pub fn sssp_in<'w, K: VertexKey, VV: Data + Clone>(
    model: Model,
    graph: &Graph<'w, K, VV, f64>,
    source: &K,
) -> Result<(Graph<'w, K, f64, f64>, IterationSummary<()>)> {
    match model {
        Model::Fast => sssp(graph, source),
        Model::VertexCentric => sssp_vertex_centric(graph, source, u32::MAX),
        Model::ScatterGather => sssp_scatter_gather(graph, source, u32::MAX),
        Model::GatherSumApply => sssp_gsa(graph, source, u32::MAX),
    }
}

/// Hop counts from `source` in `model`; see [`bfs`].
///
/// # Errors
/// As [`bfs`].
pub fn bfs_in<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    model: Model,
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<()>)> {
    let hop = |_: &EV| 1.0;
    match model {
        Model::Fast => bfs(graph, source),
        Model::VertexCentric => distances_vertex_centric(graph, source, u32::MAX, hop),
        Model::ScatterGather => distances_scatter_gather(graph, source, u32::MAX, hop),
        Model::GatherSumApply => distances_gsa(graph, source, u32::MAX, hop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A skewed random graph on `n` ids (low ids are hubs) with weights in 1..=8, duplicates
    /// and a few vertices of their own component.
    fn edges(n: u64, m: usize) -> Vec<(u64, u64, f64)> {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut all: Vec<(u64, u64, f64)> = (0..m)
            .map(|_| {
                let (a, b) = (next() % n, next() % n);
                (a.min(b), next() % n, (1 + next() % 8) as f64)
            })
            .collect();
        all.extend([(n, n + 1, 1.0), (n + 2, n + 1, 2.0)]);
        all
    }

    /// The unit tests' segments are 64 vertices wide: the models' dense supersteps gather
    /// over many segments (with edge positions for SSSP's weights), at P = 1, 2, 3.
    #[test]
    fn every_model_matches_the_fast_path_over_many_segments() {
        let all = edges(2_000, 12_000);
        for p in [1, 2, 3] {
            eddy_runtime::LocalRuntime::with_parallelism(p)
                .unwrap()
                .execute(|w| {
                    let share = w.share(all.len());
                    let graph = Graph::from_edges(w, all[share].iter().copied())?;
                    let params = PageRank::iterations(15);
                    let fast = pagerank_in(Model::Fast, &graph, &params)?.0;
                    let labels = components_in(Model::Fast, &graph)?.0;
                    let distances = sssp_in(Model::Fast, &graph, &0)?.0;
                    let others = labels.local_values().iter().filter(|&&l| l != 0).count() as u64;
                    assert!(w.all_reduce(others, |a, b| a + b)? >= 3, "more than one component");
                    for model in &Model::ALL[1..] {
                        let ranks = pagerank_in(*model, &graph, &params)?.0;
                        for (a, b) in fast.local_values().iter().zip(ranks.local_values()) {
                            assert!((a - b).abs() < 1e-12, "{model} PageRank {b} vs {a}, P = {p}");
                        }
                        let got = components_in(*model, &graph)?.0;
                        assert_eq!(got.local_values(), labels.local_values(), "{model} WCC, P = {p}");
                        let got = sssp_in(*model, &graph, &0)?.0;
                        assert_eq!(got.local_values(), distances.local_values(), "{model} SSSP, P = {p}");
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
}
