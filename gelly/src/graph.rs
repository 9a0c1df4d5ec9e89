//! [`Graph`]: one worker's partition of a graph — dense vertex values and CSR edges.
//!
//! Like a [`eddy_core::DataSet`], a graph is SPMD: every worker builds it from its share of the
//! input and holds one partition — a contiguous range of dense vertex indices (balanced by
//! vertices plus edge endpoints), the values of those vertices in a dense array, their
//! out-edges and their in-edges in CSR form. Neighbour lists hold global dense indices
//! (`u32`); the layout is built once and shared (`Arc`) by every graph derived from it
//! that keeps the topology, and by every superstep of an iteration. Building it from the
//! workers' edges — partitioning, routing, CSR — is the `build` submodule's job.
//!
//! The methods are grouped by family, one file each: this file holds the layout and the
//! accessors; `construct` the constructors, `transform` Gelly's transformations,
//! `neighborhood` degrees, neighbourhood reductions, joins and validation, `set_ops`
//! union, difference and intersection.

use std::sync::Arc;

use eddy_core::Worker;

use crate::Result;
use crate::ids::{VertexIds, VertexKey};

mod build;
mod construct;
pub(crate) mod mirrors;
mod neighborhood;
mod parts;
pub(crate) mod segments;
mod set_ops;
pub(crate) mod simple;
mod transform;

pub(crate) use build::{DenseEdges, assemble};
pub use parts::GraphParts;

/// Which edges of a vertex an operation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum EdgeDirection {
    /// Out-edges: the vertex is the source.
    #[default]
    Out,
    /// In-edges: the vertex is the target.
    In,
    /// Both.
    All,
}

/// Adjacency of one partition in CSR form: the neighbours of local vertex `i` are
/// `nbrs[offsets[i]..offsets[i + 1]]`, with edge values alongside.
#[derive(Debug, Clone)]
pub(crate) struct Adjacency<EV> {
    pub(crate) offsets: Vec<usize>,
    pub(crate) nbrs: Vec<u32>,
    pub(crate) values: Vec<EV>,
}

impl<EV> Adjacency<EV> {
    pub(crate) fn range(&self, local: usize) -> std::ops::Range<usize> {
        self.offsets[local]..self.offsets[local + 1]
    }
    pub(crate) fn neighbors(&self, local: usize) -> &[u32] {
        &self.nbrs[self.range(local)]
    }
    pub(crate) fn edge_values(&self, local: usize) -> &[EV] {
        &self.values[self.range(local)]
    }
    pub(crate) fn degree(&self, local: usize) -> usize {
        self.offsets[local + 1] - self.offsets[local]
    }
    pub(crate) fn len(&self) -> usize {
        self.nbrs.len()
    }
}

/// The partition layout: worker `w` owns dense indices `bounds[w]..bounds[w + 1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Partitioning {
    pub(crate) bounds: Vec<u32>,
    /// Every boundary is a multiple of `block` (or `n`); see [`block_size`].
    pub(crate) block: u32,
}

impl Partitioning {
    /// The worker that owns dense index `index`.
    #[inline]
    pub(crate) fn owner(&self, index: u32) -> usize {
        self.bounds[1..].partition_point(|&b| b <= index)
    }
    pub(crate) fn len(&self) -> u32 {
        *self.bounds.last().unwrap_or(&0)
    }
}

/// The granularity of partition boundaries, a function of `n` only, so that per-block
/// partial sums (PageRank's dangling mass, convergence deltas) are the same numbers
/// whatever the parallelism — results do not depend on P, bit for bit.
pub(crate) fn block_size(n: u32) -> u32 {
    (n / 4096).next_power_of_two().clamp(1, 1024)
}

/// The partitioning and this worker's out- and in-adjacency.
pub(crate) type Topology<EV> = (Arc<Partitioning>, Arc<Adjacency<EV>>, Arc<Adjacency<EV>>);

/// A graph with vertex keys `K`, vertex values `VV` and edge values `EV`; one worker's part.
pub struct Graph<'w, K, VV, EV> {
    pub(crate) worker: &'w Worker,
    pub(crate) ids: Arc<VertexIds<K>>,
    pub(crate) parts: Arc<Partitioning>,
    pub(crate) values: Vec<VV>,
    pub(crate) out: Arc<Adjacency<EV>>,
    pub(crate) inn: Arc<Adjacency<EV>>,
}

impl<K: std::fmt::Debug, VV, EV> std::fmt::Debug for Graph<'_, K, VV, EV> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("worker", &self.worker.index())
            .field("vertices", &self.parts.len())
            .field("local_vertices", &self.values.len())
            .field("local_out_edges", &self.out.len())
            .finish()
    }
}

/// Basic accessors.
impl<'w, K: VertexKey, VV, EV> Graph<'w, K, VV, EV> {
    /// The worker this partition belongs to.
    pub fn worker(&self) -> &'w Worker {
        self.worker
    }

    /// All vertex keys, ascending; dense index `i` is `ids().key(i)`.
    pub fn ids(&self) -> &VertexIds<K> {
        &self.ids
    }

    /// The number of vertices of the whole graph (known on every worker without an exchange).
    pub fn number_of_vertices(&self) -> u64 {
        self.ids.len() as u64
    }

    /// The number of edges of the whole graph.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn number_of_edges(&self) -> Result<u64> {
        Ok(self.worker.all_reduce(self.out.len() as u64, |a, b| a + b)?)
    }

    /// The dense indices this worker owns.
    pub fn local_range(&self) -> std::ops::Range<u32> {
        self.parts.bounds[self.worker.index()]..self.parts.bounds[self.worker.index() + 1]
    }

    /// The keys of this worker's vertices, ascending.
    pub fn local_keys(&self) -> &[K] {
        let r = self.local_range();
        &self.ids.keys()[r.start as usize..r.end as usize]
    }

    /// The values of this worker's vertices, in key order.
    pub fn local_values(&self) -> &[VV] {
        &self.values
    }

    /// Takes the local vertex values out of the graph.
    pub fn into_local_values(self) -> Vec<VV> {
        self.values
    }

    /// The number of edges whose source this worker owns.
    pub fn local_edge_count(&self) -> usize {
        self.out.len()
    }

    pub(crate) fn lo(&self) -> u32 {
        self.parts.bounds[self.worker.index()]
    }

    /// A graph with the same topology and new vertex values (one per local vertex).
    pub(crate) fn with_values<NV>(&self, values: Vec<NV>) -> Graph<'w, K, NV, EV> {
        debug_assert_eq!(values.len(), self.values.len());
        Graph {
            worker: self.worker,
            ids: Arc::clone(&self.ids),
            parts: Arc::clone(&self.parts),
            values,
            out: Arc::clone(&self.out),
            inn: Arc::clone(&self.inn),
        }
    }

    /// Out-degree of every local vertex.
    pub fn local_out_degrees(&self) -> Vec<u64> {
        (0..self.values.len()).map(|i| self.out.degree(i) as u64).collect()
    }

    /// In-degree of every local vertex.
    pub fn local_in_degrees(&self) -> Vec<u64> {
        (0..self.values.len()).map(|i| self.inn.degree(i) as u64).collect()
    }
}

/// An edge with the values of its endpoints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Triplet<K, VV, EV> {
    /// Source key.
    pub src: K,
    /// Target key.
    pub dst: K,
    /// Source value.
    pub src_value: VV,
    /// Target value.
    pub dst_value: VV,
    /// Edge value.
    pub edge_value: EV,
}
