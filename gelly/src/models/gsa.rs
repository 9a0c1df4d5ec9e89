//! Gather-sum-apply iteration (Gelly's `runGatherSumApplyIteration`): in every superstep
//! each active vertex *gathers* a value from each neighbour in the configured direction
//! (from the neighbour's value and the edge value), *sums* them with an associative
//! function, and *applies* the sum to compute an optional new value. Active vertices are
//! all vertices in superstep 1, later those with a neighbour whose value changed. It ends
//! when no value changes.
//!
//! Neighbour values are read from a per-worker mirror of all vertex values, refreshed
//! each superstep with the changed values only (one all-gather of `(index, value)` pairs).

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{Control, Data, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine};

use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::vertex_centric::sides;
use crate::{Error, Result};

/// The configuration of a gather-sum-apply iteration.
#[derive(Debug, Clone, Copy)]
pub struct GatherSumApply {
    max_iterations: u32,
    direction: EdgeDirection,
}

impl GatherSumApply {
    /// At most `max_iterations` supersteps, gathering over in-edges (from the sources).
    pub fn new(max_iterations: u32) -> Self {
        GatherSumApply { max_iterations, direction: EdgeDirection::In }
    }

    /// Which neighbours are gathered: `In` (sources of in-edges), `Out` or `All`.
    #[must_use]
    pub fn direction(mut self, direction: EdgeDirection) -> Self {
        self.direction = direction;
        self
    }
}

/// A gather-sum-apply iteration's state between supersteps, on one worker: its mirror
/// of every vertex value and which of them changed in the last superstep.
struct GsaState<VV> {
    mirror: Vec<VV>,
    changed: Vec<bool>,
}

impl<VV: Data> IterationState for GsaState<VV> {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        encode(&(&self.mirror, &self.changed))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        (self.mirror, self.changed) = decode(bytes)?;
        Ok(())
    }
}

impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// Runs a gather-sum-apply iteration: `gather(neighbour value, edge value)`,
    /// `sum(a, b)` (associative; folded in adjacency order), `apply(key, value, sum)` → new
    /// value or `None`. `apply` runs only for vertices with at least one gathered neighbour.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn run_gather_sum_apply<G>(
        &self,
        config: GatherSumApply,
        gather: impl Fn(&VV, &EV) -> G,
        sum: impl Fn(G, G) -> G,
        apply: impl Fn(&K, &VV, G) -> Option<VV>,
    ) -> Result<(Self, IterationSummary<()>)> {
        if config.max_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                reason: "must be at least 1".into(),
            });
        }
        let worker = self.worker;
        let n = self.ids.len();
        let lo = self.lo() as usize;
        let len = self.values.len();
        let (use_out, use_in) = sides(config.direction);
        let mut state = GsaState { mirror: self.all_values()?, changed: vec![true; n] };
        let iteration = Iteration::new(config.max_iterations);
        let mut engine =
            SuperstepEngine::start(worker, IterationKind::GatherSumApply, &iteration, true, &mut state)?;
        while engine.next_superstep().is_some() {
            let GsaState { mirror, changed: changed_bits } = &mut state;
            let mut updates: Vec<(u32, VV)> = Vec::new();
            for i in 0..len {
                let out = self.out.neighbors(i).iter().zip(self.out.edge_values(i)).filter(|_| use_out);
                let inn = self.inn.neighbors(i).iter().zip(self.inn.edge_values(i)).filter(|_| use_in);
                let edges = || out.clone().chain(inn.clone());
                if !edges().any(|(u, _)| changed_bits[*u as usize]) {
                    continue;
                }
                let mut gathered = edges().map(|(u, ev)| gather(&mirror[*u as usize], ev));
                if let Some(first) = gathered.next() {
                    let total = gathered.fold(first, &sum);
                    let g = lo + i;
                    if let Some(value) = apply(&self.ids.keys()[g], &mirror[g], total) {
                        updates.push((g as u32, value));
                    }
                }
            }
            let local = updates.len() as u64;
            let all: Vec<(u32, VV)> = worker.all_gather(updates)?.into_iter().flatten().collect();
            changed_bits.iter_mut().for_each(|b| *b = false);
            for (g, value) in all {
                changed_bits[g as usize] = true;
                mirror[g as usize] = value;
            }
            // Active next: the vertices whose value changed (their neighbours gather).
            let control = Control { active: local, changed: local, aggregate: () };
            if engine.end_superstep(control, &state)?.done {
                break;
            }
        }
        let values = state.mirror[lo..lo + len].to_vec();
        Ok((self.with_values(values), engine.finish()))
    }
}
