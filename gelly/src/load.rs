//! Graphs from edge-list files and in-memory [`EdgeList`]s (external `u64` ids).
//!
//! [`Graph::read_edge_list`] has every worker read and parse its own share of the file —
//! a contiguous run of lines, the shares in worker order (see
//! [`eddy_datasets::edgelist::EdgeListFile`]) — in parallel, keeping ids in 32 bits while
//! they fit, so nothing holds the file or the whole edge list. [`Graph::from_edge_list`]
//! builds the same graph from an [`EdgeList`] every worker can see.
//!
//! **Note**: the workers agree on a read error before anything else: each offers its
//! share's first error, the earliest in the file wins (an I/O error before any malformed
//! line), and every worker returns it — the error a sequential reader would report.

use std::path::Path;

use eddy_core::{Data, Worker};
use eddy_datasets::edgelist::{EdgeList, EdgeListFile, read_edge_list};

use crate::graph::{DenseEdges, Graph};
use crate::ids::{KeyColumn, map_key_columns};
use crate::{Error, Result};

impl<'w> Graph<'w, u64, (), ()> {
    /// An unweighted graph from an edge list every worker can see (each takes its share);
    /// weights, if any, are ignored. The vertex set is the ids that appear in an edge.
    ///
    /// # Errors
    /// A runtime failure, or too many vertices.
    pub fn from_edge_list(worker: &'w Worker, edges: &EdgeList) -> Result<Self> {
        let r = worker.share(edges.len());
        let (src, dst) =
            (KeyColumn::from_slice(&edges.src[r.clone()]), KeyColumn::from_slice(&edges.dst[r.clone()]));
        from_key_columns(worker, src, dst, vec![(); r.len()])
    }

    /// An unweighted graph from an edge-list file (format: [`eddy_datasets::edgelist`]);
    /// weights, if any, are ignored. Every worker reads its own share of the file, so call
    /// this on every worker; the graph is the one [`Graph::from_edge_list`] builds from the
    /// whole file, neighbour order included.
    ///
    /// # Errors
    /// On every worker, the error a sequential reader would report: the file is missing or
    /// unreadable, or its first malformed line (file, line number and text). Too many
    /// vertices; runtime failures.
    ///
    /// # Complexity
    /// Each worker parses `1/P` of the file, streaming. Peak memory is about 12 bytes per
    /// edge over all workers when ids are below 2³² (16 above), against 8 for the graph.
    ///
    /// # Example
    /// ```
    /// use eddy_gelly::Graph;
    /// let path = std::env::temp_dir().join(format!("eddy-doc-read-{}.txt", std::process::id()));
    /// std::fs::write(&path, "# a cycle\n1 2\n2 3\r\n3 1").unwrap();
    /// let edges = eddy_runtime::LocalRuntime::with_parallelism(2)?.execute(|worker| {
    ///     let graph = Graph::read_edge_list(worker, &path)?;
    ///     Ok::<_, eddy_core::Error>(graph.edges().collect_partition())
    /// })?;
    /// assert_eq!(edges.concat(), vec![(1, 2, ()), (2, 3, ()), (3, 1, ())]);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_edge_list(worker: &'w Worker, path: &Path) -> Result<Self> {
        let share = read_share(worker, path, false)?;
        let len = share.src.len();
        from_key_columns(worker, share.src, share.dst, vec![(); len])
    }
}

impl<'w> Graph<'w, u64, (), f64> {
    /// A weighted graph from an edge list every worker can see; edges without a weight
    /// column get weight 1.
    ///
    /// # Errors
    /// A runtime failure, or too many vertices.
    pub fn from_weighted_edge_list(worker: &'w Worker, edges: &EdgeList) -> Result<Self> {
        let r = worker.share(edges.len());
        let weights = match &edges.weights {
            Some(w) => w[r.clone()].to_vec(),
            None => vec![1.0; r.len()],
        };
        let (src, dst) = (KeyColumn::from_slice(&edges.src[r.clone()]), KeyColumn::from_slice(&edges.dst[r]));
        from_key_columns(worker, src, dst, weights)
    }

    /// A weighted graph from an edge-list file, read as by [`Graph::read_edge_list`]; edges
    /// get weight 1 if the file has no weight column.
    ///
    /// # Errors
    /// As [`Graph::read_edge_list`].
    pub fn read_weighted_edge_list(worker: &'w Worker, path: &Path) -> Result<Self> {
        let share = read_share(worker, path, true)?;
        let len = share.src.len();
        let weights = share.weights.unwrap_or_else(|| vec![1.0; len]);
        from_key_columns(worker, share.src, share.dst, weights)
    }
}

/// Maps the keys to dense indices and builds the graph.
fn from_key_columns<'w, EV: Data + Clone>(
    worker: &'w Worker,
    src: KeyColumn,
    dst: KeyColumn,
    values: Vec<EV>,
) -> Result<Graph<'w, u64, (), EV>> {
    let (ids, mut dense) = map_key_columns(worker, vec![src, dst])?;
    let dst = dense.pop().unwrap_or_default();
    let src = dense.pop().unwrap_or_default();
    Graph::from_dense(worker, ids, DenseEdges { src, dst, values })
}

/// One worker's share of an edge-list file, in columns.
#[derive(Debug, Default)]
struct Share {
    src: KeyColumn,
    dst: KeyColumn,
    weights: Option<Vec<f64>>,
}

/// Reads this worker's share of `path` (with its weights if `weighted`), then agrees with
/// the other workers on the first error (see the module note).
fn read_share(worker: &Worker, path: &Path, weighted: bool) -> Result<Share> {
    let local = (|| {
        let file = EdgeListFile::open(path)?;
        let mut share = Share::default();
        file.read_share(worker.index(), worker.parallelism(), |block| {
            share.src.extend_from_slice(&block.src);
            share.dst.extend_from_slice(&block.dst);
            if let (true, Some(w)) = (weighted, &block.weights) {
                share.weights.get_or_insert_with(Vec::new).extend_from_slice(w);
            }
        })?;
        share.src.shrink_to_fit();
        share.dst.shrink_to_fit();
        Ok(share)
    })();
    let mine = local.as_ref().err().map(ReadFailure::of);
    let first = worker.all_reduce(mine.clone(), |a, b| match (a, b) {
        (Some(a), Some(b)) => Some(if b.position() < a.position() { b } else { a }),
        (a, b) => a.or(b),
    })?;
    match (local, first) {
        (Ok(share), None) => Ok(share),
        (Err(e), Some(first)) if mine.as_ref() == Some(&first) => Err(e.into()),
        (Err(e), None) => Err(e.into()),
        (_, Some(first)) => Err(first.into_error(path)),
    }
}

/// A worker's read error in a form the other workers can receive.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum ReadFailure {
    /// The file could not be read: the operating system's message.
    Io(String),
    /// A malformed line.
    Invalid {
        /// 1-based line number in the file.
        line: u64,
        /// The offending text.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ReadFailure {
    fn of(error: &eddy_datasets::Error) -> Self {
        match error {
            eddy_datasets::Error::InvalidInput { line, text, reason, .. } => {
                ReadFailure::Invalid { line: *line, text: text.clone(), reason: reason.clone() }
            }
            eddy_datasets::Error::Io { source, .. } => ReadFailure::Io(source.to_string()),
            other => ReadFailure::Io(other.to_string()),
        }
    }

    /// Where the failure is: I/O errors first, then malformed lines in file order.
    fn position(&self) -> (bool, u64) {
        match self {
            ReadFailure::Io(_) => (false, 0),
            ReadFailure::Invalid { line, .. } => (true, *line),
        }
    }

    fn into_error(self, path: &Path) -> Error {
        let path = path.to_path_buf();
        Error::Input(match self {
            ReadFailure::Io(message) => {
                eddy_datasets::Error::Io { path, source: std::io::Error::other(message) }
            }
            ReadFailure::Invalid { line, text, reason } => {
                eddy_datasets::Error::InvalidInput { path, line, text, reason }
            }
        })
    }
}

/// Reads an edge-list file (see [`eddy_datasets::edgelist`] for the format).
///
/// # Errors
/// The file is missing, unreadable or malformed (the error names file, line and text).
pub fn read(path: &Path) -> Result<EdgeList> {
    Ok(read_edge_list(path)?)
}
