//! Vertex-centric iteration (Pregel): in every superstep each active vertex runs
//! `compute(vertex, messages)`, may change its value, send messages along its edges (or to
//! any neighbour) and vote to halt. A halted vertex wakes up when a message arrives; the
//! iteration ends when every vertex has halted and no message is in flight, when the
//! convergence criterion on the aggregate holds, or after `max_iterations` supersteps.
//!
//! ```
//! use eddy_gelly::{Graph, models::vertex_centric::VertexCentric};
//! # fn main() -> eddy_gelly::Result<()> {
//! let labels = eddy_runtime::LocalRuntime::with_parallelism(2)?.execute(|worker| {
//!     let graph = Graph::from_edges(worker, [(1u64, 2u64, ()), (2, 3, ()), (7, 8, ())])?
//!         .map_vertices(|key, _| *key);
//!     // Smallest key in each weakly connected component.
//!     let (result, _) = graph.run_vertex_centric(
//!         VertexCentric::new(100).combiner(|a: &mut u64, b| *a = (*a).min(b)),
//!         |v, messages| {
//!             let best = messages.iter().copied().min().unwrap_or(u64::MAX);
//!             if v.superstep() == 1 || best < *v.value() {
//!                 if best < *v.value() {
//!                     v.set_value(best);
//!                 }
//!                 let label = *v.value();
//!                 v.send_to_neighbors(eddy_gelly::EdgeDirection::All, label);
//!             }
//!             v.vote_to_halt();
//!         },
//!     )?;
//!     Ok::<_, eddy_core::Error>(result.vertices().collect()?)
//! })?;
//! assert_eq!(labels[0], vec![(1, 1), (2, 1), (3, 1), (7, 7), (8, 7)]);
//! # Ok(()) }
//! ```

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{
    Aggregator, Control, Data, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine,
};

use crate::graph::{EdgeDirection, Graph, Partitioning};
use crate::ids::{VertexIds, VertexKey};
use crate::{Error, Result};

pub(crate) type Combiner<M> = Box<dyn Fn(&mut M, M)>;

/// The configuration of a vertex-centric iteration: superstep limit, optional message
/// combiner, optional aggregator and convergence criterion.
pub struct VertexCentric<M, A = ()> {
    iteration: Iteration<A>,
    combiner: Option<Combiner<M>>,
}

impl<M> VertexCentric<M, ()> {
    /// At most `max_iterations` supersteps, no combiner, no aggregator.
    pub fn new(max_iterations: u32) -> Self {
        VertexCentric { iteration: Iteration::new(max_iterations), combiner: None }
    }
}

impl<M, A: Aggregator> VertexCentric<M, A> {
    /// Combines two messages to the same vertex into one (`combine(&mut acc, next)`); must
    /// be associative and commutative. Messages are then combined per target before they
    /// leave the sending worker, and `compute` receives at most one message.
    #[must_use]
    pub fn combiner(mut self, combine: impl Fn(&mut M, M) + 'static) -> Self {
        self.combiner = Some(Box::new(combine));
        self
    }

    /// Declares a global aggregator that `compute` feeds with [`Vertex::aggregate`] and
    /// reads one superstep later with [`Vertex::previous_aggregate`].
    #[must_use]
    pub fn aggregate<B: Aggregator>(self) -> VertexCentric<M, B> {
        let iteration = Iteration::new(self.iteration.max_iterations()).aggregate::<B>();
        VertexCentric { iteration, combiner: self.combiner }
    }

    /// Stops after the first superstep whose all-reduced aggregate satisfies `criterion`.
    #[must_use]
    pub fn converge_when(mut self, criterion: impl Fn(&A) -> bool + 'static) -> Self {
        self.iteration = self.iteration.converge_when(criterion);
        self
    }
}

/// A neighbour of the vertex being computed (an opaque dense index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Neighbor(pub(crate) u32);

/// One vertex during `compute`: its value, its edges, and the means to send messages.
pub struct Vertex<'a, K, VV, EV, M, A> {
    superstep: u32,
    index: u32,
    value: &'a mut VV,
    changed: bool,
    halted: bool,
    out_nbrs: &'a [u32],
    out_values: &'a [EV],
    in_nbrs: &'a [u32],
    in_values: &'a [EV],
    ids: &'a VertexIds<K>,
    outbox: &'a mut Outbox<M>,
    combiner: Option<&'a Combiner<M>>,
    aggregate: &'a mut A,
    previous: Option<&'a A>,
}

impl<K: VertexKey, VV, EV, M, A: Aggregator> Vertex<'_, K, VV, EV, M, A> {
    /// The superstep number, from 1.
    pub fn superstep(&self) -> u32 {
        self.superstep
    }
    /// The vertex's key.
    pub fn key(&self) -> &K {
        self.ids.key(self.index)
    }
    /// The vertex's current value.
    pub fn value(&self) -> &VV {
        self.value
    }
    /// Replaces the vertex's value.
    pub fn set_value(&mut self, value: VV) {
        *self.value = value;
        self.changed = true;
    }
    /// The number of vertices of the whole graph.
    pub fn number_of_vertices(&self) -> u64 {
        self.ids.len() as u64
    }
    /// The number of out-edges.
    pub fn out_degree(&self) -> usize {
        self.out_nbrs.len()
    }
    /// The number of in-edges.
    pub fn in_degree(&self) -> usize {
        self.in_nbrs.len()
    }
    /// The key of a neighbour.
    pub fn neighbor_key(&self, neighbor: Neighbor) -> &K {
        self.ids.key(neighbor.0)
    }
    /// The edges in `direction` as (neighbour, edge value); out-edges first for `All`.
    pub fn edges(&self, direction: EdgeDirection) -> impl Iterator<Item = (Neighbor, &EV)> + '_ {
        let (out, inn) = sides(direction);
        let o = self.out_nbrs.iter().zip(self.out_values).filter(move |_| out);
        let i = self.in_nbrs.iter().zip(self.in_values).filter(move |_| inn);
        o.chain(i).map(|(n, v)| (Neighbor(*n), v))
    }
    /// Sends `message` to `target` (any vertex reached through [`Vertex::edges`]).
    pub fn send(&mut self, target: Neighbor, message: M) {
        self.outbox.send(target.0, message, self.combiner);
    }
    /// Sends `message` to this vertex itself (it computes again next superstep).
    pub fn send_to_self(&mut self, message: M) {
        self.outbox.send(self.index, message, self.combiner);
    }
    /// Sends `message` to every neighbour in `direction` (once per edge).
    pub fn send_to_neighbors(&mut self, direction: EdgeDirection, message: M)
    where
        M: Clone,
    {
        if let (Some(dense), Some(combine)) = (&mut self.outbox.dense, self.combiner) {
            // A dense superstep: the neighbours pull the message (see `Broadcasts`).
            dense.record(self.index, direction, message, combine);
            return;
        }
        self.send_along(direction, |_| Some(message.clone()));
    }
    /// Sends `message(edge value)` along every edge in `direction` where it returns `Some`.
    pub fn send_along(&mut self, direction: EdgeDirection, mut message: impl FnMut(&EV) -> Option<M>) {
        let (out, inn) = sides(direction);
        if out {
            for (n, v) in self.out_nbrs.iter().zip(self.out_values) {
                if let Some(m) = message(v) {
                    self.outbox.send(*n, m, self.combiner);
                }
            }
        }
        if inn {
            for (n, v) in self.in_nbrs.iter().zip(self.in_values) {
                if let Some(m) = message(v) {
                    self.outbox.send(*n, m, self.combiner);
                }
            }
        }
    }
    /// Votes to halt: the vertex is skipped until a message wakes it.
    pub fn vote_to_halt(&mut self) {
        self.halted = true;
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

pub(crate) fn sides(direction: EdgeDirection) -> (bool, bool) {
    (
        matches!(direction, EdgeDirection::Out | EdgeDirection::All),
        matches!(direction, EdgeDirection::In | EdgeDirection::All),
    )
}

/// Messages bound for one partition: combined in dense slots, or listed.
struct Inbox<M> {
    slots: Vec<Option<M>>,
    /// One bit per slot: set once the slot holds a message. Deciding "first message or
    /// combine" on this small, cache-resident bitmap keeps the branch off the slot's
    /// cache miss.
    present: Vec<u64>,
    touched: Vec<u32>,
    list: Vec<(u32, M)>,
    /// Propagation blocking for large inboxes: combining messages are first appended to
    /// the bin of their target's slot range and applied a bin at a time, so the random
    /// read-modify-writes hit a cache-sized range of slots. Per target, messages are still
    /// combined in the order they were sent.
    bins: Vec<Vec<(u32, M)>>,
}

/// Slots per bin (2^14 slots: a few hundred KiB, within L2).
const BIN_SHIFT: u32 = 14;
/// Messages a bin buffers before they are applied.
const BIN_CAPACITY: usize = 1 << 11;

impl<M> Inbox<M> {
    fn new(len: usize, combining: bool) -> Self {
        let (slots, present) = if combining {
            ((0..len).map(|_| None).collect(), vec![0; len.div_ceil(64)])
        } else {
            (Vec::new(), Vec::new())
        };
        let bins = if combining && len > 2 << BIN_SHIFT {
            (0..len.div_ceil(1 << BIN_SHIFT)).map(|_| Vec::new()).collect()
        } else {
            Vec::new()
        };
        Inbox { slots, present, touched: Vec::new(), list: Vec::new(), bins }
    }

    fn add(&mut self, local: u32, message: M, combiner: Option<&Combiner<M>>) {
        match combiner {
            Some(combine) if self.bins.is_empty() => self.apply(local, message, combine),
            Some(combine) => {
                let b = (local >> BIN_SHIFT) as usize;
                self.bins[b].push((local, message));
                if self.bins[b].len() >= BIN_CAPACITY {
                    self.flush_bin(b, combine);
                }
            }
            None => self.list.push((local, message)),
        }
    }

    fn apply(&mut self, local: u32, message: M, combine: &Combiner<M>) {
        let (word, bit) = ((local / 64) as usize, 1u64 << (local % 64));
        if self.present[word] & bit != 0 {
            if let Some(acc) = &mut self.slots[local as usize] {
                combine(acc, message);
            }
        } else {
            self.present[word] |= bit;
            self.slots[local as usize] = Some(message);
            self.touched.push(local);
        }
    }

    fn flush_bin(&mut self, b: usize, combine: &Combiner<M>) {
        let mut bin = std::mem::take(&mut self.bins[b]);
        for (local, message) in bin.drain(..) {
            self.apply(local, message, combine);
        }
        self.bins[b] = bin;
    }

    /// Applies every buffered message; call before reading the slots.
    fn settle(&mut self, combiner: Option<&Combiner<M>>) {
        if let Some(combine) = combiner {
            for b in 0..self.bins.len() {
                self.flush_bin(b, combine);
            }
        }
    }

    fn pending(&self) -> usize {
        self.touched.len() + self.list.len()
    }

    /// The settled messages, in the order they arrived first (for checkpoints).
    fn messages(&self) -> Vec<(u32, &M)> {
        let combined = self.touched.iter().filter_map(|&i| self.slots[i as usize].as_ref().map(|m| (i, m)));
        combined.chain(self.list.iter().map(|(i, m)| (*i, m))).collect()
    }

    /// Puts back what [`Inbox::messages`] listed, into an empty inbox.
    fn refill(&mut self, messages: Vec<(u32, M)>) {
        for (i, m) in messages {
            if self.slots.is_empty() {
                self.list.push((i, m));
            } else {
                self.present[(i / 64) as usize] |= 1 << (i % 64);
                self.slots[i as usize] = Some(m);
                self.touched.push(i);
            }
        }
    }

    /// Empties an inbox whose messages were taken out of their slots, for reuse: clears
    /// only what was touched.
    fn reset(&mut self) {
        for i in self.touched.drain(..) {
            self.present[(i / 64) as usize] = 0;
            self.slots[i as usize] = None;
        }
        self.list.clear();
    }

    /// Takes the messages out as a list (for shipping).
    fn drain(&mut self) -> Vec<(u32, M)> {
        let mut out = std::mem::take(&mut self.list);
        for i in self.touched.drain(..) {
            self.present[(i / 64) as usize] = 0;
            if let Some(m) = self.slots[i as usize].take() {
                out.push((i, m));
            }
        }
        out
    }
}

/// Where `compute` sends: local targets straight into the next inbox, remote ones into one
/// (combining) buffer per peer.
pub(crate) struct Outbox<M> {
    parts: Partitioning,
    me: usize,
    local: Inbox<M>,
    remote: Vec<Inbox<M>>,
    /// In a dense superstep (most vertices active, a combiner given), the messages sent to
    /// all neighbours at once.
    dense: Option<Broadcasts<M>>,
}

/// A dense superstep's messages to all neighbours, one slot per local vertex and
/// direction: instead of pushing one message per edge, the workers all-gather the slots
/// and every vertex pulls the messages of its neighbours over its CSR — the pull of the
/// fast PageRank, for any combining vertex-centric program (Ligra's edgeMap switches
/// between push and pull the same way). With a commutative and associative combiner the
/// result is the one the pushed messages would give, up to the order of combination.
struct Broadcasts<M> {
    lo: u32,
    /// Sent along out-edges: the receivers pull over their in-edges.
    out: Vec<Option<M>>,
    /// Sent along in-edges: the receivers pull over their out-edges.
    inn: Vec<Option<M>>,
    any_out: bool,
    any_in: bool,
}

impl<M: Clone> Broadcasts<M> {
    fn new(lo: u32, len: usize) -> Self {
        Broadcasts {
            lo,
            out: (0..len).map(|_| None).collect(),
            inn: (0..len).map(|_| None).collect(),
            any_out: false,
            any_in: false,
        }
    }

    fn record(&mut self, index: u32, direction: EdgeDirection, message: M, combine: &Combiner<M>) {
        let i = (index - self.lo) as usize;
        let (out, inn) = sides(direction);
        let put = |slot: &mut Option<M>, m: M| match slot {
            Some(acc) => combine(acc, m),
            None => *slot = Some(m),
        };
        if out && inn {
            put(&mut self.inn[i], message.clone());
        } else if inn {
            put(&mut self.inn[i], message);
            self.any_in = true;
            return;
        }
        if out {
            put(&mut self.out[i], message);
            self.any_out = true;
        }
        self.any_in |= inn;
    }
}

/// All workers' slots of one direction, concatenated in worker order (= global index
/// order); `None` where a worker sent nothing that way.
fn concatenate<M>(
    parts: Vec<Option<Vec<Option<M>>>>,
    lengths: impl Iterator<Item = usize>,
) -> Vec<Option<M>> {
    let mut all = Vec::new();
    for (part, len) in parts.into_iter().zip(lengths) {
        match part {
            Some(slots) => all.extend(slots),
            None => all.extend((0..len).map(|_| None)),
        }
    }
    all
}

/// Combines the messages in `slots` of the vertices `neighbours` into `acc`.
#[inline]
fn pull<M: Clone>(acc: &mut Option<M>, slots: &[Option<M>], neighbours: &[u32], combine: &Combiner<M>) {
    for &u in neighbours {
        if let Some(m) = &slots[u as usize] {
            match acc {
                Some(a) => combine(a, m.clone()),
                None => *acc = Some(m.clone()),
            }
        }
    }
}

/// A superstep is dense — pulled, not pushed — when at least one vertex in this many was
/// active after the previous one (Ligra's and gapbs' threshold is of the same order).
const DENSE_FRACTION: u64 = 20;

impl<M> Outbox<M> {
    fn send(&mut self, target: u32, message: M, combiner: Option<&Combiner<M>>) {
        let owner = if self.parts.bounds.len() == 2 { 0 } else { self.parts.owner(target) };
        let local = target - self.parts.bounds[owner];
        if owner == self.me {
            self.local.add(local, message, combiner);
        } else {
            self.remote[owner].add(local, message, combiner);
        }
    }
}

/// A vertex-centric iteration's state between supersteps, on one worker: the vertex
/// values, the halt votes and the messages for the next superstep.
struct VertexCentricState<VV, M> {
    values: Vec<VV>,
    halted: Vec<bool>,
    inbox: Inbox<M>,
    combining: bool,
}

impl<VV: Data, M: Data> IterationState for VertexCentricState<VV, M> {
    fn save(&self) -> eddy_core::Result<Vec<u8>> {
        encode(&(&self.values, &self.halted, self.inbox.messages()))
    }

    fn restore(&mut self, bytes: &[u8]) -> eddy_core::Result<()> {
        let (values, halted, messages): (Vec<VV>, Vec<bool>, Vec<(u32, M)>) = decode(bytes)?;
        if values.len() != self.values.len() || halted.len() != self.values.len() {
            return Err(eddy_core::Error::InvalidParameter {
                name: "checkpoint",
                reason: format!("{} vertex values for a partition of {}", values.len(), self.values.len()),
            });
        }
        self.inbox = Inbox::new(values.len(), self.combining);
        self.inbox.refill(messages);
        self.values = values;
        self.halted = halted;
        Ok(())
    }
}

impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// Runs a vertex-centric (Pregel) iteration and returns the graph with the final vertex
    /// values and what the iteration did. In superstep 1 every vertex is active; the
    /// iteration ends when every vertex has halted with no message in flight (it
    /// `converged`), when the criterion holds, or after the superstep limit.
    ///
    /// # Errors
    /// A runtime failure (a peer failed, a `compute` panicked on another worker).
    pub fn run_vertex_centric<M: Data + Clone, A: Aggregator>(
        &self,
        config: VertexCentric<M, A>,
        compute: impl Fn(&mut Vertex<'_, K, VV, EV, M, A>, &[M]),
    ) -> Result<(Self, IterationSummary<A>)> {
        if config.iteration.max_iterations() == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                reason: "must be at least 1".into(),
            });
        }
        let worker = self.worker;
        let p = worker.parallelism();
        let me = worker.index();
        let parts: &Partitioning = &self.parts;
        let part_len = |w: usize| (parts.bounds[w + 1] - parts.bounds[w]) as usize;
        let len = self.values.len();
        let lo = self.lo();
        let combiner = config.combiner.as_ref();
        let combining = combiner.is_some();
        let mut state = VertexCentricState {
            values: self.values.clone(),
            halted: vec![false; len],
            inbox: Inbox::new(len, combining),
            combining,
        };
        let n = self.ids.len() as u64;
        let mut engine = SuperstepEngine::start(
            worker,
            IterationKind::VertexCentric,
            &config.iteration,
            true,
            &mut state,
        )?;
        // Pooled across supersteps, so that a sparse superstep costs what its active vertices
        // and messages cost, not O(n): the inbox the next messages go to, one combining buffer
        // per peer, and the vertices that did not vote to halt.
        let mut spare: Inbox<M> = Inbox::new(len, combining);
        let mut remote: Vec<Inbox<M>> =
            (0..p).map(|w| Inbox::new(if w == me { 0 } else { part_len(w) }, combining)).collect();
        let mut awake: Vec<u32> = (0..len as u32).filter(|&i| !state.halted[i as usize]).collect();
        let mut candidates: Vec<u32> = Vec::new();
        while let Some(superstep) = engine.next_superstep() {
            let VertexCentricState { values, halted, inbox, .. } = &mut state;
            // Dense or sparse: the same decision on every worker, on the global count of the
            // vertices active after the last superstep (all of them before the first).
            let awake_before = engine.previous_active().unwrap_or(n);
            let dense = combining && awake_before * DENSE_FRACTION >= n;
            let mut outbox = Outbox {
                parts: parts.clone(),
                me,
                local: std::mem::replace(&mut spare, Inbox::new(0, combining)),
                remote: std::mem::take(&mut remote),
                dense: dense.then(|| Broadcasts::new(lo, len)),
            };
            // A sparse combining superstep visits the awake vertices and those with a message,
            // in index order; otherwise every vertex is looked at.
            let sparse = combining && !dense;
            if sparse {
                candidates.clear();
                candidates.extend_from_slice(&awake);
                candidates.extend_from_slice(&inbox.touched);
                candidates.sort_unstable();
                candidates.dedup();
            }
            // Without a combiner, lay the messages out per vertex (stable: arrival order).
            let (offsets, mut listed) = if combining {
                (Vec::new(), Vec::new())
            } else {
                let mut list = std::mem::take(&mut inbox.list);
                list.sort_by_key(|(i, _)| *i);
                let mut offsets = vec![0usize; len + 1];
                for (i, _) in &list {
                    offsets[*i as usize + 1] += 1;
                }
                for i in 0..len {
                    offsets[i + 1] += offsets[i];
                }
                (offsets, list.into_iter().map(|(_, m)| Some(m)).collect::<Vec<_>>())
            };
            let previous = engine.previous();
            let mut aggregate = A::default();
            let mut changed = 0u64;
            let mut buffer: Vec<M> = Vec::new();
            awake.clear();
            let all = 0..len as u32;
            let visit: &mut dyn Iterator<Item = u32> =
                if sparse { &mut candidates.iter().copied() } else { &mut all.into_iter() };
            for i in visit {
                let i = i as usize;
                let messages: Option<M>;
                let slice: &[M] = if combining {
                    messages = inbox.slots[i].take();
                    messages.as_slice()
                } else {
                    buffer.clear();
                    buffer.extend(listed[offsets[i]..offsets[i + 1]].iter_mut().filter_map(Option::take));
                    &buffer
                };
                if halted[i] && slice.is_empty() {
                    continue;
                }
                let mut vertex = Vertex {
                    superstep,
                    index: lo + i as u32,
                    value: &mut values[i],
                    changed: false,
                    halted: false,
                    out_nbrs: self.out.neighbors(i),
                    out_values: self.out.edge_values(i),
                    in_nbrs: self.inn.neighbors(i),
                    in_values: self.inn.edge_values(i),
                    ids: &self.ids,
                    outbox: &mut outbox,
                    combiner,
                    aggregate: &mut aggregate,
                    previous,
                };
                compute(&mut vertex, slice);
                halted[i] = vertex.halted;
                if !vertex.halted {
                    awake.push(i as u32);
                }
                changed += u64::from(vertex.changed);
            }
            let Outbox { local: mut next, remote: mut buffers, dense: broadcasts, .. } = outbox;
            let outgoing: Vec<Vec<(u32, M)>> = buffers
                .iter_mut()
                .map(|buffer| {
                    buffer.settle(combiner);
                    buffer.drain()
                })
                .collect();
            remote = buffers;
            for (i, m) in worker.all_to_all(outgoing)?.into_iter().flatten() {
                next.add(i, m, combiner);
            }
            if let (Some(dense), Some(combine)) = (broadcasts, combiner) {
                let Broadcasts { out, inn, any_out, any_in, .. } = dense;
                let sent = worker.all_gather((any_out.then_some(out), any_in.then_some(inn)))?;
                let (outs, ins): (Vec<_>, Vec<_>) = sent.into_iter().unzip();
                let pulls_out = outs.iter().any(Option::is_some);
                let pulls_in = ins.iter().any(Option::is_some);
                let out = concatenate(outs, (0..p).map(part_len));
                let inn = concatenate(ins, (0..p).map(part_len));
                for v in 0..len {
                    let mut acc = None;
                    if pulls_out {
                        pull(&mut acc, &out, self.inn.neighbors(v), combine);
                    }
                    if pulls_in {
                        pull(&mut acc, &inn, self.out.neighbors(v), combine);
                    }
                    // Pulled messages arrive in index order: straight into their slots, no bins.
                    if let Some(m) = acc {
                        next.apply(v as u32, m, combine);
                    }
                }
            }
            next.settle(combiner);
            spare = std::mem::replace(inbox, next);
            spare.reset();
            // Active next: the vertices that did not halt, and those a message wakes.
            let local = Control { active: (awake.len() + inbox.pending()) as u64, changed, aggregate };
            if engine.end_superstep(local, &state)?.done {
                break;
            }
        }
        Ok((self.with_values(state.values), engine.finish()))
    }
}
