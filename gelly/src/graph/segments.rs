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
//! Within a segment the pairs are grouped by their number of neighbours (1 to 8, then
//! more) and, within that, by whether the target has neighbours in an earlier segment;
//! targets ascending within a group: consecutive gathers then run loops of the same length
//! and take the same "first value or combine" branch, which the branch predictor gets
//! right.
//!
//! The fast PageRank pulls over its in-edges this way, and gather-sum-apply with every
//! vertex active (its PageRank) over the lists of the direction it reads.
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

/// A segment's (segment, target) pairs are grouped by their number of neighbours in the
/// segment — 1, 2, …, `CLASSES - 1`, then more — so that consecutive gathers run loops of
/// the same length and their branches are predicted (on RMAT-20 a pair holds 7 neighbours
/// on average, and unpredictable loop exits cost the fast PageRank's gather a third of
/// its time).
const CLASSES: usize = 9;

/// Within a class, the pairs of targets with no neighbour in an earlier segment come first:
/// a gather that combines into an accumulator per target without a neutral start (the
/// generic models) tests "first value or combine" and gets the same answer pair after
/// pair.
const GROUPS: usize = 2 * CLASSES;

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
        let count = n.div_ceil(SEGMENT);
        // Per target: its number of neighbours in each segment, and the segments it has
        // neighbours in, ascending.
        let mut here = vec![0usize; count];
        let mut touched: Vec<usize> = Vec::with_capacity(count);
        let tally = |v: usize, here: &mut [usize], touched: &mut Vec<usize>| {
            touched.clear();
            if count <= 64 {
                // Up to 64 segments (4 M vertices) the segments touched are bits of a word:
                // no branch per edge.
                let mut mask = 0u64;
                for &u in adjacency.neighbors(v) {
                    let s = u as usize / SEGMENT;
                    here[s] += 1;
                    mask |= 1 << s;
                }
                while mask != 0 {
                    touched.push(mask.trailing_zeros() as usize);
                    mask &= mask - 1;
                }
                return;
            }
            for &u in adjacency.neighbors(v) {
                let s = u as usize / SEGMENT;
                if here[s] == 0 {
                    touched.push(s);
                }
                here[s] += 1;
            }
            touched.sort_unstable();
        };
        // One pass: the pairs and edges of each (segment, class, first or not).
        let bucket = |s: usize, length: usize, first: bool| {
            s * GROUPS + (length.min(CLASSES) - 1) * 2 + usize::from(!first)
        };
        let mut pair_count = vec![0usize; count * GROUPS];
        let mut edge_count = vec![0usize; count * GROUPS];
        for v in 0..len {
            tally(v, &mut here, &mut touched);
            for (k, &s) in touched.iter().enumerate() {
                let b = bucket(s, here[s], k == 0);
                pair_count[b] += 1;
                edge_count[b] += here[s];
                here[s] = 0;
            }
        }
        // Where each group starts; a segment is its groups in order.
        let mut segments = Vec::with_capacity(count);
        let (mut pair_cursor, mut edge_cursor) = (vec![0usize; count * GROUPS], vec![0usize; count * GROUPS]);
        let (mut e, mut q) = (0, 0);
        for s in 0..count {
            let first = q;
            for b in s * GROUPS..(s + 1) * GROUPS {
                pair_cursor[b] = q;
                edge_cursor[b] = e;
                q += pair_count[b];
                e += edge_count[b];
            }
            segments.push(first..q);
        }
        // Then the pairs and offsets: targets ascending within each group.
        let mut pairs = vec![(0u32, 0u32); q + 1];
        pairs[q] = (0, e as u32);
        let mut offsets = vec![0u16; e];
        let mut at = if positions { vec![0u32; e] } else { Vec::new() };
        let mut write = vec![0usize; count];
        for v in 0..len {
            tally(v, &mut here, &mut touched);
            for (k, &s) in touched.iter().enumerate() {
                let b = bucket(s, here[s], k == 0);
                pairs[pair_cursor[b]] = (v as u32, edge_cursor[b] as u32);
                pair_cursor[b] += 1;
                write[s] = edge_cursor[b];
                edge_cursor[b] += here[s];
                here[s] = 0;
            }
            for (k, &u) in adjacency.range(v).zip(adjacency.neighbors(v)) {
                let s = u as usize / SEGMENT;
                offsets[write[s]] = (u as usize % SEGMENT) as u16;
                if positions {
                    at[write[s]] = k as u32;
                }
                write[s] += 1;
            }
        }
        Segmented { segments, pairs, offsets, positions: at }
    }

    /// Calls `visit(base, target, offsets, positions)` for every (segment, target) pair,
    /// segment by segment; within a segment by class (the pair's number of neighbours, see
    /// [`CLASSES`]), then the targets' first pairs before the others ([`GROUPS`]), targets
    /// ascending within a group: the neighbours of local
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
        // Local vertex v's neighbours: a skewed mix over n global indices (16 segments, and
        // more than 64: the two ways of finding the segments a list touches).
        for n in [1_000usize, 70 * SEGMENT] {
            check_segmented_lists(n);
        }
    }

    fn check_segmented_lists(n: usize) {
        let lists: Vec<Vec<u32>> = (0..300u32)
            .map(|v| (0..(v % 17) * 3).map(|k| (v * 7919 + k * k * 131) % n as u32).collect())
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
            let mut seen = vec![false; lists.len()];
            segmented.for_each(|base, target, offsets, positions| {
                let (class, later) = (offsets.len().min(CLASSES), seen[target]);
                seen[target] = true;
                assert!(
                    last < Some((base, class, later, target)),
                    "segments in order; within a segment classes ascending, first pairs first, targets ascending"
                );
                last = Some((base, class, later, target));
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
