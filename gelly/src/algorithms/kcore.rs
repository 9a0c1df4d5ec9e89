//! Core numbers of the undirected simple view (`graph::simple`), networkx's
//! `core_number`: the largest `k` such that the vertex belongs to a subgraph in which
//! every vertex has degree at least `k`.
//!
//! How: peeling by levels, as Batagelj and Zaversnik's O(m) algorithm, distributed as in
//! ParK (Dasari et al., 2014). At level `k`, every vertex whose remaining degree is at most
//! `k` gets core `k` and leaves, lowering its neighbours' degrees, which may bring them to
//! `k` too; the level ends when no vertex anywhere is at or below `k`, and the next level
//! is the smallest remaining degree. Each worker keeps its vertices in Batagelj–Zaversnik
//! bins (sorted by remaining degree, a decrement moves a vertex one bin down in O(1)),
//! peels its own vertices at once within a superstep, and ships the decrements of remote
//! neighbours at its end. A superstep per exchange: about one per level with vertices.

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{
    Aggregator, Control, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine,
};

use crate::Result;
use crate::graph::Graph;
use crate::ids::VertexKey;

/// The peeling's global figures at a superstep's end: the vertices waiting at the current
/// level, and the smallest remaining degree (the next level once none waits).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Level {
    waiting: u64,
    smallest: Option<u32>,
}

impl Aggregator for Level {
    fn merge(&mut self, other: &Self) {
        self.waiting += other.waiting;
        self.smallest = match (self.smallest, other.smallest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    fn values(&self) -> Vec<f64> {
        vec![self.waiting as f64]
    }
}

/// One worker's Batagelj–Zaversnik bins: `order[done..]` are the vertices not peeled yet,
/// sorted by remaining degree; `start[d]` is where degree `d` begins in `order`.
struct Bins {
    degree: Vec<u32>,
    order: Vec<u32>,
    position: Vec<u32>,
    start: Vec<u32>,
    done: u32,
    core: Vec<u32>,
    /// The level being peeled.
    level: u32,
}

impl Bins {
    fn new(degree: Vec<u32>) -> Self {
        let max = degree.iter().copied().max().unwrap_or(0) as usize;
        let mut start = vec![0u32; max + 2];
        for &d in &degree {
            start[d as usize + 1] += 1;
        }
        for d in 1..start.len() {
            start[d] += start[d - 1];
        }
        let mut fill = start.clone();
        let mut order = vec![0u32; degree.len()];
        let mut position = vec![0u32; degree.len()];
        for (v, &d) in degree.iter().enumerate() {
            let at = &mut fill[d as usize];
            order[*at as usize] = v as u32;
            position[v] = *at;
            *at += 1;
        }
        let core = vec![0; degree.len()];
        Bins { degree, order, position, start, done: 0, core, level: 0 }
    }

    /// Where the vertices above the current level begin.
    fn above(&self) -> u32 {
        self.start.get(self.level as usize + 1).copied().unwrap_or(self.order.len() as u32)
    }

    /// Vertices at or below the level, not peeled yet.
    fn waiting(&self) -> u64 {
        u64::from(self.above() - self.done)
    }

    /// The smallest remaining degree, if any vertex remains.
    fn smallest(&self) -> Option<u32> {
        self.order.get(self.done as usize).map(|&v| self.degree[v as usize])
    }

    fn remaining(&self) -> bool {
        (self.done as usize) < self.order.len()
    }

    /// Lowers `v`'s remaining degree by one, unless it is at or below the level: waiting
    /// there (it gets the level's core either way) or peeled (a peeled vertex's degree is at
    /// most the level it was peeled at, and levels only rise) — one read for most calls.
    #[inline]
    fn decrement(&mut self, v: u32) {
        let d = self.degree[v as usize];
        if d <= self.level {
            return;
        }
        // Swap `v` with the first vertex of its bin, then move the bin's start past it.
        let first_at = self.start[d as usize];
        let first = self.order[first_at as usize];
        let at = self.position[v as usize];
        self.order.swap(first_at as usize, at as usize);
        self.position[first as usize] = at;
        self.position[v as usize] = first_at;
        self.start[d as usize] += 1;
        self.degree[v as usize] = d - 1;
    }
}

/// The peeling's state between supersteps, for checkpoints.
struct CoreState {
    bins: Bins,
}

impl IterationState for CoreState {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        let b = &self.bins;
        encode(&(&b.degree, &b.order, &b.position, &b.start, b.done, &b.core, b.level))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        let b = &mut self.bins;
        (b.degree, b.order, b.position, b.start, b.done, b.core, b.level) = decode(bytes)?;
        Ok(())
    }
}

/// The core number of every vertex of the undirected simple view.
///
/// # Errors
/// A runtime failure.
pub fn core_numbers<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
) -> Result<(Graph<'w, K, u64, EV>, IterationSummary<()>)> {
    let worker = graph.worker;
    let (p, me) = (worker.parallelism(), worker.index());
    let lists = graph.simple_lists();
    let lo = graph.lo();
    let degrees = (0..lists.len()).map(|i| lists.degree(i) as u32).collect();
    let mut state = CoreState { bins: Bins::new(degrees) };
    let first = worker.all_reduce(Level { waiting: 0, smallest: state.bins.smallest() }, |mut a, b| {
        a.merge(&b);
        a
    })?;
    state.bins.level = first.smallest.unwrap_or(0);
    let mut remote: Vec<Vec<u32>> = vec![Vec::new(); p];
    let iteration = Iteration::new(u32::MAX).aggregate::<Level>();
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, true, &mut state)?;
    while engine.next_superstep().is_some() {
        let bins = &mut state.bins;
        let mut peeled = 0u64;
        while bins.done < bins.above() {
            let v = bins.order[bins.done as usize];
            bins.done += 1;
            bins.core[v as usize] = bins.level;
            peeled += 1;
            for &u in lists.neighbors(v as usize) {
                let owner = graph.parts.owner(u);
                if owner == me {
                    bins.decrement(u - lo);
                } else {
                    remote[owner].push(u);
                }
            }
        }
        for u in worker.all_to_all(std::mem::replace(&mut remote, vec![Vec::new(); p]))?.into_iter().flatten()
        {
            bins.decrement(u - lo);
        }
        let level = Level { waiting: bins.waiting(), smallest: bins.smallest() };
        let left = u64::from(bins.remaining());
        let boundary =
            engine.end_superstep(Control { active: left, changed: peeled, aggregate: level }, &state)?;
        if boundary.done {
            break;
        }
        // Once no vertex waits anywhere, the next level is the smallest remaining degree.
        if boundary.global.aggregate.waiting == 0 {
            let next = boundary.global.aggregate.smallest.unwrap_or(state.bins.level);
            state.bins.level = next.max(state.bins.level + 1);
        }
    }
    let cores = state.bins.core.iter().map(|&k| u64::from(k)).collect();
    Ok((graph.with_values(cores), engine.finish().map(|_| ())))
}
