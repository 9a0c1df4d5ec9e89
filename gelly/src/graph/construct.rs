//! Building a [`Graph`]: from edges, from vertices and edges, from datasets.

use std::sync::Arc;

use eddy_core::{Data, DataSet, Worker};

use super::{DenseEdges, Graph, Partitioning, assemble};
use crate::ids::{VertexIds, VertexKey, map_keys};
use crate::{Error, Result};

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
pub(super) fn place_values<K: VertexKey, VV: Data + Clone>(
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
