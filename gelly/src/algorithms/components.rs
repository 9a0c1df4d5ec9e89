//! Weakly connected components: every vertex is labelled with the smallest key of its
//! component (edge directions ignored).
//!
//! [`connected_components`] is the fast path: Afforest-style sampling, then each worker
//! unions the edges of its vertices outside the giant component in a disjoint-set forest
//! over all vertex indices (linking the larger root under the smaller, so a root is its
//! component's smallest index); the workers' forests are all-gathered and merged — two
//! exchanges in all. The same labels come from
//! each of the three iteration models: [`wcc_vertex_centric`], [`wcc_scatter_gather`],
//! [`wcc_gsa`] (min-label propagation; supersteps ≈ the largest component's diameter).

use eddy_core::{Control, Data, Iteration, IterationKind, IterationSummary, SuperstepEngine};

use crate::Result;
use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::gsa::GatherSumApply;
use crate::models::scatter_gather::ScatterGather;
use crate::models::vertex_centric::VertexCentric;

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
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    let worker = graph.worker;
    let n = graph.ids.len();
    let lo = graph.lo();
    let len = graph.values.len();
    // One superstep: the two forest merges end in one boundary.
    let iteration = Iteration::new(1);
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, false, &mut ())?;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    // Afforest (Sutton et al., IPDPS 2018): link every vertex to a few neighbours first,
    // merge the workers' forests, then find the component most sampled vertices belong to
    // — on real graphs the giant one — and link only the vertices outside it along all
    // their out- and in-edges. An edge u -> v is then either linked at u (u outside the
    // giant component), or at v through its in-edge (v outside), or both ends were already
    // known to be in the giant component.
    const SAMPLE_NEIGHBOURS: usize = 2;
    for i in 0..len {
        let v = lo + i as u32;
        for &u in graph.out.neighbors(i).iter().take(SAMPLE_NEIGHBOURS) {
            union(&mut parent, v, u);
        }
        if let Some(&u) = graph.inn.neighbors(i).first() {
            union(&mut parent, v, u);
        }
    }
    merge_forests(worker, &mut parent)?;
    let samples = n.min(1024);
    let mut counts: rustc_hash::FxHashMap<u32, u32> = rustc_hash::FxHashMap::default();
    for k in 0..samples {
        let v = (k as u64 * n as u64 / samples as u64) as u32;
        *counts.entry(find(&mut parent, v)).or_default() += 1;
    }
    let giant =
        counts.into_iter().max_by_key(|&(root, count)| (count, std::cmp::Reverse(root))).map(|(r, _)| r);
    for i in 0..len {
        let v = lo + i as u32;
        if Some(find(&mut parent, v)) == giant {
            continue;
        }
        for &u in graph.out.neighbors(i).iter().skip(SAMPLE_NEIGHBOURS).chain(graph.inn.neighbors(i)) {
            union(&mut parent, v, u);
        }
    }
    merge_forests(worker, &mut parent)?;
    let labels: Vec<K> = (0..len).map(|i| graph.ids.key(find(&mut parent, lo + i as u32)).clone()).collect();
    engine.end_superstep(Control { active: len as u64, changed: len as u64, aggregate: () }, &())?;
    let mut summary = engine.finish();
    summary.converged = true;
    Ok((graph.with_values(labels), summary))
}

/// Makes every worker's forest the union of all of them (same sets, so the same roots:
/// a root is always the smallest index of its set).
fn merge_forests(worker: &eddy_core::Worker, parent: &mut [u32]) -> Result<()> {
    if worker.parallelism() == 1 {
        return Ok(());
    }
    // Flatten before shipping so merging is one union per vertex and peer.
    for v in 0..parent.len() as u32 {
        parent[v as usize] = find(parent, v);
    }
    let me = worker.index();
    for (w, theirs) in worker.all_gather(parent.to_vec())?.into_iter().enumerate() {
        if w == me {
            continue;
        }
        for (v, &r) in theirs.iter().enumerate() {
            if r != v as u32 {
                union(parent, v as u32, r);
            }
        }
    }
    Ok(())
}

/// Where the models' label propagation starts: each vertex's smallest dense index among
/// itself and its neighbours in either direction. Starting from there rather than from each
/// vertex's own index puts the propagation one superstep ahead (after superstep `s` a vertex
/// holds the smallest index within `s + 1` hops instead of `s`), and on a small-world graph
/// that superstep is one of the few in which nearly every vertex sends. The models propagate
/// dense indices (`u32`) rather than keys: dense indices are in key order, so the smallest
/// index is the index of the smallest key, and half the bytes of a `u64` key per message and
/// per value keep more of the randomly read labels in cache. [`keyed`] maps them back.
fn smallest_nearby_indices<'w, K: VertexKey, VV, EV: Clone>(
    graph: &Graph<'w, K, VV, EV>,
) -> Graph<'w, K, u32, EV> {
    let lo = graph.lo();
    let smallest = |nbrs: &[u32]| nbrs.iter().copied().min().unwrap_or(u32::MAX);
    let labels: Vec<u32> = (0..graph.values.len())
        .map(|i| (lo + i as u32).min(smallest(graph.out.neighbors(i))).min(smallest(graph.inn.neighbors(i))))
        .collect();
    graph.with_values(labels)
}

/// The labels of a model's run as keys, with its summary.
fn keyed<'w, K: VertexKey, EV: Clone>(
    (labels, summary): (Graph<'w, K, u32, EV>, IterationSummary<()>),
) -> (Graph<'w, K, K, EV>, IterationSummary<()>) {
    let keys = labels.values.iter().map(|&i| labels.ids.key(i).clone()).collect();
    (labels.with_values(keys), summary)
}

/// The min combiner of the models' label propagation.
#[inline]
fn keep_smaller(a: &mut u32, b: u32) {
    *a = (*a).min(b);
}

/// Weakly connected components in the vertex-centric model (min-label propagation with a
/// min combiner).
///
/// # Errors
/// A runtime failure.
pub fn wcc_vertex_centric<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    let start = smallest_nearby_indices(graph);
    let config = VertexCentric::new(max_iterations).combiner(keep_smaller);
    let run = start.run_vertex_centric(config, |v, messages| {
        let smaller = messages.iter().min().filter(|m| *m < v.value()).copied();
        let announce = match smaller {
            Some(m) => {
                v.set_value(m);
                true
            }
            None => v.superstep() == 1,
        };
        if announce {
            let label = *v.value();
            v.send_to_neighbors(EdgeDirection::All, label);
        }
        v.vote_to_halt();
    })?;
    Ok(keyed(run))
}

/// Weakly connected components in the scatter-gather model.
///
/// # Errors
/// A runtime failure.
pub fn wcc_scatter_gather<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    let start = smallest_nearby_indices(graph);
    let config = ScatterGather::new(max_iterations).direction(EdgeDirection::All).combiner(keep_smaller);
    let run = start.run_scatter_gather(
        config,
        |s| {
            let label = *s.value();
            s.send_to_all(label);
        },
        |vertex, messages| messages.iter().min().filter(|m| *m < vertex.value()).copied(),
    )?;
    Ok(keyed(run))
}

/// Weakly connected components in the gather-sum-apply model.
///
/// # Errors
/// A runtime failure.
pub fn wcc_gsa<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    max_iterations: u32,
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    let start = smallest_nearby_indices(graph);
    let config = GatherSumApply::new(max_iterations).direction(EdgeDirection::All);
    let run = start.run_gather_sum_apply(
        config,
        |neighbor: &u32, _| *neighbor,
        |a, b| a.min(b),
        |_, value, smallest| smallest.filter(|s| s < value),
    )?;
    Ok(keyed(run))
}
