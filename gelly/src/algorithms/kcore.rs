//! Core numbers of the undirected simple view (`graph::simple`), networkx's
//! `core_number`: the largest `k` such that the vertex belongs to a subgraph in which
//! every vertex has degree at least `k`.
//!
//! How: the h-index iteration (Lü et al., *Nature Communications* 2016; the distributed
//! k-core of Montresor et al., 2013). Every vertex starts from its degree; a vertex's
//! estimate becomes the h-index of its neighbours' estimates — the largest `h` such that
//! `h` neighbours have an estimate of at least `h` — capped by its own; the estimates only
//! fall and stop exactly at the core numbers, whatever order the updates come in. Each
//! worker holds every vertex's estimate, updates its own vertices in place (a later vertex
//! of the same superstep sees an earlier one's new estimate), and ships its changes to the
//! others at the end of the superstep, together with the remote neighbours to look at
//! again: only a vertex whose neighbour fell below its own estimate can fall.

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{Control, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine};

use crate::Result;
use crate::graph::Graph;
use crate::ids::VertexKey;

/// The iteration's state: every vertex's estimate and this worker's vertices to look at.
struct CoreState {
    estimate: Vec<u32>,
    active: Vec<u32>,
}

impl IterationState for CoreState {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        encode(&(&self.estimate, &self.active))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        (self.estimate, self.active) = decode(bytes)?;
        Ok(())
    }
}

/// The h-index of `neighbours`' estimates, at most `cap`; `bins` is scratch of at least
/// `cap + 1` zeros, left zeroed.
fn h_index(neighbours: &[u32], estimate: &[u32], cap: u32, bins: &mut [u32]) -> u32 {
    for &u in neighbours {
        bins[estimate[u as usize].min(cap) as usize] += 1;
    }
    let mut at_least = 0;
    let mut h = 0;
    for k in (1..=cap).rev() {
        at_least += bins[k as usize];
        if at_least >= k {
            h = k;
            break;
        }
    }
    bins[..=cap as usize].fill(0);
    h
}

/// The core number of every vertex of the undirected simple view.
///
/// # Errors
/// A runtime failure.
pub fn core_numbers<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, u64, EV>, IterationSummary<()>)> {
    let worker = graph.worker;
    let (p, me) = (worker.parallelism(), worker.index());
    let lists = graph.simple_lists();
    let lo = graph.lo();
    let len = lists.len();
    let mut state = CoreState { estimate: graph.all_degrees(&lists)?, active: (0..len as u32).collect() };
    let max_degree = (0..len).map(|i| lists.degree(i)).max().unwrap_or(0);
    let mut bins = vec![0u32; max_degree + 1];
    let mut woken = vec![false; len];
    let iteration = Iteration::new(u32::MAX);
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, true, &mut state)?;
    while engine.next_superstep().is_some() {
        let CoreState { estimate, active } = &mut state;
        let mut changes: Vec<(u32, u32)> = Vec::new();
        let mut wake: Vec<Vec<u32>> = vec![Vec::new(); p];
        for &i in active.iter() {
            let v = lo + i;
            let old = estimate[v as usize];
            let neighbours = lists.neighbors(i as usize);
            let h = h_index(neighbours, estimate, old, &mut bins);
            if h == old {
                continue;
            }
            estimate[v as usize] = h;
            changes.push((v, h));
            for &u in neighbours.iter().filter(|&&u| estimate[u as usize] > h) {
                let owner = graph.parts.owner(u);
                if owner == me {
                    woken[(u - lo) as usize] = true;
                } else {
                    wake[owner].push(u);
                }
            }
        }
        let outgoing = wake
            .into_iter()
            .enumerate()
            .map(|(w, wake)| if w == me { Vec::new() } else { vec![(changes.clone(), wake)] })
            .collect();
        for (theirs, woken_here) in worker.all_to_all(outgoing)?.into_iter().flatten() {
            for (v, h) in theirs {
                estimate[v as usize] = h;
            }
            for u in woken_here {
                woken[(u - lo) as usize] = true;
            }
        }
        active.clear();
        for (i, flag) in woken.iter_mut().enumerate() {
            if std::mem::take(flag) {
                active.push(i as u32);
            }
        }
        let local = Control { active: active.len() as u64, changed: changes.len() as u64, aggregate: () };
        if engine.end_superstep(local, &state)?.done {
            break;
        }
    }
    let cores = state.estimate[lo as usize..lo as usize + len].iter().map(|&k| u64::from(k)).collect();
    Ok((graph.with_values(cores), engine.finish()))
}
