//! Gather-sum-apply iteration (Gelly's `runGatherSumApplyIteration`): in every superstep
//! each active vertex *gathers* a value from each neighbour in the configured direction
//! (from the neighbour's value and the edge value), *sums* them with an associative
//! function, and *applies* the sum to compute an optional new value. Active vertices are
//! all vertices in superstep 1, later those with a neighbour whose value changed — or
//! every vertex in every superstep with [`GatherSumApply::activate_all`]. It ends when no
//! value changes, when the criterion on the aggregate holds, or at the superstep limit.
//! `apply` may feed the superstep's aggregate and read the previous one.
//!
//! Neighbour values are read from a per-worker mirror of the vertex values, refreshed each
//! superstep with the changed values of the vertices its edges read (their owners know
//! from the mirror lists exchanged at the start): traffic proportional to the edge cut.

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{
    Aggregator, Control, Data, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine,
};

use crate::graph::mirrors::{
    MIRRORS_AFTER, OVER_ALL, OVER_IN, OVER_OUT, ReadLists, is_marked, mark, model_mirrors, whole_ranges,
};
use crate::graph::segments::Segmented;
use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::vertex_centric::sides;
use crate::{Error, Result};

/// The configuration of a gather-sum-apply iteration.
pub struct GatherSumApply<A = ()> {
    iteration: Iteration<A>,
    direction: EdgeDirection,
    all_active: bool,
}

impl GatherSumApply<()> {
    /// At most `max_iterations` supersteps, gathering over in-edges (from the sources).
    pub fn new(max_iterations: u32) -> Self {
        GatherSumApply {
            iteration: Iteration::new(max_iterations),
            direction: EdgeDirection::In,
            all_active: false,
        }
    }
}

impl<A: Aggregator> GatherSumApply<A> {
    /// Which neighbours are gathered: `In` (sources of in-edges), `Out` or `All`.
    #[must_use]
    pub fn direction(mut self, direction: EdgeDirection) -> Self {
        self.direction = direction;
        self
    }

    /// Every vertex is active in every superstep — `apply` then also runs for vertices
    /// whose neighbours did not change, and for vertices without neighbours (with `None`
    /// as the sum). For algorithms where every value moves every superstep (PageRank).
    #[must_use]
    pub fn activate_all(mut self) -> Self {
        self.all_active = true;
        self
    }

    /// Declares a global aggregator that `apply` feeds ([`Apply::aggregate`]) and reads
    /// one superstep later ([`Apply::previous_aggregate`]).
    #[must_use]
    pub fn aggregate<B: Aggregator>(self) -> GatherSumApply<B> {
        let iteration = Iteration::new(self.iteration.max_iterations()).aggregate::<B>();
        GatherSumApply { iteration, direction: self.direction, all_active: self.all_active }
    }

    /// Stops after the first superstep whose all-reduced aggregate satisfies `criterion`.
    #[must_use]
    pub fn converge_when(mut self, criterion: impl Fn(&A) -> bool + 'static) -> Self {
        self.iteration = self.iteration.converge_when(criterion);
        self
    }
}

/// A superstep is sparse — its active vertices named by the owners of the changed ones,
/// not found by scanning every edge — when fewer than one vertex in this many changed.
const SPARSE_FRACTION: usize = 20;

/// Folds `get(0..d)` into `total` with `sum`, in four independent chains so that the
/// random reads of the neighbours' values overlap instead of each waiting on the previous
/// sum (`sum` is associative and, as Gelly requires, commutative: the chains only change
/// the order of summation).
#[inline]
fn fold_into<G>(total: &mut Option<G>, d: usize, get: impl Fn(usize) -> G, sum: &impl Fn(G, G) -> G) {
    let folded = if d < 4 {
        let mut all = (0..d).map(&get);
        all.next().map(|first| all.fold(first, sum))
    } else {
        let [mut a, mut b, mut c, mut e] = [get(0), get(1), get(2), get(3)];
        let mut k = 4;
        while k + 4 <= d {
            a = sum(a, get(k));
            b = sum(b, get(k + 1));
            c = sum(c, get(k + 2));
            e = sum(e, get(k + 3));
            k += 4;
        }
        let tail = (k..d).map(&get).fold(a, sum);
        Some(sum(sum(tail, b), sum(c, e)))
    };
    if let Some(f) = folded {
        *total = Some(match total.take() {
            Some(t) => sum(t, f),
            None => f,
        });
    }
}

/// The changed values a worker ships a peer: those of the vertices on the peer's mirror
/// list. Positional (a bitmap over the list and the values in list order: 8 bytes per
/// value for an `f64`, the cut's size when everything changed) when at least one in
/// [`LISTED_BELOW`] of the list changed, else as (global index, value) pairs.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Changes<VV> {
    Listed(Vec<(u32, VV)>),
    OnList { words: Vec<u64>, values: Vec<VV> },
}

/// See [`Changes`].
const LISTED_BELOW: usize = 16;

/// The updates (ascending global indices) of the vertices `lo + wanted[k]` (ascending), as
/// [`Changes`]; `spare` is a buffer reused across supersteps.
fn on_list<VV: Clone>(
    updates: &[(u32, VV)],
    wanted: &[u32],
    lo: usize,
    mut spare: Vec<(u32, VV)>,
) -> Changes<VV> {
    spare.clear();
    let mut list = wanted.iter().map(|&i| (lo + i as usize) as u32).enumerate().peekable();
    for (g, value) in updates {
        while list.next_if(|&(_, u)| u < *g).is_some() {}
        if let Some(&(k, _)) = list.peek().filter(|(_, u)| u == g) {
            spare.push((k as u32, value.clone()));
        }
    }
    if spare.len() * LISTED_BELOW < wanted.len() {
        for (k, _) in &mut spare {
            *k = lo as u32 + wanted[*k as usize];
        }
        return Changes::Listed(spare);
    }
    let mut words = vec![0u64; wanted.len().div_ceil(64)];
    let values = spare
        .drain(..)
        .map(|(k, value)| {
            mark(&mut words, k);
            value
        })
        .collect();
    Changes::OnList { words, values }
}

/// What `apply` sees besides the value and the sum: the vertex's key and degrees, the
/// superstep, and the aggregate.
pub struct Apply<'a, K, A> {
    key: &'a K,
    superstep: u32,
    out_degree: usize,
    in_degree: usize,
    vertices: u64,
    aggregate: &'a mut A,
    previous: Option<&'a A>,
}

impl<K, A: Aggregator> Apply<'_, K, A> {
    /// The vertex's key.
    pub fn key(&self) -> &K {
        self.key
    }
    /// The superstep number, from 1.
    pub fn superstep(&self) -> u32 {
        self.superstep
    }
    /// Out-degree.
    pub fn out_degree(&self) -> usize {
        self.out_degree
    }
    /// In-degree.
    pub fn in_degree(&self) -> usize {
        self.in_degree
    }
    /// The number of vertices of the whole graph.
    pub fn number_of_vertices(&self) -> u64 {
        self.vertices
    }
    /// Adds to this superstep's aggregate.
    pub fn aggregate(&mut self, f: impl FnOnce(&mut A)) {
        f(self.aggregate);
    }
    /// The previous superstep's all-reduced aggregate (`None` in superstep 1).
    pub fn previous_aggregate(&self) -> Option<&A> {
        self.previous
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
    /// `sum(a, b)` (associative and commutative, as in Gelly; folded in four chains), `apply(vertex, value, sum)` →
    /// new value or `None`. `apply` runs for the active vertices with at least one
    /// gathered neighbour — or, with [`GatherSumApply::activate_all`], for every vertex
    /// (`sum` is `None` without neighbours).
    ///
    /// # Errors
    /// A zero superstep limit, a runtime failure.
    pub fn run_gather_sum_apply<G: Clone, A: Aggregator>(
        &self,
        config: GatherSumApply<A>,
        gather: impl Fn(&VV, &EV) -> G,
        sum: impl Fn(G, G) -> G,
        apply: impl Fn(&mut Apply<'_, K, A>, &VV, Option<G>) -> Option<VV>,
    ) -> Result<(Self, IterationSummary<A>)> {
        if config.iteration.max_iterations() == 0 {
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
        // With every vertex active the iteration never runs idle: it ends by its criterion
        // or its limit.
        let halt_when_idle = !config.all_active;
        let mut engine = SuperstepEngine::start(
            worker,
            IterationKind::GatherSumApply,
            &config.iteration,
            halt_when_idle,
            &mut state,
        )?;
        // The changed vertices (all of them before superstep 1), and a sparse superstep's
        // active vertices: those the owners of the changed ones name.
        let mut changed_list: Vec<u32> = (0..n as u32).filter(|&u| state.changed[u as usize]).collect();
        let mut candidates: Vec<u32> = Vec::new();
        let mut marked = vec![false; len];
        let hi = lo + len;
        let me = worker.index();
        let way = match config.direction {
            EdgeDirection::In => OVER_IN,
            EdgeDirection::Out => OVER_OUT,
            EdgeDirection::All => OVER_ALL,
        };
        // Changed values travel to the workers whose edges read them: with every vertex
        // active (the exact mirror lists will pay) from the start, otherwise to every peer
        // (whole ranges) until enough dense supersteps came.
        let exact = |graph: &Self| -> Result<ReadLists> {
            Ok(model_mirrors(graph)?.into_iter().nth(way).unwrap_or_default())
        };
        let mut mirrors = if config.all_active { exact(self)? } else { whole_ranges(&self.parts, me) };
        let mut dense_supersteps = 0u32;
        let mut segmented: Option<Vec<(Segmented, &Vec<EV>)>> = None;
        // A segmented gather's sums: values beside a bitmap of the vertices with one (no
        // `Option` per vertex: half the bytes for an `f64`, so more of it stays in cache).
        let mut totals: Vec<G> = Vec::new();
        let mut summed: Vec<u64> = vec![0; len.div_ceil(64)];
        // Reused across supersteps: this worker's updates, and the exchange's buffers.
        let mut updates: Vec<(u32, VV)> = Vec::new();
        let mut spare: Vec<Vec<(u32, VV)>> = Vec::new();
        while let Some(superstep) = engine.next_superstep() {
            // Dense or sparse, the same on every worker: on the global count of the values
            // changed in the last superstep (all of them before the first).
            let changed_before = engine.previous_active().unwrap_or(n as u64) as usize;
            let sparse = !config.all_active && changed_before * SPARSE_FRACTION < n;
            if !sparse && !config.all_active {
                dense_supersteps += 1;
                if dense_supersteps == MIRRORS_AFTER + 1 {
                    mirrors = exact(self)?;
                }
            }
            if sparse {
                let mut outgoing: Vec<Vec<u32>> = vec![Vec::new(); worker.parallelism()];
                for &u in changed_list.iter().filter(|&&u| (lo..hi).contains(&(u as usize))) {
                    let i = u as usize - lo;
                    // Who gathers from u: the targets of its out-edges (gathering over
                    // in-edges) and the sources of its in-edges (gathering over out-edges).
                    for &v in self.out.neighbors(i).iter().filter(|_| use_in) {
                        outgoing[self.parts.owner(v)].push(v);
                    }
                    for &v in self.inn.neighbors(i).iter().filter(|_| use_out) {
                        outgoing[self.parts.owner(v)].push(v);
                    }
                }
                candidates.clear();
                for v in worker.all_to_all(outgoing)?.into_iter().flatten() {
                    let i = v as usize - lo;
                    if !marked[i] {
                        marked[i] = true;
                        candidates.push(i as u32);
                    }
                }
                candidates.sort_unstable();
                for &i in &candidates {
                    marked[i as usize] = false;
                }
            }
            let previous = engine.previous();
            let mut aggregate = A::default();
            let GsaState { mirror, changed: changed_bits } = &mut state;
            updates.clear();
            let all = 0..len as u32;
            let visit: &mut dyn Iterator<Item = u32> =
                if sparse { &mut candidates.iter().copied() } else { &mut all.into_iter() };
            // With every vertex active, a dense superstep gathers over the lists segmented
            // by neighbour range (see `graph::segments`), built at the first superstep: it
            // pays for its build over the many supersteps such an iteration runs. Otherwise
            // a superstep gathers over the CSR, in a dense one only for a vertex with a
            // changed neighbour (a scan of bits in its lists, then the gather over the same
            // lists, now in cache).
            let segmented_pull = !sparse && config.all_active;
            if segmented_pull {
                let lists = segmented.get_or_insert_with(|| {
                    let positions = std::mem::size_of::<EV>() != 0;
                    let ways = [(use_out, &self.out), (use_in, &self.inn)];
                    ways.into_iter()
                        .filter(|(used, _)| *used)
                        .map(|(_, adjacency)| (Segmented::build(n, adjacency, positions), &adjacency.values))
                        .collect()
                });
                summed.fill(0);
                for (list, edge_values) in lists.iter() {
                    list.for_each(|base, t, offsets, positions| {
                        let values = &mirror[base..];
                        // Without edge values (a zero-sized type) every position is 0.
                        let edge = |k: usize| &edge_values[positions.get(k).map_or(0, |&p| p as usize)];
                        let get = |k: usize| gather(&values[offsets[k] as usize], edge(k));
                        let mut pair = None;
                        fold_into(&mut pair, offsets.len(), get, &sum);
                        let Some(f) = pair else { return };
                        if is_marked(&summed, t as u32) {
                            totals[t] = sum(totals[t].clone(), f);
                        } else {
                            if totals.is_empty() {
                                totals = vec![f.clone(); len];
                            }
                            mark(&mut summed, t as u32);
                            totals[t] = f;
                        }
                    });
                }
            }
            let ways = [(use_out, &self.out), (use_in, &self.inn)];
            for i in visit {
                let i = i as usize;
                let total = if segmented_pull {
                    is_marked(&summed, i as u32).then(|| totals[i].clone())
                } else {
                    let named = ways.iter().any(|(used, adjacency)| {
                        *used && adjacency.neighbors(i).iter().any(|&u| changed_bits[u as usize])
                    });
                    if !sparse && !named {
                        continue;
                    }
                    let mut total = None;
                    for (used, adjacency) in ways {
                        if used {
                            let (nbrs, edge_values) = (adjacency.neighbors(i), adjacency.edge_values(i));
                            let get = |k: usize| gather(&mirror[nbrs[k] as usize], &edge_values[k]);
                            fold_into(&mut total, nbrs.len(), get, &sum);
                        }
                    }
                    total
                };
                if total.is_none() && !config.all_active {
                    continue;
                }
                let g = lo + i;
                let mut context = Apply {
                    key: &self.ids.keys()[g],
                    superstep,
                    out_degree: self.out.degree(i),
                    in_degree: self.inn.degree(i),
                    vertices: n as u64,
                    aggregate: &mut aggregate,
                    previous,
                };
                if let Some(value) = apply(&mut context, &mirror[g], total) {
                    updates.push((g as u32, value));
                }
            }
            let local = updates.len() as u64;
            let outgoing: Vec<Vec<Changes<VV>>> = (0..worker.parallelism())
                .map(|w| {
                    if w == me {
                        return Vec::new();
                    }
                    vec![on_list(&updates, &mirrors.wanted[w], lo, spare.pop().unwrap_or_default())]
                })
                .collect();
            let received = worker.all_to_all(outgoing)?;
            // Which values changed matters only when not every vertex is active.
            let track = !config.all_active;
            for &u in changed_list.iter().filter(|_| track) {
                changed_bits[u as usize] = false;
            }
            changed_list.clear();
            let mut write = |g: u32, value: VV| {
                if track {
                    changed_bits[g as usize] = true;
                    changed_list.push(g);
                }
                mirror[g as usize] = value;
            };
            for (g, value) in updates.drain(..) {
                write(g, value);
            }
            for (w, batch) in
                received.into_iter().enumerate().flat_map(|(w, b)| b.into_iter().map(move |c| (w, c)))
            {
                match batch {
                    Changes::Listed(mut pairs) => {
                        for (g, value) in pairs.drain(..) {
                            write(g, value);
                        }
                        spare.push(pairs);
                    }
                    Changes::OnList { words, values } => {
                        let read = &mirrors.read[w];
                        let set = (0..read.len()).filter(|&k| is_marked(&words, k as u32));
                        for (k, value) in set.zip(values) {
                            write(read[k], value);
                        }
                    }
                }
            }
            // Active next: the vertices whose value changed (their neighbours gather).
            let control = Control { active: local, changed: local, aggregate };
            if engine.end_superstep(control, &state)?.done {
                break;
            }
        }
        let values = state.mirror[lo..lo + len].to_vec();
        Ok((self.with_values(values), engine.finish()))
    }
}
