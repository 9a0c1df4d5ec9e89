//! Scatter-gather iteration (Gelly's `runScatterGatherIteration`): in every superstep the
//! vertices whose value changed in the previous one (all vertices at first) *scatter*
//! messages along their edges in the configured direction; every vertex that received
//! messages *gathers* them into an optional new value. It ends when no value changes.
//!
//! Compiled onto [`super::vertex_centric`]: `compute` = gather, then scatter if the value
//! changed, then halt. Degrees are always available to both functions (they are the CSR
//! offsets, free to read).

use eddy_core::{Data, IterationSummary};

use crate::Result;
use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::vertex_centric::{Combiner, Vertex, VertexCentric};

/// The configuration of a scatter-gather iteration.
pub struct ScatterGather<M> {
    max_iterations: u32,
    direction: EdgeDirection,
    combiner: Option<Combiner<M>>,
}

impl<M> ScatterGather<M> {
    /// At most `max_iterations` supersteps, scattering along out-edges.
    pub fn new(max_iterations: u32) -> Self {
        ScatterGather { max_iterations, direction: EdgeDirection::Out, combiner: None }
    }

    /// The edges messages are scattered along (out, in, or both).
    #[must_use]
    pub fn direction(mut self, direction: EdgeDirection) -> Self {
        self.direction = direction;
        self
    }

    /// A message combiner (associative and commutative), applied before messages leave
    /// their worker.
    #[must_use]
    pub fn combiner(mut self, combine: impl Fn(&mut M, M) + 'static) -> Self {
        self.combiner = Some(Box::new(combine));
        self
    }
}

/// What the scatter function sees: the vertex (value, key, degrees) and a way to send.
pub struct Scatter<'v, 'a, K, VV, EV, M> {
    vertex: &'v mut Vertex<'a, K, VV, EV, M, ()>,
    direction: EdgeDirection,
}

impl<K: VertexKey, VV, EV, M> Scatter<'_, '_, K, VV, EV, M> {
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
}

impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// Runs a scatter-gather iteration. `gather(key, value, messages)` returns the new value
    /// or `None` to keep the old one (then the vertex does not scatter next superstep).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn run_scatter_gather<M: Data>(
        &self,
        config: ScatterGather<M>,
        scatter: impl Fn(&mut Scatter<'_, '_, K, VV, EV, M>),
        gather: impl Fn(&K, &VV, &[M]) -> Option<VV>,
    ) -> Result<(Self, IterationSummary<()>)> {
        let direction = config.direction;
        let mut vc = VertexCentric::new(config.max_iterations);
        if let Some(combine) = config.combiner {
            vc = vc.combiner(combine);
        }
        self.run_vertex_centric(vc, |vertex, messages| {
            let scatter_now = if vertex.superstep() == 1 {
                true
            } else if let Some(new) = gather(vertex.key(), vertex.value(), messages) {
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
