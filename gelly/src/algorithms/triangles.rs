//! Triangles of the undirected simple view (`graph::simple`): per-vertex counts
//! ([`triangles`], networkx's `triangles`), the triangles themselves ([`triangle_listing`],
//! Gelly's TriangleListing), and the clustering coefficients built on them
//! ([`clustering`]: networkx's `clustering`, `average_clustering` and `transitivity`).
//!
//! How: every edge is oriented from the endpoint of lower to the one of higher
//! `(degree, index)` rank, so that each vertex keeps at most `√(2m)` of its neighbours;
//! the workers all-gather these oriented lists (each worker then holds the whole oriented
//! graph, about 4 bytes per undirected edge), and each worker finds the triangles whose
//! lowest-ranked vertex it owns: for each local `u` it marks `u`'s oriented list, and for
//! each `v` in it counts the marked vertices of `v`'s oriented list. Every triangle is found
//! exactly once. Per-vertex counts are summed at the vertices' owners (one all-to-all).

use crate::Result;
use crate::graph::simple::SimpleLists;
use crate::graph::{Graph, block_size};
use crate::ids::VertexKey;

/// The whole graph's oriented lists (held by every worker) and this worker's view.
struct Oriented {
    /// `out[v]`: the neighbours of higher rank of every vertex `v`.
    out: SimpleLists,
    /// This worker's undirected simple lists.
    local: SimpleLists,
}

fn orient<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<Oriented> {
    let local = graph.simple_lists();
    let degree = graph.all_degrees(&local)?;
    let rank = |v: u32| (degree[v as usize], v);
    let lo = graph.lo();
    let mut mine = SimpleLists { offsets: vec![0], nbrs: Vec::new() };
    for i in 0..local.len() {
        let u = lo + i as u32;
        mine.nbrs.extend(local.neighbors(i).iter().copied().filter(|&v| rank(u) < rank(v)));
        mine.offsets.push(mine.nbrs.len());
    }
    let out = SimpleLists::concatenate(graph.worker.all_gather(mine)?);
    Ok(Oriented { out, local })
}

/// Calls `found(u, v, w)` once for every triangle whose lowest-ranked vertex `u` this
/// worker owns (`v`, `w` in rank order); returns their number.
fn for_each_triangle(oriented: &Oriented, lo: u32, mut found: impl FnMut(u32, u32, u32)) -> u64 {
    let out = &oriented.out;
    let mut mark = vec![u32::MAX; out.len()];
    let mut count = 0u64;
    for i in 0..oriented.local.len() {
        let u = lo + i as u32;
        let higher = out.neighbors(u as usize);
        for &v in higher {
            mark[v as usize] = u;
        }
        for &v in higher {
            for &w in out.neighbors(v as usize) {
                if mark[w as usize] == u {
                    count += 1;
                    found(u, v, w);
                }
            }
        }
    }
    count
}

/// Per-vertex triangle counts of this worker's vertices and the whole graph's number of
/// triangles, with the worker's simple lists.
fn count<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<(Vec<u64>, u64, SimpleLists)> {
    let oriented = orient(graph)?;
    let n = oriented.out.len();
    let mut counts = vec![0u64; n];
    let found = for_each_triangle(&oriented, graph.lo(), |u, v, w| {
        counts[u as usize] += 1;
        counts[v as usize] += 1;
        counts[w as usize] += 1;
    });
    let bounds = &graph.parts.bounds;
    let outgoing = (0..graph.worker.parallelism())
        .map(|w| counts[bounds[w] as usize..bounds[w + 1] as usize].to_vec())
        .collect();
    let mut mine = vec![0u64; oriented.local.len()];
    for part in graph.worker.all_to_all(outgoing)? {
        for (total, c) in mine.iter_mut().zip(part) {
            *total += c;
        }
    }
    let total = graph.worker.all_reduce(found, |a, b| a + b)?;
    Ok((mine, total, oriented.local))
}

/// The number of triangles each vertex is part of in the undirected simple view
/// (networkx's `triangles`), and the graph's number of triangles.
///
/// # Errors
/// A runtime failure.
pub fn triangles<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, u64, EV>, u64)> {
    let (counts, total, _) = count(graph)?;
    Ok((graph.with_values(counts), total))
}

/// The triangles of the undirected simple view whose lowest-ranked vertex this worker
/// owns — every triangle on exactly one worker — each as its keys in ascending order,
/// sorted. Gelly's TriangleListing.
///
/// # Errors
/// A runtime failure.
pub fn triangle_listing<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<Vec<[K; 3]>> {
    let oriented = orient(graph)?;
    let mut found = Vec::new();
    for_each_triangle(&oriented, graph.lo(), |u, v, w| {
        let mut t = [u, v, w];
        t.sort_unstable();
        found.push(t);
    });
    // Dense indices are in key order: sorting indices sorts keys.
    found.sort_unstable();
    Ok(found.into_iter().map(|t| t.map(|i| graph.ids.key(i).clone())).collect())
}

/// The graph-wide clustering figures of [`clustering`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusteringSummary {
    /// The mean local coefficient over every vertex (networkx's `average_clustering`,
    /// zeros counted).
    pub average: f64,
    /// Three times the triangles over the connected triples (networkx's `transitivity`;
    /// 0 without triangles).
    pub global: f64,
    /// The number of triangles.
    pub triangles: u64,
    /// The number of connected triples (paths of two edges, `Σ d(d-1)/2`).
    pub triplets: u64,
}

/// Local clustering coefficients of the undirected simple view: for a vertex of degree
/// `d` in `t` triangles, `2t / (d(d-1))`, 0 when `d < 2` (networkx's `clustering`); with
/// the graph's average and global coefficients.
///
/// # Errors
/// A runtime failure.
pub fn clustering<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, f64, EV>, ClusteringSummary)> {
    let (counts, triangles, lists) = count(graph)?;
    let mut triplets = 0u64;
    let coefficients: Vec<f64> = counts
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let d = lists.degree(i) as u64;
            let pairs = d * d.saturating_sub(1) / 2;
            triplets += pairs;
            if pairs == 0 { 0.0 } else { t as f64 / pairs as f64 }
        })
        .collect();
    // Summed per block of the partitioning, then the blocks in order: the same bits for
    // every parallelism (partition boundaries are block boundaries).
    let block = block_size(graph.parts.len()) as usize;
    let blocks: Vec<f64> = coefficients.chunks(block).map(|c| c.iter().sum()).collect();
    let sum: f64 = graph.worker.all_gather(blocks)?.concat().iter().sum();
    let triplets = graph.worker.all_reduce(triplets, |a, b| a + b)?;
    let n = graph.number_of_vertices();
    let summary = ClusteringSummary {
        average: if n == 0 { 0.0 } else { sum / n as f64 },
        global: if triangles == 0 { 0.0 } else { 3.0 * triangles as f64 / triplets as f64 },
        triangles,
        triplets,
    };
    Ok((graph.with_values(coefficients), summary))
}
