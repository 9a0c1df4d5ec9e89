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

use std::marker::PhantomData;
use std::rc::Rc;

use eddy_core::iteration::superstep::{decode, encode};
use eddy_core::{
    Aggregator, Control, Data, Iteration, IterationKind, IterationState, IterationSummary, SuperstepEngine,
};

use crate::graph::mirrors::{
    MIRRORS_AFTER, OVER_ALL, OVER_IN, OVER_OUT, ReadLists, is_marked, model_mirrors, whole_ranges,
};
use crate::graph::segments::Segmented;
use crate::graph::{EdgeDirection, Graph, Partitioning};
use crate::ids::{VertexIds, VertexKey};
use crate::{Error, Result};

/// How messages to the same vertex are combined — a type, so that every combination is a
/// direct, inlined call (no dynamic dispatch per message or per pulled edge). Built by
/// [`VertexCentric::combiner`] from a closure ([`CombineWith`]); [`NoCombiner`] keeps every
/// message.
pub trait MessageCombiner<M> {
    /// Whether messages are combined (false: `compute` receives every message).
    const COMBINES: bool;
    /// Combines `message` into `acc`.
    fn combine(&self, acc: &mut M, message: M);
}

/// No combiner: every message is delivered.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCombiner;

impl<M> MessageCombiner<M> for NoCombiner {
    const COMBINES: bool = false;
    fn combine(&self, _: &mut M, _: M) {
        unreachable!("messages are never combined without a combiner")
    }
}

/// A combiner given as a closure `combine(&mut acc, next)`.
#[derive(Debug, Clone, Copy)]
pub struct CombineWith<F>(F);

impl<M, F: Fn(&mut M, M)> MessageCombiner<M> for CombineWith<F> {
    const COMBINES: bool = true;
    #[inline]
    fn combine(&self, acc: &mut M, message: M) {
        (self.0)(acc, message);
    }
}

/// The configuration of a vertex-centric iteration: superstep limit, optional message
/// combiner (the type `C`), optional aggregator and convergence criterion.
pub struct VertexCentric<M, A = (), C = NoCombiner> {
    iteration: Iteration<A>,
    combiner: C,
    messages: PhantomData<fn(M) -> M>,
}

impl<M> VertexCentric<M, (), NoCombiner> {
    /// At most `max_iterations` supersteps, no combiner, no aggregator.
    pub fn new(max_iterations: u32) -> Self {
        VertexCentric {
            iteration: Iteration::new(max_iterations),
            combiner: NoCombiner,
            messages: PhantomData,
        }
    }
}

impl<M, A: Aggregator, C> VertexCentric<M, A, C> {
    /// Combines two messages to the same vertex into one (`combine(&mut acc, next)`); must
    /// be associative and commutative. Messages are then combined per target before they
    /// leave the sending worker, and `compute` receives at most one message.
    #[must_use]
    pub fn combiner<F: Fn(&mut M, M)>(self, combine: F) -> VertexCentric<M, A, CombineWith<F>> {
        VertexCentric { iteration: self.iteration, combiner: CombineWith(combine), messages: PhantomData }
    }

    /// Declares a global aggregator that `compute` feeds with [`Vertex::aggregate`] and
    /// reads one superstep later with [`Vertex::previous_aggregate`].
    #[must_use]
    pub fn aggregate<B: Aggregator>(self) -> VertexCentric<M, B, C> {
        let iteration = Iteration::new(self.iteration.max_iterations()).aggregate::<B>();
        VertexCentric { iteration, combiner: self.combiner, messages: PhantomData }
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
pub struct Vertex<'a, K, VV, EV, M, A, C> {
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
    combiner: &'a C,
    aggregate: &'a mut A,
    previous: Option<&'a A>,
}

impl<K: VertexKey, VV, EV, M, A: Aggregator, C: MessageCombiner<M>> Vertex<'_, K, VV, EV, M, A, C> {
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
    /// Sends `message` to the vertex with key `key` — any vertex of the graph, a neighbour
    /// or not (Gelly's `sendMessageTo`).
    ///
    /// # Errors
    /// [`Error::UnknownVertex`] if no vertex has this key.
    pub fn send_to(&mut self, key: &K, message: M) -> Result<()> {
        let index = self.ids.index_of(key).ok_or_else(|| Error::UnknownVertex {
            key: key.to_string(),
            context: "a vertex-centric message was sent to it".into(),
        })?;
        self.outbox.send(index, message, self.combiner);
        Ok(())
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
        if let Some(dense) = self.outbox.dense.as_mut().filter(|_| C::COMBINES) {
            // A dense superstep: the neighbours pull the message (see `Broadcasts`).
            dense.record(self.index, direction, message, self.combiner);
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

    #[inline]
    fn add<C: MessageCombiner<M>>(&mut self, local: u32, message: M, combiner: &C) {
        if !C::COMBINES {
            self.list.push((local, message));
        } else if self.bins.is_empty() {
            self.apply(local, message, combiner);
        } else {
            let b = (local >> BIN_SHIFT) as usize;
            self.bins[b].push((local, message));
            if self.bins[b].len() >= BIN_CAPACITY {
                self.flush_bin(b, combiner);
            }
        }
    }

    #[inline]
    fn apply<C: MessageCombiner<M>>(&mut self, local: u32, message: M, combiner: &C) {
        let (word, bit) = ((local / 64) as usize, 1u64 << (local % 64));
        if self.present[word] & bit != 0 {
            if let Some(acc) = &mut self.slots[local as usize] {
                combiner.combine(acc, message);
            }
        } else {
            self.present[word] |= bit;
            self.slots[local as usize] = Some(message);
            self.touched.push(local);
        }
    }

    fn flush_bin<C: MessageCombiner<M>>(&mut self, b: usize, combiner: &C) {
        let mut bin = std::mem::take(&mut self.bins[b]);
        for (local, message) in bin.drain(..) {
            self.apply(local, message, combiner);
        }
        self.bins[b] = bin;
    }

    /// Applies every buffered message; call before reading the slots.
    fn settle<C: MessageCombiner<M>>(&mut self, combiner: &C) {
        if C::COMBINES {
            for b in 0..self.bins.len() {
                self.flush_bin(b, combiner);
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

impl<M> Outbox<M> {
    #[inline]
    fn send<C: MessageCombiner<M>>(&mut self, target: u32, message: M, combiner: &C) {
        let owner = if self.parts.bounds.len() == 2 { 0 } else { self.parts.owner(target) };
        let local = target - self.parts.bounds[owner];
        if owner == self.me {
            self.local.add(local, message, combiner);
        } else {
            self.remote[owner].add(local, message, combiner);
        }
    }
}

/// A dense superstep's messages to all neighbours, one slot per vertex of the graph and
/// direction: instead of pushing one message per edge, each worker fills the slots of its
/// own vertices, the workers exchange them, and every vertex pulls the messages of its
/// neighbours over its CSR — the pull of the fast PageRank, for any combining
/// vertex-centric program (Ligra's edgeMap switches between push and pull the same way).
/// With a commutative and associative combiner the result is the one the pushed messages
/// would give, up to the order of combination. Pooled across supersteps.
struct Broadcasts<M> {
    /// By direction sent ([`SENT_OUT`], [`SENT_IN`], [`SENT_ALL`]): along out-edges (the
    /// receivers pull over their in-edges), along in-edges (pulled over out-edges), along
    /// both (pulled over both — one slot set, not two copies, so half the bytes to read).
    slots: [Slots<M>; 3],
}

/// Receivers read messages sent along out-edges over their in-edges, and so on: each way of
/// sending ships the mirror list of the matching way of reading.
const SENT_OUT: usize = OVER_IN;
const SENT_IN: usize = OVER_OUT;
const SENT_ALL: usize = OVER_ALL;

/// One message slot per vertex of the graph beside a bitmap of the occupied ones. A vacant
/// slot holds a stale or copied message that is never read, so a slot needs no `Option`
/// (half the bytes for an `f64` message), and a pull tests a small, cache-resident bit
/// before it touches a slot.
struct Slots<M> {
    /// Empty until the first message arrives, then one per vertex.
    values: Vec<M>,
    present: Vec<u64>,
    len: usize,
    /// This worker put a message in this superstep (it has something to ship).
    sent: bool,
    /// Some worker put a message in this superstep (there is something to pull).
    filled: bool,
    /// Every vertex that can be pulled from (one with an edge in the direction sent) put a
    /// message: the pull need not test the bitmap.
    complete: bool,
}

/// A worker's slots as they travel to one peer: those of the vertices on the peer's mirror
/// list, in its order, and a bitmap over that list of the occupied ones (both empty if it
/// sent nothing).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Part<M> {
    values: Vec<M>,
    words: Vec<u64>,
    /// Every vertex of the part with an edge in the direction sent put a message.
    complete: bool,
}

impl<M: Clone> Slots<M> {
    fn new(len: usize) -> Self {
        Slots {
            values: Vec::new(),
            present: vec![0; len.div_ceil(64)],
            len,
            sent: false,
            filled: false,
            complete: true,
        }
    }

    fn clear(&mut self) {
        if self.filled {
            self.present.fill(0);
        }
        self.sent = false;
        self.filled = false;
        self.complete = true;
    }

    #[inline]
    fn has(&self, index: u32) -> bool {
        is_marked(&self.present, index)
    }

    #[inline]
    fn put<C: MessageCombiner<M>>(&mut self, index: u32, message: M, combiner: &C) {
        let i = index as usize;
        if self.values.is_empty() {
            self.values = vec![message.clone(); self.len];
        }
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if self.present[word] & bit != 0 {
            combiner.combine(&mut self.values[i], message);
        } else {
            self.present[word] |= bit;
            self.values[i] = message;
        }
        self.sent = true;
        self.filled = true;
    }

    /// Notes whether every vertex of `lo..lo + len` (this worker's) that can be pulled from
    /// — `degree(i)`, its number of edges in the direction sent, is not 0 — put a message.
    fn note_complete(&mut self, lo: usize, len: usize, degree: impl Fn(usize) -> usize) -> bool {
        let complete = (0..len).all(|i| degree(i) == 0 || self.has((lo + i) as u32));
        self.complete &= complete;
        complete
    }

    /// The slots of this worker's vertices `lo + wanted[k]` a peer reads (its mirror list).
    /// Written into `spare` (the buffers of an absorbed part, reused across supersteps).
    fn part(&self, lo: usize, wanted: &[u32], complete: bool, spare: Option<Part<M>>) -> Part<M> {
        if !self.sent {
            return Part { values: Vec::new(), words: Vec::new(), complete };
        }
        let Part { mut values, mut words, .. } =
            spare.unwrap_or(Part { values: Vec::new(), words: Vec::new(), complete });
        values.clear();
        words.clear();
        words.resize(wanted.len().div_ceil(64), 0);
        values.extend(wanted.iter().enumerate().map(|(k, &i)| {
            let u = lo + i as usize;
            words[k / 64] |= u64::from(self.has(u as u32)) << (k % 64);
            self.values[u].clone()
        }));
        Part { values, words, complete }
    }

    /// Takes in a peer's part: the slots of the vertices `read` (global indices).
    /// Hands back the part's emptied buffers for reuse (`None` if it held nothing).
    fn absorb(&mut self, read: &[u32], mut part: Part<M>) -> Option<Part<M>> {
        self.complete &= part.complete;
        let first = part.values.first()?;
        if self.values.is_empty() {
            self.values = vec![first.clone(); self.len];
        }
        for (k, (&u, value)) in read.iter().zip(part.values.drain(..)).enumerate() {
            self.values[u as usize] = value;
            let bit = (part.words[k / 64] >> (k % 64)) & 1;
            self.present[(u / 64) as usize] |= bit << (u % 64);
        }
        self.filled = true;
        Some(part)
    }
}

impl<M: Clone> Broadcasts<M> {
    fn new(len: usize) -> Self {
        Broadcasts { slots: [Slots::new(len), Slots::new(len), Slots::new(len)] }
    }

    fn clear(&mut self) {
        self.slots.iter_mut().for_each(Slots::clear);
    }

    fn record<C: MessageCombiner<M>>(&mut self, index: u32, direction: EdgeDirection, message: M, c: &C) {
        let sent = match direction {
            EdgeDirection::Out => SENT_OUT,
            EdgeDirection::In => SENT_IN,
            EdgeDirection::All => SENT_ALL,
        };
        self.slots[sent].put(index, message, c);
    }
}

/// Combines the messages in `slots` of the vertices `neighbours` into `acc`. Unless every
/// slot is occupied, the neighbours with a message are first listed in `scratch` without a
/// branch (an unpredictable branch per edge would cost a pipeline flush and the overlap
/// of the reads), then pulled as a complete list.
#[inline]
fn pull<M: Clone, C: MessageCombiner<M>>(
    acc: &mut Option<M>,
    slots: &Slots<M>,
    neighbours: &[u32],
    c: &C,
    scratch: &mut Vec<u32>,
) {
    if slots.complete {
        pull_all(acc, &slots.values, neighbours, c);
        return;
    }
    if scratch.len() < neighbours.len() {
        scratch.resize(neighbours.len(), 0);
    }
    let mut k = 0;
    for &u in neighbours {
        scratch[k] = u;
        k += usize::from(slots.has(u));
    }
    pull_all(acc, &slots.values, &scratch[..k], c);
}

#[inline]
fn merge<M, C: MessageCombiner<M>>(acc: &mut Option<M>, message: M, c: &C) {
    match acc {
        Some(a) => c.combine(a, message),
        None => *acc = Some(message),
    }
}

/// [`pull`] when every neighbour holds a message: four independent combination chains, so
/// that the random reads overlap instead of each waiting on the previous combination (the
/// fast PageRank's gather); the combiner's associativity and commutativity make the
/// result the same up to the order of combination.
#[inline]
fn pull_all<M: Clone, C: MessageCombiner<M>, I: Slot>(
    acc: &mut Option<M>,
    values: &[M],
    neighbours: &[I],
    c: &C,
) {
    let value = |u: I| values[u.slot()].clone();
    let (head, rest) = neighbours.split_at(neighbours.len().min(4));
    let &[a, b, d, e] = head else {
        for &u in head {
            merge(acc, value(u), c);
        }
        return;
    };
    let mut lanes = [value(a), value(b), value(d), value(e)];
    let mut chunks = rest.chunks_exact(4);
    for chunk in &mut chunks {
        for (lane, &u) in lanes.iter_mut().zip(chunk) {
            c.combine(lane, value(u));
        }
    }
    let [mut first, second, third, fourth] = lanes;
    for &u in chunks.remainder() {
        c.combine(&mut first, value(u));
    }
    c.combine(&mut first, second);
    c.combine(&mut first, third);
    c.combine(&mut first, fourth);
    merge(acc, first, c);
}

/// A neighbour as a slot index: a global index (`u32`, over the CSR) or an offset within a
/// segment (`u16`, over [`Segmented`] lists).
trait Slot: Copy {
    fn slot(self) -> usize;
}

impl Slot for u32 {
    #[inline]
    fn slot(self) -> usize {
        self as usize
    }
}

impl Slot for u16 {
    #[inline]
    fn slot(self) -> usize {
        usize::from(self)
    }
}

/// Dense supersteps whose slot sets were all complete after which the pull goes over
/// segmented lists: their build costs about two CSR pulls, which an iteration that keeps
/// every vertex sending (PageRank) repays many times, and one that sends from ever fewer
/// vertices (WCC, SSSP: partly filled sets) never needs.
const SEGMENT_AFTER: u32 = 2;

/// The sorted union of two sorted lists, without duplicates.
fn merge_sorted(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// What one worker ships to another at the end of a superstep: its combined (or listed)
/// messages to the peer's vertices, and in a dense superstep its broadcast slots (one
/// part per direction sent).
type Shipment<M> = (Vec<(u32, M)>, Vec<Part<M>>);

/// A superstep is dense — pulled, not pushed — when at least one vertex in this many was
/// active after the previous one (Ligra's and gapbs' threshold is of the same order).
const DENSE_FRACTION: u64 = 20;

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
    /// In a dense superstep, after `compute`: the broadcasts of a way of sending whose
    /// senders here have few edges (their degrees sum to less than one in
    /// [`DENSE_FRACTION`] of this worker's edges that way) are pushed along those edges
    /// instead, and the slots of that way left empty — Ligra's edgeMap rule on the
    /// frontier's degree sum, decided on what was sent rather than on what was active
    /// before, so that a superstep in which few vertices turn out to send does not pull
    /// over every edge. A local decision: where every worker pushes, nothing is pulled.
    fn push_few_broadcasts<M: Clone, C: MessageCombiner<M>>(
        &self,
        broadcasts: &mut Broadcasts<M>,
        outbox: &mut Outbox<M>,
        combiner: &C,
    ) {
        let lo = self.lo() as usize;
        let len = self.values.len();
        let ways =
            [(SENT_OUT, EdgeDirection::Out), (SENT_IN, EdgeDirection::In), (SENT_ALL, EdgeDirection::All)];
        for (way, direction) in ways {
            let (out, inn) = sides(direction);
            let slots = &mut broadcasts.slots[way];
            if !slots.sent {
                continue;
            }
            let degree = |i: usize| {
                (if out { self.out.degree(i) } else { 0 }) + if inn { self.inn.degree(i) } else { 0 }
            };
            let edges = usize::from(out) * self.out.len() + usize::from(inn) * self.inn.len();
            let sending: usize = (0..len).map(|i| degree(i) * usize::from(slots.has((lo + i) as u32))).sum();
            if sending as u64 * DENSE_FRACTION >= edges as u64 {
                continue;
            }
            for i in 0..len {
                if !slots.has((lo + i) as u32) {
                    continue;
                }
                let message = &slots.values[lo + i];
                let targets = [(out, self.out.neighbors(i)), (inn, self.inn.neighbors(i))];
                for &t in targets.iter().filter(|(way, _)| *way).flat_map(|(_, n)| n.iter()) {
                    outbox.send(t, message.clone(), combiner);
                }
            }
            slots.clear();
        }
    }

    /// Runs a vertex-centric (Pregel) iteration and returns the graph with the final vertex
    /// values and what the iteration did. In superstep 1 every vertex is active; the
    /// iteration ends when every vertex has halted with no message in flight (it
    /// `converged`), when the criterion holds, or after the superstep limit.
    ///
    /// # Errors
    /// A runtime failure (a peer failed, a `compute` panicked on another worker).
    pub fn run_vertex_centric<M: Data + Clone, A: Aggregator, C: MessageCombiner<M>>(
        &self,
        config: VertexCentric<M, A, C>,
        compute: impl Fn(&mut Vertex<'_, K, VV, EV, M, A, C>, &[M]),
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
        let combiner = &config.combiner;
        let combining = C::COMBINES;
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
        // per peer, the vertices that did not vote to halt, the dense supersteps' slots.
        let mut spare: Inbox<M> = Inbox::new(len, combining);
        let mut remote: Vec<Inbox<M>> =
            (0..p).map(|w| Inbox::new(if w == me { 0 } else { part_len(w) }, combining)).collect();
        let mut awake: Vec<u32> = (0..len as u32).filter(|&i| !state.halted[i as usize]).collect();
        let mut targets: Vec<u32> = Vec::new();
        let mut candidates: Vec<u32> = Vec::new();
        let mut buffer: Vec<M> = Vec::new();
        let mut pooled: Option<Broadcasts<M>> = None;
        // Whole ranges from the first dense superstep, exact lists once they pay (below); the
        // whole-range lists are one set shared by the three ways.
        let mut mirrors: Option<[Rc<ReadLists>; 3]> = None;
        let (mut dense_supersteps, mut all_awake, mut exact) = (0u32, 0u32, false);
        // Segmented in-lists and out-lists, built once enough supersteps pulled complete
        // slot sets; the messages pulled for this worker's vertices.
        let mut complete_pulls = 0u32;
        let mut segmented: [Option<Segmented>; 2] = [None, None];
        let mut accs: Option<Slots<M>> = None;
        // The buffers of absorbed parts, reused for the parts this worker ships.
        let mut spare_parts: Vec<Part<M>> = Vec::new();
        while let Some(superstep) = engine.next_superstep() {
            let VertexCentricState { values, halted, inbox, .. } = &mut state;
            // Dense or sparse: the same decision on every worker, on the global count of the
            // vertices active after the last superstep (all of them before the first).
            let awake_before = engine.previous_active().unwrap_or(n);
            let dense = combining && awake_before * DENSE_FRACTION >= n;
            // Whole ranges first, exact mirror lists once enough dense supersteps came, or
            // at the third superstep in a row with every vertex active (PageRank-like: the
            // lists will pay). Both counts are global: every worker switches alike.
            all_awake = if awake_before == n { all_awake + 1 } else { 0 };
            if dense {
                dense_supersteps += 1;
                if !exact && (dense_supersteps > MIRRORS_AFTER || all_awake > 2) {
                    mirrors = Some(model_mirrors(self)?.map(Rc::new));
                    exact = true;
                } else if mirrors.is_none() {
                    let whole = Rc::new(whole_ranges(parts, me));
                    mirrors = Some([Rc::clone(&whole), Rc::clone(&whole), whole]);
                }
            }
            let broadcasts = dense.then(|| {
                let mut b = pooled.take().unwrap_or_else(|| Broadcasts::new(self.ids.len()));
                b.clear();
                b
            });
            let mut outbox = Outbox {
                parts: parts.clone(),
                me,
                local: std::mem::replace(&mut spare, Inbox::new(0, combining)),
                remote: std::mem::take(&mut remote),
                dense: broadcasts,
            };
            // Without a combiner, the messages in target order (stable: arrival order per
            // target).
            let mut listed = std::mem::take(&mut inbox.list);
            listed.sort_by_key(|(i, _)| *i);
            // A sparse superstep visits the awake vertices and those with a message, in index
            // order; a dense one looks at every vertex.
            if !dense {
                targets.clear();
                if combining {
                    targets.extend_from_slice(&inbox.touched);
                    targets.sort_unstable();
                } else {
                    targets.extend(listed.iter().map(|(i, _)| *i));
                    targets.dedup();
                }
                merge_sorted(&awake, &targets, &mut candidates);
            }
            let mut listed = listed.into_iter().peekable();
            let previous = engine.previous();
            let mut aggregate = A::default();
            let mut changed = 0u64;
            awake.clear();
            let all = 0..len as u32;
            let visit: &mut dyn Iterator<Item = u32> =
                if dense { &mut all.into_iter() } else { &mut candidates.iter().copied() };
            for i in visit {
                let messages: Option<M>;
                let slice: &[M] = if combining {
                    messages = inbox.slots[i as usize].take();
                    messages.as_slice()
                } else {
                    buffer.clear();
                    while let Some((_, m)) = listed.next_if(|(t, _)| *t == i) {
                        buffer.push(m);
                    }
                    &buffer
                };
                let i = i as usize;
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
            if let Some(mut b) = outbox.dense.take() {
                self.push_few_broadcasts(&mut b, &mut outbox, combiner);
                outbox.dense = Some(b);
            }
            let Outbox { local: mut next, remote: mut buffers, dense: mut broadcasts, .. } = outbox;
            // One exchange: the messages for each peer, and in a dense superstep the
            // broadcast slots of this worker's vertices the peer reads (its mirror list).
            let completes = broadcasts.as_mut().map(|b| {
                let lo = lo as usize;
                let [out, inn, all] = &mut b.slots;
                [
                    out.note_complete(lo, len, |i| self.out.degree(i)),
                    inn.note_complete(lo, len, |i| self.inn.degree(i)),
                    all.note_complete(lo, len, |i| self.out.degree(i) + self.inn.degree(i)),
                ]
            });
            let outgoing: Vec<Vec<Shipment<M>>> = buffers
                .iter_mut()
                .enumerate()
                .map(|(w, buffer)| {
                    if w == me {
                        return Vec::new();
                    }
                    buffer.settle(combiner);
                    let slots = match (&broadcasts, &mirrors, completes) {
                        (Some(b), Some(m), Some(completes)) => (0..3)
                            .map(|way| {
                                let spare = spare_parts.pop();
                                b.slots[way].part(lo as usize, &m[way].wanted[w], completes[way], spare)
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    vec![(buffer.drain(), slots)]
                })
                .collect();
            remote = buffers;
            for (w, shipments) in worker.all_to_all(outgoing)?.into_iter().enumerate() {
                for (messages, parts_sent) in shipments {
                    for (i, m) in messages {
                        next.add(i, m, combiner);
                    }
                    if let (Some(b), Some(m)) = (&mut broadcasts, &mirrors) {
                        for (way, (slots, part)) in b.slots.iter_mut().zip(parts_sent).enumerate() {
                            spare_parts.extend(slots.absorb(&m[way].read[w], part));
                        }
                    }
                }
            }
            let segment = broadcasts.as_ref().is_some_and(|b| {
                let filled = || b.slots.iter().filter(|slots| slots.filled);
                filled().next().is_some() && filled().all(|slots| slots.complete)
            });
            if segment {
                complete_pulls += 1;
            }
            if let Some(b) = broadcasts.as_ref().filter(|_| segment && complete_pulls > SEGMENT_AFTER) {
                // Over the lists segmented by neighbour range (`graph::segments`), as the
                // fast PageRank: each pull reads the slots of an L2-sized slice at a time.
                // Receivers read messages sent along out-edges over their in-edges.
                let readers = [(SENT_OUT, 0), (SENT_IN, 1), (SENT_ALL, 0), (SENT_ALL, 1)];
                let pulled = accs.get_or_insert_with(|| Slots::new(len));
                for (way, side) in readers {
                    let slots = &b.slots[way];
                    if !slots.filled {
                        continue;
                    }
                    let adjacency = if side == 0 { &self.inn } else { &self.out };
                    let lists =
                        segmented[side].get_or_insert_with(|| Segmented::build(n as usize, adjacency, false));
                    lists.for_each(|base, t, offsets, _| {
                        let mut acc = None;
                        pull_all(&mut acc, &slots.values[base..], offsets, combiner);
                        if let Some(m) = acc {
                            pulled.put(t as u32, m, combiner);
                        }
                    });
                }
                for v in (0..len as u32).filter(|&v| pulled.has(v)) {
                    next.apply(v, pulled.values[v as usize].clone(), combiner);
                }
                pulled.clear();
                pooled = broadcasts.take();
            }
            if let Some(b) = broadcasts {
                let [out, inn, all] = &b.slots;
                let scratch = &mut candidates;
                for v in 0..len {
                    let mut acc = None;
                    if out.filled {
                        pull(&mut acc, out, self.inn.neighbors(v), combiner, scratch);
                    }
                    if inn.filled {
                        pull(&mut acc, inn, self.out.neighbors(v), combiner, scratch);
                    }
                    if all.filled {
                        pull(&mut acc, all, self.inn.neighbors(v), combiner, scratch);
                        pull(&mut acc, all, self.out.neighbors(v), combiner, scratch);
                    }
                    // Pulled messages arrive in index order: straight into their slots, no bins.
                    if let Some(m) = acc {
                        next.apply(v as u32, m, combiner);
                    }
                }
                pooled = Some(b);
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
