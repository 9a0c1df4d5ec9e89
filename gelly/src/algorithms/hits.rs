//! HITS hubs and authorities (Kleinberg), networkx's `hits` with `normalized=True`: from
//! hubs `1/n`, each iteration sets every authority to the sum of the hubs pointing to it
//! and every hub to the sum of the authorities it points to, scales both to a maximum of
//! 1, and stops once the L1 change of the hubs is below the tolerance; the results are
//! then scaled to sum 1. Repeated edges count once (a `DiGraph`), self-loops count.
//!
//! How: each worker pulls its vertices' authorities over their in-lists and hubs over
//! their out-lists, reading a replica of every vertex's hub and authority that the workers
//! all-gather after each half-step (n values each way per iteration). Sums run over each
//! list in input order and graph-wide sums in index order: the same bits for every
//! parallelism.

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{Control, Iteration, IterationKind, IterationState, IterationSummary, Sum, SuperstepEngine};
use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::ids::VertexKey;
use crate::{Error, Result};

/// A vertex's `(hub, authority)` scores.
pub type HubAuthority = (f64, f64);

/// HITS' parameters: a fixed number of iterations, or a tolerance and a bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hits {
    /// Run exactly this many iterations (no convergence test) when set.
    pub iterations: Option<u32>,
    /// Stop once the L1 change of the (max-scaled) hubs is below this (networkx's `tol`).
    pub tolerance: f64,
    /// At most this many iterations in tolerance mode (networkx's `max_iter`).
    pub max_iterations: u32,
}

impl Default for Hits {
    /// networkx's defaults: `tol=1e-8`, `max_iter=100`.
    fn default() -> Self {
        Hits { iterations: None, tolerance: 1e-8, max_iterations: 100 }
    }
}

impl Hits {
    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite tolerance, or zero
    /// iterations.
    pub fn validate(&self) -> Result<()> {
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "tolerance",
                reason: format!("must be finite and >= 0, got {}", self.tolerance),
            });
        }
        if self.iterations == Some(0) || self.max_iterations == 0 {
            return Err(Error::InvalidParameter { name: "iterations", reason: "must be at least 1".into() });
        }
        Ok(())
    }
}

/// The iteration's state: every vertex's hub (the replica), for checkpoints.
struct HubState {
    hubs: Vec<f64>,
}

impl IterationState for HubState {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        encode(&self.hubs)
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        self.hubs = decode(bytes)?;
        Ok(())
    }
}

/// Scales `values` by `1 / scale` unless `scale` is 0 (a graph without edges).
fn scaled(values: &mut [f64], scale: f64) {
    if scale != 0.0 {
        let s = 1.0 / scale;
        values.iter_mut().for_each(|x| *x *= s);
    }
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(0.0, f64::max)
}

/// HITS: each vertex's `(hub, authority)`, each summing to 1 over the graph.
///
/// # Errors
/// [`Error::InvalidParameter`] for bad parameters, runtime failures.
pub fn hits<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
    params: &Hits,
) -> Result<(Graph<'w, K, HubAuthority, EV>, IterationSummary<()>)> {
    params.validate()?;
    let worker = graph.worker;
    let n = graph.number_of_vertices() as usize;
    let (lo, len) = (graph.lo() as usize, graph.values.len());
    let outs = graph.distinct_lists(true);
    let ins = graph.distinct_lists(false);
    let mut state = HubState { hubs: vec![if n == 0 { 0.0 } else { 1.0 / n as f64 }; n] };
    let mut authorities = vec![0.0; n];
    let fixed = params.iterations.is_some();
    let mut iteration =
        Iteration::new(params.iterations.unwrap_or(params.max_iterations)).aggregate::<Sum<f64>>();
    if !fixed {
        let tolerance = params.tolerance;
        iteration = iteration.converge_when(move |change| change.get() < tolerance);
    }
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, false, &mut state)?;
    while engine.next_superstep().is_some() {
        let hubs = &state.hubs;
        // Folded from +0.0: an empty `sum()` is -0.0, which would print as `-0`.
        let mine: Vec<f64> =
            (0..len).map(|i| ins.neighbors(i).iter().fold(0.0, |acc, &u| acc + hubs[u as usize])).collect();
        let mut pulled = worker.all_gather(mine)?.concat();
        let mine: Vec<f64> = (0..len)
            .map(|i| outs.neighbors(i).iter().fold(0.0, |acc, &v| acc + pulled[v as usize]))
            .collect();
        let mut next = worker.all_gather(mine)?.concat();
        let (top_hub, top_authority) = (max(&next), max(&pulled));
        scaled(&mut next, top_hub);
        scaled(&mut pulled, top_authority);
        // From the replicas, in index order: the same number on every worker and for every
        // parallelism; worker 0 reports it, so that the aggregate's sum is that number.
        let change: f64 = next.iter().zip(hubs).map(|(a, b)| (a - b).abs()).sum();
        state.hubs = next;
        authorities = pulled;
        let reported = Sum(if worker.index() == 0 { change } else { 0.0 });
        let local = Control { active: len as u64, changed: len as u64, aggregate: reported };
        if engine.end_superstep(local, &state)?.done {
            break;
        }
    }
    let mut summary = engine.finish().map(|_| ());
    summary.converged |= fixed;
    let mut hubs = state.hubs;
    let (total_hubs, total_authorities) = (hubs.iter().sum::<f64>(), authorities.iter().sum::<f64>());
    scaled(&mut hubs, total_hubs);
    scaled(&mut authorities, total_authorities);
    let values = (lo..lo + len).map(|v| (hubs[v], authorities[v])).collect();
    Ok((graph.with_values(values), summary))
}
