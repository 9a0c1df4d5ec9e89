//! Adjacency lists segmented by neighbour range, so that the random reads of a pull stay in
//! the core's L2 cache (Zhang et al., "Making caches work for graph analytics", 2017).
//!
//! The neighbours (global indices) are cut into ranges of [`SEGMENT`] vertices; a pull
//! runs over one segment at a time, reading the values of a slice of at most `SEGMENT`
//! vertices, and combines each target's partial result into its accumulator. A segment's
//! lists are stored as (target, start) pairs over 16-bit neighbour offsets within the
//! segment: 2 bytes per edge and 8 per (segment, target) pair, against 4 per edge for the
//! CSR — and, when the pull needs edge values, the edge's CSR position (4 bytes per edge).
//!
//! The fast PageRank pulls over its in-edges this way, and the generic models' dense
//! supersteps (vertex-centric and scatter-gather broadcasts, gather-sum-apply gathers)
//! over the lists of the direction they read.
//!
//! **Note**: a target's neighbours are visited segment by segment, each segment's in list
//! order; segments are ranges of *global* indices of a fixed width, so the order — and a
//! floating-point sum over it, bit for bit — does not depend on the parallelism.

use std::ops::Range;

use super::Adjacency;

/// Neighbours per segment: the values a segment's pulls read fit in 512 KiB for 8-byte
/// values (the L2 cache is 512 KiB – 2 MiB per core on current x86), and an offset within
/// it fits in `u16` (small in unit tests, so that small graphs have many segments).
pub(crate) const SEGMENT: usize = if cfg!(test) { 1 << 6 } else { 1 << 16 };

/// One worker's adjacency lists, segmented; see the module documentation.
#[derive(Debug)]
pub(crate) struct Segmented {
    /// Per segment: the range of its pairs in `pairs`.
    segments: Vec<Range<usize>>,
    /// (local target, start of its neighbours in `offsets`), segment by segment, and a
    /// last entry holding the end of `offsets`.
    pairs: Vec<(u32, u32)>,
    /// Neighbour offsets within the segment, pair by pair.
    offsets: Vec<u16>,
    /// The CSR position of each entry of `offsets` (empty unless asked for).
    positions: Vec<u32>,
}

impl Segmented {
    /// Segments the lists of `adjacency` (neighbours are global indices below `n`); with
    /// `positions`, also records each edge's CSR position (to read its edge value).
    pub(crate) fn build<EV>(n: usize, adjacency: &Adjacency<EV>, positions: bool) -> Self {
        let len = adjacency.offsets.len().saturating_sub(1);
        // One pass: count the edges and the (segment, target) pairs of each segment.
        let count = n.div_ceil(SEGMENT);
        let mut edges = vec![0usize; count];
        let mut pair_count = vec![0usize; count];
        let mut last = vec![u32::MAX; count];
        for v in 0..len {
            for &u in adjacency.neighbors(v) {
                let s = u as usize / SEGMENT;
                edges[s] += 1;
                if last[s] != v as u32 {
                    last[s] = v as u32;
                    pair_count[s] += 1;
                }
            }
        }
        // Then the pairs and offsets, each segment written in target order.
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
        let mut offsets = vec![0u16; e];
        let mut at = if positions { vec![0u32; e] } else { Vec::new() };
        last.fill(u32::MAX);
        for v in 0..len {
            for (k, &u) in adjacency.range(v).zip(adjacency.neighbors(v)) {
                let s = u as usize / SEGMENT;
                if last[s] != v as u32 {
                    last[s] = v as u32;
                    pairs[pair_cursor[s]] = (v as u32, edge_cursor[s] as u32);
                    pair_cursor[s] += 1;
                }
                offsets[edge_cursor[s]] = (u as usize % SEGMENT) as u16;
                if positions {
                    at[edge_cursor[s]] = k as u32;
                }
                edge_cursor[s] += 1;
            }
        }
        Segmented { segments, pairs, offsets, positions: at }
    }

    /// Calls `visit(base, target, offsets, positions)` for every (segment, target) pair,
    /// segment by segment, targets ascending within a segment: the neighbours of local
    /// vertex `target` among the global indices `base..base + SEGMENT`, as offsets from
    /// `base` in list order, and their CSR positions (empty unless built with them).
    #[inline]
    pub(crate) fn for_each(&self, mut visit: impl FnMut(usize, usize, &[u16], &[u32])) {
        for (s, pairs) in self.segments.iter().enumerate() {
            let base = s * SEGMENT;
            for pair in self.pairs[pairs.start..pairs.end + 1].windows(2) {
                let (target, start, end) = (pair[0].0 as usize, pair[0].1 as usize, pair[1].1 as usize);
                let positions = if self.positions.is_empty() { &[][..] } else { &self.positions[start..end] };
                visit(base, target, &self.offsets[start..end], positions);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_held_segment_by_segment_in_list_order_with_its_positions() {
        // Local vertex v's neighbours: a skewed mix over 1000 global indices.
        let n = 1_000usize;
        let lists: Vec<Vec<u32>> = (0..300u32)
            .map(|v| (0..(v % 17)).map(|k| (v * 7919 + k * k * 131) % n as u32).collect())
            .collect();
        let mut offsets = vec![0];
        for list in &lists {
            offsets.push(offsets.last().unwrap() + list.len());
        }
        let nbrs: Vec<u32> = lists.concat();
        let values: Vec<()> = vec![(); nbrs.len()];
        let adjacency = Adjacency { offsets, nbrs, values };
        for with_positions in [false, true] {
            let segmented = Segmented::build(n, &adjacency, with_positions);
            let mut decoded = vec![Vec::new(); lists.len()];
            let mut last = None;
            segmented.for_each(|base, target, offsets, positions| {
                assert!(last < Some((base, target)), "segments in order, targets ascending");
                last = Some((base, target));
                assert_eq!(positions.len(), if with_positions { offsets.len() } else { 0 });
                for (k, &o) in offsets.iter().enumerate() {
                    let u = (base + o as usize) as u32;
                    if with_positions {
                        assert_eq!(adjacency.nbrs[positions[k] as usize], u, "position of an edge");
                    }
                    decoded[target].push(u);
                }
            });
            for (v, got) in decoded.iter().enumerate() {
                let mut expected = lists[v].clone();
                // Stable: by segment, then in-list order.
                expected.sort_by_key(|&u| u as usize / SEGMENT);
                assert_eq!(got, &expected, "list of local vertex {v}");
            }
        }
    }
}
