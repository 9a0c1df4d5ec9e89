//! `eddy pagerank`, `cc`, `sssp` and the library's commands (`triangles`, `clustering`,
//! …): run one gelly algorithm as a named job
//! ([`crate::jobs::graph`]) on a [`eddy_runtime::LocalRuntime`] or a cluster, then write
//! the per-vertex result and report.
//!
//! How a run goes: check the parameters and the output destination; run the job, whose
//! preparation opens the input file (or generates the edges once, every worker then
//! taking its share of the same `EdgeList`) and whose workers each read their share of
//! the file, build their part of the graph (timed as *load*, together with opening or
//! generating) and run the algorithm (timed as *compute*) — worker 0's clock, which the
//! collective exchanges of the build keep in step with the others; each worker returns
//! its vertices' keys and values, and since partitions are contiguous key ranges,
//! concatenating them in worker order lists every vertex sorted by id.
//!
//! **Note**: `LocalRuntime::execute` takes jobs that fail with `eddy_core::Error`; a
//! gelly error raised inside the job (an unknown source, a bad weight) travels through it
//! as `eddy_core::Error::Job` — the other workers are told and stop — and comes out with
//! its own message, which is what the user sees.

use std::time::Duration;

use anyhow::Result;
use eddy_core::Worker;
use eddy_gelly::algorithms::{Hits, HubAuthority, Model, PageRank, top_per_vertex};
use serde_json::Value;

use crate::args::{InputArgs, RunArgs};
use crate::input::Source;
use crate::jobs::graph::{
    ClusteringFigures, ComponentsJob, GraphInput, GraphPart, HitsJob, LibraryJob, PageRankJob,
    ShortestPathsJob, SimilarityFigures, SimilarityJob, TriangleFigures, TrianglesJob, prepare_cc,
    prepare_clustering, prepare_hits, prepare_kcore, prepare_pagerank, prepare_scc, prepare_similarity,
    prepare_sssp, prepare_triangles,
};
use crate::jobs::{self, Target};
use crate::output::{self, Report, Top};
use crate::progress::Progress;

/// How many vertices or components the text and JSON reports list.
const TOP: usize = 10;

/// The algorithm to run, with its parameters.
#[derive(Debug, Clone)]
pub(crate) enum Algorithm {
    /// PageRank.
    PageRank(PageRank),
    /// Weakly connected components.
    Components,
    /// Shortest paths from `source`: weighted when the input has weights and
    /// `unweighted` is false, hop counts otherwise.
    ShortestPaths {
        /// The source vertex id.
        source: u64,
        /// Count hops even on a weighted input.
        unweighted: bool,
    },
    /// Triangles per vertex, or (`list`) the triangles themselves.
    Triangles {
        /// Write the triangles instead of the counts.
        list: bool,
    },
    /// Local, average and global clustering coefficients.
    Clustering,
    /// Core numbers.
    CoreNumbers,
    /// Strongly connected components.
    StrongComponents,
    /// HITS hubs and authorities.
    Hits(Hits),
    /// Jaccard or Adamic-Adar scores of the pairs with a common neighbour.
    Similarity {
        /// Adamic-Adar rather than Jaccard.
        adamic_adar: bool,
        /// The smallest score kept.
        min_score: f64,
        /// Each vertex's best pairs only.
        top: Option<usize>,
    },
}

impl Algorithm {
    fn name(&self) -> &'static str {
        match self {
            Algorithm::PageRank(_) => "pagerank",
            Algorithm::Components => "cc",
            Algorithm::ShortestPaths { .. } => "sssp",
            Algorithm::Triangles { .. } => "triangles",
            Algorithm::Clustering => "clustering",
            Algorithm::CoreNumbers => "kcore",
            Algorithm::StrongComponents => "scc",
            Algorithm::Hits(_) => "hits",
            Algorithm::Similarity { adamic_adar: false, .. } => "jaccard",
            Algorithm::Similarity { adamic_adar: true, .. } => "adamic-adar",
        }
    }
}

/// All workers' results joined: every vertex sorted by id, worker 0's view, and the
/// other workers' aggregates (a listing algorithm's shares).
struct Joined<V, A> {
    keys: Vec<u64>,
    values: Vec<V>,
    first: GraphPart<V, A>,
    others: Vec<Option<A>>,
}

fn join<V, A>(parts: Vec<GraphPart<V, A>>) -> Result<Joined<V, A>> {
    let mut parts = parts.into_iter();
    let Some(mut first) = parts.next() else { anyhow::bail!("internal error: the job ran on no worker") };
    let mut keys = std::mem::take(&mut first.keys);
    let mut values = std::mem::take(&mut first.values);
    let mut others = Vec::new();
    for mut part in parts {
        keys.append(&mut part.keys);
        values.append(&mut part.values);
        others.push(part.aggregate);
    }
    debug_assert!(keys.is_sorted_by(|a, b| a < b), "partitions are contiguous key ranges in worker order");
    Ok(Joined { keys, values, first, others })
}

/// Runs graph job `name` on `target` and joins the workers' parts (see the module
/// note). An error reading the input file says so, as when the file is opened.
fn execute<P, W, V, A>(
    target: &Target,
    name: &str,
    params: P,
    prepare: impl FnOnce(P) -> eddy_core::Result<W>,
    progress: &Progress,
    stage: &'static str,
) -> Result<Joined<V, A>>
where
    P: serde::Serialize,
    W: Fn(&Worker) -> eddy_core::Result<GraphPart<V, A>> + Sync,
    GraphPart<V, A>: serde::de::DeserializeOwned + Send,
{
    let parts = jobs::run(target, name, params, prepare, || progress.stage(stage)).map_err(|e| {
        let reading = matches!(&e, eddy_core::Error::Job(inner)
            if matches!(inner.downcast_ref::<eddy_gelly::Error>(), Some(eddy_gelly::Error::Input(_))));
        let e = anyhow::Error::from(e);
        if reading { e.context("cannot read the input") } else { e }
    })?;
    join(parts)
}

/// Runs `algorithm` in `model` as the arguments say and prints its report; an input file without
/// edges (empty, or only comments) gets a warning on stderr.
///
/// # Errors
/// Invalid parameters, an unreadable or malformed input, an unknown source vertex, a
/// weight shortest paths cannot use, a runtime failure, or an output that cannot be
/// written (then no output file exists).
pub(crate) fn run(algorithm: Algorithm, model: Model, input: &InputArgs, run: &RunArgs) -> Result<()> {
    if let Algorithm::PageRank(params) = &algorithm {
        params.validate()?;
    }
    if let Algorithm::Hits(params) = &algorithm {
        params.validate()?;
    }
    let source = Source::from_args(input)?;
    if let Some(path) = &run.output {
        output::check_destination(path)?;
    }
    let known_supersteps = match &algorithm {
        Algorithm::PageRank(PageRank { iterations: Some(k), .. }) => Some(u64::from(*k)),
        Algorithm::Hits(Hits { iterations: Some(k), .. }) => Some(u64::from(*k)),
        _ => None,
    };
    let progress = Progress::new(algorithm.name(), run.quiet, known_supersteps);
    progress.stage("loading");
    let listener = progress.listener(matches!(algorithm, Algorithm::PageRank(_)));
    let target = run.cluster.target(run.parallelism, listener)?;
    let stage =
        if source.is_read_per_worker() { "reading and building the graph" } else { "building the graph" };
    let file = match &source {
        Source::File(path) => Some(path.clone()),
        _ => None,
    };
    let graph = GraphInput { source, undirected: input.undirected };
    let name = algorithm.name();
    let mut report = match algorithm {
        Algorithm::PageRank(params) => {
            let job = PageRankJob { input: graph, params, model };
            let joined = execute(&target, name, job, prepare_pagerank, &progress, stage)?;
            write_output(run, "value", &joined)?;
            pagerank_report(&joined, &params)
        }
        Algorithm::Components => {
            let job = ComponentsJob { input: graph, model };
            let joined = execute(&target, name, job, prepare_cc, &progress, stage)?;
            write_output(run, "value", &joined)?;
            components_report(&joined)
        }
        Algorithm::ShortestPaths { source, unweighted } => {
            let job = ShortestPathsJob { input: graph, source, unweighted, model };
            let joined = execute(&target, name, job, prepare_sssp, &progress, stage)?;
            write_output(run, "value", &joined)?;
            paths_report(&joined, source)
        }
        Algorithm::Triangles { list } => {
            let job = TrianglesJob { input: graph, list };
            let mut joined = execute(&target, name, job, prepare_triangles, &progress, stage)?;
            match (&run.output, list) {
                (Some(path), true) => write_triangles(path, &mut joined)?,
                _ => write_output(run, "count", &joined)?,
            }
            let mut report = triangles_report(&joined);
            if list {
                report.written = Some((joined.first.aggregate.as_ref().map_or(0, |f| f.total), "triangles"));
            }
            report
        }
        Algorithm::Clustering => {
            let job = LibraryJob { input: graph };
            let joined = execute(&target, name, job, prepare_clustering, &progress, stage)?;
            write_output(run, "value", &joined)?;
            clustering_report(&joined)
        }
        Algorithm::CoreNumbers => {
            let job = LibraryJob { input: graph };
            let joined = execute(&target, name, job, prepare_kcore, &progress, stage)?;
            write_output(run, "k", &joined)?;
            kcore_report(&joined)
        }
        Algorithm::StrongComponents => {
            let job = LibraryJob { input: graph };
            let joined = execute(&target, name, job, prepare_scc, &progress, stage)?;
            write_output(run, "label", &joined)?;
            components_report(&joined)
        }
        Algorithm::Hits(params) => {
            let job = HitsJob { input: graph, params };
            let joined = execute(&target, name, job, prepare_hits, &progress, stage)?;
            if let Some(path) = &run.output {
                output::write_table(path, &["vertex", "hub", "authority"], |out, s| {
                    for (key, (hub, authority)) in joined.keys.iter().zip(&joined.values) {
                        writeln!(out, "{key}{s}{hub}{s}{authority}")?;
                    }
                    Ok(())
                })?;
            }
            hits_report(&joined, &params)
        }
        Algorithm::Similarity { adamic_adar, min_score, top } => {
            let job = SimilarityJob { input: graph, adamic_adar, min_score };
            let mut joined = execute(&target, name, job, prepare_similarity, &progress, stage)?;
            let shares = std::iter::once(&mut joined.first.aggregate).chain(&mut joined.others);
            let mut pairs: Vec<(u64, u64, f64)> =
                shares.flatten().flat_map(|f| std::mem::take(&mut f.pairs)).collect();
            if let Some(k) = top {
                pairs = top_per_vertex(pairs, k);
            }
            if let Some(path) = &run.output {
                output::write_table(path, &["u", "v", "score"], |out, s| {
                    for (u, v, score) in &pairs {
                        writeln!(out, "{u}{s}{v}{s}{score}")?;
                    }
                    Ok(())
                })?;
            }
            let mut report = similarity_report(&joined, &pairs, min_score, top);
            report.written = Some((pairs.len() as u64, "pairs"));
            report
        }
    };
    drop(progress);
    if matches!(name, "pagerank" | "cc" | "sssp") {
        report.details.insert(0, ("model", model.name().into()));
    }
    if let Some(path) = file.filter(|_| report.edges == 0) {
        // An empty graph is valid input, but an empty file is most likely a mistake.
        eprintln!("warning: {} has no edges", path.display());
    }
    let report = finish(report, &algorithm, run, target.parallelism());
    print(run, &report)
}

/// Writes every vertex's value to `--output`, if given, under the header `vertex,COLUMN`
/// in a `.csv`.
fn write_output<V: std::fmt::Display, A>(run: &RunArgs, column: &str, joined: &Joined<V, A>) -> Result<()> {
    match &run.output {
        Some(path) => output::write_vertex_values(path, column, &joined.keys, &joined.values),
        None => Ok(()),
    }
}

/// Writes every worker's listed triangles to `path`, sorted.
fn write_triangles(path: &std::path::Path, joined: &mut Joined<u64, TriangleFigures>) -> Result<()> {
    let shares = std::iter::once(&mut joined.first.aggregate).chain(&mut joined.others);
    let mut all: Vec<[u64; 3]> = shares.flatten().flat_map(|f| std::mem::take(&mut f.listed)).collect();
    all.sort_unstable();
    output::write_table(path, &["a", "b", "c"], |out, s| {
        for [a, b, c] in &all {
            writeln!(out, "{a}{s}{b}{s}{c}")?;
        }
        Ok(())
    })
}

/// The algorithm-specific part of a report.
struct Partial {
    input: String,
    vertices: u64,
    edges: u64,
    supersteps: u32,
    converged: bool,
    load: Duration,
    compute: Duration,
    details: Vec<(&'static str, Value)>,
    top: Top,
    /// The rows of `--output`, if not one per vertex.
    written: Option<(u64, &'static str)>,
}

impl Partial {
    fn new<V, A>(joined: &Joined<V, A>, details: Vec<(&'static str, Value)>, top: Top) -> Self {
        let first = &joined.first;
        Partial {
            input: first.input.clone(),
            vertices: first.vertices,
            edges: first.edges,
            supersteps: first.supersteps,
            converged: first.converged,
            load: first.read + first.build,
            compute: first.compute,
            details,
            top,
            written: None,
        }
    }
}

fn finish(partial: Partial, algorithm: &Algorithm, run: &RunArgs, parallelism: usize) -> Report {
    Report {
        algorithm: algorithm.name(),
        input: partial.input,
        vertices: partial.vertices,
        edges: partial.edges,
        supersteps: partial.supersteps,
        converged: partial.converged,
        load: partial.load,
        compute: partial.compute,
        parallelism,
        output: run.output.clone(),
        written: partial.written.unwrap_or((partial.vertices, "vertices")),
        details: partial.details,
        top: partial.top,
    }
}

fn pagerank_report(joined: &Joined<f64, f64>, params: &PageRank) -> Partial {
    let top = output::top_k(&joined.keys, &joined.values, TOP, |_| true, f64::total_cmp);
    let mut details: Vec<(&'static str, Value)> = vec![("damping", params.damping.into())];
    match params.iterations {
        Some(k) => details.push(("iterations", k.into())),
        None => {
            details.push(("tolerance", params.tolerance.into()));
            details.push(("max_iterations", params.max_iterations.into()));
        }
    }
    details.push(("last_delta", joined.first.aggregate.into()));
    let rows = top.iter().map(|&i| (joined.keys[i], joined.values[i].into())).collect();
    Partial::new(joined, details, Top { title: "highest ranks", columns: ["vertex", "rank"], rows })
}

fn components_report(joined: &Joined<u64, ()>) -> Partial {
    // Sizes by label; the label is the component's smallest vertex, so it is a key too.
    let mut sizes: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    for &label in &joined.values {
        *sizes.entry(label).or_default() += 1;
    }
    let (labels, counts): (Vec<u64>, Vec<u64>) = sizes.iter().map(|(l, c)| (*l, *c)).unzip();
    let top = output::top_k(&labels, &counts, TOP, |_| true, u64::cmp);
    let largest = top.first().map_or(0, |&i| counts[i]);
    let details = vec![("components", sizes.len().into()), ("largest_component", largest.into())];
    let rows = top.iter().map(|&i| (labels[i], counts[i].into())).collect();
    Partial::new(
        joined,
        details,
        Top {
            title: "largest components, named by their smallest vertex",
            columns: ["component", "size"],
            rows,
        },
    )
}

fn triangles_report(joined: &Joined<u64, TriangleFigures>) -> Partial {
    let total = joined.first.aggregate.as_ref().map_or(0, |f| f.total);
    let top = output::top_k(&joined.keys, &joined.values, TOP, |&c| c > 0, u64::cmp);
    let rows = top.iter().map(|&i| (joined.keys[i], joined.values[i].into())).collect();
    let title = "vertices in the most triangles";
    Partial::new(
        joined,
        vec![("triangles", total.into())],
        Top { title, columns: ["vertex", "triangles"], rows },
    )
}

fn clustering_report(joined: &Joined<f64, ClusteringFigures>) -> Partial {
    let summary = joined.first.aggregate.as_ref().map(|f| f.summary);
    let details = vec![
        ("average_clustering", summary.map(|s| s.average).into()),
        ("global_clustering", summary.map(|s| s.global).into()),
        ("triangles", summary.map(|s| s.triangles).into()),
        ("triplets", summary.map(|s| s.triplets).into()),
    ];
    let top = output::top_k(&joined.keys, &joined.values, TOP, |&c| c > 0.0, f64::total_cmp);
    let rows = top.iter().map(|&i| (joined.keys[i], joined.values[i].into())).collect();
    let title = "highest local clustering coefficients";
    Partial::new(joined, details, Top { title, columns: ["vertex", "coefficient"], rows })
}

fn hits_report(joined: &Joined<HubAuthority, ()>, params: &Hits) -> Partial {
    let hubs: Vec<f64> = joined.values.iter().map(|v| v.0).collect();
    let authorities: Vec<f64> = joined.values.iter().map(|v| v.1).collect();
    let top = output::top_k(&joined.keys, &hubs, TOP, |_| true, f64::total_cmp);
    let best = output::top_k(&joined.keys, &authorities, 1, |_| true, f64::total_cmp);
    let mut details: Vec<(&'static str, Value)> = match params.iterations {
        Some(k) => vec![("iterations", k.into())],
        None => {
            vec![("tolerance", params.tolerance.into()), ("max_iterations", params.max_iterations.into())]
        }
    };
    details.push(("top_authority", best.first().map(|&i| joined.keys[i]).into()));
    let rows = top.iter().map(|&i| (joined.keys[i], hubs[i].into())).collect();
    Partial::new(joined, details, Top { title: "highest hub scores", columns: ["vertex", "hub"], rows })
}

fn similarity_report(
    joined: &Joined<u64, SimilarityFigures>,
    pairs: &[(u64, u64, f64)],
    min_score: f64,
    top: Option<usize>,
) -> Partial {
    // The best pairs, named by their first vertex in the table and listed whole in JSON.
    let mut best: Vec<usize> = (0..pairs.len()).collect();
    best.sort_by(|&a, &b| {
        pairs[b].2.total_cmp(&pairs[a].2).then((pairs[a].0, pairs[a].1).cmp(&(pairs[b].0, pairs[b].1)))
    });
    best.truncate(TOP);
    let details = vec![
        ("pairs", pairs.len().into()),
        ("min_score", min_score.into()),
        ("top_per_vertex", top.into()),
        (
            "best_pairs",
            best.iter().map(|&i| serde_json::json!([pairs[i].0, pairs[i].1, pairs[i].2])).collect(),
        ),
    ];
    let rows = best
        .iter()
        .map(|&i| (pairs[i].0, serde_json::json!(format!("{} {}", pairs[i].1, pairs[i].2))))
        .collect();
    Partial::new(joined, details, Top { title: "highest-scoring pairs", columns: ["u", "v score"], rows })
}

fn kcore_report(joined: &Joined<u64, ()>) -> Partial {
    let top = output::top_k(&joined.keys, &joined.values, TOP, |_| true, u64::cmp);
    let max_core = top.first().map_or(0, |&i| joined.values[i]);
    let rows = top.iter().map(|&i| (joined.keys[i], joined.values[i].into())).collect();
    let title = "highest core numbers";
    Partial::new(
        joined,
        vec![("max_core", max_core.into())],
        Top { title, columns: ["vertex", "core"], rows },
    )
}

fn paths_report(joined: &Joined<f64, ()>, source: u64) -> Partial {
    let weighted = joined.first.weighted;
    let finite = |d: &f64| d.is_finite();
    let top = output::top_k(&joined.keys, &joined.values, TOP, finite, f64::total_cmp);
    let reachable = joined.values.iter().filter(|d| d.is_finite()).count();
    // Hop counts are whole numbers: show them as integers.
    let number = |d: f64| if weighted { Value::from(d) } else { Value::from(d as u64) };
    let farthest = top.first().map_or(Value::Null, |&i| number(joined.values[i]));
    let details = vec![
        ("source", source.into()),
        ("weighted", weighted.into()),
        ("reachable", reachable.into()),
        ("max_distance", farthest),
    ];
    let rows = top.iter().map(|&i| (joined.keys[i], number(joined.values[i]))).collect();
    let title = "farthest reachable vertices";
    let column = if weighted { "distance" } else { "hops" };
    Partial::new(joined, details, Top { title, columns: ["vertex", column], rows })
}

fn print(run: &RunArgs, report: &Report) -> Result<()> {
    let text = if run.json { format!("{}\n", report.to_json()) } else { report.to_text() };
    let mut stdout = std::io::stdout().lock();
    std::io::Write::write_all(&mut stdout, text.as_bytes())?;
    std::io::Write::flush(&mut stdout)?;
    Ok(())
}
