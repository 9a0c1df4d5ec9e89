//! Strongly connected components of the directed graph: each vertex is labelled with the
//! smallest key of its component (self-loops and repeated edges change nothing).
//!
//! How (Orzan's colouring with trimming, then a gathered remainder):
//! 1. **Trim**: a vertex without in-edges or without out-edges (other than self-loops)
//!    is a component of its own — one pass over each worker's lists, no exchange.
//! 2. **Colour**: every remaining vertex takes the smallest index that reaches it, by
//!    forward propagation along out-edges (each worker runs to a fixpoint inside its
//!    partition and ships the best colour per remote target, one superstep per exchange).
//!    A vertex whose colour is its own index is a *root*: the smallest of its component,
//!    whose members are exactly the vertices of its colour that reach it.
//! 3. **Collect**: backward propagation from the roots along in-edges, within each colour,
//!    labels those members; they leave the graph.
//!
//! Colouring rounds repeat while each removes at least half of what remains; then the
//! remainder (usually small: vertices off the giant component that trimming missed) is
//! all-gathered and every worker runs Tarjan's algorithm (petgraph's `tarjan_scc`) on it,
//! keeping its own vertices' labels. A chain of many small components therefore costs
//! one gather, not a round per component.

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{Control, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine};
use rustc_hash::FxHashMap;

use crate::Result;
use crate::graph::Graph;
use crate::ids::VertexKey;

/// No label yet.
const NONE: u32 = u32::MAX;

/// Colouring rounds stop once one removes less than this fraction of the vertices left,
/// or fewer than [`GATHER_BELOW`] are left.
const KEEP_ROUNDS_ABOVE: f64 = 0.5;

/// Remainders smaller than this are gathered at once (a few in the unit tests, whose
/// graphs then go through the colouring rounds too).
const GATHER_BELOW: u64 = if cfg!(test) { 4 } else { 4096 };

/// A propagation's state: this worker's vertices' values and those to go on from.
struct Propagation {
    value: Vec<u32>,
    queue: Vec<u32>,
}

impl IterationState for Propagation {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        encode(&(&self.value, &self.queue))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        (self.value, self.queue) = decode(bytes)?;
        Ok(())
    }
}

/// Propagates values from the vertices of `state.queue` along the out-lists (`forward`)
/// or the in-lists to a fixpoint: a neighbour `j` of `i` takes the value of `i` when
/// `accept(j, offered, current)` says so. Returns the supersteps run.
///
/// Within a superstep the pending vertices are taken by ascending value, each flooding its
/// value breadth-first through the vertices that accept it: forward (smaller colours
/// win), a vertex is then reached first by its final colour of the superstep and passes a
/// colour on once, with no priority queue. The offers to a remote vertex are combined
/// per target in a dense array — forward by min; backward by max, which is right because
/// a vertex's colour is at least that of every vertex it reaches, so the only acceptable
/// offer (its own colour) is the largest possible one.
fn propagate<K: VertexKey, VV, EV>(
    graph: &Graph<'_, K, VV, EV>,
    forward: bool,
    state: &mut Propagation,
    accept: impl Fn(usize, u32, u32) -> bool,
) -> Result<u32> {
    let worker = graph.worker;
    let (p, lo) = (worker.parallelism(), graph.lo());
    let hi = lo + graph.values.len() as u32;
    let lists = if forward { &graph.out } else { &graph.inn };
    let mut offer = vec![NONE; graph.parts.len() as usize];
    let mut touched: Vec<Vec<u32>> = vec![Vec::new(); p];
    let mut seeds: Vec<(u32, u32)> = Vec::new();
    let mut flood: Vec<u32> = Vec::new();
    let iteration = Iteration::new(u32::MAX);
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, true, state)?;
    while engine.next_superstep().is_some() {
        let Propagation { value, queue } = &mut *state;
        seeds.clear();
        seeds.extend(queue.drain(..).map(|i| (value[i as usize], i)));
        seeds.sort_unstable();
        let mut visited = 0u64;
        for &(seeded, i) in &seeds {
            if value[i as usize] != seeded {
                continue;
            }
            flood.clear();
            flood.push(i);
            let mut next = 0;
            while let Some(&x) = flood.get(next) {
                next += 1;
                for &t in lists.neighbors(x as usize) {
                    if (lo..hi).contains(&t) {
                        let j = (t - lo) as usize;
                        if accept(j, seeded, value[j]) {
                            value[j] = seeded;
                            flood.push(j as u32);
                        }
                        continue;
                    }
                    let slot = &mut offer[t as usize];
                    if *slot == NONE {
                        touched[graph.parts.owner(t)].push(t);
                        *slot = seeded;
                    } else if forward {
                        *slot = (*slot).min(seeded);
                    } else {
                        *slot = (*slot).max(seeded);
                    }
                }
            }
            visited += next as u64;
        }
        let outgoing = touched
            .iter_mut()
            .map(|targets| {
                targets.drain(..).map(|t| (t, std::mem::replace(&mut offer[t as usize], NONE))).collect()
            })
            .collect();
        let mut received = 0u64;
        for (t, offered) in worker.all_to_all::<(u32, u32)>(outgoing)?.into_iter().flatten() {
            let j = (t - lo) as usize;
            if accept(j, offered, value[j]) {
                value[j] = offered;
                received += 1;
                queue.push(j as u32);
            }
        }
        let local = Control { active: received, changed: visited, aggregate: () };
        if engine.end_superstep(local, &*state)?.done {
            break;
        }
    }
    Ok(engine.finish().supersteps)
}

/// Strongly connected components: each vertex's label is the smallest key of its
/// component.
///
/// # Errors
/// A runtime failure.
pub fn strongly_connected_components<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, K, EV>, IterationSummary<()>)> {
    let worker = graph.worker;
    let lo = graph.lo();
    let len = graph.values.len();
    let n = graph.number_of_vertices();
    let mut label = vec![NONE; len];
    // 1. Trim.
    for (i, slot) in label.iter_mut().enumerate() {
        let v = lo + i as u32;
        let other = |nbrs: &[u32]| nbrs.iter().any(|&u| u != v);
        if !other(graph.out.neighbors(i)) || !other(graph.inn.neighbors(i)) {
            *slot = v;
        }
    }
    let left = |label: &[u32]| -> Result<u64> {
        let mine = label.iter().filter(|&&l| l == NONE).count() as u64;
        Ok(worker.all_reduce(mine, |a, b| a + b)?)
    };
    let mut remaining = left(&label)?;
    let mut supersteps = 0;
    // 2, 3. Colour and collect while it pays.
    while remaining >= GATHER_BELOW {
        let live = |j: usize| label[j] == NONE;
        // Labelled vertices start at colour 0, below any offer: they never take one, and
        // the floods read one array per edge, not two.
        let mut colours = Propagation {
            value: (0..len).map(|i| if live(i) { lo + i as u32 } else { 0 }).collect(),
            queue: (0..len as u32).filter(|&i| live(i as usize)).collect(),
        };
        supersteps += propagate(graph, true, &mut colours, |_, offered, current| offered < current)?;
        // Labelled vertices get no colour: no root's offer matches.
        let colour: Vec<u32> =
            colours.value.iter().enumerate().map(|(i, &c)| if live(i) { c } else { NONE }).collect();
        let mut members = Propagation {
            value: vec![NONE; len],
            queue: (0..len as u32).filter(|&i| colour[i as usize] == lo + i).collect(),
        };
        for &i in &members.queue {
            members.value[i as usize] = lo + i;
        }
        supersteps +=
            propagate(graph, false, &mut members, |j, root, current| current == NONE && colour[j] == root)?;
        for (slot, &root) in label.iter_mut().zip(&members.value) {
            if root != NONE {
                *slot = root;
            }
        }
        let now = left(&label)?;
        let removed = remaining - now;
        remaining = now;
        if (removed as f64) < KEEP_ROUNDS_ABOVE * (removed + now) as f64 {
            break;
        }
    }
    // The remainder, on every worker.
    if remaining > 0 {
        gathered_tarjan(graph, &mut label)?;
    }
    let keys = label.iter().map(|&l| graph.ids.key(l).clone()).collect();
    let summary = IterationSummary { supersteps, converged: true, aggregate: Some(()) };
    debug_assert!(n == 0 || label.iter().all(|&l| l != NONE));
    Ok((graph.with_values(keys), summary))
}

/// Labels the unlabelled vertices: every worker all-gathers them with their out-edges and
/// runs Tarjan's algorithm on the subgraph they induce.
fn gathered_tarjan<K: VertexKey, VV, EV>(graph: &Graph<'_, K, VV, EV>, label: &mut [u32]) -> Result<()> {
    let lo = graph.lo();
    let mut mine: (Vec<u32>, Vec<(u32, u32)>) = (Vec::new(), Vec::new());
    for (i, &l) in label.iter().enumerate() {
        if l == NONE {
            let v = lo + i as u32;
            mine.0.push(v);
            mine.1.extend(graph.out.neighbors(i).iter().map(|&t| (v, t)));
        }
    }
    let parts = graph.worker.all_gather(mine)?;
    let mut node = FxHashMap::default();
    let mut sub = petgraph::Graph::<u32, ()>::new();
    for (vertices, _) in &parts {
        for &v in vertices {
            node.insert(v, sub.add_node(v));
        }
    }
    for (_, edges) in &parts {
        for (s, t) in edges {
            if let (Some(&a), Some(&b)) = (node.get(s), node.get(t)) {
                sub.add_edge(a, b, ());
            }
        }
    }
    for component in petgraph::algo::tarjan_scc(&sub) {
        let smallest = component.iter().map(|&x| sub[x]).min().unwrap_or(NONE);
        for x in component {
            let v = sub[x];
            if graph.parts.owner(v) == graph.worker.index() {
                label[(v - lo) as usize] = smallest;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Components by brute force: `u` and `v` share one when each reaches the other;
    /// the label is the smallest member.
    fn by_reachability(n: usize, edges: &[(u64, u64)]) -> Vec<u64> {
        let mut reach = vec![vec![false; n]; n];
        for (v, row) in reach.iter_mut().enumerate() {
            let mut stack = vec![v];
            row[v] = true;
            while let Some(u) = stack.pop() {
                for &(a, b) in edges.iter().filter(|(a, _)| *a as usize == u) {
                    debug_assert_eq!(a as usize, u);
                    if !row[b as usize] {
                        row[b as usize] = true;
                        stack.push(b as usize);
                    }
                }
            }
        }
        (0..n).map(|v| (0..n).find(|&u| reach[u][v] && reach[v][u]).unwrap_or(v) as u64).collect()
    }

    /// Random graphs mixing cycles, chains of small components and trimmable vertices, at
    /// P = 1, 2, 3, through colouring rounds and the gathered remainder.
    #[test]
    fn components_match_reachability() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for round in 0..12 {
            let n = 20 + next(120);
            let mut edges: Vec<(u64, u64)> = (0..n + next(2 * n)).map(|_| (next(n), next(n))).collect();
            // A chain of 2-cycles (one component per pair), and every vertex in an edge.
            for v in (0..n - 1).step_by(3) {
                edges.extend([(v, v + 1), (v + 1, v)]);
            }
            edges.extend((0..n).map(|v| (v, v)));
            let want = by_reachability(n as usize, &edges);
            for p in [1, 2, 3] {
                let got: Vec<u64> = eddy_runtime::LocalRuntime::with_parallelism(p)
                    .unwrap()
                    .execute(|w| {
                        let share = w.share(edges.len());
                        let graph = Graph::from_edges(w, edges[share].iter().map(|&(a, b)| (a, b, ())))?;
                        let (labels, _) = strongly_connected_components(&graph)?;
                        Ok::<_, eddy_core::Error>(labels.local_values().to_vec())
                    })
                    .unwrap()
                    .concat();
                assert_eq!(got, want, "graph {round} ({n} vertices), P = {p}");
            }
        }
    }
}
