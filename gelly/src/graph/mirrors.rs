//! Mirror lists: which vertices of each peer a worker's edges read, so that a superstep
//! ships each peer only the values its edges read — traffic proportional to the edge cut,
//! not to `n · P` (Gemini's and PowerGraph's mirrors). The fast PageRank's pull plan and
//! the generic models' dense supersteps both take theirs from [`exchange_reads`].

use eddy_core::Worker;

use crate::Result;
use crate::graph::{Graph, Partitioning};

/// One set of mirror lists of this worker.
#[derive(Debug, Default)]
pub(crate) struct ReadLists {
    /// Per peer: the global indices of its vertices read here, ascending (empty for this
    /// worker itself) — where the values it sends go.
    pub(crate) read: Vec<Vec<u32>>,
    /// Per peer: the local indices of this worker's vertices it reads, ascending — what
    /// to send it.
    pub(crate) wanted: Vec<Vec<u32>>,
}

/// A bitmap with one bit per vertex of the graph.
pub(crate) fn bitmap(n: usize) -> Vec<u64> {
    vec![0; n.div_ceil(64)]
}

/// Sets bit `u`.
#[inline]
pub(crate) fn mark(bits: &mut [u64], u: u32) {
    bits[(u / 64) as usize] |= 1 << (u % 64);
}

/// Whether bit `u` is set.
#[inline]
pub(crate) fn is_marked(bits: &[u64], u: u32) -> bool {
    bits[(u / 64) as usize] & (1 << (u % 64)) != 0
}

/// The mirror lists of each bitmap of vertices read (bits of this worker's own vertices are
/// ignored), with one exchange for all of them. Collective.
///
/// # Errors
/// A runtime failure.
pub(crate) fn exchange_reads(
    worker: &Worker,
    parts: &Partitioning,
    bitmaps: &[Vec<u64>],
) -> Result<Vec<ReadLists>> {
    let p = parts.bounds.len() - 1;
    let me = worker.index();
    let bounds = &parts.bounds;
    let listed = |bits: &[u64], w: usize| -> Vec<u32> {
        if w == me {
            return Vec::new();
        }
        (bounds[w]..bounds[w + 1]).filter(|&u| is_marked(bits, u)).collect()
    };
    let read: Vec<Vec<Vec<u32>>> =
        bitmaps.iter().map(|bits| (0..p).map(|w| listed(bits, w)).collect()).collect();
    // Tell each peer which of its vertices this worker reads, as its local indices.
    let outgoing: Vec<Vec<Vec<u32>>> = (0..p)
        .map(|w| read.iter().map(|lists| lists[w].iter().map(|&u| u - bounds[w]).collect()).collect())
        .collect();
    let mut wanted: Vec<Vec<Vec<u32>>> = vec![vec![Vec::new(); p]; bitmaps.len()];
    for (w, lists) in worker.all_to_all(outgoing)?.into_iter().enumerate() {
        for (set, list) in wanted.iter_mut().zip(lists) {
            set[w] = list;
        }
    }
    Ok(read.into_iter().zip(wanted).map(|(read, wanted)| ReadLists { read, wanted }).collect())
}

/// Reads over in-edges (the sources of this worker's in-edges).
pub(crate) const OVER_IN: usize = 0;
/// Reads over out-edges (the targets of this worker's out-edges).
pub(crate) const OVER_OUT: usize = 1;
/// Reads over both.
pub(crate) const OVER_ALL: usize = 2;

/// The mirror lists of the three ways of reading ([`OVER_IN`], [`OVER_OUT`], [`OVER_ALL`]),
/// for the generic models. Collective: one pass over the edges, one exchange.
///
/// # Errors
/// A runtime failure.
pub(crate) fn model_mirrors<K, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<[ReadLists; 3]> {
    let n = graph.parts.len() as usize;
    let (mut over_in, mut over_out) = (bitmap(n), bitmap(n));
    if graph.worker.parallelism() > 1 {
        graph.inn.nbrs.iter().for_each(|&u| mark(&mut over_in, u));
        graph.out.nbrs.iter().for_each(|&u| mark(&mut over_out, u));
    }
    let over_all: Vec<u64> = over_in.iter().zip(&over_out).map(|(a, b)| a | b).collect();
    let lists = exchange_reads(graph.worker, &graph.parts, &[over_in, over_out, over_all])?;
    let mut lists = lists.into_iter();
    Ok(std::array::from_fn(|_| lists.next().unwrap_or_default()))
}

/// Dense supersteps that ship by [`whole_ranges`] before an iteration computes its exact
/// mirror lists ([`model_mirrors`]): the lists cost a pass over the edges and an exchange
/// (RMAT-20, P = 2: ~25 ms per worker, as much as a third of a dense superstep), which an
/// iteration of a few dense supersteps (WCC: 3–5) does not earn back, and one of many
/// (PageRank: 20) does. A global count, so every worker switches in the same superstep.
pub(crate) const MIRRORS_AFTER: u32 = 5;

/// Mirror lists that name every vertex of every peer: what a worker ships before its
/// exact lists pay for themselves — everything, with no pass over the edges and no
/// exchange. The same lists serve every way of reading.
pub(crate) fn whole_ranges(parts: &Partitioning, me: usize) -> ReadLists {
    let bounds = &parts.bounds;
    let p = bounds.len() - 1;
    let own = (bounds[me + 1] - bounds[me]) as usize;
    ReadLists {
        read: (0..p)
            .map(|w| if w == me { Vec::new() } else { (bounds[w]..bounds[w + 1]).collect() })
            .collect(),
        wanted: (0..p).map(|w| if w == me { Vec::new() } else { (0..own as u32).collect() }).collect(),
    }
}
