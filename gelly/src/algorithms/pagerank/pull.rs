//! The fast PageRank's plan of one worker's pull over its in-edges: which values it needs
//! from which peer (mirror lists), and its in-edges segmented by source range so that the
//! random reads of a gather stay in the core's L2 cache.
//!
//! - **Mirrors.** A worker reads, each iteration, the contribution `rank/outdeg` of every
//!   source of its in-edges. At the start each worker tells every peer which of the
//!   peer's vertices it reads (one exchange of index lists, as Gemini's and PowerGraph's
//!   mirrors); every iteration each worker then sends each peer exactly those values, and
//!   the receiver writes them to their places. Traffic per iteration is 8 bytes per
//!   (worker, remote source) pair — the cut — instead of the whole vector to everyone.
//! - **Segments.** The sources are cut into global index ranges of [`SEGMENT`] vertices
//!   (Zhang et al., "Making caches work for graph analytics", 2017): the gather runs over
//!   one segment at a time, reading values from a slice of at most 512 KiB, and adds each
//!   target's partial sum to an accumulator. A segment's in-edges are stored as (target,
//!   start) pairs over 16-bit source offsets within the segment: 2 bytes per edge and 8
//!   per (segment, target) pair, against 4 per edge for the in-CSR.
//!
//! **Note**: a vertex's sum is the segment sums in segment order, each over that segment's
//! in-edges in in-list order; segments are ranges of *global* indices of a fixed width, so
//! the order of additions — and the ranks, bit for bit — do not depend on the parallelism.

use std::ops::Range;

use eddy_core::Worker;

use crate::Result;
use crate::graph::mirrors::{bitmap, exchange_reads, mark};
use crate::graph::{Adjacency, Partitioning};

/// Sources per segment: the values a segment's gathers read fit in 512 KiB (the L2 cache
/// is 512 KiB – 2 MiB per core on current x86), and an offset within it fits in `u16`
/// (small in unit tests, so that small graphs have many segments).
pub(super) const SEGMENT: usize = if cfg!(test) { 1 << 6 } else { 1 << 16 };

/// One worker's pull plan; see the module documentation.
#[derive(Debug)]
pub(super) struct PullPlan {
    /// For each peer: the local indices of this worker's vertices it reads, ascending
    /// (empty for this worker itself).
    sends: Vec<Vec<u32>>,
    /// For each peer: the global indices of its vertices this worker reads, ascending —
    /// where the values it sends go (empty for this worker itself).
    mirrors: Vec<Vec<u32>>,
    /// Per segment: the pairs `pairs[segment]`.
    segments: Vec<Range<usize>>,
    /// (local target, start of its sources in `sources`), segment by segment, and a
    /// last entry holding the end of `sources`.
    pairs: Vec<(u32, u32)>,
    /// Source offsets within the segment, pair by pair.
    sources: Vec<u16>,
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
        // One pass over the in-edges: mark the sources read, count the in-edges and the
        // (segment, target) pairs of each segment.
        let count = n.div_ceil(SEGMENT);
        let mut read = bitmap(n);
        let mut edges = vec![0usize; count];
        let mut pair_count = vec![0usize; count];
        let mut last = vec![u32::MAX; count];
        for v in 0..len {
            for &u in inn.neighbors(v) {
                mark(&mut read, u);
                let s = u as usize / SEGMENT;
                edges[s] += 1;
                if last[s] != v as u32 {
                    last[s] = v as u32;
                    pair_count[s] += 1;
                }
            }
        }
        let lists = exchange_reads(worker, parts, &[read])?.pop().unwrap_or_default();
        let (mirrors, sends) = (lists.read, lists.wanted);
        // Then the segments' pairs and sources, each segment written in target order.
        let mut edge_cursor = Vec::with_capacity(count);
        let mut pair_cursor = Vec::with_capacity(count);
        let mut segments = Vec::with_capacity(count);
        let (mut e, mut q) = (0, 0);
        for s in 0..count {
            segments.push(q..q + pair_count[s]);
            edge_cursor.push(e);
            pair_cursor.push(q);
            e += edges[s];
            q += pair_count[s];
        }
        let mut pairs = vec![(0u32, 0u32); q + 1];
        pairs[q] = (0, e as u32);
        let mut sources = vec![0u16; e];
        last.fill(u32::MAX);
        for v in 0..len {
            for &u in inn.neighbors(v) {
                let s = u as usize / SEGMENT;
                if last[s] != v as u32 {
                    last[s] = v as u32;
                    pairs[pair_cursor[s]] = (v as u32, edge_cursor[s] as u32);
                    pair_cursor[s] += 1;
                }
                sources[edge_cursor[s]] = (u as usize % SEGMENT) as u16;
                edge_cursor[s] += 1;
            }
        }
        Ok(PullPlan { sends, mirrors, segments, pairs, sources })
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
        for (s, pairs) in self.segments.iter().enumerate() {
            let slice = &values[s * SEGMENT..((s + 1) * SEGMENT).min(values.len())];
            for pair in self.pairs[pairs.start..pairs.end + 1].windows(2) {
                let (target, start, end) = (pair[0].0 as usize, pair[0].1 as usize, pair[1].1 as usize);
                sums[target] += gather_sum(slice, &self.sources[start..end]);
            }
        }
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
    let mut tail = 0.0;
    for &u in chunks.remainder() {
        tail += values[u as usize];
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail
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
    fn the_plan_holds_every_in_edge_in_segment_then_list_order_and_reads_the_cut() {
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
                    // Decode the segments: each target's sources per segment, in order.
                    let mut decoded = vec![Vec::new(); (hi - lo) as usize];
                    for (s, pairs) in plan.segments.iter().enumerate() {
                        for pair in plan.pairs[pairs.start..pairs.end + 1].windows(2) {
                            for &o in &plan.sources[pair[0].1 as usize..pair[1].1 as usize] {
                                decoded[pair[0].0 as usize].push((s * SEGMENT) as u32 + u32::from(o));
                            }
                        }
                    }
                    for (v, got) in decoded.iter().enumerate() {
                        let mut expected = inn.neighbors(v).to_vec();
                        // Stable: by segment, then in-list order.
                        expected.sort_by_key(|&u| u as usize / SEGMENT);
                        assert_eq!(got, &expected, "in-edges of local vertex {v}, P = {p}");
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
