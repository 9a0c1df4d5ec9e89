//! Building a partition's CSR adjacency from the edges every worker holds.
//!
//! Every worker holds a share of the edges as columns of global dense indices
//! ([`DenseEdges`]). [`assemble`] chooses the partitioning (contiguous index ranges balanced
//! by vertices plus edge endpoints), then builds the out-adjacency and then the
//! in-adjacency, one direction at a time:
//!
//! 1. Each worker counts its edges per vertex and sends each owner the counts of its
//!    vertices; the owner then knows its offsets and, per vertex, where each sender's
//!    edges start.
//! 2. The edges go to their owners in rounds of a few MB per worker (at most [`ROUND`]
//!    edges, about 1/16 of the largest share); the owner sorts a round's edges by window of
//!    its vertices (so that its writes stay within a few MB at a time), then writes each
//!    one straight into its slot.
//!
//! For the out-adjacency the columns are kept, since the in-adjacency needs them too. For
//! the in-adjacency they are sent *from the end*, and shrink as they go, so the memory of
//! the input moves to the owners instead of adding to it. The owner cannot write those
//! edges to their final slots without touching (and paging in) its whole neighbour array
//! at once; it appends them instead to one segment per (window of its vertices, sender),
//! laid out where the window's neighbours will be, then sorts each window in place.
//! Peak memory is about 12 bytes per edge for unweighted edges with 32-bit ids (the
//! 8-byte columns plus the 4-byte out-neighbours), against 8 for the finished graph.
//!
//! **Note**: a vertex's neighbours come in the order of the workers' shares, then of the
//! edges in each share — the input order when shares are contiguous runs of the input in
//! worker order. Algorithms sum over neighbours in that order, so it must not depend on the
//! rounds or the windows: per-sender slot cursors (out) and per-sender segments read back
//! to front (in) keep it.

use std::sync::Arc;

use eddy_core::{Data, Worker};

use super::{Adjacency, Partitioning, Topology, block_size};
use crate::{Error, Result};

/// The most edges per worker and round of the routing exchanges (small in unit tests, so
/// that they cover many rounds). Rounds are about 1/16 of the largest share, at least
/// 1/16 of this: larger rounds write with better locality, smaller ones hold less.
const ROUND: usize = if cfg!(test) { 1 << 12 } else { 1 << 20 };
/// In-adjacency windows hold about this many edges, out-adjacency ones a quarter of it
/// (a group of vertices with more has its own).
const WINDOW: usize = if cfg!(test) { 1 << 10 } else { 1 << 20 };

/// One worker's edges as columns of global dense indices, with their values.
#[derive(Debug, Clone)]
pub(crate) struct DenseEdges<EV> {
    pub(crate) src: Vec<u32>,
    pub(crate) dst: Vec<u32>,
    pub(crate) values: Vec<EV>,
}

impl<EV> DenseEdges<EV> {
    pub(crate) fn new() -> Self {
        DenseEdges { src: Vec::new(), dst: Vec::new(), values: Vec::new() }
    }

    pub(crate) fn push(&mut self, src: u32, dst: u32, value: EV) {
        self.src.push(src);
        self.dst.push(dst);
        self.values.push(value);
    }

    pub(crate) fn len(&self) -> usize {
        self.src.len()
    }

    fn pop(&mut self) -> Option<(u32, u32, EV)> {
        Some((self.src.pop()?, self.dst.pop()?, self.values.pop()?))
    }

    fn shrink_to_fit(&mut self) {
        self.src.shrink_to_fit();
        self.dst.shrink_to_fit();
        self.values.shrink_to_fit();
    }
}

impl<EV> FromIterator<(u32, u32, EV)> for DenseEdges<EV> {
    fn from_iter<I: IntoIterator<Item = (u32, u32, EV)>>(iter: I) -> Self {
        let mut edges = DenseEdges::new();
        edges.extend(iter);
        edges
    }
}

impl<EV> Extend<(u32, u32, EV)> for DenseEdges<EV> {
    fn extend<I: IntoIterator<Item = (u32, u32, EV)>>(&mut self, iter: I) {
        for (s, d, v) in iter {
            self.push(s, d, v);
        }
    }
}

/// Chooses the partitioning (unless given) and builds this worker's out- and in-adjacency
/// from its share of the edges (global dense indices), consuming them. Edge order is
/// kept: a vertex's neighbours appear in the order of the workers' shares, then of the
/// edges in each share.
///
/// # Errors
/// A runtime failure; [`Error::TooLarge`] for a worker with 2³² edges or more, or a
/// vertex with 2³² edges or more in one direction.
pub(crate) fn assemble<EV: Data + Clone>(
    worker: &Worker,
    n: usize,
    edges: DenseEdges<EV>,
    parts: Option<Arc<Partitioning>>,
) -> Result<Topology<EV>> {
    let parts = match parts {
        Some(parts) => parts,
        None => Arc::new(balanced_partitioning(worker, n as u32, &edges)?),
    };
    let most = worker.all_reduce(edges.len() as u64, u64::max)?;
    if most > u64::from(u32::MAX) {
        return Err(Error::TooLarge(format!(
            "{most} edges on one worker; at most {} are supported",
            u32::MAX
        )));
    }
    let size = (most as usize / 16).clamp(ROUND / 16, ROUND);
    let rounds = Rounds { size, count: (most as usize).div_ceil(size) };
    let out = out_adjacency(worker, &parts, &edges, rounds)?;
    let inn = in_adjacency(worker, &parts, edges, rounds)?;
    Ok((parts, Arc::new(out), Arc::new(inn)))
}

fn balanced_partitioning<EV>(worker: &Worker, n: u32, edges: &DenseEdges<EV>) -> Result<Partitioning> {
    let block = block_size(n);
    let blocks = n.div_ceil(block) as usize;
    let mut weight = vec![0u64; blocks];
    for (&s, &d) in edges.src.iter().zip(&edges.dst) {
        weight[(s / block) as usize] += 1;
        weight[(d / block) as usize] += 1;
    }
    let weight = worker.all_reduce(weight, |mut a, b| {
        a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
        a
    })?;
    let p = worker.parallelism() as u64;
    let mut total = 0u64;
    let mut prefix = Vec::with_capacity(blocks);
    for (b, w) in weight.iter().enumerate() {
        let vertices = u64::from(block.min(n - b as u32 * block));
        total += w + vertices;
        prefix.push(total);
    }
    let mut bounds = vec![0u32];
    for i in 1..p {
        let target = total * i / p;
        let b = prefix.partition_point(|&x| x <= target);
        bounds.push((b as u32 * block).min(n).max(*bounds.last().unwrap_or(&0)));
    }
    bounds.push(n);
    Ok(Partitioning { bounds, block })
}

/// How the routing exchanges go: `count` rounds of up to `size` edges per worker, the same
/// on every worker.
#[derive(Debug, Clone, Copy)]
struct Rounds {
    size: usize,
    count: usize,
}

/// This worker's number of vertices.
fn local_len(worker: &Worker, parts: &Partitioning) -> usize {
    (parts.bounds[worker.index() + 1] - parts.bounds[worker.index()]) as usize
}

/// Counts this worker's edges per vertex `keys[i]` and sends every owner the counts of
/// its vertices; returns what each worker sent here, in worker order.
fn exchange_counts(worker: &Worker, parts: &Partitioning, keys: &[u32]) -> Result<Vec<Vec<u32>>> {
    let mut counts = vec![0u32; parts.len() as usize];
    for &k in keys {
        counts[k as usize] += 1;
    }
    let outgoing = parts.bounds.windows(2).map(|b| counts[b[0] as usize..b[1] as usize].to_vec()).collect();
    drop(counts);
    Ok(worker.all_to_all(outgoing)?)
}

/// The CSR offsets of `len` local vertices with, per sender, `counts[sender][vertex]` edges.
fn offsets(counts: &[Vec<u32>], len: usize) -> Result<Vec<usize>> {
    let mut offsets = Vec::with_capacity(len + 1);
    let mut total = 0usize;
    offsets.push(total);
    for v in 0..len {
        let degree: u64 = counts.iter().map(|c| u64::from(c[v])).sum();
        if degree > u64::from(u32::MAX) {
            return Err(Error::TooLarge(format!(
                "a vertex with {degree} edges; at most {} are supported",
                u32::MAX
            )));
        }
        total += degree as usize;
        offsets.push(total);
    }
    Ok(offsets)
}

/// One empty batch per worker, for a round of `edges` edges.
fn batches<T>(p: usize, edges: usize) -> Vec<Vec<T>> {
    (0..p).map(|_| Vec::with_capacity(edges / p + 16)).collect()
}

/// Stores `value` at `slot` of `values`, which gets its full length `m` at the first value
/// (every slot is written exactly once, so the copies of the first value are placeholders).
#[inline]
fn place<EV: Clone>(values: &mut Vec<EV>, m: usize, slot: usize, value: EV) {
    if values.len() < m {
        values.resize(m, value.clone());
    }
    values[slot] = value;
}

/// Consecutive local vertices grouped into windows of about `target` edges each (by the
/// CSR offsets), so that the writes to a window's neighbours stay within a few MB. Window
/// bounds fall on multiples of `2^shift` vertices, so a vertex's window is one look-up in
/// a table small enough for the cache.
struct Windows {
    shift: u32,
    /// The window of every group of `2^shift` vertices.
    of_group: Vec<u32>,
    /// The first vertex of every window, then the number of vertices.
    first: Vec<usize>,
}

impl Windows {
    /// Windows over the vertices `0..offsets.len() - 1`; a group with more than `target`
    /// edges is a window on its own.
    fn new(offsets: &[usize], target: usize) -> Self {
        let len = offsets.len() - 1;
        let mut shift = 0;
        while len >> shift > 1 << 16 {
            shift += 1;
        }
        let groups = len.div_ceil(1 << shift);
        let mut of_group = Vec::with_capacity(groups);
        let mut first = vec![0];
        for g in 0..groups {
            let (start, end) = (g << shift, ((g + 1) << shift).min(len));
            let window_start = first[first.len() - 1];
            if start > window_start && offsets[end] - offsets[window_start] > target {
                first.push(start);
            }
            of_group.push((first.len() - 1) as u32);
        }
        first.push(len);
        Windows { shift, of_group, first }
    }

    fn len(&self) -> usize {
        self.first.len() - 1
    }

    /// The window of local vertex `v`.
    #[inline]
    fn of(&self, v: u32) -> usize {
        self.of_group[(v >> self.shift) as usize] as usize
    }

    /// The vertices of window `w`.
    fn vertices(&self, w: usize) -> std::ops::Range<usize> {
        self.first[w]..self.first[w + 1]
    }
}

/// The out-adjacency of this worker's vertices; `edges` are kept for the in-adjacency.
fn out_adjacency<EV: Data + Clone>(
    worker: &Worker,
    parts: &Partitioning,
    edges: &DenseEdges<EV>,
    rounds: Rounds,
) -> Result<Adjacency<EV>> {
    let len = local_len(worker, parts);
    let p = worker.parallelism();
    let mut next = exchange_counts(worker, parts, &edges.src)?;
    let offsets = offsets(&next, len)?;
    let m = offsets[len];
    // `next[j][v]`: the slot of sender j's next edge of vertex v, or while slots do not fit
    // in 32 bits, its place after offsets[v] (a degree does fit).
    let narrow = m <= u32::MAX as usize;
    for v in 0..len {
        let mut at = if narrow { offsets[v] } else { 0 };
        for from in next.iter_mut() {
            let count = from[v] as usize;
            from[v] = at as u32;
            at += count;
        }
    }
    let windows = Windows::new(&offsets, WINDOW / 4);
    let mut nbrs = vec![0u32; m];
    let mut values = Vec::new();
    let mut sorted = Vec::new();
    let mut bucket = vec![0usize; windows.len() + 1];
    for round in 0..rounds.count {
        let range = (round * rounds.size).min(edges.len())..((round + 1) * rounds.size).min(edges.len());
        let mut outgoing = batches(p, range.len());
        for i in range {
            let s = edges.src[i];
            let owner = parts.owner(s);
            outgoing[owner].push((s - parts.bounds[owner], edges.dst[i], edges.values[i].clone()));
        }
        for (from, batch) in next.iter_mut().zip(worker.all_to_all(outgoing)?) {
            // A stable counting sort by window first: the writes then go to one window's
            // slots at a time instead of all over the array.
            let Some(first) = batch.first() else { continue };
            bucket.fill(0);
            for e in &batch {
                bucket[windows.of(e.0) + 1] += 1;
            }
            for w in 0..windows.len() {
                bucket[w + 1] += bucket[w];
            }
            sorted.clear();
            sorted.resize(batch.len(), first.clone());
            for e in batch {
                let at = &mut bucket[windows.of(e.0)];
                sorted[*at] = e;
                *at += 1;
            }
            for (v, d, value) in sorted.drain(..) {
                let v = v as usize;
                let slot = from[v] as usize + if narrow { 0 } else { offsets[v] };
                from[v] += 1;
                nbrs[slot] = d;
                place(&mut values, m, slot, value);
            }
        }
    }
    Ok(Adjacency { offsets, nbrs, values })
}

/// The in-adjacency of this worker's vertices, consuming `edges` from the end.
fn in_adjacency<EV: Data + Clone>(
    worker: &Worker,
    parts: &Partitioning,
    mut edges: DenseEdges<EV>,
    rounds: Rounds,
) -> Result<Adjacency<EV>> {
    let len = local_len(worker, parts);
    let p = worker.parallelism();
    let counts = exchange_counts(worker, parts, &edges.dst)?;
    let offsets = offsets(&counts, len)?;
    let m = offsets[len];
    let windows = Windows::new(&offsets, WINDOW);
    // Segment (w, j) holds sender j's edges of window w; segments in that order tile 0..m.
    let mut segments = Vec::with_capacity(windows.len() * p + 1);
    let mut at = 0;
    for w in 0..windows.len() {
        for from in &counts {
            segments.push(at);
            at += from[windows.vertices(w)].iter().map(|&c| c as usize).sum::<usize>();
        }
    }
    segments.push(at);
    debug_assert_eq!(at, m);
    drop(counts);
    let mut cursor = segments.clone();
    let mut keys = vec![0u32; m];
    let mut nbrs = vec![0u32; m];
    let mut values = Vec::new();
    for _ in 0..rounds.count {
        let from = edges.len().saturating_sub(rounds.size);
        let mut outgoing = batches(p, edges.len() - from);
        while edges.len() > from {
            let (s, d, value) = edges.pop().expect("the columns have the same length");
            let owner = parts.owner(d);
            outgoing[owner].push((d - parts.bounds[owner], s, value));
        }
        // Gives the sent edges' memory back.
        edges.shrink_to_fit();
        for (j, batch) in worker.all_to_all(outgoing)?.into_iter().enumerate() {
            for (v, s, value) in batch {
                let segment = &mut cursor[windows.of(v) * p + j];
                keys[*segment] = v;
                nbrs[*segment] = s;
                place(&mut values, m, *segment, value);
                *segment += 1;
            }
        }
    }
    drop(edges);
    // Sort each window by vertex: senders in order, each sender's segment read back to
    // front (it was sent latest first), which restores the input order.
    let mut next = Vec::new();
    let mut sorted = Vec::new();
    let mut sorted_values = Vec::new();
    for w in 0..windows.len() {
        let vertices = windows.vertices(w);
        let (start, end) = (offsets[vertices.start], offsets[vertices.end]);
        next.clear();
        next.extend_from_slice(&offsets[vertices.clone()]);
        sorted.clear();
        sorted.resize(end - start, 0u32);
        sorted_values.clear();
        sorted_values.extend_from_slice(&values[start.min(values.len())..end.min(values.len())]);
        for j in 0..p {
            for i in (segments[w * p + j]..segments[w * p + j + 1]).rev() {
                let v = keys[i] as usize - vertices.start;
                let slot = next[v] - start;
                next[v] += 1;
                sorted[slot] = nbrs[i];
                if !sorted_values.is_empty() {
                    sorted_values[slot] = values[i].clone();
                }
            }
        }
        nbrs[start..end].copy_from_slice(&sorted);
        if !sorted_values.is_empty() {
            values[start..end].clone_from_slice(&sorted_values);
        }
    }
    Ok(Adjacency { offsets, nbrs, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference CSR: `key(edge)`'s neighbours in input order.
    fn reference(n: usize, edges: &[(u32, u32, u64)], out: bool) -> Vec<Vec<(u32, u64)>> {
        let mut adjacency = vec![Vec::new(); n];
        for &(s, d, v) in edges {
            if out {
                adjacency[s as usize].push((d, v));
            } else {
                adjacency[d as usize].push((s, v));
            }
        }
        adjacency
    }

    fn lists(adjacency: &Adjacency<u64>, lo: u32, len: usize) -> Vec<(u32, Vec<(u32, u64)>)> {
        (0..len)
            .map(|i| {
                let pairs =
                    adjacency.neighbors(i).iter().copied().zip(adjacency.edge_values(i).iter().copied());
                (lo + i as u32, pairs.collect())
            })
            .collect()
    }

    #[test]
    fn adjacency_keeps_the_input_order_across_rounds_windows_and_workers() {
        // Several rounds and windows per worker, and a hub (7) with more than a window's edges.
        let n = 5_000u32;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut edges = Vec::new();
        for i in 0..(5 * ROUND as u64 + 1_234) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (s, d) = if i.is_multiple_of(3) {
                ((x % 50) as u32, 7)
            } else {
                ((x % n as u64) as u32, ((x >> 32) % n as u64) as u32)
            };
            edges.push((s, d, i));
        }
        let expected_out = reference(n as usize, &edges, true);
        let expected_in = reference(n as usize, &edges, false);
        for p in [1, 3] {
            let parts = eddy_runtime::LocalRuntime::with_parallelism(p)
                .unwrap()
                .execute(|w| {
                    let len = edges.len();
                    let share = len * w.index() / p..len * (w.index() + 1) / p;
                    let mine: DenseEdges<u64> = edges[share].iter().copied().collect();
                    let (parts, out, inn) =
                        assemble(w, n as usize, mine, None).map_err(eddy_core::Error::from)?;
                    let lo = parts.bounds[w.index()];
                    let len = (parts.bounds[w.index() + 1] - lo) as usize;
                    Ok((lists(&out, lo, len), lists(&inn, lo, len)))
                })
                .unwrap();
            let mut count = 0;
            for (out, inn) in parts {
                for ((v, got_out), (_, got_in)) in out.into_iter().zip(inn) {
                    assert_eq!(got_out, expected_out[v as usize], "out-edges of {v}, {p} workers");
                    assert_eq!(got_in, expected_in[v as usize], "in-edges of {v}, {p} workers");
                    count += 1;
                }
            }
            assert_eq!(count, n);
        }
    }
}
