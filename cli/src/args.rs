//! The command line: clap-derive types for `eddy` and its subcommands.
//!
//! Only parsing lives here; each subcommand's module turns its arguments into library
//! calls ([`crate::graph_cmd`], [`crate::generate_cmd`], [`crate::ml_cmd`]).
//!
//! **Note**: a generator spec, a label column and a k-means `--init` are taken as plain
//! strings and parsed by the command, not by clap, so that a bad one is reported like
//! every other input error (one line, exit code 1) rather than as a usage error (exit
//! code 2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Graph algorithms and ML trainers on Eddy's dataflow runtime.
#[derive(Debug, Parser)]
#[command(
    name = "eddy",
    version,
    about = "Graph algorithms and ML trainers on Eddy's dataflow runtime",
    long_about = "Graph algorithms and ML trainers on Eddy's dataflow runtime: PageRank, weakly \
                  connected components and single-source shortest paths on an edge-list file, a \
                  generated graph or the built-in karate club graph; k-means, logistic and linear \
                  regression and ALS matrix factorisation on a CSV file, generated data or the \
                  built-in iris set — all run on the cores of this machine.",
    after_help = "Examples:\n  \
                  eddy pagerank                               # the built-in karate club graph\n  \
                  eddy cc graph.txt --output labels.tsv\n  \
                  eddy sssp roads.txt.gz --source 7 --json\n  \
                  eddy generate rmat:16 -o rmat16.txt.gz\n  \
                  eddy kmeans                                 # the built-in iris set, k = 3\n  \
                  eddy logreg --train train.csv --test test.csv --label species\n  \
                  eddy linreg --generate regression:10000:20 --json\n  \
                  eddy als --train ratings.csv --rank 20 --iterations 15"
)]
pub(crate) struct Cli {
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

/// Where the graph comes from (shared by the algorithm subcommands).
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub(crate) struct InputArgs {
    /// Edge-list file to read [default: the built-in karate club graph]
    ///
    /// One `src dst [weight]` edge per line, separated by spaces, tabs or commas; `#` and
    /// `%` lines are comments; a `.gz` file is gunzipped. Edges are directed (see
    /// --undirected). Without INPUT and --generate, Zachary's karate club graph (34
    /// vertices, 78 undirected edges, ids 0..33) is loaded in both directions.
    /// Example: graph.txt
    #[arg(value_name = "INPUT", conflicts_with = "generate", display_order = 0)]
    pub(crate) input: Option<PathBuf>,
    /// Generate the input instead of reading a file, e.g. rmat:16 [default: none]
    ///
    /// rmat:SCALE[:EDGE_FACTOR[:SEED]] (2^SCALE ids, EDGE_FACTOR·2^SCALE edges; defaults
    /// 16 and seed 1), er:N:M[:SEED], grid:ROWS:COLS, path:N, cycle:N, star:N or
    /// complete:N; directed edges over ids 0..N. Example: --generate grid:100:100
    #[arg(long, value_name = "SPEC", display_order = 1)]
    pub(crate) generate: Option<String>,
    /// Also load the reverse of every edge [default: off]
    ///
    /// Applies to INPUT and --generate; the built-in karate club graph is always loaded in
    /// both directions. Example: eddy pagerank graph.txt --undirected
    #[arg(long, display_order = 2)]
    pub(crate) undirected: bool,
}

/// How to run and what to print (shared by the algorithm subcommands).
#[derive(Debug, Args)]
#[command(next_help_heading = "Run and output")]
pub(crate) struct RunArgs {
    /// Worker threads [default: $EDDY_PARALLELISM, or the number of cores]
    ///
    /// Also the number of graph partitions. cc and sssp output files are byte-identical
    /// for every N; PageRank's ranks can differ in the last digits between values of N
    /// (sums in partition order) and are bit-identical for the same N, locally or on a
    /// cluster. Example: --parallelism 4
    #[arg(long, short = 'p', value_name = "N")]
    pub(crate) parallelism: Option<usize>,
    /// Write every vertex's value to FILE [default: print the top 10 instead]
    ///
    /// One `vertex<TAB>value` line per vertex, sorted by vertex id; a `.csv` FILE gets a
    /// `vertex,value` header and commas. Floats are printed in their shortest round-trip
    /// form, `inf` for an unreachable vertex. FILE appears only when complete (written to
    /// a temporary file beside it, then renamed); on any error it is not created.
    /// Example: --output ranks.tsv
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Print one JSON object instead of the text summary [default: off]
    ///
    /// Keys: algorithm, input, vertices, edges, supersteps, converged, load_seconds,
    /// compute_seconds, parallelism, top (the top-10 table), output (with --output), and
    /// the algorithm's own: pagerank damping, tolerance and max_iterations or iterations,
    /// last_delta; cc components, largest_component; sssp source, weighted, reachable,
    /// max_distance. Example: eddy cc --json
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress bar [default: off]
    ///
    /// The bar (superstep, active vertices and, for PageRank, the L1 change) is drawn on
    /// stderr, and only when stderr is a terminal.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Run on a cluster instead of this machine.
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
}

/// Arguments of `eddy pagerank`.
#[derive(Debug, Args)]
pub(crate) struct PagerankArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Damping factor d in [0, 1]
    ///
    /// The probability of following an out-edge rather than jumping to a random vertex
    /// (networkx's alpha). Example: --damping 0.9
    #[arg(
        long,
        value_name = "D",
        default_value = "0.85",
        allow_negative_numbers = true,
        help_heading = "PageRank"
    )]
    pub(crate) damping: f64,
    /// Run exactly N power iterations [default: until --tolerance is reached]
    ///
    /// Conflicts with --tolerance; `converged` is then always true. Example: --iterations 20
    #[arg(long, value_name = "N", conflicts_with = "tolerance", help_heading = "PageRank")]
    pub(crate) iterations: Option<u32>,
    /// Stop when the L1 change of the ranks drops below T
    ///
    /// The L1 change is the sum over all vertices v of |rank(v) - previous rank(v)|; T
    /// must be finite and >= 0. Example: --tolerance 1e-6
    #[arg(
        long,
        value_name = "T",
        default_value = "1e-9",
        allow_negative_numbers = true,
        help_heading = "PageRank"
    )]
    pub(crate) tolerance: f64,
    /// At most N iterations in --tolerance mode
    ///
    /// Reached without meeting the tolerance, the run reports `converged: false`.
    /// Example: --max-iterations 100
    #[arg(long, value_name = "N", default_value_t = 1000, help_heading = "PageRank")]
    pub(crate) max_iterations: u32,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `eddy cc`.
#[derive(Debug, Args)]
pub(crate) struct CcArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `eddy sssp`.
#[derive(Debug, Args)]
pub(crate) struct SsspArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// The vertex to measure distances from (required)
    ///
    /// It must be a vertex of the graph, i.e. appear in some edge. Example: --source 0
    #[arg(long, value_name = "ID", help_heading = "Shortest paths")]
    pub(crate) source: u64,
    /// Count hops even when the input has weights [default: off]
    ///
    /// Without it, an input with a weight column gets weighted distances (weights must be
    /// >= 0), one without gets hop counts.
    #[arg(long, help_heading = "Shortest paths")]
    pub(crate) unweighted: bool,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `eddy generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The generator and its parameters, e.g. rmat:16
    ///
    /// rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]] (2^SCALE ids, EDGE_FACTOR·2^SCALE edges;
    /// defaults 16, seed 1 and Graph500's probabilities), er:N:M[:SEED] (M distinct
    /// random edges over N vertices, seed 1), grid:ROWS:COLS, path:N, cycle:N, star:N or
    /// complete:N. Ids are 0..N; edges are directed; the same spec always gives the same
    /// file.
    #[arg(value_name = "SPEC")]
    pub(crate) spec: String,
    /// The edge-list file to write (required)
    ///
    /// `src<TAB>dst` per line; a `.gz` name is gzip-compressed. FILE appears only when
    /// complete. Example: -o rmat16.txt.gz
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: PathBuf,
}

/// How to run and what to print (shared by the ML subcommands).
#[derive(Debug, Args)]
#[command(next_help_heading = "Run and output")]
pub(crate) struct MlRunArgs {
    /// Worker threads [default: $EDDY_PARALLELISM, or the number of cores]
    ///
    /// Also the number of row partitions. Results do not depend on it: models, metrics and
    /// output files are bit for bit the same for every N. Example: --parallelism 4
    #[arg(long, short = 'p', value_name = "N")]
    pub(crate) parallelism: Option<usize>,
    /// Print one JSON object instead of the text report [default: off]
    ///
    /// The keys are listed at the end of the subcommand's --help. Example: --json
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress line [default: off]
    ///
    /// The line (iteration and the trainer's progress: inertia, objective, RMSE) is drawn
    /// on stderr, and only when stderr is a terminal.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Run on a cluster instead of this machine.
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
}

/// `--cluster` and `--secret`, on every algorithm command.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ClusterArgs {
    /// Run on the cluster whose JobManager listens at HOST:PORT [default: this machine]
    ///
    /// The TaskManagers load the input themselves (the same file path or generator spec
    /// must work on each); --parallelism is then the number of slots used [default: every
    /// free slot]. Results equal local mode's with the same parallelism. Example:
    /// --cluster 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT", help_heading = "Cluster")]
    pub(crate) cluster: Option<String>,
    /// The cluster secret [default: $EDDY_CLUSTER_SECRET]
    ///
    /// Prefer the environment variable: a flag's value is visible to other users in the
    /// process list.
    #[arg(long, value_name = "SECRET", help_heading = "Cluster")]
    pub(crate) secret: Option<String>,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// `--tls-ca` and `--tls-domain`: reaching a JobManager that serves TLS.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct TlsTrustArgs {
    /// Talk TLS to the JobManager, trusting this CA certificate (PEM) [default: plaintext]
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub(crate) tls_ca: Option<PathBuf>,
    /// The name to expect in the JobManager's certificate [default: the host of its
    /// address]
    #[arg(long, value_name = "NAME", requires = "tls_ca", help_heading = "Cluster")]
    pub(crate) tls_domain: Option<String>,
}

impl TlsTrustArgs {
    /// The TLS settings, if --tls-ca is given.
    ///
    /// # Errors
    /// An unreadable CA file.
    pub(crate) fn trust(&self) -> anyhow::Result<Option<eddy_runtime::cluster::TlsTrust>> {
        let Some(path) = &self.tls_ca else { return Ok(None) };
        let ca_pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Some(eddy_runtime::cluster::TlsTrust { ca_pem, domain: self.tls_domain.clone() }))
    }
}

impl ClusterArgs {
    /// The secret from --secret or `EDDY_CLUSTER_SECRET`.
    ///
    /// # Errors
    /// Neither is given, or the secret is empty.
    pub(crate) fn secret(&self) -> anyhow::Result<eddy_runtime::ClusterSecret> {
        cluster_secret(self.secret.as_deref())
    }
}

/// The cluster secret: `flag` (--secret) or else `EDDY_CLUSTER_SECRET`.
///
/// # Errors
/// Neither is given, or the secret is empty.
fn cluster_secret(flag: Option<&str>) -> anyhow::Result<eddy_runtime::ClusterSecret> {
    let secret = match flag {
        Some(s) => s.to_string(),
        None => std::env::var("EDDY_CLUSTER_SECRET").map_err(|_| {
            anyhow::anyhow!(
                "cluster mode needs the cluster secret: set EDDY_CLUSTER_SECRET (or pass --secret)"
            )
        })?,
    };
    if secret.is_empty() {
        anyhow::bail!("the cluster secret is empty: set EDDY_CLUSTER_SECRET to a non-empty value");
    }
    Ok(eddy_runtime::ClusterSecret::new(secret))
}

/// Arguments of `eddy jobmanager`.
#[derive(Debug, Args)]
pub(crate) struct JobManagerArgs {
    /// Address of the gRPC service (TaskManagers and clients connect here)
    ///
    /// Loopback by default; bind a private address to accept other machines. Port 0
    /// picks a free port (printed on the first line of stdout).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:6123")]
    pub(crate) bind: std::net::SocketAddr,
    /// Serve the JSON status document (TaskManagers, jobs, supersteps) over HTTP here
    /// [default: off]. Example: --status-bind 127.0.0.1:8081
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) status_bind: Option<std::net::SocketAddr>,
    /// Seconds between a TaskManager's heartbeats
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub(crate) heartbeat_interval: f64,
    /// Seconds without a heartbeat after which a TaskManager is dropped and its jobs fail
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) heartbeat_timeout: f64,
    /// Serve gRPC over TLS with this certificate chain (PEM) [default: plaintext]
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
}

/// Arguments of `eddy taskmanager`.
#[derive(Debug, Args)]
pub(crate) struct TaskManagerArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// Workers this TaskManager runs at once [default: the number of cores]
    #[arg(long, value_name = "N")]
    pub(crate) slots: Option<u32>,
    /// Address of the data port other TaskManagers send partition data to
    ///
    /// Loopback by default: the data port authenticates with the secret but does not
    /// encrypt. Port 0 picks a free port (printed on the first line of stdout).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub(crate) bind: std::net::SocketAddr,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// `--secret` of the cluster processes.
#[derive(Debug, Args)]
pub(crate) struct SecretArgs {
    /// The cluster secret [default: $EDDY_CLUSTER_SECRET]
    ///
    /// Every JobManager, TaskManager and client of a cluster needs the same one; a
    /// process without it is refused. Prefer the environment variable.
    #[arg(long, value_name = "SECRET")]
    pub(crate) secret: Option<String>,
}

impl SecretArgs {
    /// The secret from --secret or `EDDY_CLUSTER_SECRET`.
    ///
    /// # Errors
    /// Neither is given, or the secret is empty.
    pub(crate) fn secret(&self) -> anyhow::Result<eddy_runtime::ClusterSecret> {
        cluster_secret(self.secret.as_deref())
    }
}

/// Arguments of `eddy jobs`.
#[derive(Debug, Args)]
pub(crate) struct JobsArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// Cancel job ID instead of listing the jobs
    #[arg(long, value_name = "ID")]
    pub(crate) cancel: Option<u64>,
    /// Print the JobManager's status document (JSON) instead of the table
    #[arg(long)]
    pub(crate) json: bool,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// Arguments of `eddy submit`.
#[derive(Debug, Args)]
pub(crate) struct SubmitArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// The job: an algorithm command and its arguments, e.g. `pagerank --generate rmat:20`
    #[arg(value_name = "COMMAND", trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub(crate) job: Vec<std::ffi::OsString>,
}

/// Arguments of `eddy kmeans`.
#[derive(Debug, Args)]
pub(crate) struct KmeansArgs {
    /// CSV file of points, one per line [default: the built-in iris set]
    ///
    /// Fields separated by commas, tabs, semicolons or spaces; an optional header line; `#`
    /// lines are comments; a `.gz` file is gunzipped. Every column is a feature unless
    /// --label names one. Without INPUT and --generate, Fisher's iris (150 rows, 4
    /// features) is clustered and its species are the label. Example: points.csv
    #[arg(value_name = "INPUT", conflicts_with = "generate", help_heading = "Input")]
    pub(crate) input: Option<PathBuf>,
    /// Generate the points instead, blobs:N:D:K[:SEED] [default: none]
    ///
    /// N points in D dimensions around K Gaussian centres (standard deviation 1, seed 42
    /// unless given); the blob each point was drawn from is its label. Example: --generate
    /// blobs:10000:2:5
    #[arg(long, value_name = "SPEC", help_heading = "Input")]
    pub(crate) generate: Option<String>,
    /// The column of INPUT that holds known labels, by name or 0-based index [default: none]
    ///
    /// It is left out of the features, and the adjusted Rand index of the clustering
    /// against it is reported. Example: --label species
    #[arg(long, value_name = "COLUMN", requires = "input", help_heading = "Input")]
    pub(crate) label: Option<String>,
    /// The number of clusters [default: 3, or the rows of an --init FILE]
    ///
    /// At most the number of points. Example: --k 8
    #[arg(long, short = 'k', value_name = "K", help_heading = "k-means")]
    pub(crate) k: Option<usize>,
    /// How to choose the initial centroids: k-means++, k-means||, random or a FILE
    ///
    /// k-means++ (greedy, as scikit-learn), k-means|| (scalable k-means++), random (k
    /// distinct points), or a CSV FILE of initial centroids, one per line, as many columns
    /// as features (no label); its row count is k. Example: --init start.csv
    #[arg(long, value_name = "INIT", default_value = "k-means++", help_heading = "k-means")]
    pub(crate) init: String,
    /// At most N Lloyd iterations
    ///
    /// Reached first, the run reports `converged: false`. Example: --iterations 50
    #[arg(long, value_name = "N", default_value_t = 300, help_heading = "k-means")]
    pub(crate) iterations: u32,
    /// Stop when the centroids move less than T, relative to the data's variance
    ///
    /// scikit-learn's relative tolerance: stop when the sum of the squared centroid shifts
    /// is at most T × the mean variance of the features (or when no point changed cluster).
    /// 0 runs until no centroid moves, or --iterations. Example: --tolerance 0
    #[arg(long, value_name = "T", default_value = "1e-4", help_heading = "k-means")]
    pub(crate) tolerance: f64,
    /// Seed of the initialisation
    ///
    /// The same seed gives the same clustering for every --parallelism. Example: --seed 7
    #[arg(long, value_name = "S", default_value_t = 0, help_heading = "k-means")]
    pub(crate) seed: u64,
    /// Initialisations to try; the clustering with the lowest inertia wins
    ///
    /// Run r uses seed S + r. Ignored with a centroid FILE. Example: --n-init 10
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "k-means")]
    pub(crate) n_init: u32,
    /// Write the centroids to FILE [default: none]
    ///
    /// One centroid per line, comma-separated, in Rust's shortest round-trip form (parses
    /// back to the same f64). FILE appears only when the run succeeds. Example: --output
    /// centroids.csv
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Run and output")]
    pub(crate) output: Option<PathBuf>,
    /// Write each point's cluster (0..K) to FILE, one per line in input order [default: none]
    ///
    /// FILE appears only when the run succeeds. Example: --assignments clusters.txt
    #[arg(long, value_name = "FILE", help_heading = "Run and output")]
    pub(crate) assignments: Option<PathBuf>,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: MlRunArgs,
}

/// Where the data of a supervised trainer comes from (shared by logreg and linreg).
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub(crate) struct SupervisedInputArgs {
    /// CSV file of training rows: features and a label (target) column [default: generated
    /// or built-in data]
    ///
    /// Fields separated by commas, tabs, semicolons or spaces; an optional header line; `#`
    /// lines are comments; a `.gz` file is gunzipped. Without --test, a seeded
    /// --test-fraction of its rows is held out for testing. Without --train and
    /// --generate: logreg uses the built-in iris set, linreg generates regression:1000:5.
    /// Example: --train train.csv
    #[arg(long, value_name = "FILE", conflicts_with = "generate")]
    pub(crate) train: Option<PathBuf>,
    /// CSV file of test rows, laid out as --train [default: split from --train]
    ///
    /// Example: --test test.csv
    #[arg(long, value_name = "FILE", requires = "train")]
    pub(crate) test: Option<PathBuf>,
    /// The label (target) column, by name or 0-based index [default: the column named
    /// `label` if the header has one, else the last column]
    ///
    /// Logistic regression takes its distinct values as the classes (text labels are
    /// numbered in order of first appearance); linear regression needs numbers. Example:
    /// --label species
    #[arg(long, value_name = "COLUMN", requires = "train")]
    pub(crate) label: Option<String>,
    /// Generate the data instead [default: none]
    ///
    /// logreg: classification:N:D:C[:SEED] (C classes); linreg:
    /// regression:N:D[:NOISE[:SEED]] (noise 1, seed 42 unless given). Split as --train is.
    /// Example: --generate regression:10000:20
    #[arg(long, value_name = "SPEC")]
    pub(crate) generate: Option<String>,
    /// The fraction of rows held out for testing when there is no --test
    ///
    /// logreg splits stratified (class proportions kept), linreg uniformly; the test set
    /// has ⌈fraction × rows⌉ rows. Example: --test-fraction 0.2
    #[arg(long, value_name = "F", default_value_t = 0.3)]
    pub(crate) test_fraction: f64,
    /// Seed of the train/test split (and of SGD's row order)
    ///
    /// Example: --seed 7
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub(crate) seed: u64,
    /// Train on the features as they are [default: standardise them]
    ///
    /// By default a StandardScaler (zero mean, unit variance per column) is fitted on the
    /// training rows and applied to both sets, which the iterative solvers need to
    /// converge well; --output then saves the scaler with the model.
    #[arg(long)]
    pub(crate) no_standardize: bool,
}

/// The optimiser of `eddy logreg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogregSolver {
    /// Full-batch L-BFGS.
    Lbfgs,
    /// Full-batch gradient descent with backtracking.
    Gd,
}

/// Arguments of `eddy logreg`.
#[derive(Debug, Args)]
pub(crate) struct LogregArgs {
    /// The data.
    #[command(flatten)]
    pub(crate) data: SupervisedInputArgs,
    /// Inverse regularisation strength (scikit-learn's C), > 0
    ///
    /// Smaller C, stronger L2 penalty on the weights (not the intercepts). Example: --c 10
    #[arg(long, value_name = "C", default_value_t = 1.0, help_heading = "Logistic regression")]
    pub(crate) c: f64,
    /// The optimiser
    #[arg(long, value_enum, default_value_t = LogregSolver::Lbfgs, help_heading = "Logistic regression")]
    pub(crate) solver: LogregSolver,
    /// First step size of --solver gd, > 0
    ///
    /// Halved until the objective decreases enough, doubled again after a success.
    #[arg(long, value_name = "ETA", default_value_t = 1.0, help_heading = "Logistic regression")]
    pub(crate) learning_rate: f64,
    /// At most N optimiser iterations
    ///
    /// Reached first, the run reports `converged: false`.
    #[arg(long, value_name = "N", default_value_t = 1000, help_heading = "Logistic regression")]
    pub(crate) max_iterations: u32,
    /// Stop when the gradient's max-norm (of the mean objective) is at most T
    #[arg(long, value_name = "T", default_value = "1e-8", help_heading = "Logistic regression")]
    pub(crate) tolerance: f64,
    /// Save the fitted model (and scaler) as JSON to FILE [default: none]
    ///
    /// FILE appears only when the run succeeds. Example: --output model.json
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Run and output")]
    pub(crate) output: Option<PathBuf>,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: MlRunArgs,
}

/// The solver of `eddy linreg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LinregSolver {
    /// Closed form: Cholesky on the normal equations (exact).
    Normal,
    /// Full-batch L-BFGS.
    Lbfgs,
    /// Full-batch gradient descent with backtracking.
    Gd,
    /// Mini-batch stochastic gradient descent.
    Sgd,
}

/// Arguments of `eddy linreg`.
#[derive(Debug, Args)]
pub(crate) struct LinregArgs {
    /// The data.
    #[command(flatten)]
    pub(crate) data: SupervisedInputArgs,
    /// L2 penalty α (scikit-learn's Ridge alpha), >= 0; 0 is ordinary least squares
    #[arg(long, value_name = "A", default_value_t = 0.0, help_heading = "Linear regression")]
    pub(crate) alpha: f64,
    /// The solver; all reach the same minimiser
    #[arg(long, value_enum, default_value_t = LinregSolver::Normal, help_heading = "Linear regression")]
    pub(crate) solver: LinregSolver,
    /// Rows per mini-batch of --solver sgd
    #[arg(long, value_name = "N", default_value_t = 32, help_heading = "Linear regression")]
    pub(crate) batch_size: usize,
    /// First step size of --solver gd or sgd [default: 1 for gd, 0.01 for sgd]
    ///
    /// gd halves and doubles it as the line search says; sgd decays it as η/√epoch.
    #[arg(long, value_name = "ETA", help_heading = "Linear regression")]
    pub(crate) learning_rate: Option<f64>,
    /// At most N iterations (epochs for sgd) of an iterative solver
    ///
    /// Reached first, the run reports `converged: false`.
    #[arg(
        long,
        visible_alias = "epochs",
        value_name = "N",
        default_value_t = 1000,
        help_heading = "Linear regression"
    )]
    pub(crate) max_iterations: u32,
    /// Stop when the gradient's max-norm (sgd: the objective's relative decrease over an
    /// epoch) is at most T
    #[arg(long, value_name = "T", default_value = "1e-10", help_heading = "Linear regression")]
    pub(crate) tolerance: f64,
    /// Save the fitted model (and scaler) as JSON to FILE [default: none]
    ///
    /// FILE appears only when the run succeeds. Example: --output model.json
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Run and output")]
    pub(crate) output: Option<PathBuf>,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: MlRunArgs,
}

/// Arguments of `eddy als`.
#[derive(Debug, Args)]
pub(crate) struct AlsArgs {
    /// Ratings file: `user item rating` per line [default: generated ratings]
    ///
    /// Ids are non-negative integers; separated by commas, tabs or spaces (MovieLens
    /// `u.data` and `ratings.csv` work; extra columns such as a timestamp are ignored); a
    /// `.gz` file is gunzipped. Without --test, a seeded --test-fraction of the ratings is
    /// held out. Without --train and --generate, lowrank:500:500:5 is generated.
    /// Example: --train ratings.csv
    #[arg(long, value_name = "FILE", conflicts_with = "generate", help_heading = "Input")]
    pub(crate) train: Option<PathBuf>,
    /// Test ratings file, laid out as --train [default: split from the training ratings]
    #[arg(long, value_name = "FILE", requires = "train", help_heading = "Input")]
    pub(crate) test: Option<PathBuf>,
    /// Generate ratings, lowrank:USERS:ITEMS:RANK[:DENSITY[:NOISE[:SEED]]] [default: none]
    ///
    /// A rank-RANK model plus 3 and Gaussian noise (default 0.1); each (user, item) pair
    /// rated with probability DENSITY (default 0.1); seed 42 unless given. ALS has no bias
    /// terms, so the offset 3 takes one factor: fit it with --rank RANK+1 or more.
    /// Example: --generate lowrank:2000:1000:10:0.05
    #[arg(long, value_name = "SPEC", help_heading = "Input")]
    pub(crate) generate: Option<String>,
    /// The fraction of ratings held out for testing when there is no --test
    #[arg(long, value_name = "F", default_value_t = 0.2, help_heading = "Input")]
    pub(crate) test_fraction: f64,
    /// Latent factors per user and item
    #[arg(long, value_name = "R", default_value_t = 10, help_heading = "ALS")]
    pub(crate) rank: usize,
    /// The regularisation λ, >= 0, multiplied by each user's and item's rating count (ALS-WR)
    #[arg(long, value_name = "L", default_value_t = 0.1, help_heading = "ALS")]
    pub(crate) regularization: f64,
    /// ALS iterations (each updates every user, then every item)
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "ALS")]
    pub(crate) iterations: u32,
    /// Seed of the initial factors and of the train/test split
    #[arg(long, value_name = "S", default_value_t = 0, help_heading = "ALS")]
    pub(crate) seed: u64,
    /// Save the fitted factors as JSON (an eddy_ml AlsModel) to FILE [default: none]
    ///
    /// FILE appears only when the run succeeds. Example: --output model.json
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Run and output")]
    pub(crate) output: Option<PathBuf>,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: MlRunArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
