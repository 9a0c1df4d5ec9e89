//! Graphs from edge-list files and in-memory [`EdgeList`]s (external `u64` ids).

use std::path::Path;

use eddy_core::Worker;
use eddy_datasets::edgelist::{EdgeList, read_edge_list};

use crate::Result;
use crate::graph::Graph;

/// This worker's contiguous share `start..end` of `len` records.
fn share(worker: &Worker, len: usize) -> std::ops::Range<usize> {
    let bound = |i: usize| (len as u128 * i as u128 / worker.parallelism() as u128) as usize;
    bound(worker.index())..bound(worker.index() + 1)
}

impl<'w> Graph<'w, u64, (), ()> {
    /// An unweighted graph from an edge list every worker can see (each takes its share);
    /// weights, if any, are ignored. The vertex set is the ids that appear in an edge.
    ///
    /// # Errors
    /// A runtime failure, or too many vertices.
    pub fn from_edge_list(worker: &'w Worker, edges: &EdgeList) -> Result<Self> {
        let r = share(worker, edges.len());
        Graph::from_columns(worker, &edges.src[r.clone()], &edges.dst[r.clone()], vec![(); r.len()])
    }
}

impl<'w> Graph<'w, u64, (), f64> {
    /// A weighted graph from an edge list every worker can see; edges without a weight
    /// column get weight 1.
    ///
    /// # Errors
    /// A runtime failure, or too many vertices.
    pub fn from_weighted_edge_list(worker: &'w Worker, edges: &EdgeList) -> Result<Self> {
        let r = share(worker, edges.len());
        let weights = match &edges.weights {
            Some(w) => w[r.clone()].to_vec(),
            None => vec![1.0; r.len()],
        };
        Graph::from_columns(worker, &edges.src[r.clone()], &edges.dst[r], weights)
    }
}

/// Reads an edge-list file (see [`eddy_datasets::edgelist`] for the format).
///
/// # Errors
/// The file is missing, unreadable or malformed (the error names file, line and text).
pub fn read(path: &Path) -> Result<EdgeList> {
    Ok(read_edge_list(path)?)
}
