//! `eddy.Graph`: an edge list held by the extension, and the partitioned gelly graphs
//! built from it. Each algorithm call runs a job on the local runtime with the GIL
//! released; the first call with a parallelism builds the partitioned graph (dense ids,
//! CSR; symmetrised when undirected) inside its job, and the workers hand their
//! topology back ([`GraphParts`]) to be kept in the `Graph`, so later calls with that
//! parallelism re-attach it instead of building it again.
//!
//! **Note**: the cache holds one CSR per parallelism used (and one more per parallelism
//! for the weighted graph of `sssp`), each about 8 bytes per edge (24 with weights; twice
//! that when undirected), where the edge list takes 16 (24); `clear_cache()` drops it.
//! A call that fails (an unknown source, Ctrl-C) caches nothing. Two threads making the
//! first call with one parallelism at once both build; the first to finish is kept.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use eddy_core::Worker;
use eddy_datasets::edgelist::{EdgeList, read_edge_list};
use eddy_datasets::generators::GeneratorSpec;
use eddy_gelly::algorithms::{
    Hits, PageRank, adamic_adar, bfs, clustering, connected_components, core_numbers, hits, jaccard,
    pagerank, sssp, strongly_connected_components, top_per_vertex, triangle_listing, triangles,
};
use eddy_gelly::graph::GraphParts;
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
    /// The graph `pagerank`, `connected_components` and `bfs` run on, per parallelism.
    unweighted: Topologies<()>,
    /// The graph a weighted `sssp` runs on, per parallelism.
    weighted: Topologies<f64>,
}

/// One built graph: element `w` is worker `w`'s part of the topology.
type Workers<EV> = Arc<[GraphParts<u64, EV>]>;

/// Built graphs of one edge type, by parallelism.
struct Topologies<EV>(Mutex<HashMap<usize, Workers<EV>>>);

/// Builds a worker's part of the gelly graph from the edge list.
type Build<EV> = for<'w> fn(&Graph, &'w Worker) -> eddy_gelly::Result<GellyGraph<'w, u64, (), EV>>;

impl<EV> Topologies<EV> {
    fn new() -> Self {
        Topologies(Mutex::new(HashMap::new()))
    }

    /// The map; a panic elsewhere while it was locked leaves it consistent (every
    /// critical section is one map operation), so poisoning is ignored.
    fn map(&self) -> MutexGuard<'_, HashMap<usize, Workers<EV>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, parallelism: usize) -> Option<Workers<EV>> {
        self.map().get(&parallelism).map(Arc::clone)
    }

    /// Keeps `parts` for `parallelism` unless another call was first.
    fn insert(&self, parallelism: usize, parts: Vec<GraphParts<u64, EV>>) {
        self.map().entry(parallelism).or_insert_with(|| parts.into());
    }

    /// The parallelisms held, ascending.
    fn parallelisms(&self) -> Vec<usize> {
        let mut held: Vec<usize> = self.map().keys().copied().collect();
        held.sort_unstable();
        held
    }

    fn clear(&self) {
        self.map().clear();
    }
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

/// One worker's keys, values and the run's statistics (supersteps, converged).
type Part<V> = (Vec<u64>, Vec<V>, u32, bool);

/// Every worker's (ids, values), concatenated in worker order: sorted by id.
fn joined<V: numpy::Element>(py: Python<'_>, parts: Vec<Part<V>>) -> VertexValues {
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

/// This worker's keys, values and the run's statistics.
fn part<K: VertexKey, V, EV, A>(
    (result, stats): (GellyGraph<'_, K, V, EV>, IterationSummary<A>),
) -> (Vec<K>, Vec<V>, u32, bool) {
    (result.local_keys().to_vec(), result.into_local_values(), stats.supersteps, stats.converged)
}

impl Graph {
    /// A graph of `edges` with nothing built yet.
    fn new(edges: EdgeList, directed: bool) -> Self {
        Graph { edges: Arc::new(edges), directed, unweighted: Topologies::new(), weighted: Topologies::new() }
    }

    /// Builds this worker's unweighted gelly graph (both directions when undirected).
    fn build<'w>(&self, worker: &'w Worker) -> eddy_gelly::Result<GellyGraph<'w, u64, (), ()>> {
        let graph = GellyGraph::from_edge_list(worker, &self.edges)?;
        if self.directed { Ok(graph) } else { graph.undirected() }
    }

    /// Builds this worker's weighted gelly graph (both directions when undirected).
    fn build_weighted<'w>(&self, worker: &'w Worker) -> eddy_gelly::Result<GellyGraph<'w, u64, (), f64>> {
        let graph = GellyGraph::from_weighted_edge_list(worker, &self.edges)?;
        if self.directed { Ok(graph) } else { graph.undirected() }
    }

    /// Runs `algorithm` on `parallelism` local workers (default: `EDDY_PARALLELISM` or
    /// one per core) with the GIL released and Ctrl-C watched, and joins the workers'
    /// parts. The graph is re-attached from `cache` when it holds this parallelism;
    /// otherwise `build` builds it and, if the job succeeds, the workers' topology is
    /// kept there.
    fn run<EV, V>(
        &self,
        py: Python<'_>,
        parallelism: Option<usize>,
        cache: &Topologies<EV>,
        build: Build<EV>,
        algorithm: impl Fn(&GellyGraph<'_, u64, (), EV>) -> eddy_gelly::Result<Part<V>> + Sync,
    ) -> PyResult<VertexValues>
    where
        EV: Send + Sync,
        V: numpy::Element + Send,
    {
        let (values, _) = self.run_with(py, parallelism, cache, build, |g| Ok((algorithm(g)?, ())))?;
        Ok(values)
    }

    /// [`Graph::run`] for an algorithm that also returns a figure per worker (a total, a
    /// worker's share of a listing): the joined values and every worker's figure.
    fn run_with<EV, V, X>(
        &self,
        py: Python<'_>,
        parallelism: Option<usize>,
        cache: &Topologies<EV>,
        build: Build<EV>,
        algorithm: impl Fn(&GellyGraph<'_, u64, (), EV>) -> eddy_gelly::Result<(Part<V>, X)> + Sync,
    ) -> PyResult<(VertexValues, Vec<X>)>
    where
        EV: Send + Sync,
        V: numpy::Element + Send,
        X: Send,
    {
        let runtime = match parallelism {
            Some(p) => LocalRuntime::with_parallelism(p),
            None => LocalRuntime::from_env(),
        }
        .py()?;
        let p = runtime.parallelism();
        let cached = cache.get(p);
        let outputs = interruptible(py, || {
            runtime.execute(|worker| {
                let graph = match &cached {
                    Some(parts) => {
                        let mine = &parts[worker.index()];
                        GellyGraph::from_parts(worker, mine, vec![(); mine.local_vertex_count()])?
                    }
                    None => build(self, worker)?,
                };
                let result = algorithm(&graph)?;
                Ok::<_, eddy_core::Error>((result, cached.is_none().then(|| graph.into_parts())))
            })
        })?;
        let (results, built): (Vec<_>, Vec<_>) = outputs.into_iter().unzip();
        if let Some(built) = built.into_iter().collect::<Option<Vec<_>>>() {
            cache.insert(p, built);
        }
        let (parts, figures): (Vec<_>, Vec<_>) = results.into_iter().unzip();
        Ok((joined(py, parts), figures))
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
        Ok(Graph::new(EdgeList { src, dst, weights }, directed))
    }

    /// A graph read from an edge-list file (`src dst [weight]` per line, `#`/`%`
    /// comments, `.gz` gunzipped).
    #[staticmethod]
    #[pyo3(signature = (path, directed=true))]
    fn from_edge_list(py: Python<'_>, path: PathBuf, directed: bool) -> PyResult<Self> {
        let edges = py.detach(|| read_edge_list(&path)).py()?;
        Ok(Graph::new(edges, directed))
    }

    /// A generated graph from a spec such as `rmat:16`, `er:1000:5000:7`, `grid:10:10`
    /// (the `eddy generate` syntax).
    #[staticmethod]
    #[pyo3(signature = (spec, directed=true))]
    fn generate(py: Python<'_>, spec: &str, directed: bool) -> PyResult<Self> {
        let spec = spec.parse::<GeneratorSpec>().py()?;
        spec.validate().py()?;
        let edges = py.detach(|| spec.generate());
        Ok(Graph::new(edges, directed))
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

    /// The parallelisms whose built graph this `Graph` holds, ascending: `unweighted`
    /// (`pagerank`, `connected_components`, `bfs`, `sssp` without weights) and
    /// `weighted` (`sssp` with weights).
    fn cached_parallelisms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let held = PyDict::new(py);
        held.set_item("unweighted", self.unweighted.parallelisms())?;
        held.set_item("weighted", self.weighted.parallelisms())?;
        Ok(held)
    }

    /// Drops the built graphs (one CSR per parallelism used); the next call builds again.
    fn clear_cache(&self) {
        self.unweighted.clear();
        self.weighted.clear();
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
        self.run(py, parallelism, &self.unweighted, Self::build, |graph| Ok(part(pagerank(graph, &params)?)))
    }

    /// Weakly connected components: each vertex gets the smallest vertex id of its
    /// component.
    #[pyo3(signature = (*, parallelism=None))]
    fn connected_components(&self, py: Python<'_>, parallelism: Option<usize>) -> PyResult<VertexValues> {
        self.run(py, parallelism, &self.unweighted, Self::build, |graph| {
            Ok(part(connected_components(graph)?))
        })
    }

    /// Shortest-path distances from `source`: weighted (Dijkstra-style) when the graph
    /// has weights, hop counts otherwise; `inf` for unreachable vertices.
    #[pyo3(signature = (source, *, parallelism=None))]
    fn sssp(&self, py: Python<'_>, source: u64, parallelism: Option<usize>) -> PyResult<VertexValues> {
        if self.edges.weights.is_some() {
            self.run(py, parallelism, &self.weighted, Self::build_weighted, |graph| {
                Ok(part(sssp(graph, &source)?))
            })
        } else {
            self.bfs(py, source, parallelism)
        }
    }

    /// Breadth-first search from `source`: hop counts (weights ignored), `inf` for
    /// unreachable vertices.
    #[pyo3(signature = (source, *, parallelism=None))]
    fn bfs(&self, py: Python<'_>, source: u64, parallelism: Option<usize>) -> PyResult<VertexValues> {
        self.run(py, parallelism, &self.unweighted, Self::build, |graph| Ok(part(bfs(graph, &source)?)))
    }

    /// Triangles per vertex of the undirected simple view (directions, repeated edges and
    /// self-loops ignored; networkx's `triangles`), and the graph's number of triangles.
    #[pyo3(signature = (*, parallelism=None))]
    fn triangles(&self, py: Python<'_>, parallelism: Option<usize>) -> PyResult<(VertexValues, u64)> {
        let (values, totals) = self.run_with(py, parallelism, &self.unweighted, Self::build, |graph| {
            let (counts, total) = triangles(graph)?;
            Ok(((counts.local_keys().to_vec(), counts.into_local_values(), 0, true), total))
        })?;
        Ok((values, totals.first().copied().unwrap_or(0)))
    }

    /// The triangles of the undirected simple view as a flat `uint64` array `a0 b0 c0 a1
    /// ...`, each `a < b < c`, sorted.
    #[pyo3(signature = (*, parallelism=None))]
    fn triangle_list<'py>(
        &self,
        py: Python<'py>,
        parallelism: Option<usize>,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let (_, shares) = self.run_with(py, parallelism, &self.unweighted, Self::build, |graph| {
            Ok(((Vec::new(), Vec::<u64>::new(), 0, true), triangle_listing(graph)?))
        })?;
        let mut all: Vec<[u64; 3]> = shares.concat();
        all.sort_unstable();
        Ok(all.concat().into_pyarray(py))
    }

    /// Local clustering coefficients of the undirected simple view (networkx's
    /// `clustering`), with `{"average_clustering", "global_clustering", "triangles",
    /// "triplets"}` (networkx's `average_clustering` and `transitivity`).
    #[pyo3(signature = (*, parallelism=None))]
    fn clustering<'py>(
        &self,
        py: Python<'py>,
        parallelism: Option<usize>,
    ) -> PyResult<(VertexValues, Bound<'py, PyDict>)> {
        let (values, summaries) = self.run_with(py, parallelism, &self.unweighted, Self::build, |graph| {
            let (coefficients, summary) = clustering(graph)?;
            Ok(((coefficients.local_keys().to_vec(), coefficients.into_local_values(), 0, true), summary))
        })?;
        let figures = PyDict::new(py);
        if let Some(s) = summaries.first() {
            figures.set_item("average_clustering", s.average)?;
            figures.set_item("global_clustering", s.global)?;
            figures.set_item("triangles", s.triangles)?;
            figures.set_item("triplets", s.triplets)?;
        }
        Ok((values, figures))
    }

    /// HITS hubs and authorities (networkx's `hits`, normalised to sum 1): `iterations`
    /// runs exactly that many; otherwise until the L1 change of the hubs is below
    /// `tolerance` (or after `max_iterations`). A parameter not given is `Hits::default()`'s
    /// (networkx's `tol=1e-8`, `max_iter=100`).
    #[pyo3(signature = (*, iterations=None, tolerance=None, max_iterations=None, parallelism=None))]
    fn hits(
        &self,
        py: Python<'_>,
        iterations: Option<u32>,
        tolerance: Option<f64>,
        max_iterations: Option<u32>,
        parallelism: Option<usize>,
    ) -> PyResult<(VertexValues, VertexValues)> {
        let mut params = Hits::default();
        given(&mut params.iterations, iterations.map(Some));
        given(&mut params.tolerance, tolerance);
        given(&mut params.max_iterations, max_iterations);
        let (hubs, authorities) = self.run_with(py, parallelism, &self.unweighted, Self::build, |graph| {
            let (scores, stats) = hits(graph, &params)?;
            let keys = scores.local_keys().to_vec();
            let (hubs, authorities): (Vec<f64>, Vec<f64>) = scores.into_local_values().into_iter().unzip();
            let (s, c) = (stats.supersteps, stats.converged);
            Ok(((keys.clone(), hubs, s, c), (keys, authorities, s, c)))
        })?;
        Ok((hubs, joined(py, authorities)))
    }

    /// Jaccard (`adamic=False`) or Adamic-Adar scores of every pair `u < v` with a common
    /// neighbour in the undirected simple view, at least `min_score`, optionally only each
    /// vertex's `top` best: `(u, v, score)` arrays sorted by `(u, v)`.
    #[pyo3(signature = (adamic, min_score, top, *, parallelism=None))]
    #[allow(clippy::type_complexity)]
    fn similarity<'py>(
        &self,
        py: Python<'py>,
        adamic: bool,
        min_score: f64,
        top: Option<usize>,
        parallelism: Option<usize>,
    ) -> PyResult<(Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<f64>>)> {
        let (_, shares) = self.run_with(py, parallelism, &self.unweighted, Self::build, |graph| {
            let pairs = if adamic { adamic_adar(graph, min_score)? } else { jaccard(graph, min_score)? };
            Ok(((Vec::new(), Vec::<u64>::new(), 0, true), pairs))
        })?;
        let mut pairs = shares.concat();
        if let Some(k) = top {
            pairs = top_per_vertex(pairs, k);
        }
        let (mut us, mut vs, mut scores) = (Vec::new(), Vec::new(), Vec::new());
        for (u, v, score) in pairs {
            us.push(u);
            vs.push(v);
            scores.push(score);
        }
        Ok((us.into_pyarray(py), vs.into_pyarray(py), scores.into_pyarray(py)))
    }

    /// Core numbers of the undirected simple view (networkx's `core_number`).
    #[pyo3(signature = (*, parallelism=None))]
    fn core_number(&self, py: Python<'_>, parallelism: Option<usize>) -> PyResult<VertexValues> {
        self.run(py, parallelism, &self.unweighted, Self::build, |graph| Ok(part(core_numbers(graph)?)))
    }

    /// Strongly connected components: every vertex gets the smallest vertex id of its
    /// component.
    #[pyo3(signature = (*, parallelism=None))]
    fn strongly_connected_components(
        &self,
        py: Python<'_>,
        parallelism: Option<usize>,
    ) -> PyResult<VertexValues> {
        self.run(py, parallelism, &self.unweighted, Self::build, |graph| {
            Ok(part(strongly_connected_components(graph)?))
        })
    }
}
