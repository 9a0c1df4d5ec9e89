//! The graph jobs `pagerank`, `cc`, `sssp` and the library's (`triangles`, `clustering`,
//! …): parameters, per-process preparation and each worker's part of the result.
//!
//! Preparation opens the edge-list file (or generates the edges, or takes the built-in
//! graph, or reads a pipe once) — [`Input::load`]; in the body every worker reads its
//! share of the file or of the edges in memory and builds its part of the [`Graph`]
//! (timed as *build*), optionally symmetrised, runs the algorithm (timed as *compute*)
//! and returns its vertices' keys and values. Partitions are contiguous key ranges, so
//! concatenating the parts in worker order lists every vertex sorted by id.
//!
//! **Note**: the counts, stats and timings of a part are its worker's view; the graph
//! commands report worker 0's, which the collective exchanges of the build keep in step
//! with the others.

use std::time::{Duration, Instant};

use eddy_core::{Data, Worker};
use eddy_gelly::algorithms::{
    ClusteringSummary, Hits, HubAuthority, Model, PageRank, adamic_adar, bfs_in, clustering, components_in,
    core_numbers, hits, jaccard, pagerank_in, sssp_in, strongly_connected_components, triangle_listing,
    triangles,
};
use eddy_gelly::{Graph, IterationSummary};
use serde::{Deserialize, Serialize};

use super::prepare_error;
use crate::input::{Input, Source};

/// Where a graph comes from and how it is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GraphInput {
    /// The edges' source.
    pub(crate) source: Source,
    /// Add the reverse of every edge (`--undirected`; the karate club always is).
    pub(crate) undirected: bool,
}

/// The parameters of job `pagerank`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PageRankJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// Damping, iterations or tolerance.
    pub(crate) params: PageRank,
    /// The implementation.
    pub(crate) model: Model,
}

/// The parameters of job `cc` (weakly connected components).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ComponentsJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// The implementation.
    pub(crate) model: Model,
}

/// The parameters of job `sssp`: weighted shortest paths when the input has weights and
/// `unweighted` is false, hop counts (BFS) otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ShortestPathsJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// The source vertex id.
    pub(crate) source: u64,
    /// Count hops even on a weighted input.
    pub(crate) unweighted: bool,
    /// The implementation.
    pub(crate) model: Model,
}

/// The parameters of job `triangles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TrianglesJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// List the triangles instead of counting them per vertex.
    pub(crate) list: bool,
}

/// The parameters of job `hits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct HitsJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// Iterations or tolerance.
    pub(crate) params: Hits,
}

/// The parameters of jobs `jaccard` and `adamic-adar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SimilarityJob {
    /// The graph.
    pub(crate) input: GraphInput,
    /// Adamic-Adar rather than Jaccard.
    pub(crate) adamic_adar: bool,
    /// The smallest score kept.
    pub(crate) min_score: f64,
}

/// A similarity job's result: this worker's pairs `(u, v, score)`, `u` one of its
/// vertices, sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SimilarityFigures {
    /// The pairs.
    pub(crate) pairs: Vec<(u64, u64, f64)>,
}

/// The parameters of a library job without options of its own (`clustering`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LibraryJob {
    /// The graph.
    pub(crate) input: GraphInput,
}

/// Job `triangles`' graph-wide figures: the total, and this worker's share of the
/// triangles when listing (each `a < b < c`, sorted; every triangle on one worker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TriangleFigures {
    /// Triangles in the graph.
    pub(crate) total: u64,
    /// This worker's triangles (empty unless listing).
    pub(crate) listed: Vec<[u64; 3]>,
}

/// Job `clustering`'s graph-wide figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClusteringFigures {
    /// Average and global coefficients, triangles, triplets.
    pub(crate) summary: ClusteringSummary,
}

/// One worker's share of a graph job's result, and its view of the run: `V` is the
/// vertex value (rank, label, distance), `A` the iteration's aggregate (PageRank's last
/// L1 change, or nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GraphPart<V, A> {
    /// This worker's vertex ids, ascending.
    pub(crate) keys: Vec<u64>,
    /// Their values.
    pub(crate) values: Vec<V>,
    /// Vertices of the whole graph.
    pub(crate) vertices: u64,
    /// Edges of the whole graph (twice those read when symmetrised).
    pub(crate) edges: u64,
    /// Edges read from the input.
    pub(crate) edges_read: u64,
    /// Supersteps run.
    pub(crate) supersteps: u32,
    /// Whether the iteration converged before its limit.
    pub(crate) converged: bool,
    /// The last superstep's aggregate (`None` if no superstep ran), or a library
    /// algorithm's graph-wide figures.
    pub(crate) aggregate: Option<A>,
    /// Whether the algorithm used edge weights (sssp on a weighted input).
    pub(crate) weighted: bool,
    /// What was loaded, for people.
    pub(crate) input: String,
    /// Opening, reading or generating in the preparation.
    pub(crate) read: Duration,
    /// Reading this worker's share and building the graph.
    pub(crate) build: Duration,
    /// Running the algorithm.
    pub(crate) compute: Duration,
}

/// Prepares job `pagerank` in this process: loads the input.
///
/// # Errors
/// A missing or unreadable file, or one whose first edge line is malformed. The body
/// fails on a malformed line, invalid parameters or a runtime failure.
pub(crate) fn prepare_pagerank(
    job: PageRankJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<f64, f64>> + Send + Sync + 'static> {
    let (params, model) = (job.params, job.model);
    prepare_unweighted(job.input, move |g| pagerank_in(model, g, &params))
}

/// Prepares job `cc` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_cc(
    job: ComponentsJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<u64, ()>> + Send + Sync + 'static> {
    let model = job.model;
    prepare_unweighted(job.input, move |g| components_in(model, g))
}

/// Prepares job `sssp` in this process: loads the input and decides whether the
/// distances are weighted.
///
/// # Errors
/// As [`prepare_pagerank`]; the body also fails on an unknown source vertex or a weight
/// shortest paths cannot use.
pub(crate) fn prepare_sssp(
    job: ShortestPathsJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<f64, ()>> + Send + Sync + 'static> {
    let input = Input::load(&job.input.source, job.input.undirected).map_err(prepare_error)?;
    let weighted = input.weighted() && !job.unweighted;
    let (source, model) = (job.source, job.model);
    Ok(move |worker: &Worker| {
        let started = Instant::now();
        if weighted {
            let graph = input.weighted_graph(worker)?;
            Ok(solve(&input, graph, true, started, |g| sssp_in(model, g, &source))?)
        } else {
            let graph = input.graph(worker)?;
            Ok(solve(&input, graph, false, started, |g| bfs_in(model, g, &source))?)
        }
    })
}

/// Prepares job `triangles` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_triangles(
    job: TrianglesJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<GraphPart<u64, TriangleFigures>> + Send + Sync + 'static,
> {
    let list = job.list;
    prepare_unweighted(job.input, move |g| {
        if list {
            let listed = triangle_listing(g)?;
            let total = g.worker().all_reduce(listed.len() as u64, |a, b| a + b)?;
            Ok((g.map_vertices(|_, _| 0u64), figures_only(TriangleFigures { total, listed })))
        } else {
            let (counts, total) = triangles(g)?;
            Ok((counts, figures_only(TriangleFigures { total, listed: Vec::new() })))
        }
    })
}

/// Prepares job `clustering` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_clustering(
    job: LibraryJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<GraphPart<f64, ClusteringFigures>> + Send + Sync + 'static,
> {
    prepare_unweighted(job.input, |g| {
        let (coefficients, summary) = clustering(g)?;
        Ok((coefficients, figures_only(ClusteringFigures { summary })))
    })
}

/// Prepares job `hits` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_hits(
    job: HitsJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<GraphPart<HubAuthority, ()>> + Send + Sync + 'static,
> {
    let params = job.params;
    prepare_unweighted(job.input, move |g| hits(g, &params))
}

/// Prepares job `jaccard` or `adamic-adar` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_similarity(
    job: SimilarityJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<GraphPart<u64, SimilarityFigures>> + Send + Sync + 'static,
> {
    let (adamic, min_score) = (job.adamic_adar, job.min_score);
    prepare_unweighted(job.input, move |g| {
        let pairs = if adamic { adamic_adar(g, min_score)? } else { jaccard(g, min_score)? };
        Ok((g.map_vertices(|_, _| 0u64), figures_only(SimilarityFigures { pairs })))
    })
}

/// Prepares job `kcore` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_kcore(
    job: LibraryJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<u64, ()>> + Send + Sync + 'static> {
    prepare_unweighted(job.input, core_numbers)
}

/// Prepares job `scc` in this process: loads the input.
///
/// # Errors
/// As [`prepare_pagerank`].
pub(crate) fn prepare_scc(
    job: LibraryJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<u64, ()>> + Send + Sync + 'static> {
    prepare_unweighted(job.input, strongly_connected_components)
}

/// Prepares a job on the unweighted graph: loads `input` in this process; each worker
/// reads its share, builds its part and runs `algorithm` ([`solve`]).
///
/// # Errors
/// As [`prepare_pagerank`].
fn prepare_unweighted<V, A, F>(
    input: GraphInput,
    algorithm: F,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<GraphPart<V, A>> + Send + Sync + 'static>
where
    V: Clone,
    F: for<'w> Fn(
            &Graph<'w, u64, (), ()>,
        ) -> eddy_gelly::Result<(Graph<'w, u64, V, ()>, IterationSummary<A>)>
        + Send
        + Sync
        + 'static,
{
    let input = Input::load(&input.source, input.undirected).map_err(prepare_error)?;
    Ok(move |worker: &Worker| {
        let started = Instant::now();
        let graph = input.graph(worker)?;
        Ok(solve(&input, graph, false, started, &algorithm)?)
    })
}

/// The summary of an algorithm without supersteps that reports graph-wide `figures`.
fn figures_only<A>(figures: A) -> IterationSummary<A> {
    IterationSummary { supersteps: 0, converged: true, aggregate: Some(figures) }
}

/// The body after the graph is built: optionally symmetrise it, then time the algorithm
/// and hand back this worker's keys and values.
fn solve<'w, EV, V, A>(
    input: &Input,
    graph: Graph<'w, u64, (), EV>,
    weighted: bool,
    started: Instant,
    algorithm: impl FnOnce(
        &Graph<'w, u64, (), EV>,
    ) -> eddy_gelly::Result<(Graph<'w, u64, V, EV>, IterationSummary<A>)>,
) -> eddy_gelly::Result<GraphPart<V, A>>
where
    EV: Data + Clone,
    V: Clone,
{
    let edges_read = graph.number_of_edges()?;
    let (graph, edges) =
        if input.undirected { (graph.undirected()?, 2 * edges_read) } else { (graph, edges_read) };
    let build = started.elapsed();
    let computing = Instant::now();
    let (result, stats) = algorithm(&graph)?;
    let compute = computing.elapsed();
    Ok(GraphPart {
        keys: result.local_keys().to_vec(),
        vertices: result.number_of_vertices(),
        values: result.into_local_values(),
        edges,
        edges_read,
        supersteps: stats.supersteps,
        converged: stats.converged,
        aggregate: stats.aggregate,
        weighted,
        input: input.description(edges_read),
        read: input.read_time,
        build,
        compute,
    })
}
