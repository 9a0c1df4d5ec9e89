//! The command line: clap-derive types for `eddy` and its subcommands.
//!
//! Only parsing lives here; each subcommand's module turns its arguments into library
//! calls ([`crate::graph_cmd`], [`crate::generate_cmd`], [`crate::ml_cmd`]).
//!
//! **Note**: a generator spec, a label column and a k-means `--init` are taken as plain
//! strings and parsed by the command, not by clap, so that a bad one is reported like
//! every other input error (one line, exit code 1) rather than as a usage error (exit
//! code 2).

// The flags' doc comments are clap's help text, not rustdoc: a spec such as
// `rmat:SCALE[:EDGE_FACTOR[:SEED]]` is no intra-doc link, and escaping its brackets would
// show the backslashes in `--help`.
#![allow(rustdoc::broken_intra_doc_links)]

use clap::{Parser, Subcommand};

/// The examples of `eddy kmeans --help`.
macro_rules! kmeans_examples {
    () => {
        "Examples:\n  \
         eddy kmeans                                    # built-in iris, k = 3, ARI vs species\n  \
         eddy kmeans points.csv --k 8 --output centroids.csv --assignments clusters.txt\n  \
         eddy kmeans data.csv --label class --init random --seed 7 --json\n  \
         eddy kmeans data.csv --init start.csv          # k = the rows of start.csv\n  \
         eddy kmeans --generate blobs:100000:10:5 --k 5 --parallelism 4"
    };
}

/// The examples of `eddy logreg --help`.
macro_rules! logreg_examples {
    () => {
        "Examples:\n  \
         eddy logreg                                    # built-in iris, stratified 70/30 split\n  \
         eddy logreg --train train.csv --test test.csv --label species --output model.json\n  \
         eddy logreg --train data.csv --test-fraction 0.2 --c 10 --json\n  \
         eddy logreg --generate classification:10000:20:2 --solver gd --learning-rate 0.5"
    };
}

/// The examples of `eddy linreg --help`.
macro_rules! linreg_examples {
    () => {
        "Examples:\n  \
         eddy linreg                                    # generated regression:1000:5, 70/30 split\n  \
         eddy linreg --train train.csv --test test.csv --label price --output model.json\n  \
         eddy linreg --generate regression:100000:50:0.5 --solver sgd --epochs 20 --json\n  \
         eddy linreg --train data.csv --alpha 1.0 --solver lbfgs"
    };
}

/// The examples of `eddy als --help`.
macro_rules! als_examples {
    () => {
        "Examples:\n  \
         eddy als                                       # generated lowrank:500:500:5 ratings, 80/20 split\n  \
         eddy als --train ratings.csv --test held_out.csv --rank 20 --iterations 15\n  \
         eddy als --train ml-100k.tsv --regularization 0.05 --output model.json\n  \
         eddy als --generate lowrank:10000:5000:10:0.01:0.2:7 --json"
    };
}

mod cluster;
mod graph;
mod ml;

pub(crate) use cluster::*;
pub(crate) use graph::*;
pub(crate) use ml::*;

/// A default number as `--help` shows it: in scientific notation when very small or
/// large (`1e-9`, not `0.000000001`). The flags take their defaults from the library's
/// `Default` parameter types, the one source of truth for them.
fn shown(x: f64) -> &'static str {
    let text = if x != 0.0 && !(1e-3..1e6).contains(&x.abs()) { format!("{x:e}") } else { format!("{x}") };
    // clap keeps default values for the life of the process; the command is built once.
    Box::leak(text.into_boxed_str())
}

/// Graph algorithms and ML trainers on Eddy's dataflow runtime.
#[derive(Debug, Parser)]
#[command(
    name = "eddy",
    version,
    about = "Graph algorithms and ML trainers on Eddy's dataflow runtime, on this machine or a cluster",
    long_about = "Graph algorithms and ML trainers on Eddy's dataflow runtime: PageRank, weakly \
                  connected components and single-source shortest paths on an edge-list file, a \
                  generated graph or the built-in karate club graph; k-means, logistic and linear \
                  regression and ALS matrix factorisation on a CSV file, generated data or the \
                  built-in iris set. Every algorithm runs on the cores of this machine by \
                  default, or on a cluster with --cluster HOST:PORT (or eddy submit): eddy \
                  jobmanager and eddy taskmanager start its processes, eddy jobs lists its jobs.",
    after_help = "Examples:\n  \
                  eddy pagerank                               # the built-in karate club graph\n  \
                  eddy cc graph.txt --output labels.tsv\n  \
                  eddy sssp roads.txt.gz --source 7 --json\n  \
                  eddy generate rmat:16 -o rmat16.txt.gz\n  \
                  eddy kmeans                                 # the built-in iris set, k = 3\n  \
                  eddy logreg --train train.csv --test test.csv --label species\n  \
                  eddy linreg --generate regression:10000:20 --json\n  \
                  eddy als --train ratings.csv --rank 20 --iterations 15\n  \
                  eddy pagerank --generate rmat:16 --cluster 127.0.0.1:6123\n  \
                  eddy -v cc graph.txt                        # with eddy's debug logs on stderr"
)]
pub(crate) struct Cli {
    /// Log more on stderr; repeatable: -v, -vv, -vvv [default: warnings only]
    ///
    /// -v logs eddy's own crates at debug level and -vv at trace level, the other crates
    /// (gRPC, HTTP/2) staying at the default level; -vvv logs every crate at trace level.
    /// The default level is warn, info for eddy jobmanager and eddy taskmanager. Without
    /// -v, RUST_LOG decides when set (an env_logger-style filter, e.g.
    /// RUST_LOG=eddy_runtime=debug,tonic=info); -v takes precedence over it. Logs go to
    /// stderr, never to stdout, with colours only when stderr is a terminal and NO_COLOR
    /// is unset.
    #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true)]
    pub(crate) verbose: u8,
    /// What to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// PageRank (networkx's convention: ranks sum to 1, dangling rank spread evenly).
    #[command(after_help = "Examples:\n  \
                      eddy pagerank                                  # karate club, top 10 ranks\n  \
                      eddy pagerank web.txt --iterations 20 --output ranks.tsv\n  \
                      eddy pagerank --generate rmat:18 --tolerance 1e-6 --parallelism 2 --json")]
    Pagerank(PagerankArgs),
    /// Weakly connected components: each vertex is labelled with the smallest vertex id of
    /// its component (edge directions are ignored).
    #[command(after_help = "Examples:\n  \
                      eddy cc                                        # karate club: one component\n  \
                      eddy cc graph.txt --output labels.csv\n  \
                      eddy cc --generate er:100000:60000 --json")]
    Cc(CcArgs),
    /// Single-source shortest paths: weighted distances (Dijkstra-style) when the input has
    /// a weight column, otherwise hop counts (breadth-first); `inf` marks unreachable
    /// vertices.
    #[command(after_help = "Examples:\n  \
                      eddy sssp --source 0                           # karate club, hop counts\n  \
                      eddy sssp roads.txt --source 7 --output dist.tsv\n  \
                      eddy sssp roads.txt --source 7 --unweighted   # hop counts despite weights")]
    Sssp(SsspArgs),
    /// Triangles of the undirected simple graph: how many each vertex is part of, and
    /// their total; --list writes the triangles themselves.
    ///
    /// The input is read as an undirected simple graph: edge directions, repeated edges and
    /// self-loops are ignored (networkx's Graph(G) without its self-loops). Counts equal
    /// networkx's triangles().
    #[command(
        after_help = "Examples:\n  \
                      eddy triangles                                 # karate club: 45 triangles\n  \
                      eddy triangles graph.txt --output counts.tsv\n  \
                      eddy triangles graph.txt --list --output triangles.tsv\n  \
                      eddy triangles --generate rmat:18 --parallelism 2 --json",
        after_long_help = "Examples:\n  \
                      eddy triangles                                 # karate club: 45 triangles\n  \
                      eddy triangles graph.txt --output counts.tsv\n  \
                      eddy triangles graph.txt --list --output triangles.tsv\n  \
                      eddy triangles --generate rmat:18 --parallelism 2 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and triangles (the \
                      total).\n\n\
                      --output FILE: `vertex<TAB>count` per vertex (`vertex,count` in a .csv), or \
                      with --list `a<TAB>b<TAB>c` per triangle."
    )]
    Triangles(TrianglesArgs),
    /// Local clustering coefficients of the undirected simple graph (networkx's
    /// clustering), with the average and the global coefficient (networkx's
    /// average_clustering and transitivity).
    ///
    /// The input is read as an undirected simple graph: edge directions, repeated edges and
    /// self-loops are ignored. A vertex of degree d in t triangles has 2t / (d(d-1)), 0
    /// when d < 2; the average counts every vertex; the global coefficient is three times
    /// the triangles over the connected triples.
    #[command(
        after_help = "Examples:\n  \
                      eddy clustering                                # karate club\n  \
                      eddy clustering graph.txt --output coefficients.csv\n  \
                      eddy clustering --generate rmat:18 --json",
        after_long_help = "Examples:\n  \
                      eddy clustering                                # karate club\n  \
                      eddy clustering graph.txt --output coefficients.csv\n  \
                      eddy clustering --generate rmat:18 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and \
                      average_clustering, global_clustering, triangles, triplets.\n\n\
                      --output FILE: `vertex<TAB>value` per vertex (`vertex,value` in a .csv)."
    )]
    Clustering(LibraryArgs),
    /// Core numbers of the undirected simple graph (networkx's core_number): the largest k
    /// such that the vertex belongs to a subgraph where every vertex has degree >= k.
    ///
    /// The input is read as an undirected simple graph: edge directions, repeated edges and
    /// self-loops are ignored.
    #[command(
        after_help = "Examples:\n  \
                      eddy kcore                                     # karate club: max core 4\n  \
                      eddy kcore graph.txt --output cores.tsv\n  \
                      eddy kcore --generate rmat:18 --json",
        after_long_help = "Examples:\n  \
                      eddy kcore                                     # karate club: max core 4\n  \
                      eddy kcore graph.txt --output cores.tsv\n  \
                      eddy kcore --generate rmat:18 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and max_core.\n\n\
                      --output FILE: `vertex<TAB>k` per vertex (`vertex,k` in a .csv)."
    )]
    Kcore(LibraryArgs),
    /// Strongly connected components of the directed graph: each vertex is labelled with
    /// the smallest vertex id of its component.
    #[command(
        after_help = "Examples:\n  \
                      eddy scc graph.txt --output labels.tsv\n  \
                      eddy scc --generate rmat:18 --json",
        after_long_help = "Examples:\n  \
                      eddy scc graph.txt --output labels.tsv\n  \
                      eddy scc --generate rmat:18 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and components, \
                      largest_component.\n\n\
                      --output FILE: `vertex<TAB>label` per vertex (`vertex,label` in a .csv)."
    )]
    Scc(LibraryArgs),
    /// HITS hubs and authorities (networkx's hits): each normalised to sum 1; repeated
    /// edges count once, self-loops count.
    #[command(
        after_help = "Examples:\n  \
                      eddy hits                                      # karate club\n  \
                      eddy hits web.txt --output scores.tsv\n  \
                      eddy hits --generate rmat:16 --tolerance 1e-12 --json",
        after_long_help = "Examples:\n  \
                      eddy hits                                      # karate club\n  \
                      eddy hits web.txt --output scores.tsv\n  \
                      eddy hits --generate rmat:16 --tolerance 1e-12 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and tolerance and \
                      max_iterations or iterations, top_authority.\n\n\
                      --output FILE: `vertex<TAB>hub<TAB>authority` per vertex \
                      (`vertex,hub,authority` in a .csv)."
    )]
    Hits(HitsArgs),
    /// Jaccard index |N(u) ∩ N(v)| / |N(u) ∪ N(v)| of every pair u < v with a common
    /// neighbour (networkx's jaccard_coefficient; Gelly's JaccardIndex).
    ///
    /// The input is read as an undirected simple graph: edge directions, repeated edges and
    /// self-loops are ignored. The work is one candidate per pair of neighbours of every
    /// vertex (the sum of d(d-1)/2): meant for graphs where that fits.
    #[command(
        after_help = "Examples:\n  \
                      eddy jaccard                                   # karate club\n  \
                      eddy jaccard graph.txt --min-score 0.5 --output pairs.tsv\n  \
                      eddy jaccard graph.txt --top 5 --json",
        after_long_help = "Examples:\n  \
                      eddy jaccard                                   # karate club\n  \
                      eddy jaccard graph.txt --min-score 0.5 --output pairs.tsv\n  \
                      eddy jaccard graph.txt --top 5 --json\n\n\
                      --json keys: the common ones (see eddy help pagerank) and pairs, min_score, \
                      top; the top table lists the highest-scoring pairs.\n\n\
                      --output FILE: `u<TAB>v<TAB>score` per pair, sorted (`u,v,score` in a .csv)."
    )]
    Jaccard(SimilarityArgs),
    /// Adamic-Adar index of every pair u < v with a common neighbour: the sum of
    /// 1 / ln(degree(w)) over the common neighbours w (networkx's adamic_adar_index).
    ///
    /// The input is read as an undirected simple graph: edge directions, repeated edges and
    /// self-loops are ignored; the work is as eddy jaccard's.
    #[command(
        name = "adamic-adar",
        after_help = "Examples:\n  \
                      eddy adamic-adar                               # karate club\n  \
                      eddy adamic-adar graph.txt --top 10 --output pairs.csv",
        after_long_help = "Examples:\n  \
                      eddy adamic-adar                               # karate club\n  \
                      eddy adamic-adar graph.txt --top 10 --output pairs.csv\n\n\
                      --json keys: as eddy jaccard's.\n\n\
                      --output FILE: `u<TAB>v<TAB>score` per pair, sorted (`u,v,score` in a .csv)."
    )]
    AdamicAdar(SimilarityArgs),
    /// Generates a graph and writes it as an edge-list file.
    #[command(after_help = "Examples:\n  \
                      eddy generate rmat:16 -o rmat16.txt.gz         # 2^16 vertices, 16 edges each, gzip\n  \
                      eddy generate grid:100:100 -o grid.txt\n  \
                      eddy generate er:1000:5000:42 -o er.txt")]
    Generate(GenerateArgs),
    /// Cluster mode: the JobManager, which coordinates TaskManagers and runs submitted jobs
    /// on them. Prints `eddy jobmanager listening on HOST:PORT` and runs until SIGTERM or
    /// Ctrl-C.
    #[command(after_help = "Examples:\n  \
                      EDDY_CLUSTER_SECRET=s3cret eddy jobmanager\n  \
                      eddy jobmanager --bind 10.0.0.1:6123 --status-bind 10.0.0.1:8081 --heartbeat-timeout 30")]
    Jobmanager(JobManagerArgs),
    /// Cluster mode: a TaskManager, which registers with the JobManager and runs the
    /// workers of jobs on its slots. Runs until SIGTERM, Ctrl-C or the JobManager's end.
    #[command(after_help = "Examples:\n  \
                      EDDY_CLUSTER_SECRET=s3cret eddy taskmanager --jobmanager 127.0.0.1:6123 --slots 2")]
    Taskmanager(TaskManagerArgs),
    /// Cluster mode: runs an algorithm command on a cluster (same as the command with
    /// --cluster HOST:PORT).
    #[command(after_help = "Examples:\n  \
                      eddy submit --jobmanager 127.0.0.1:6123 pagerank --generate rmat:20 --iterations 20\n  \
                      eddy submit --jobmanager 127.0.0.1:6123 kmeans points.csv --k 8 --parallelism 4")]
    Submit(SubmitArgs),
    /// Cluster mode: lists a JobManager's jobs, or cancels one.
    #[command(after_help = "Examples:\n  \
                      eddy jobs --jobmanager 127.0.0.1:6123\n  \
                      eddy jobs --jobmanager 127.0.0.1:6123 --cancel 3")]
    Jobs(JobsArgs),
    /// k-means clustering (Lloyd's algorithm, scikit-learn's semantics): prints the
    /// clustering's inertia, cluster sizes and, against known labels, the adjusted Rand
    /// index; writes the centroids and each row's cluster.
    #[command(
        after_help = kmeans_examples!(),
        after_long_help = concat!(
            kmeans_examples!(),
            "\n\n\
             --json keys: algorithm, input, rows, features, k, init, seed, n_init, tolerance, \
             max_iterations, iterations, converged, inertia, cluster_sizes, centroids, \
             label, adjusted_rand_index (null without a label), load_seconds, \
             compute_seconds, parallelism, output, assignments (null when not written)."
        )
    )]
    Kmeans(KmeansArgs),
    /// Logistic regression (binary or multinomial, L2-penalised, scikit-learn's objective):
    /// trains on a training set, prints accuracy, macro precision / recall / F1 (and ROC AUC
    /// for two classes) on the training and the test set.
    #[command(
        after_help = logreg_examples!(),
        after_long_help = concat!(
            logreg_examples!(),
            "\n\n\
             --json keys: algorithm, input, train_rows, test_rows, features, classes, \
             standardized, solver, c, iterations, converged, train and test (each with \
             accuracy, precision, recall, f1 — macro averages — and roc_auc, null unless \
             two classes), load_seconds, compute_seconds, parallelism, output.\n\n\
             --output FILE: the fitted model as JSON, loadable with eddy_ml::load_model: an \
             eddy_ml::PipelineModel<StandardScalerModel, LogisticModel> (fields `first`, \
             `then`), or the bare LogisticModel with --no-standardize."
        )
    )]
    Logreg(LogregArgs),
    /// Linear (least-squares, optionally ridge) regression: trains on a training set,
    /// prints RMSE and R² on the training and the test set.
    #[command(
        after_help = linreg_examples!(),
        after_long_help = concat!(
            linreg_examples!(),
            "\n\n\
             --json keys: algorithm, input, train_rows, test_rows, features, \
             standardized, solver, alpha, iterations, converged, train and test (each with \
             rmse and r2), load_seconds, compute_seconds, parallelism, output.\n\n\
             --output FILE: the fitted model as JSON, loadable with eddy_ml::load_model: an \
             eddy_ml::PipelineModel<StandardScalerModel, LinearModel> (fields `first`, \
             `then`), or the bare LinearModel with --no-standardize."
        )
    )]
    Linreg(LinregArgs),
    /// Alternating least squares (ALS-WR) matrix factorisation of explicit ratings: prints
    /// the training RMSE of every iteration and the final training and test RMSE.
    #[command(
        after_help = als_examples!(),
        after_long_help = concat!(
            als_examples!(),
            "\n\n\
             --json keys: algorithm, input, users, items, train_ratings, test_ratings, \
             rank, regularization, seed, iterations, converged, train_rmse_history, \
             train_rmse, test_rmse (null without test ratings), test_skipped (test ratings \
             of users or items unseen in training), load_seconds, compute_seconds, \
             parallelism, output."
        )
    )]
    Als(AlsArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn numbers_in_help_are_short() {
        assert_eq!(
            [shown(1e-9), shown(1e-4), shown(0.85), shown(1.0), shown(0.0)],
            ["1e-9", "1e-4", "0.85", "1", "0"]
        );
        assert_eq!(shown(2.5e7), "2.5e7");
    }
}
