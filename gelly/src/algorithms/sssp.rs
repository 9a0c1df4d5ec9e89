//! Single-source shortest paths. Distances are `f64`; unreachable vertices get
//! `f64::INFINITY`; a distance is the smallest sum `((0 + w1) + w2) + …` along a path,
//! summed from the source, like networkx's Dijkstra.
//!
//! - [`sssp`]: weighted, non-negative weights. Each superstep every worker runs Dijkstra
//!   inside its partition from the vertices whose distance improved, and ships the best
//!   tentative distance per remote target (combined by min) to its owner; it ends when no
//!   distance improves anywhere. Supersteps ≈ how often shortest paths cross partitions.
//! - [`bfs`]: unweighted hop counts, level-synchronous (one superstep per level),
//!   direction-optimising (top-down while the frontier is small, bottom-up while it is large).
//! - [`sssp_vertex_centric`], [`sssp_scatter_gather`], [`sssp_gsa`]: the weighted version in
//!   the three generic models (Bellman-Ford-style relaxation; the same distances, bit for
//!   bit, since every model sums a path's weights from the source in the same order).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{
    Control, Data, Iteration, IterationKind, IterationState, IterationSummary, Sum, SuperstepEngine,
};

use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::gsa::GatherSumApply;
use crate::models::scatter_gather::ScatterGather;
use crate::models::vertex_centric::VertexCentric;
use crate::{Error, Result};

fn source_index<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>, source: &K) -> Result<u32> {
    graph.ids.index_of(source).ok_or_else(|| Error::UnknownVertex {
        key: source.to_string(),
        context: "the source vertex is not in the graph".into(),
    })
}

/// Fails (on every worker alike) if any edge weight is negative or NaN.
fn check_weights<K: VertexKey, VV>(graph: &Graph<'_, K, VV, f64>) -> Result<()> {
    let lo = graph.lo();
    let mut bad: Option<(u32, u32, f64)> = None;
    'scan: for i in 0..graph.values.len() {
        for (&d, &w) in graph.out.neighbors(i).iter().zip(graph.out.edge_values(i)) {
            if w.is_nan() || w < 0.0 {
                bad = Some((lo + i as u32, d, w));
                break 'scan;
            }
        }
    }
    let bad = graph.worker.all_reduce(bad, |a, b| match (a, b) {
        (Some(x), Some(y)) => Some(if (y.0, y.1) < (x.0, x.1) { y } else { x }),
        (x, y) => x.or(y),
    })?;
    match bad {
        Some((s, d, w)) => Err(Error::InvalidWeight {
            src: graph.ids.key(s).to_string(),
            dst: graph.ids.key(d).to_string(),
            weight: w,
            reason: if w.is_nan() {
                "shortest paths need numeric weights"
            } else {
                "shortest paths need non-negative weights"
            },
        }),
        None => Ok(()),
    }
}

#[derive(PartialEq)]
struct Entry(f64, u32);
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// Weighted single-source shortest paths from `source`, fast path.
///
/// # Errors
/// [`Error::UnknownVertex`] if `source` is not a vertex, [`Error::InvalidWeight`] for a
/// negative or NaN weight, runtime failures.
pub fn sssp<'w, K: VertexKey, VV>(
    graph: &Graph<'w, K, VV, f64>,
    source: &K,
) -> Result<(Graph<'w, K, f64, f64>, IterationSummary<()>)> {
    let source = source_index(graph, source)?;
    check_weights(graph)?;
    let worker = graph.worker;
    let p = worker.parallelism();
    let me = worker.index();
    let parts = &graph.parts;
    let lo = graph.lo();
    let len = graph.values.len();
    let mut state = DijkstraState { dist: vec![f64::INFINITY; len], heap: BinaryHeap::new() };
    if parts.owner(source) == me {
        state.dist[(source - lo) as usize] = 0.0;
        state.heap.push(Reverse(Entry(0.0, source - lo)));
    }
    let mut best_remote: Vec<rustc_hash::FxHashMap<u32, f64>> = (0..p).map(|_| Default::default()).collect();
    let iteration = Iteration::new(u32::MAX);
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, true, &mut state)?;
    while engine.next_superstep().is_some() {
        let DijkstraState { dist, heap } = &mut state;
        let mut settled = 0u64;
        while let Some(Reverse(Entry(du, u))) = heap.pop() {
            if du > dist[u as usize] {
                continue;
            }
            settled += 1;
            let u = u as usize;
            for (&t, &w) in graph.out.neighbors(u).iter().zip(graph.out.edge_values(u)) {
                let nd = du + w;
                let owner = parts.owner(t);
                if owner == me {
                    let slot = &mut dist[(t - lo) as usize];
                    if nd < *slot {
                        *slot = nd;
                        heap.push(Reverse(Entry(nd, t - lo)));
                    }
                } else {
                    best_remote[owner].entry(t).and_modify(|x| *x = x.min(nd)).or_insert(nd);
                }
            }
        }
        let outgoing: Vec<Vec<(u32, f64)>> = best_remote.iter_mut().map(|m| m.drain().collect()).collect();
        let mut improved = 0u64;
        for (t, nd) in worker.all_to_all(outgoing)?.into_iter().flatten() {
            let slot = &mut dist[(t - lo) as usize];
            if nd < *slot {
                *slot = nd;
                heap.push(Reverse(Entry(nd, t - lo)));
                improved += 1;
            }
        }
        // Active next: the vertices a remote distance improved; settled: this superstep's work.
        let local = Control { active: improved, changed: settled, aggregate: () };
        if engine.end_superstep(local, &state)?.done {
            break;
        }
    }
    Ok((graph.with_values(state.dist), engine.finish()))
}

/// The fast SSSP's state between supersteps: distances and the vertices to settle next.
struct DijkstraState {
    dist: Vec<f64>,
    heap: BinaryHeap<Reverse<Entry>>,
}

impl IterationState for DijkstraState {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        let queued: Vec<(f64, u32)> = self.heap.iter().map(|Reverse(Entry(d, v))| (*d, *v)).collect();
        encode(&(&self.dist, queued))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        let (dist, queued): (Vec<f64>, Vec<(f64, u32)>) = decode(bytes)?;
        self.dist = dist;
        self.heap = queued.into_iter().map(|(d, v)| Reverse(Entry(d, v))).collect();
        Ok(())
    }
}

/// Unweighted shortest paths (hop counts, as `f64`) from `source`, level-synchronous.
///
/// # Errors
/// [`Error::UnknownVertex`] if `source` is not a vertex, runtime failures.
pub fn bfs<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<()>)> {
    let source = source_index(graph, source)?;
    let worker = graph.worker;
    let p = worker.parallelism();
    let me = worker.index();
    let parts = &graph.parts;
    let lo = graph.lo();
    let len = graph.values.len();
    let n = graph.ids.len();
    let mut state = BfsState {
        dist: vec![f64::INFINITY; len],
        frontier: Vec::new(),
        sent: vec![0u64; n.div_ceil(64)],
        unvisited_in_edges: 0,
        bottom_up: false,
    };
    if parts.owner(source) == me {
        state.dist[(source - lo) as usize] = 0.0;
        state.frontier.push(source - lo);
    }
    // Direction optimisation (Beamer et al., SC 2012): when the frontier's out-edges
    // outnumber 1/ALPHA of the unvisited vertices' in-edges, every unvisited vertex looks
    // for a parent among its in-neighbours instead (bottom-up, reading an all-gathered
    // frontier bitmap); back to top-down once the frontier is below n/BETA vertices. The
    // levels are the same either way.
    const ALPHA: u64 = 14;
    const BETA: u64 = 24;
    let mut in_frontier = vec![0u64; n.div_ceil(64)];
    state.unvisited_in_edges = graph.inn.len() as u64
        - state.frontier.iter().map(|&v| graph.inn.degree(v as usize) as u64).sum::<u64>();
    let frontier_out_edges: u64 = state.frontier.iter().map(|&v| graph.out.degree(v as usize) as u64).sum();
    let initial =
        worker.all_reduce((frontier_out_edges, state.unvisited_in_edges), |a, b| (a.0 + b.0, a.1 + b.1))?;
    // The aggregate: the next frontier's out-edges and size, the unvisited vertices' in-edges.
    let iteration = Iteration::new(u32::MAX).aggregate::<(Sum<u64>, Sum<u64>, Sum<u64>)>();
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, true, &mut state)?;
    while let Some(superstep) = engine.next_superstep() {
        let (global_out, active_global, global_unvisited) =
            engine.previous().map_or((initial.0, 1, initial.1), |(o, a, u)| (o.get(), a.get(), u.get()));
        let BfsState { dist, frontier, sent, unvisited_in_edges, bottom_up } = &mut state;
        let level = f64::from(superstep);
        if !*bottom_up && global_out * ALPHA > global_unvisited {
            *bottom_up = true;
        } else if *bottom_up && active_global * BETA < n as u64 {
            *bottom_up = false;
        }
        let mut next = Vec::new();
        if *bottom_up {
            let mine: Vec<u32> = frontier.iter().map(|&v| lo + v).collect();
            in_frontier.iter_mut().for_each(|w| *w = 0);
            for g in worker.all_gather(mine)?.into_iter().flatten() {
                in_frontier[(g / 64) as usize] |= 1 << (g % 64);
            }
            for (v, slot) in dist.iter_mut().enumerate() {
                if *slot == f64::INFINITY
                    && graph
                        .inn
                        .neighbors(v)
                        .iter()
                        .any(|&u| in_frontier[(u / 64) as usize] & (1 << (u % 64)) != 0)
                {
                    *slot = level;
                    next.push(v as u32);
                }
            }
        } else {
            let mut outgoing: Vec<Vec<u32>> = (0..p).map(|_| Vec::new()).collect();
            for &u in frontier.iter() {
                for &t in graph.out.neighbors(u as usize) {
                    let owner = parts.owner(t);
                    if owner == me {
                        let slot = &mut dist[(t - lo) as usize];
                        if *slot == f64::INFINITY {
                            *slot = level;
                            next.push(t - lo);
                        }
                    } else {
                        let (word, bit) = ((t / 64) as usize, t % 64);
                        if sent[word] & (1 << bit) == 0 {
                            sent[word] |= 1 << bit;
                            outgoing[owner].push(t);
                        }
                    }
                }
            }
            for t in worker.all_to_all(outgoing)?.into_iter().flatten() {
                let slot = &mut dist[(t - lo) as usize];
                if *slot == f64::INFINITY {
                    *slot = level;
                    next.push(t - lo);
                }
            }
        }
        let out_edges: u64 = next.iter().map(|&v| graph.out.degree(v as usize) as u64).sum();
        *unvisited_in_edges -= next.iter().map(|&v| graph.inn.degree(v as usize) as u64).sum::<u64>();
        let visited = frontier.len() as u64;
        *frontier = next;
        let local = Control {
            active: frontier.len() as u64,
            changed: visited,
            aggregate: (Sum(out_edges), Sum(frontier.len() as u64), Sum(*unvisited_in_edges)),
        };
        if engine.end_superstep(local, &state)?.done {
            break;
        }
    }
    Ok((graph.with_values(state.dist), engine.finish().map(|_| ())))
}

/// The BFS state between levels, on one worker.
#[derive(serde::Serialize, serde::Deserialize)]
struct BfsState {
    dist: Vec<f64>,
    /// This worker's vertices reached in the last level (local indices).
    frontier: Vec<u32>,
    /// Remote targets already sent (they get a level no larger than the one sent).
    sent: Vec<u64>,
    unvisited_in_edges: u64,
    bottom_up: bool,
}

eddy_core::serde_iteration_state!(BfsState);

/// Weighted single-source shortest paths in the vertex-centric model (Bellman-Ford style
/// relaxation with a min combiner).
///
/// # Errors
/// As [`sssp`].
pub fn sssp_vertex_centric<'w, K: VertexKey, VV: Data + Clone>(
    graph: &Graph<'w, K, VV, f64>,
    source: &K,
    max_iterations: u32,
) -> Result<(Graph<'w, K, f64, f64>, IterationSummary<()>)> {
    check_weights(graph)?;
    distances_vertex_centric(graph, source, max_iterations, |w| *w)
}

/// Weighted single-source shortest paths in the scatter-gather model: a vertex whose
/// distance dropped scatters `distance + weight` along its out-edges; a vertex gathers the
/// smallest offer.
///
/// # Errors
/// As [`sssp`].
pub fn sssp_scatter_gather<'w, K: VertexKey, VV: Data + Clone>(
    graph: &Graph<'w, K, VV, f64>,
    source: &K,
    max_iterations: u32,
) -> Result<(Graph<'w, K, f64, f64>, IterationSummary<()>)> {
    check_weights(graph)?;
    distances_scatter_gather(graph, source, max_iterations, |w| *w)
}

/// Weighted single-source shortest paths in the gather-sum-apply model: every vertex
/// with a changed in-neighbour gathers `distance + weight` over its in-edges, sums with
/// `min` and keeps the result if it is smaller.
///
/// # Errors
/// As [`sssp`].
pub fn sssp_gsa<'w, K: VertexKey, VV: Data + Clone>(
    graph: &Graph<'w, K, VV, f64>,
    source: &K,
    max_iterations: u32,
) -> Result<(Graph<'w, K, f64, f64>, IterationSummary<()>)> {
    check_weights(graph)?;
    distances_gsa(graph, source, max_iterations, |w| *w)
}

/// The start of every model's shortest paths: 0 at the source, infinity elsewhere.
fn initial_distances<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
) -> Result<Graph<'w, K, f64, EV>> {
    let source_key = graph.ids.key(source_index(graph, source)?).clone();
    Ok(graph.map_vertices(|k, _| if *k == source_key { 0.0 } else { f64::INFINITY }))
}

/// Shortest paths with `weight(edge value)` per edge (1 for hop counts), vertex-centric.
pub(crate) fn distances_vertex_centric<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
    max_iterations: u32,
    weight: impl Fn(&EV) -> f64,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<()>)> {
    let start = initial_distances(graph, source)?;
    let config = VertexCentric::new(max_iterations).combiner(|a: &mut f64, b: f64| *a = a.min(b));
    start.run_vertex_centric(config, |v, messages| {
        let best = messages.iter().copied().fold(f64::INFINITY, f64::min);
        let announce = if best < *v.value() {
            v.set_value(best);
            true
        } else {
            v.superstep() == 1 && *v.value() == 0.0
        };
        if announce {
            let d = *v.value();
            v.send_along(EdgeDirection::Out, |w| Some(d + weight(w)));
        }
        v.vote_to_halt();
    })
}

/// Shortest paths with `weight(edge value)` per edge, scatter-gather.
pub(crate) fn distances_scatter_gather<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
    max_iterations: u32,
    weight: impl Fn(&EV) -> f64,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<()>)> {
    let start = initial_distances(graph, source)?;
    let config = ScatterGather::new(max_iterations).combiner(|a: &mut f64, b: f64| *a = a.min(b));
    start.run_scatter_gather(
        config,
        |s| {
            let d = *s.value();
            if d.is_finite() {
                s.send_along(|w| Some(d + weight(w)));
            }
        },
        |vertex, offers| {
            let best = offers.iter().copied().fold(f64::INFINITY, f64::min);
            (best < *vertex.value()).then_some(best)
        },
    )
}

/// Shortest paths with `weight(edge value)` per edge, gather-sum-apply.
pub(crate) fn distances_gsa<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    source: &K,
    max_iterations: u32,
    weight: impl Fn(&EV) -> f64,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<()>)> {
    let start = initial_distances(graph, source)?;
    start.run_gather_sum_apply(
        GatherSumApply::new(max_iterations),
        |d: &f64, w| d + weight(w),
        f64::min,
        |_, d, offer| offer.filter(|o| o < d),
    )
}
