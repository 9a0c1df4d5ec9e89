//! Scatter-gather iteration (Gelly's `runScatterGatherIteration`): in every superstep the
//! vertices whose value changed in the previous one (all vertices at first) *scatter*
//! messages along their edges in the configured direction; every vertex that received
//! messages *gathers* them into an optional new value. It ends when no value changes.
//!
//! Compiled onto [`super::vertex_centric`]: `compute` = gather, then scatter if the value
//! changed, then halt. Degrees are always available to both functions (they are the CSR
//! offsets, free to read). As in Gelly, both functions may feed the superstep's
//! aggregate and read the previous one ([`ScatterGather::aggregate`]); a vertex that must
//! gather every superstep (PageRank's vertices without in-edges) sends itself a message
//! ([`Scatter::send_to_self`]).

use eddy_core::{Aggregator, Data, IterationSummary};

use crate::Result;
use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::vertex_centric::{CombineWith, MessageCombiner, NoCombiner, Vertex, VertexCentric};

/// The configuration of a scatter-gather iteration: superstep limit, direction, optional
/// message combiner (the type `C`), optional aggregator and convergence criterion.
pub struct ScatterGather<M, A = (), C = NoCombiner> {
    vertex_centric: VertexCentric<M, A, C>,
    direction: EdgeDirection,
}

impl<M> ScatterGather<M, (), NoCombiner> {
    /// At most `max_iterations` supersteps, scattering along out-edges.
    pub fn new(max_iterations: u32) -> Self {
        ScatterGather { vertex_centric: VertexCentric::new(max_iterations), direction: EdgeDirection::Out }
    }
}

impl<M, A: Aggregator, C> ScatterGather<M, A, C> {
    /// The edges messages are scattered along (out, in, or both).
    #[must_use]
    pub fn direction(mut self, direction: EdgeDirection) -> Self {
        self.direction = direction;
        self
    }

    /// A message combiner (associative and commutative), applied before messages leave
    /// their worker.
    #[must_use]
    pub fn combiner<F: Fn(&mut M, M)>(self, combine: F) -> ScatterGather<M, A, CombineWith<F>> {
        ScatterGather { vertex_centric: self.vertex_centric.combiner(combine), direction: self.direction }
    }

    /// Declares a global aggregator that scatter and gather feed
    /// ([`Scatter::aggregate`], [`Gather::aggregate`]) and read one superstep later.
    #[must_use]
    pub fn aggregate<B: Aggregator>(self) -> ScatterGather<M, B, C> {
        ScatterGather { vertex_centric: self.vertex_centric.aggregate::<B>(), direction: self.direction }
    }

    /// Stops after the first superstep whose all-reduced aggregate satisfies `criterion`.
    #[must_use]
    pub fn converge_when(mut self, criterion: impl Fn(&A) -> bool + 'static) -> Self {
        self.vertex_centric = self.vertex_centric.converge_when(criterion);
        self
    }
}

/// What the scatter function sees: the vertex (value, key, degrees), a way to send, and
/// the superstep's aggregate.
pub struct Scatter<'v, 'a, K, VV, EV, M, A, C> {
    vertex: &'v mut Vertex<'a, K, VV, EV, M, A, C>,
    direction: EdgeDirection,
}

impl<K: VertexKey, VV, EV, M, A: Aggregator, C: MessageCombiner<M>> Scatter<'_, '_, K, VV, EV, M, A, C> {
    /// The vertex's key.
    pub fn key(&self) -> &K {
        self.vertex.key()
    }
    /// The vertex's (new) value.
    pub fn value(&self) -> &VV {
        self.vertex.value()
    }
    /// The superstep number, from 1.
    pub fn superstep(&self) -> u32 {
        self.vertex.superstep()
    }
    /// Out-degree.
    pub fn out_degree(&self) -> usize {
        self.vertex.out_degree()
    }
    /// In-degree.
    pub fn in_degree(&self) -> usize {
        self.vertex.in_degree()
    }
    /// The number of vertices of the whole graph.
    pub fn number_of_vertices(&self) -> u64 {
        self.vertex.number_of_vertices()
    }
    /// Sends `message(edge value)` along every edge of the configured direction where it
    /// returns `Some`.
    pub fn send_along(&mut self, message: impl FnMut(&EV) -> Option<M>) {
        self.vertex.send_along(self.direction, message);
    }
    /// Sends `message` along every edge of the configured direction.
    pub fn send_to_all(&mut self, message: M)
    where
        M: Clone,
    {
        self.vertex.send_to_neighbors(self.direction, message);
    }
    /// Sends `message` to this vertex itself: it then gathers next superstep even if no
    /// neighbour sends to it.
    pub fn send_to_self(&mut self, message: M) {
        self.vertex.send_to_self(message);
    }
    /// Adds to this superstep's aggregate.
    pub fn aggregate(&mut self, f: impl FnOnce(&mut A)) {
        self.vertex.aggregate(f);
    }
    /// The previous superstep's all-reduced aggregate (`None` in superstep 1).
    pub fn previous_aggregate(&self) -> Option<&A> {
        self.vertex.previous_aggregate()
    }
}

/// What the gather function sees: the vertex that received messages (key, value,
/// degrees) and the superstep's aggregate.
pub struct Gather<'v, 'a, K, VV, EV, M, A, C> {
    vertex: &'v mut Vertex<'a, K, VV, EV, M, A, C>,
}

impl<K: VertexKey, VV, EV, M, A: Aggregator, C: MessageCombiner<M>> Gather<'_, '_, K, VV, EV, M, A, C> {
    /// The vertex's key.
    pub fn key(&self) -> &K {
        self.vertex.key()
    }
    /// The vertex's current value.
    pub fn value(&self) -> &VV {
        self.vertex.value()
    }
    /// The superstep number, from 2 (superstep 1 only scatters).
    pub fn superstep(&self) -> u32 {
        self.vertex.superstep()
    }
    /// Out-degree.
    pub fn out_degree(&self) -> usize {
        self.vertex.out_degree()
    }
    /// In-degree.
    pub fn in_degree(&self) -> usize {
        self.vertex.in_degree()
    }
    /// The number of vertices of the whole graph.
    pub fn number_of_vertices(&self) -> u64 {
        self.vertex.number_of_vertices()
    }
    /// Adds to this superstep's aggregate.
    pub fn aggregate(&mut self, f: impl FnOnce(&mut A)) {
        self.vertex.aggregate(f);
    }
    /// The previous superstep's all-reduced aggregate.
    pub fn previous_aggregate(&self) -> Option<&A> {
        self.vertex.previous_aggregate()
    }
}

impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// Runs a scatter-gather iteration. In superstep 1 every vertex scatters; afterwards
    /// every vertex that received messages gathers them — `gather(vertex, messages)`
    /// returns the new value, or `None` to keep the old one (then the vertex does not
    /// scatter next superstep). It ends when no message is sent (it `converged`), when the
    /// criterion holds, or at the superstep limit.
    ///
    /// # Errors
    /// A zero superstep limit, a runtime failure.
    pub fn run_scatter_gather<M: Data + Clone, A: Aggregator, C: MessageCombiner<M>>(
        &self,
        config: ScatterGather<M, A, C>,
        scatter: impl Fn(&mut Scatter<'_, '_, K, VV, EV, M, A, C>),
        gather: impl Fn(&mut Gather<'_, '_, K, VV, EV, M, A, C>, &[M]) -> Option<VV>,
    ) -> Result<(Self, IterationSummary<A>)> {
        let direction = config.direction;
        self.run_vertex_centric(config.vertex_centric, |vertex, messages| {
            let scatter_now = if vertex.superstep() == 1 {
                true
            } else if let Some(new) = gather(&mut Gather { vertex: &mut *vertex }, messages) {
                vertex.set_value(new);
                true
            } else {
                false
            };
            if scatter_now {
                scatter(&mut Scatter { vertex, direction });
            }
            vertex.vote_to_halt();
        })
    }
}
