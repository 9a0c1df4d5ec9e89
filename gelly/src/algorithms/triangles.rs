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

/// A vertex's candidates are looked up by binary search in a neighbour's list when that
/// list is more than this many times longer, and the list is scanned against the marked
/// candidates otherwise.
const SEARCH_BELOW: usize = 16;

/// The whole graph's oriented lists (held by every worker) and this worker's view.
struct Oriented {
    /// `out[v]`: the neighbours of higher rank of every vertex `v`, ascending by index.
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
        let from = mine.nbrs.len();
        mine.nbrs.extend(local.neighbors(i).iter().copied().filter(|&v| rank(u) < rank(v)));
        mine.nbrs[from..].sort_unstable();
        mine.offsets.push(mine.nbrs.len());
    }
    let out = SimpleLists::concatenate(graph.worker.all_gather(mine)?);
    Ok(Oriented { out, local })
}

/// Calls `found(u, v, w)` once for every triangle whose lowest-ranked vertex `u` this
/// worker owns (`v`, `w` in rank order).
fn for_each_triangle(oriented: &Oriented, lo: u32, mut found: impl FnMut(u32, u32, u32)) {
    let out = &oriented.out;
    let mut mark = vec![u32::MAX; out.len()];
    for i in 0..oriented.local.len() {
        let u = lo + i as u32;
        let higher = out.neighbors(u as usize);
        for &v in higher {
            mark[v as usize] = u;
        }
        for &v in higher {
            for &w in out.neighbors(v as usize) {
                if mark[w as usize] == u {
                    found(u, v, w);
                }
            }
        }
    }
}

/// Per-vertex triangle counts of this worker's vertices and the whole graph's number of
/// triangles, with the worker's simple lists.
///
/// The counting loop has no branch per candidate and no random write per triangle: a
/// triangle `(u, v, w)` found at `u` adds to `u`'s count in a register, to `v`'s once per
/// oriented edge `(u, v)`, and to a per-edge counter at `w`'s position in `v`'s list,
/// which the scan of that list writes in order; one pass over the oriented lists then
/// adds each edge's counter to its head.
fn count<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<(Vec<u64>, u64, SimpleLists)> {
    let oriented = orient(graph)?;
    let out = &oriented.out;
    let n = out.len();
    let lo = graph.lo();
    let mut counts = vec![0u64; n];
    let mut per_edge = vec![0u32; out.nbrs.len()];
    // The candidates as a bitmap: n bits stay in L2 where a mark per vertex would not.
    let mut marked = vec![0u64; n.div_ceil(64)];
    let mut found = 0u64;
    for i in 0..oriented.local.len() {
        let u = lo + i as u32;
        let higher = out.neighbors(u as usize);
        for &v in higher {
            marked[(v >> 6) as usize] |= 1 << (v & 63);
        }
        let mut at_u = 0u64;
        for &v in higher {
            let range = out.offsets[v as usize]..out.offsets[v as usize + 1];
            let mut at_v = 0u32;
            let list = &out.nbrs[range.clone()];
            if higher.len() * SEARCH_BELOW < list.len() {
                // Few candidates against a long list: look each one up.
                for &w in higher {
                    if let Ok(k) = list.binary_search(&w) {
                        per_edge[range.start + k] += 1;
                        at_v += 1;
                    }
                }
            } else {
                for (&w, hits) in list.iter().zip(&mut per_edge[range]) {
                    let hit = ((marked[(w >> 6) as usize] >> (w & 63)) & 1) as u32;
                    *hits += hit;
                    at_v += hit;
                }
            }
            counts[v as usize] += u64::from(at_v);
            at_u += u64::from(at_v);
        }
        // Every bit set in these words is one of `u`'s candidates.
        for &v in higher {
            marked[(v >> 6) as usize] = 0;
        }
        counts[u as usize] += at_u;
        found += at_u;
    }
    for v in 0..n {
        let range = out.offsets[v]..out.offsets[v + 1];
        for (&w, &hits) in out.nbrs[range.clone()].iter().zip(&per_edge[range]) {
            counts[w as usize] += u64::from(hits);
        }
    }
    drop(per_edge);
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
