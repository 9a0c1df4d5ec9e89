//! Neighbourhood similarity of the undirected simple view (`graph::simple`) for every pair
//! of vertices `u < v` with at least one common neighbour — Gelly's JaccardIndex and
//! AdamicAdar output sets, networkx's definitions:
//! - [`jaccard`]: `|N(u) ∩ N(v)| / |N(u) ∪ N(v)|`;
//! - [`adamic_adar`]: the sum of `1 / ln(degree(w))` over the common neighbours `w`.
//!
//! How: each worker lists, for each of its vertices `w`, every pair of `w`'s neighbours
//! and sends it to the owner of the pair's smaller vertex, which counts (or sums, in the
//! order of `w`, so that the scores are the same bits for every parallelism) per pair.
//! The work and the memory are those of `Σ d(d-1)/2` candidate pairs: meant for graphs
//! where that fits, as in Gelly.

use crate::Result;
use crate::graph::Graph;
use crate::ids::VertexKey;

/// Which score [`pair_scores`] computes.
#[derive(Clone, Copy, PartialEq)]
enum Score {
    Jaccard,
    AdamicAdar,
}

/// This worker's pairs `(u, v, score)` — `u` one of its vertices, `u < v`, at least one
/// common neighbour, score at least `min_score` — sorted by `(u, v)`.
fn pair_scores<K: VertexKey, VV, EV>(
    graph: &Graph<'_, K, VV, EV>,
    score: Score,
    min_score: f64,
) -> Result<Vec<(K, K, f64)>> {
    let worker = graph.worker;
    let p = worker.parallelism();
    let lists = graph.simple_lists();
    let degree = graph.all_degrees(&lists)?;
    let lo = graph.lo();
    // (u, v, w): the common neighbour w of u < v, sent to u's owner.
    let mut outgoing: Vec<Vec<(u32, u32, u32)>> = vec![Vec::new(); p];
    let mut sorted = Vec::new();
    for i in 0..lists.len() {
        let w = lo + i as u32;
        sorted.clear();
        sorted.extend_from_slice(lists.neighbors(i));
        sorted.sort_unstable();
        for (k, &u) in sorted.iter().enumerate() {
            let to = &mut outgoing[graph.parts.owner(u)];
            to.extend(sorted[k + 1..].iter().map(|&v| (u, v, w)));
        }
    }
    let mut triples: Vec<(u32, u32, u32)> = worker.all_to_all(outgoing)?.concat();
    triples.sort_unstable();
    let mut pairs = Vec::new();
    for run in triples.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (u, v) = (run[0].0, run[0].1);
        let value = match score {
            Score::Jaccard => {
                let common = run.len() as f64;
                common / (f64::from(degree[u as usize]) + f64::from(degree[v as usize]) - common)
            }
            Score::AdamicAdar => run.iter().map(|&(_, _, w)| 1.0 / f64::from(degree[w as usize]).ln()).sum(),
        };
        if value >= min_score {
            pairs.push((graph.ids.key(u).clone(), graph.ids.key(v).clone(), value));
        }
    }
    Ok(pairs)
}

/// The Jaccard index of every pair `u < v` with a common neighbour (networkx's
/// `jaccard_coefficient` over those pairs), at least `min_score`: this worker's pairs
/// (`u` one of its vertices), sorted by `(u, v)`.
///
/// # Errors
/// A runtime failure.
pub fn jaccard<K: VertexKey, VV, EV>(
    graph: &Graph<'_, K, VV, EV>,
    min_score: f64,
) -> Result<Vec<(K, K, f64)>> {
    pair_scores(graph, Score::Jaccard, min_score)
}

/// The Adamic–Adar index of every pair `u < v` with a common neighbour (networkx's
/// `adamic_adar_index` over those pairs), at least `min_score`: this worker's pairs,
/// sorted by `(u, v)`.
///
/// # Errors
/// A runtime failure.
pub fn adamic_adar<K: VertexKey, VV, EV>(
    graph: &Graph<'_, K, VV, EV>,
    min_score: f64,
) -> Result<Vec<(K, K, f64)>> {
    pair_scores(graph, Score::AdamicAdar, min_score)
}

/// The pairs among the `k` best of either of their vertices: for each vertex, its `k`
/// highest-scoring pairs (ties to the smaller other vertex) — a link predictor's `k`
/// candidates per vertex. Keeps the input's order (sorted by `(u, v)` in, sorted out).
pub fn top_per_vertex<K: Ord + Clone>(pairs: Vec<(K, K, f64)>, k: usize) -> Vec<(K, K, f64)> {
    let mut by_vertex: std::collections::BTreeMap<&K, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, (u, v, _)) in pairs.iter().enumerate() {
        by_vertex.entry(u).or_default().push(i);
        by_vertex.entry(v).or_default().push(i);
    }
    let mut keep = vec![false; pairs.len()];
    for (vertex, mut mine) in by_vertex {
        let other = |i: usize| if &pairs[i].0 == vertex { &pairs[i].1 } else { &pairs[i].0 };
        mine.sort_by(|&a, &b| pairs[b].2.total_cmp(&pairs[a].2).then_with(|| other(a).cmp(other(b))));
        for &i in mine.iter().take(k) {
            keep[i] = true;
        }
    }
    pairs.into_iter().zip(keep).filter_map(|(pair, kept)| kept.then_some(pair)).collect()
}
