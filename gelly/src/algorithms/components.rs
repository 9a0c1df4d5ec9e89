//! Weakly connected components: every vertex is labelled with the smallest key of its
//! component (edge directions ignored).
//!
//! [`connected_components`] is the fast path: each worker unions the endpoints of its
//! out-edges in a disjoint-set forest over all vertex indices (linking the larger root
//! under the smaller, so a root is its component's smallest index), then the workers'
//! forests are all-gathered and merged — one exchange in all. The same labels come from
//! each of the three iteration models: [`wcc_vertex_centric`], [`wcc_scatter_gather`],
//! [`wcc_gsa`] (min-label propagation; supersteps ≈ the largest component's diameter).

use eddy_core::Data;

use crate::Result;
use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::gsa::GatherSumApply;
use crate::models::scatter_gather::ScatterGather;
use crate::models::vertex_centric::VertexCentric;
use crate::models::{IterationStats, Reporter};

fn find(parent: &mut [u32], mut v: u32) -> u32 {
    while parent[v as usize] != v {
        let grand = parent[parent[v as usize] as usize];
        parent[v as usize] = grand;
        v = grand;
    }
    v
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let ra = find(parent, a);
    let rb = find(parent, b);
    if ra < rb {
        parent[rb as usize] = ra;
    } else if rb < ra {
        parent[ra as usize] = rb;
    }
}

/// Weakly connected components, fast path; each vertex's value is the smallest key of
/// its component.
///
/// # Errors
/// A runtime failure.
pub fn connected_components<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, K, EV>, IterationStats)> {
    let worker = graph.worker;
    let n = graph.ids.len();
    let lo = graph.lo();
    let mut reporter = Reporter::new(worker);
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for i in 0..graph.values.len() {
        let s = lo + i as u32;
        for &d in graph.out.neighbors(i) {
            union(&mut parent, s, d);
        }
    }
    if worker.parallelism() > 1 {
        // Flatten before shipping so merging is one union per vertex and peer.
        for v in 0..n as u32 {
            parent[v as usize] = find(&mut parent, v);
        }
        let me = worker.index();
        for (w, theirs) in worker.all_gather(parent.clone())?.into_iter().enumerate() {
            if w == me {
                continue;
            }
            for (v, &r) in theirs.iter().enumerate() {
                if r != v as u32 {
                    union(&mut parent, v as u32, r);
                }
            }
        }
    }
    let labels: Vec<K> =
        (0..graph.values.len()).map(|i| graph.ids.key(find(&mut parent, lo + i as u32)).clone()).collect();
    reporter.report_values(1, n as u64, n as u64, Vec::new(), true);
    Ok((graph.with_values(labels), IterationStats { supersteps: 1, converged: true, aggregate: () }))
}

/// Weakly connected components in the vertex-centric model (min-label propagation with a
/// min combiner).
///
/// # Errors
/// A runtime failure.
pub fn wcc_vertex_centric<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationStats)> {
    let start = graph.map_vertices(|k, _| k.clone());
    let config = VertexCentric::new(max_iterations).combiner(|a: &mut K, b: K| {
        if b < *a {
            *a = b;
        }
    });
    start.run_vertex_centric(config, |v, messages| {
        let smaller = messages.iter().min().filter(|m| *m < v.value()).cloned();
        let announce = match smaller {
            Some(m) => {
                v.set_value(m);
                true
            }
            None => v.superstep() == 1,
        };
        if announce {
            let label = v.value().clone();
            v.send_to_neighbors(EdgeDirection::All, label);
        }
        v.vote_to_halt();
    })
}

/// Weakly connected components in the scatter-gather model.
///
/// # Errors
/// A runtime failure.
pub fn wcc_scatter_gather<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationStats)> {
    let start = graph.map_vertices(|k, _| k.clone());
    let config = ScatterGather::new(max_iterations).direction(EdgeDirection::All);
    start.run_scatter_gather(
        config,
        |s| {
            let label = s.value().clone();
            s.send_to_all(label);
        },
        |_, value, messages| messages.iter().min().filter(|m| *m < value).cloned(),
    )
}

/// Weakly connected components in the gather-sum-apply model.
///
/// # Errors
/// A runtime failure.
pub fn wcc_gsa<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationStats)> {
    let start = graph.map_vertices(|k, _| k.clone());
    let config = GatherSumApply::new(max_iterations).direction(EdgeDirection::All);
    start.run_gather_sum_apply(
        config,
        |neighbor: &K, _| neighbor.clone(),
        |a, b| a.min(b),
        |_, value, smallest| (smallest < *value).then_some(smallest),
    )
}
