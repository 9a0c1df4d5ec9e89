//! Gelly's transformations of a [`Graph`]: records out, mapped and translated values
//! and keys, subgraphs and filters, reverse, undirected, simplify.

use std::sync::Arc;

use eddy_core::{Data, DataSet};

use super::construct::place_values;
use super::{Adjacency, DenseEdges, Graph, Triplet, assemble};
use crate::Result;
use crate::ids::{VertexIds, VertexKey};

/// Gelly's transformations.
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

    pub(super) fn local_edges_by_key(&self) -> Vec<(K, K, EV)> {
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
    /// [`crate::Error::InvalidParameter`] if two vertices get the same key; runtime failures.
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
}
