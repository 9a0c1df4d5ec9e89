//! Gather-sum-apply iteration (Gelly's `runGatherSumApplyIteration`): in every superstep
//! each active vertex *gathers* a value from each neighbour in the configured direction
//! (from the neighbour's value and the edge value), *sums* them with an associative
//! function, and *applies* the sum to compute an optional new value. Active vertices are
//! all vertices in superstep 1, later those with a neighbour whose value changed. It ends
//! when no value changes.
//!
//! Neighbour values are read from a per-worker mirror of all vertex values, refreshed
//! each superstep with the changed values only (one all-gather of `(index, value)` pairs).

use eddy_core::Data;

use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::vertex_centric::sides;
use crate::models::{IterationStats, Reporter};
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
    ) -> Result<(Self, IterationStats)> {
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
        let mut mirror = self.all_values()?;
        let mut changed_bits = vec![true; n];
        let mut reporter = Reporter::new(worker);
        let mut stats = IterationStats { supersteps: 0, converged: false, aggregate: () };
        for superstep in 1..=config.max_iterations {
            let mut updates: Vec<(u32, VV)> = Vec::new();
            let mut active = 0u64;
            for i in 0..len {
                let out = self.out.neighbors(i).iter().zip(self.out.edge_values(i)).filter(|_| use_out);
                let inn = self.inn.neighbors(i).iter().zip(self.inn.edge_values(i)).filter(|_| use_in);
                let edges = || out.clone().chain(inn.clone());
                if superstep > 1 && !edges().any(|(u, _)| changed_bits[*u as usize]) {
                    continue;
                }
                active += 1;
                let mut gathered = edges().map(|(u, ev)| gather(&mirror[*u as usize], ev));
                if let Some(first) = gathered.next() {
                    let total = gathered.fold(first, &sum);
                    let g = lo + i;
                    if let Some(value) = apply(&self.ids.keys()[g], &mirror[g], total) {
                        updates.push((g as u32, value));
                    }
                }
            }
            let all: Vec<(u32, VV)> = worker.all_gather(updates)?.into_iter().flatten().collect();
            changed_bits.iter_mut().for_each(|b| *b = false);
            for (g, value) in all.iter().cloned() {
                changed_bits[g as usize] = true;
                mirror[g as usize] = value;
            }
            let changed = all.len() as u64;
            let active = worker.all_reduce(active, |a, b| a + b)?;
            let done = changed == 0;
            reporter.report_values(superstep, active, changed, Vec::new(), done);
            stats = IterationStats { supersteps: superstep, converged: done, aggregate: () };
            if done {
                break;
            }
        }
        let values = mirror[lo..lo + len].to_vec();
        Ok((self.with_values(values), stats))
    }
}
