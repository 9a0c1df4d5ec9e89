//! Mirror lists: which vertices of each peer a worker's edges read, so that a dense
//! superstep ships each peer only the values its edges read — traffic proportional to the
//! edge cut, not to `n · P` (Gemini's and PowerGraph's mirrors). Computed once per
//! iteration with one pass over the worker's edges and one exchange.

use eddy_core::Worker;

use crate::Result;
use crate::graph::Graph;

/// Reads over in-edges (the sources of this worker's in-edges).
pub(crate) const OVER_IN: usize = 0;
/// Reads over out-edges (the targets of this worker's out-edges).
pub(crate) const OVER_OUT: usize = 1;
/// Reads over both.
pub(crate) const OVER_ALL: usize = 2;

/// For each way of reading ([`OVER_IN`], [`OVER_OUT`], [`OVER_ALL`]) and each peer: the
/// peer's vertices this worker reads, and this worker's vertices the peer reads.
pub(crate) struct Mirrors {
    /// `[way][peer]`: global indices of the peer's vertices read here, ascending.
    pub(crate) read: [Vec<Vec<u32>>; 3],
    /// `[way][peer]`: local indices of this worker's vertices the peer reads, ascending.
    pub(crate) wanted: [Vec<Vec<u32>>; 3],
}

impl Mirrors {
    /// Collective: every worker calls it at the same point.
    pub(crate) fn new<K, VV, EV>(graph: &Graph<'_, K, VV, EV>) -> Result<Self> {
        let worker: &Worker = graph.worker;
        let p = worker.parallelism();
        let me = worker.index();
        let bounds = &graph.parts.bounds;
        let lo = bounds[me];
        // One bit per vertex of the graph and way; this worker's own range stays clear.
        let n = graph.parts.len() as usize;
        let mut seen = [vec![0u64; n.div_ceil(64)], vec![0u64; n.div_ceil(64)]];
        if p > 1 {
            for i in 0..graph.values.len() {
                for (bits, nbrs) in seen.iter_mut().zip([graph.inn.neighbors(i), graph.out.neighbors(i)]) {
                    for &u in nbrs {
                        bits[(u / 64) as usize] |= 1 << (u % 64);
                    }
                }
            }
        }
        let hi = bounds[me + 1];
        let listed = |bits: &[u64], w: usize| -> Vec<u32> {
            if w == me {
                return Vec::new();
            }
            (bounds[w]..bounds[w + 1]).filter(|&u| bits[(u / 64) as usize] & (1 << (u % 64)) != 0).collect()
        };
        let both: Vec<u64> = seen[0].iter().zip(&seen[1]).map(|(a, b)| a | b).collect();
        let read: [Vec<Vec<u32>>; 3] = [
            (0..p).map(|w| listed(&seen[0], w)).collect(),
            (0..p).map(|w| listed(&seen[1], w)).collect(),
            (0..p).map(|w| listed(&both, w)).collect(),
        ];
        // Tell each peer which of its vertices this worker reads, as its local indices.
        let outgoing: Vec<Vec<[Vec<u32>; 3]>> = (0..p)
            .map(|w| {
                if w == me {
                    return Vec::new();
                }
                let local = |list: &Vec<u32>| list.iter().map(|&u| u - bounds[w]).collect();
                vec![[local(&read[0][w]), local(&read[1][w]), local(&read[2][w])]]
            })
            .collect();
        let mut wanted: [Vec<Vec<u32>>; 3] = std::array::from_fn(|_| vec![Vec::new(); p]);
        for (w, lists) in worker.all_to_all(outgoing)?.into_iter().enumerate() {
            for [over_in, over_out, over_all] in lists {
                wanted[OVER_IN][w] = over_in;
                wanted[OVER_OUT][w] = over_out;
                wanted[OVER_ALL][w] = over_all;
            }
        }
        debug_assert!(wanted.iter().flatten().flatten().all(|&i| i < hi - lo));
        Ok(Mirrors { read, wanted })
    }
}
