//! The fast PageRank's plan of one worker's pull over its in-edges: which values it needs
//! from which peer (mirror lists), and its in-edges segmented by source range
//! ([`Segmented`]) so that the random reads of a gather stay in the core's L2 cache.
//!
//! - **Mirrors.** A worker reads, each iteration, the contribution `rank/outdeg` of every
//!   source of its in-edges. At the start each worker tells every peer which of the
//!   peer's vertices it reads (one exchange of index lists, as Gemini's and PowerGraph's
//!   mirrors); every iteration each worker then sends each peer exactly those values, and
//!   the receiver writes them to their places. Traffic per iteration is 8 bytes per
//!   (worker, remote source) pair — the cut — instead of the whole vector to everyone.
//! - **Segments.** The in-edges, cut by source range ([`crate::graph::segments`]): the
//!   gather reads values from a slice of at most 512 KiB at a time.
//!
//! **Note**: a vertex's sum is the segment sums in segment order, each over that segment's
//! in-edges in in-list order: the ranks, bit for bit, do not depend on the parallelism.

use eddy_core::Worker;

use crate::Result;
use crate::graph::mirrors::{bitmap, exchange_reads, mark};
use crate::graph::segments::Segmented;
use crate::graph::{Adjacency, Partitioning};

/// One worker's pull plan; see the module documentation.
#[derive(Debug)]
pub(super) struct PullPlan {
    /// For each peer: the local indices of this worker's vertices it reads, ascending
    /// (empty for this worker itself).
    sends: Vec<Vec<u32>>,
    /// For each peer: the global indices of its vertices this worker reads, ascending —
    /// where the values it sends go (empty for this worker itself).
    mirrors: Vec<Vec<u32>>,
    /// The in-edges, segmented by source range.
    segmented: Segmented,
}

impl PullPlan {
    /// Builds the plan of this worker (one exchange of index lists with the peers).
    ///
    /// # Errors
    /// A runtime failure.
    pub(super) fn build<EV>(worker: &Worker, parts: &Partitioning, inn: &Adjacency<EV>) -> Result<Self> {
        let me = worker.index();
        let n = parts.len() as usize;
        let len = (parts.bounds[me + 1] - parts.bounds[me]) as usize;
        let mut read = bitmap(n);
        if worker.parallelism() > 1 {
            for v in 0..len {
                inn.neighbors(v).iter().for_each(|&u| mark(&mut read, u));
            }
        }
        let lists = exchange_reads(worker, parts, &[read])?.pop().unwrap_or_default();
        Ok(PullPlan { sends: lists.wanted, mirrors: lists.read, segmented: Segmented::build(n, inn, false) })
    }

    /// For each peer, the local indices of this worker's vertices it reads.
    pub(super) fn sends(&self) -> &[Vec<u32>] {
        &self.sends
    }

    /// For each peer, the global indices of its vertices this worker reads (where the
    /// values it sends go).
    pub(super) fn mirrors(&self, j: usize) -> &[u32] {
        &self.mirrors[j]
    }

    /// The number of remote values this worker receives per iteration (its part of the cut).
    #[cfg(test)]
    pub(super) fn received(&self) -> usize {
        self.mirrors.iter().map(Vec::len).sum()
    }

    /// Adds to `sums[t]`, for every local target `t`, the values of its in-edges' sources
    /// in `values` (indexed by global vertex), segment by segment.
    pub(super) fn gather(&self, values: &[f64], sums: &mut [f64]) {
        self.segmented
            .for_each(|base, target, offsets, _| sums[target] += gather_sum(&values[base..], offsets));
    }
}

/// `Σ values[i]` over `offsets`, with four independent accumulators so that the loads
/// overlap instead of waiting on one chain of additions; the order of additions depends
/// on the offset list only.
#[inline]
fn gather_sum(values: &[f64], offsets: &[u16]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut chunks = offsets.chunks_exact(4);
    for c in &mut chunks {
        acc[0] += values[c[0] as usize];
        acc[1] += values[c[1] as usize];
        acc[2] += values[c[2] as usize];
        acc[3] += values[c[3] as usize];
    }
    for (a, &u) in acc.iter_mut().zip(chunks.remainder()) {
        *a += values[u as usize];
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{DenseEdges, assemble};

    /// A skewed random graph on `n` dense ids (low ids are hubs), with duplicates.
    fn edges(n: u32, m: usize) -> Vec<(u32, u32, ())> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..m)
            .map(|_| {
                let a = (next() % u64::from(n)) as u32;
                let b = (next() % u64::from(n)) as u32;
                (a.min(b), (next() % u64::from(n)) as u32, ())
            })
            .collect()
    }

    #[test]
    fn the_plan_gathers_every_in_edge_and_reads_the_cut() {
        let n = 1_000u32;
        let all = edges(n, 6_000);
        for p in [1, 2, 3] {
            eddy_runtime::LocalRuntime::with_parallelism(p)
                .unwrap()
                .execute(|w| {
                    let share = w.share(all.len());
                    let mine: DenseEdges<()> = all[share].iter().copied().collect();
                    let (parts, _, inn) =
                        assemble(w, n as usize, mine, None).map_err(eddy_core::Error::from)?;
                    let plan = PullPlan::build(w, &parts, &inn).map_err(eddy_core::Error::from)?;
                    let me = w.index();
                    let (lo, hi) = (parts.bounds[me], parts.bounds[me + 1]);
                    for j in 0..p {
                        let wanted: Vec<u32> = (0..n)
                            .filter(|&u| j != me && parts.owner(u) == j && inn.nbrs.contains(&u))
                            .collect();
                        assert_eq!(plan.mirrors(j), wanted, "mirrors of worker {j}");
                    }
                    let remote: std::collections::BTreeSet<u32> =
                        inn.nbrs.iter().copied().filter(|&u| u < lo || u >= hi).collect();
                    assert_eq!(plan.received(), remote.len());
                    // The gather sums each vertex's in-neighbours' values (integers: exact).
                    let values: Vec<f64> = (0..n).map(|u| f64::from(u) + 1.0).collect();
                    let mut sums = vec![0.0; (hi - lo) as usize];
                    plan.gather(&values, &mut sums);
                    for (v, got) in sums.iter().enumerate() {
                        let expected: f64 = inn.neighbors(v).iter().map(|&u| values[u as usize]).sum();
                        assert_eq!(*got, expected, "in-edge sum of local vertex {v}, P = {p}");
                    }
                    // What this worker sends each peer is what that peer reads of it.
                    for (j, sends) in plan.sends().iter().enumerate() {
                        let read: std::collections::BTreeSet<u32> = all
                            .iter()
                            .filter(|e| j != me && parts.owner(e.1) == j && parts.owner(e.0) == me)
                            .map(|e| e.0 - lo)
                            .collect();
                        assert_eq!(sends, &read.into_iter().collect::<Vec<_>>(), "sent to {j}");
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
}
