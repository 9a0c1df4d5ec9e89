//! `eddy.Graph`: an edge list held by the extension; each algorithm call builds the
//! partitioned gelly graph inside a job on the local runtime, with the GIL released.

use std::path::PathBuf;
use std::sync::Arc;

use eddy_datasets::edgelist::{EdgeList, read_edge_list};
use eddy_datasets::generators::GeneratorSpec;
use eddy_gelly::algorithms::{PageRank, bfs, connected_components, pagerank, sssp};
use eddy_gelly::{Graph as GellyGraph, IterationSummary, VertexKey};
use eddy_runtime::LocalRuntime;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::defaults::given;
use crate::error::{IntoPyResult, interruptible, invalid_argument};

/// A directed or undirected graph given by its edges (`Graph.from_edges`).
#[pyclass(module = "eddy._eddy", name = "Graph", frozen)]
pub(crate) struct Graph {
    edges: Arc<EdgeList>,
    directed: bool,
}

/// Per-vertex results: the vertex ids (sorted) and one value per vertex.
#[pyclass(module = "eddy._eddy", name = "VertexValues", frozen)]
pub(crate) struct VertexValues {
    ids: Py<PyAny>,
    values: Py<PyAny>,
    /// Supersteps the algorithm ran.
    #[pyo3(get)]
    supersteps: u32,
    /// True if it stopped on its own (converged), not at the iteration bound.
    #[pyo3(get)]
    converged: bool,
}

#[pymethods]
impl VertexValues {
    /// The vertex ids, ascending (`numpy.uint64`).
    #[getter]
    fn ids(&self, py: Python<'_>) -> Py<PyAny> {
        self.ids.clone_ref(py)
    }

    /// One value per vertex, in the order of `ids`.
    #[getter]
    fn values(&self, py: Python<'_>) -> Py<PyAny> {
        self.values.clone_ref(py)
    }

    /// `{vertex id: value}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let ids = self.ids.bind(py).call_method0("tolist")?;
        let values = self.values.bind(py).call_method0("tolist")?;
        let builtins = py.import("builtins")?;
        let pairs = builtins.getattr("zip")?.call1((ids, values))?;
        builtins.getattr("dict")?.call1((pairs,))?.cast_into::<PyDict>().map_err(Into::into)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.ids.bind(py).len()
    }
}

/// Ids (vertices, users, items) from a 1-D array of any integer dtype: one pass that
/// converts to `u64` and rejects negative ids.
pub(crate) fn vertex_ids(name: &str, array: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    fn convert<T>(name: &str, array: PyReadonlyArray1<'_, T>) -> PyResult<Vec<u64>>
    where
        T: numpy::Element + Copy + TryInto<u64> + std::fmt::Display,
    {
        let view = array.as_array();
        let mut ids = Vec::with_capacity(view.len());
        for (i, &id) in view.iter().enumerate() {
            let Ok(converted) = id.try_into() else {
                return Err(invalid_argument(format!("{name}[{i}] is a negative vertex id ({id})")));
            };
            ids.push(converted);
        }
        Ok(ids)
    }
    macro_rules! try_dtypes {
        ($($t:ty),*) => {
            $(if let Ok(a) = array.extract::<PyReadonlyArray1<'_, $t>>() {
                return convert(name, a);
            })*
        };
    }
    try_dtypes!(u64, i64, u32, i32, u16, i16, u8, i8);
    Err(invalid_argument(format!("{name} must be a 1-D numpy array of integers")))
}

/// Edge weights from a 1-D float64 or float32 array, copied once.
fn edge_weights(array: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    if let Ok(a) = array.extract::<PyReadonlyArray1<'_, f64>>() {
        return Ok(a.as_array().to_vec());
    }
    if let Ok(a) = array.extract::<PyReadonlyArray1<'_, f32>>() {
        return Ok(a.as_array().iter().map(|&w| f64::from(w)).collect());
    }
    Err(invalid_argument("weights must be a 1-D numpy array of floats"))
}

/// Every worker's (ids, values), concatenated in worker order: sorted by id.
type Parts<V> = Vec<(Vec<u64>, Vec<V>, u32, bool)>;

fn joined<'py, V: numpy::Element>(py: Python<'py>, parts: Parts<V>) -> VertexValues {
    let (supersteps, converged) = parts.first().map_or((0, true), |p| (p.2, p.3));
    let (mut ids, mut values) = (Vec::new(), Vec::new());
    for (i, v, _, _) in parts {
        ids.extend(i);
        values.extend(v);
    }
    VertexValues {
        ids: ids.into_pyarray(py).into_any().unbind(),
        values: values.into_pyarray(py).into_any().unbind(),
        supersteps,
        converged,
    }
}

/// Runs `job` on `parallelism` local workers (default: `EDDY_PARALLELISM` or one per
/// core) with the GIL released and Ctrl-C watched, and joins the workers' parts.
fn run<V: numpy::Element + Send>(
    py: Python<'_>,
    parallelism: Option<usize>,
    job: impl Fn(&eddy_core::Worker) -> eddy_gelly::Result<(Vec<u64>, Vec<V>, u32, bool)> + Sync + Send,
) -> PyResult<VertexValues> {
    let runtime = match parallelism {
        Some(p) => LocalRuntime::with_parallelism(p),
        None => LocalRuntime::from_env(),
    }
    .py()?;
    let parts = interruptible(py, || runtime.execute(|worker| Ok::<_, eddy_core::Error>(job(worker)?)))?;
    Ok(joined(py, parts))
}

/// This worker's keys, values and the run's statistics.
fn part<K: VertexKey, V, EV, A>(
    (result, stats): (GellyGraph<'_, K, V, EV>, IterationSummary<A>),
) -> (Vec<K>, Vec<V>, u32, bool) {
    (result.local_keys().to_vec(), result.into_local_values(), stats.supersteps, stats.converged)
}

impl Graph {
    /// Builds this worker's gelly graph (both directions when undirected).
    fn build<'w>(&self, worker: &'w eddy_core::Worker) -> eddy_gelly::Result<GellyGraph<'w, u64, (), ()>> {
        let graph = GellyGraph::from_edge_list(worker, &self.edges)?;
        if self.directed { Ok(graph) } else { graph.undirected() }
    }

    fn build_weighted<'w>(
        &self,
        worker: &'w eddy_core::Worker,
    ) -> eddy_gelly::Result<GellyGraph<'w, u64, (), f64>> {
        let graph = GellyGraph::from_weighted_edge_list(worker, &self.edges)?;
        if self.directed { Ok(graph) } else { graph.undirected() }
    }
}

#[pymethods]
impl Graph {
    /// A graph from edge arrays: `src[i] → dst[i]` — 1-D numpy arrays of any integer
    /// dtype, any strides, copied once (converted on the way) into the engine's edge
    /// list — and optional float32/float64 `weights`; `directed=False` loads every edge
    /// in both directions.
    #[staticmethod]
    #[pyo3(signature = (src, dst, weights=None, directed=true))]
    fn from_edges(
        src: &Bound<'_, PyAny>,
        dst: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
        directed: bool,
    ) -> PyResult<Self> {
        let (src, dst) = (vertex_ids("src", src)?, vertex_ids("dst", dst)?);
        if src.len() != dst.len() {
            return Err(invalid_argument(format!("src has {} ids but dst has {}", src.len(), dst.len())));
        }
        let weights = weights.map(edge_weights).transpose()?;
        if let Some(w) = &weights
            && w.len() != src.len()
        {
            return Err(invalid_argument(format!("{} weights for {} edges", w.len(), src.len())));
        }
        let edges = EdgeList { src, dst, weights };
        Ok(Graph { edges: Arc::new(edges), directed })
    }

    /// A graph read from an edge-list file (`src dst [weight]` per line, `#`/`%`
    /// comments, `.gz` gunzipped).
    #[staticmethod]
    #[pyo3(signature = (path, directed=true))]
    fn from_edge_list(py: Python<'_>, path: PathBuf, directed: bool) -> PyResult<Self> {
        let edges = py.detach(|| read_edge_list(&path)).py()?;
        Ok(Graph { edges: Arc::new(edges), directed })
    }

    /// A generated graph from a spec such as `rmat:16`, `er:1000:5000:7`, `grid:10:10`
    /// (the `eddy generate` syntax).
    #[staticmethod]
    #[pyo3(signature = (spec, directed=true))]
    fn generate(py: Python<'_>, spec: &str, directed: bool) -> PyResult<Self> {
        let spec = spec.parse::<GeneratorSpec>().py()?;
        spec.validate().py()?;
        let edges = py.detach(|| spec.generate());
        Ok(Graph { edges: Arc::new(edges), directed })
    }

    /// Copies of the edge arrays: `(src, dst, weights or None)`.
    #[allow(clippy::type_complexity)]
    fn edges<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u64>>, Option<Bound<'py, PyArray1<f64>>>) {
        (
            self.edges.src.clone().into_pyarray(py),
            self.edges.dst.clone().into_pyarray(py),
            self.edges.weights.clone().map(|w| w.into_pyarray(py)),
        )
    }

    /// The number of edges given (before `directed=False` doubles them).
    fn number_of_edges(&self) -> usize {
        self.edges.len()
    }

    /// True unless built with `directed=False`.
    #[getter]
    fn directed(&self) -> bool {
        self.directed
    }

    /// PageRank (networkx's convention: ranks sum to 1, dangling rank spread evenly).
    /// `iterations` runs exactly that many power iterations; otherwise it stops when the
    /// L1 change is below `tolerance` (or after `max_iterations`). A parameter not given
    /// (or None) is `PageRank::default()`'s.
    #[pyo3(signature = (*, damping=None, iterations=None, tolerance=None, max_iterations=None, parallelism=None))]
    fn pagerank(
        &self,
        py: Python<'_>,
        damping: Option<f64>,
        iterations: Option<u32>,
        tolerance: Option<f64>,
        max_iterations: Option<u32>,
        parallelism: Option<usize>,
    ) -> PyResult<VertexValues> {
        let mut params = PageRank::default();
        given(&mut params.damping, damping);
        given(&mut params.iterations, iterations.map(Some));
        given(&mut params.tolerance, tolerance);
        given(&mut params.max_iterations, max_iterations);
        run(py, parallelism, |worker| Ok(part(pagerank(&self.build(worker)?, &params)?)))
    }

    /// Weakly connected components: each vertex gets the smallest vertex id of its
    /// component.
    #[pyo3(signature = (*, parallelism=None))]
    fn connected_components(&self, py: Python<'_>, parallelism: Option<usize>) -> PyResult<VertexValues> {
        run(py, parallelism, |worker| Ok(part(connected_components(&self.build(worker)?)?)))
    }

    /// Shortest-path distances from `source`: weighted (Dijkstra-style) when the graph
    /// has weights, hop counts otherwise; `inf` for unreachable vertices.
    #[pyo3(signature = (source, *, parallelism=None))]
    fn sssp(&self, py: Python<'_>, source: u64, parallelism: Option<usize>) -> PyResult<VertexValues> {
        if self.edges.weights.is_some() {
            run(py, parallelism, |worker| Ok(part(sssp(&self.build_weighted(worker)?, &source)?)))
        } else {
            self.bfs(py, source, parallelism)
        }
    }

    /// Breadth-first search from `source`: hop counts (weights ignored), `inf` for
    /// unreachable vertices.
    #[pyo3(signature = (source, *, parallelism=None))]
    fn bfs(&self, py: Python<'_>, source: u64, parallelism: Option<usize>) -> PyResult<VertexValues> {
        run(py, parallelism, |worker| Ok(part(bfs(&self.build(worker)?, &source)?)))
    }
}
