//! [`Graph`]: one worker's partition of a graph — dense vertex values and CSR edges.
//!
//! Like a [`DataSet`], a graph is SPMD: every worker builds it from its share of the
//! input and holds one partition — a contiguous range of dense vertex indices (balanced by
//! vertices plus edge endpoints), the values of those vertices in a dense array, their
//! out-edges and their in-edges in CSR form. Neighbour lists hold global dense indices
//! (`u32`); the layout is built once and shared (`Arc`) by every graph derived from it
//! that keeps the topology, and by every superstep of an iteration. Building it from the
//! workers' edges — partitioning, routing, CSR — is the `build` submodule's job.

use std::sync::Arc;

use eddy_core::{Data, DataSet, Worker};

use crate::ids::{VertexIds, VertexKey, map_keys};
use crate::{Error, Result};

mod build;

pub(crate) use build::{DenseEdges, assemble};

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

impl<'w, K: VertexKey, EV: Data + Clone> Graph<'w, K, (), EV> {
    /// Builds a graph from this worker's share of the edges `(src, dst, value)`; the vertex
    /// set is every key that appears in some edge (on any worker). Duplicate edges and
    /// self-loops are kept (see [`Graph::simplify`]).
    ///
    /// # Errors
    /// A runtime failure, or more than [`crate::ids::MAX_VERTICES`] vertices.
    pub fn from_edges(worker: &'w Worker, edges: impl IntoIterator<Item = (K, K, EV)>) -> Result<Self> {
        let mut srcs = Vec::new();
        let mut dsts = Vec::new();
        let mut values = Vec::new();
        for (s, d, v) in edges {
            srcs.push(s);
            dsts.push(d);
            values.push(v);
        }
        Self::from_columns(worker, &srcs, &dsts, values)
    }

    /// Builds a graph from this worker's share of the edges given as columns.
    pub(crate) fn from_columns(worker: &'w Worker, srcs: &[K], dsts: &[K], values: Vec<EV>) -> Result<Self> {
        let (ids, mut dense) = map_keys(worker, &[srcs, dsts])?;
        let dst = dense.pop().unwrap_or_default();
        let src = dense.pop().unwrap_or_default();
        Self::from_dense(worker, ids, DenseEdges { src, dst, values })
    }

    /// Builds a graph over the vertices `ids` from this worker's share of the edges, given
    /// as dense indices.
    pub(crate) fn from_dense(worker: &'w Worker, ids: VertexIds<K>, edges: DenseEdges<EV>) -> Result<Self> {
        let ids = Arc::new(ids);
        let (parts, out, inn) = assemble(worker, ids.len(), edges, None)?;
        let values =
            vec![(); parts.bounds[worker.index() + 1] as usize - parts.bounds[worker.index()] as usize];
        Ok(Graph { worker, ids, parts, values, out, inn })
    }
}

impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// Builds a graph from this worker's share of the vertices and of the edges. Every
    /// edge endpoint must be a vertex, and every key must occur once among the vertices.
    ///
    /// # Errors
    /// [`Error::UnknownVertex`] for an edge endpoint that is not a vertex,
    /// [`Error::InvalidParameter`] for a repeated vertex key, runtime failures.
    pub fn from_vertices_and_edges(
        worker: &'w Worker,
        vertices: impl IntoIterator<Item = (K, VV)>,
        edges: impl IntoIterator<Item = (K, K, EV)>,
    ) -> Result<Self> {
        let (vkeys, vvalues): (Vec<K>, Vec<VV>) = vertices.into_iter().unzip();
        let (ids, mut vdense) = map_keys(worker, &[&vkeys])?;
        let vdense = vdense.pop().unwrap_or_default();
        let ids = Arc::new(ids);
        let mut edge_list = DenseEdges::new();
        for (s, d, v) in edges {
            let si = ids.index_of(&s);
            let di = ids.index_of(&d);
            match (si, di) {
                (Some(si), Some(di)) => edge_list.push(si, di, v),
                (None, _) => return Err(unknown_endpoint(&s, &s, &d)),
                (_, None) => return Err(unknown_endpoint(&d, &s, &d)),
            }
        }
        let (parts, out, inn) = assemble(worker, ids.len(), edge_list, None)?;
        let values = place_values(worker, &ids, &parts, vdense.into_iter().zip(vvalues).collect())?;
        Ok(Graph { worker, ids, parts, values, out, inn })
    }

    /// Builds a graph from vertex and edge datasets (Gelly's `Graph.fromDataSet`).
    ///
    /// # Errors
    /// As [`Graph::from_vertices_and_edges`].
    pub fn from_datasets(vertices: DataSet<'w, (K, VV)>, edges: DataSet<'w, (K, K, EV)>) -> Result<Self> {
        let worker = vertices.worker();
        Self::from_vertices_and_edges(worker, vertices.collect_partition(), edges.collect_partition())
    }
}

fn unknown_endpoint<K: VertexKey>(key: &K, src: &K, dst: &K) -> Error {
    Error::UnknownVertex {
        key: key.to_string(),
        context: format!("edge {src} -> {dst} names a vertex that is not in the vertex set"),
    }
}

/// Routes `(dense index, value)` pairs to their owners and lays them out densely.
fn place_values<K: VertexKey, VV: Data + Clone>(
    worker: &Worker,
    ids: &VertexIds<K>,
    parts: &Partitioning,
    pairs: Vec<(u32, VV)>,
) -> Result<Vec<VV>> {
    let mut outgoing: Vec<Vec<(u32, VV)>> = (0..worker.parallelism()).map(|_| Vec::new()).collect();
    for (i, v) in pairs {
        outgoing[parts.owner(i)].push((i, v));
    }
    let lo = parts.bounds[worker.index()];
    let hi = parts.bounds[worker.index() + 1];
    let mut slots: Vec<Option<VV>> = (lo..hi).map(|_| None).collect();
    let mut duplicate = None;
    for (i, v) in worker.all_to_all(outgoing)?.into_iter().flatten() {
        let slot = &mut slots[(i - lo) as usize];
        if slot.is_some() && duplicate.is_none() {
            duplicate = Some(i);
        }
        *slot = Some(v);
    }
    // Decide on all-reduced values so every worker returns the same way.
    let duplicate = worker.all_reduce(duplicate, |a, b| a.or(b))?;
    if let Some(i) = duplicate {
        return Err(Error::InvalidParameter {
            name: "vertices",
            reason: format!("vertex {} is listed more than once", ids.key(i)),
        });
    }
    Ok(slots.into_iter().map(|v| v.expect("every vertex key came from the vertex list")).collect())
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

/// Gelly's transformations and neighbourhood methods.
impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// This worker's vertices as `(key, value)` records.
    pub fn vertices(&self) -> DataSet<'w, (K, VV)> {
        let records: Vec<(K, VV)> =
            self.local_keys().iter().cloned().zip(self.values.iter().cloned()).collect();
        DataSet::from_iter(self.worker, records)
    }

    /// This worker's edges — those whose source it owns — as `(src, dst, value)` records.
    pub fn edges(&self) -> DataSet<'w, (K, K, EV)> {
        DataSet::from_iter(self.worker, self.local_edges_by_key())
    }

    fn local_edges_by_key(&self) -> Vec<(K, K, EV)> {
        let mut records = Vec::with_capacity(self.out.len());
        for (i, key) in self.local_keys().iter().enumerate() {
            for (d, v) in self.out.neighbors(i).iter().zip(self.out.edge_values(i)) {
                records.push((key.clone(), self.ids.key(*d).clone(), v.clone()));
            }
        }
        records
    }

    /// This worker's out-edges in dense indices.
    pub(crate) fn local_dense_edges(&self) -> Vec<(u32, u32, EV)> {
        let lo = self.lo();
        let mut records = Vec::with_capacity(self.out.len());
        for i in 0..self.values.len() {
            for (d, v) in self.out.neighbors(i).iter().zip(self.out.edge_values(i)) {
                records.push((lo + i as u32, *d, v.clone()));
            }
        }
        records
    }

    /// The values of all vertices of the graph, on every worker (an all-gather).
    pub(crate) fn all_values(&self) -> Result<Vec<VV>> {
        Ok(self.worker.all_gather(self.values.clone())?.into_iter().flatten().collect())
    }

    /// Edges with the values of both endpoints: `(src, dst, src value, dst value, edge value)`.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn triplets(&self) -> Result<DataSet<'w, Triplet<K, VV, EV>>> {
        let all = self.all_values()?;
        let lo = self.lo();
        let mut records = Vec::with_capacity(self.out.len());
        for (i, key) in self.local_keys().iter().enumerate() {
            for (d, v) in self.out.neighbors(i).iter().zip(self.out.edge_values(i)) {
                records.push(Triplet {
                    src: key.clone(),
                    dst: self.ids.key(*d).clone(),
                    src_value: all[(lo as usize) + i].clone(),
                    dst_value: all[*d as usize].clone(),
                    edge_value: v.clone(),
                });
            }
        }
        Ok(DataSet::from_iter(self.worker, records))
    }

    /// New vertex values computed from key and old value; the topology is shared.
    pub fn map_vertices<NV>(&self, f: impl Fn(&K, &VV) -> NV) -> Graph<'w, K, NV, EV> {
        let values = self.local_keys().iter().zip(&self.values).map(|(k, v)| f(k, v)).collect();
        self.with_values(values)
    }

    /// Gelly's `translateVertexValues`: new vertex values from the old ones.
    pub fn translate_vertex_values<NV>(&self, f: impl Fn(&VV) -> NV) -> Graph<'w, K, NV, EV> {
        self.map_vertices(|_, v| f(v))
    }

    /// New edge values computed from `(src, dst, value)`; `f` must be deterministic (it runs
    /// once for the out-adjacency and once for the in-adjacency copy of each edge).
    pub fn map_edges<NE>(&self, f: impl Fn(&K, &K, &EV) -> NE) -> Graph<'w, K, VV, NE> {
        let lo = self.lo();
        let map = |adj: &Adjacency<EV>, outgoing: bool| {
            let mut values = Vec::with_capacity(adj.len());
            for i in 0..self.values.len() {
                let me = self.ids.key(lo + i as u32);
                for (n, v) in adj.neighbors(i).iter().zip(adj.edge_values(i)) {
                    let other = self.ids.key(*n);
                    values.push(if outgoing { f(me, other, v) } else { f(other, me, v) });
                }
            }
            Adjacency { offsets: adj.offsets.clone(), nbrs: adj.nbrs.clone(), values }
        };
        Graph {
            worker: self.worker,
            ids: Arc::clone(&self.ids),
            parts: Arc::clone(&self.parts),
            values: self.values.clone(),
            out: Arc::new(map(&self.out, true)),
            inn: Arc::new(map(&self.inn, false)),
        }
    }

    /// Gelly's `translateEdgeValues`: new edge values from the old ones.
    pub fn translate_edge_values<NE>(&self, f: impl Fn(&EV) -> NE) -> Graph<'w, K, VV, NE> {
        self.map_edges(|_, _, v| f(v))
    }

    /// Gelly's `translateGraphIds`: new keys for every vertex (`f` must be injective and
    /// deterministic); the graph is rebuilt in the new key order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if two vertices get the same key; runtime failures.
    pub fn translate_graph_ids<NK: VertexKey>(&self, f: impl Fn(&K) -> NK) -> Result<Graph<'w, NK, VV, EV>> {
        let vertices: Vec<(NK, VV)> =
            self.local_keys().iter().map(&f).zip(self.values.iter().cloned()).collect();
        let edges: Vec<(NK, NK, EV)> =
            self.local_edges_by_key().into_iter().map(|(s, d, v)| (f(&s), f(&d), v)).collect();
        Graph::from_vertices_and_edges(self.worker, vertices, edges)
    }

    /// Keeps the vertices for which `vertex_filter` holds and the edges between kept
    /// vertices for which `edge_filter` holds (Gelly's `subgraph`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn subgraph(
        &self,
        vertex_filter: impl Fn(&K, &VV) -> bool,
        edge_filter: impl Fn(&K, &K, &EV) -> bool,
    ) -> Result<Self> {
        let keep: Vec<bool> =
            self.local_keys().iter().zip(&self.values).map(|(k, v)| vertex_filter(k, v)).collect();
        let keep_all: Vec<bool> = self.worker.all_gather(keep)?.into_iter().flatten().collect();
        let mut new_index = Vec::with_capacity(keep_all.len());
        let mut kept = Vec::new();
        for (i, &k) in keep_all.iter().enumerate() {
            new_index.push(kept.len() as u32);
            if k {
                kept.push(self.ids.key(i as u32).clone());
            }
        }
        let lo = self.lo();
        let mut edges = DenseEdges::new();
        for i in 0..self.values.len() {
            let s = lo + i as u32;
            if !keep_all[s as usize] {
                continue;
            }
            for (d, v) in self.out.neighbors(i).iter().zip(self.out.edge_values(i)) {
                if keep_all[*d as usize] && edge_filter(self.ids.key(s), self.ids.key(*d), v) {
                    edges.push(new_index[s as usize], new_index[*d as usize], v.clone());
                }
            }
        }
        let values: Vec<(u32, VV)> = (0..self.values.len())
            .filter(|&i| keep_all[lo as usize + i])
            .map(|i| (new_index[lo as usize + i], self.values[i].clone()))
            .collect();
        let ids = Arc::new(VertexIds::from_sorted(kept));
        let (parts, out, inn) = assemble(self.worker, ids.len(), edges, None)?;
        let values = place_values(self.worker, &ids, &parts, values)?;
        Ok(Graph { worker: self.worker, ids, parts, values, out, inn })
    }

    /// Keeps the vertices for which `f` holds, and the edges between them.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn filter_on_vertices(&self, f: impl Fn(&K, &VV) -> bool) -> Result<Self> {
        self.subgraph(f, |_, _, _| true)
    }

    /// Keeps every vertex and the edges for which `f` holds.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn filter_on_edges(&self, f: impl Fn(&K, &K, &EV) -> bool) -> Result<Self> {
        let lo = self.lo();
        let edges = self
            .local_dense_edges()
            .into_iter()
            .filter(|(s, d, v)| {
                debug_assert!(*s >= lo);
                f(self.ids.key(*s), self.ids.key(*d), v)
            })
            .collect();
        self.with_edges(edges)
    }

    /// Same vertices and values, new edges (global dense indices, this worker's share).
    pub(crate) fn with_edges(&self, edges: DenseEdges<EV>) -> Result<Self> {
        let (parts, out, inn) = assemble(self.worker, self.ids.len(), edges, Some(Arc::clone(&self.parts)))?;
        Ok(Graph {
            worker: self.worker,
            ids: Arc::clone(&self.ids),
            parts,
            values: self.values.clone(),
            out,
            inn,
        })
    }

    /// Every edge reversed; free (the out- and in-adjacency swap roles).
    pub fn reverse(&self) -> Self {
        Graph {
            worker: self.worker,
            ids: Arc::clone(&self.ids),
            parts: Arc::clone(&self.parts),
            values: self.values.clone(),
            out: Arc::clone(&self.inn),
            inn: Arc::clone(&self.out),
        }
    }

    /// Every edge `a -> b` also as `b -> a` (Gelly's `getUndirected`: the edge count doubles,
    /// self-loops included).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn undirected(&self) -> Result<Self> {
        let forward = self.local_dense_edges();
        let reversed: Vec<_> = forward.iter().map(|(s, d, v)| (*d, *s, v.clone())).collect();
        self.with_edges(forward.into_iter().chain(reversed).collect())
    }

    /// Drops self-loops and repeated `(src, dst)` edges, keeping the first of each.
    /// Idempotent.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn simplify(&self) -> Result<Self> {
        let lo = self.lo();
        let mut edges = DenseEdges::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for i in 0..self.values.len() {
            let s = lo + i as u32;
            seen.clear();
            for (d, v) in self.out.neighbors(i).iter().zip(self.out.edge_values(i)) {
                if *d != s && seen.insert(*d) {
                    edges.push(s, *d, v.clone());
                }
            }
        }
        self.with_edges(edges)
    }

    /// `(key, out-degree)` for this worker's vertices.
    pub fn out_degrees(&self) -> DataSet<'w, (K, u64)> {
        self.degree_records(self.local_out_degrees())
    }

    /// `(key, in-degree)` for this worker's vertices.
    pub fn in_degrees(&self) -> DataSet<'w, (K, u64)> {
        self.degree_records(self.local_in_degrees())
    }

    /// `(key, in-degree + out-degree)` for this worker's vertices.
    pub fn get_degrees(&self) -> DataSet<'w, (K, u64)> {
        let degrees =
            (0..self.values.len()).map(|i| (self.out.degree(i) + self.inn.degree(i)) as u64).collect();
        self.degree_records(degrees)
    }

    fn degree_records(&self, degrees: Vec<u64>) -> DataSet<'w, (K, u64)> {
        let records: Vec<(K, u64)> = self.local_keys().iter().cloned().zip(degrees).collect();
        DataSet::from_iter(self.worker, records)
    }

    /// Reduces the values of each vertex's edges in `direction` with `f` (folded in
    /// adjacency order: out-edges before in-edges); vertices without such edges are left out.
    pub fn reduce_on_edges(
        &self,
        direction: EdgeDirection,
        f: impl Fn(EV, &EV) -> EV,
    ) -> DataSet<'w, (K, EV)> {
        let mut records = Vec::new();
        for (i, key) in self.local_keys().iter().enumerate() {
            let mut values = self.edges_in(direction, i).map(|(_, v)| v);
            if let Some(first) = values.next() {
                records.push((key.clone(), values.fold(first.clone(), &f)));
            }
        }
        DataSet::from_iter(self.worker, records)
    }

    /// Reduces the values of each vertex's neighbours in `direction` with `f`; vertices
    /// without neighbours in that direction are left out.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn reduce_on_neighbors(
        &self,
        direction: EdgeDirection,
        f: impl Fn(VV, &VV) -> VV,
    ) -> Result<DataSet<'w, (K, VV)>> {
        let all = self.all_values()?;
        let mut records = Vec::new();
        for (i, key) in self.local_keys().iter().enumerate() {
            let mut values = self.edges_in(direction, i).map(|(n, _)| &all[n as usize]);
            if let Some(first) = values.next() {
                records.push((key.clone(), values.fold(first.clone(), &f)));
            }
        }
        Ok(DataSet::from_iter(self.worker, records))
    }

    /// The (neighbour, edge value) pairs of local vertex `i` in `direction`.
    pub(crate) fn edges_in(
        &self,
        direction: EdgeDirection,
        i: usize,
    ) -> impl Iterator<Item = (u32, &EV)> + '_ {
        let out = matches!(direction, EdgeDirection::Out | EdgeDirection::All);
        let inn = matches!(direction, EdgeDirection::In | EdgeDirection::All);
        let o = out.then(|| self.out.neighbors(i).iter().copied().zip(self.out.edge_values(i)));
        let n = inn.then(|| self.inn.neighbors(i).iter().copied().zip(self.inn.edge_values(i)));
        o.into_iter().flatten().chain(n.into_iter().flatten())
    }

    /// Updates the value of each vertex named in `records` with `f(old, record value)`;
    /// keys that are not vertices are ignored (Gelly's `joinWithVertices`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn join_with_vertices<T: Data>(
        &self,
        records: DataSet<'_, (K, T)>,
        f: impl Fn(&VV, T) -> VV,
    ) -> Result<Self> {
        let mut outgoing: Vec<Vec<(u32, T)>> = (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (k, t) in records.collect_partition() {
            if let Some(i) = self.ids.index_of(&k) {
                outgoing[self.parts.owner(i)].push((i, t));
            }
        }
        let lo = self.lo();
        let mut values = self.values.clone();
        for (i, t) in self.worker.all_to_all(outgoing)?.into_iter().flatten() {
            let slot = &mut values[(i - lo) as usize];
            *slot = f(slot, t);
        }
        Ok(self.with_values(values))
    }

    /// Updates the value of every edge `(src, dst)` named in `records` with
    /// `f(old, record value)` (all parallel edges between the pair); pairs that are not
    /// edges are ignored (Gelly's `joinWithEdges`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn join_with_edges<T: Data + Clone>(
        &self,
        records: DataSet<'_, (K, K, T)>,
        f: impl Fn(&EV, T) -> EV,
    ) -> Result<Self> {
        let mut outgoing: Vec<Vec<(u32, u32, T)>> =
            (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (s, d, t) in records.collect_partition() {
            if let (Some(si), Some(di)) = (self.ids.index_of(&s), self.ids.index_of(&d)) {
                outgoing[self.parts.owner(si)].push((si, di, t));
            }
        }
        let mut updates = rustc_hash::FxHashMap::default();
        for (s, d, t) in self.worker.all_to_all(outgoing)?.into_iter().flatten() {
            updates.insert((s, d), t);
        }
        let edges = self
            .local_dense_edges()
            .into_iter()
            .map(|(s, d, v)| match updates.get(&(s, d)) {
                Some(t) => (s, d, f(&v, t.clone())),
                None => (s, d, v),
            })
            .collect();
        self.with_edges(edges)
    }

    /// Checks the graph's invariants: every neighbour index names a vertex, the adjacency
    /// offsets are consistent, and the out- and in-adjacency hold the same edges.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn validate(&self) -> Result<bool> {
        let n = self.ids.len() as u32;
        let ok_adj = |adj: &Adjacency<EV>| {
            adj.offsets.len() == self.values.len() + 1
                && adj.offsets.windows(2).all(|w| w[0] <= w[1])
                && adj.offsets.last() == Some(&adj.nbrs.len())
                && adj.nbrs.iter().all(|&x| x < n)
        };
        let local = ok_adj(&self.out) && ok_adj(&self.inn);
        let counts =
            self.worker.all_reduce((local, self.out.len() as u64, self.inn.len() as u64), |a, b| {
                (a.0 && b.0, a.1 + b.1, a.2 + b.2)
            })?;
        Ok(counts.0 && counts.1 == counts.2)
    }
}

/// Set operations between graphs with the same key and value types.
impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone + PartialEq> Graph<'w, K, VV, EV> {
    fn local_vertex_records(&self) -> Vec<(K, VV)> {
        self.local_keys().iter().cloned().zip(self.values.iter().cloned()).collect()
    }

    /// Vertices of both graphs (the value from `self` where a key is in both) and the edges
    /// of both (repeats kept; see [`Graph::simplify`]).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn union(&self, other: &Self) -> Result<Self> {
        let mine = self.local_vertex_records();
        let theirs: Vec<(K, VV)> = other
            .local_vertex_records()
            .into_iter()
            .filter(|(k, _)| self.ids.index_of(k).is_none())
            .collect();
        let mut edges = self.local_edges_by_key();
        edges.extend(other.local_edges_by_key());
        Graph::from_vertices_and_edges(self.worker, mine.into_iter().chain(theirs), edges)
    }

    /// Removes the vertices of `other` (with their edges) and the edges of `other`
    /// (same endpoints and value).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn difference(&self, other: &Self) -> Result<Self> {
        let without_vertices = self.filter_on_vertices(|k, _| other.ids.index_of(k).is_none())?;
        without_vertices.remove_matching_edges(other, false)
    }

    /// The edges present in both graphs (same endpoints and value) and their endpoints.
    /// With `distinct`, each such edge once; otherwise every matching edge of both graphs
    /// (Gelly's `intersect`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn intersect(&self, other: &Self, distinct: bool) -> Result<Self> {
        let common = self.remove_matching_edges(other, true)?;
        let mut edges = common.local_edges_by_key();
        if distinct {
            let mut seen: rustc_hash::FxHashMap<(K, K), Vec<EV>> = rustc_hash::FxHashMap::default();
            edges.retain(|(s, d, v)| {
                let values = seen.entry((s.clone(), d.clone())).or_default();
                let new = !values.contains(v);
                if new {
                    values.push(v.clone());
                }
                new
            });
        } else {
            let theirs = other.remove_matching_edges(self, true)?;
            edges.extend(theirs.local_edges_by_key());
        }
        let endpoints: Vec<K> = edges.iter().flat_map(|(s, d, _)| [s.clone(), d.clone()]).collect();
        let keep: rustc_hash::FxHashSet<K> =
            self.worker.all_gather(endpoints)?.into_iter().flatten().collect();
        let vertices = self.local_vertex_records().into_iter().filter(|(k, _)| keep.contains(k));
        Graph::from_vertices_and_edges(self.worker, vertices, edges)
    }

    /// Keeps (`keep_matching`) or drops the edges of `self` that also occur in `other`.
    fn remove_matching_edges(&self, other: &Self, keep_matching: bool) -> Result<Self> {
        let theirs: Vec<(K, K, EV)> = other.local_edges_by_key();
        let mut outgoing: Vec<Vec<(K, K, EV)>> = (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (s, d, v) in theirs {
            if let Some(si) = self.ids.index_of(&s) {
                outgoing[self.parts.owner(si)].push((s, d, v));
            }
        }
        let received: Vec<(K, K, EV)> = self.worker.all_to_all(outgoing)?.into_iter().flatten().collect();
        let mut index: rustc_hash::FxHashMap<(u32, u32), Vec<EV>> = rustc_hash::FxHashMap::default();
        for (s, d, v) in received {
            if let (Some(si), Some(di)) = (self.ids.index_of(&s), self.ids.index_of(&d)) {
                index.entry((si, di)).or_default().push(v);
            }
        }
        let edges = self
            .local_dense_edges()
            .into_iter()
            .filter(|(s, d, v)| index.get(&(*s, *d)).is_some_and(|vs| vs.contains(v)) == keep_matching)
            .collect();
        self.with_edges(edges)
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
