//! The arguments of the graph commands: `eddy pagerank`, `cc`, `sssp` and `generate`,
//! and the input and run options they share.

use std::path::PathBuf;

use clap::Args;

use eddy_gelly::algorithms::{Hits, Model, PageRank};

use super::{ClusterArgs, shown};

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
        default_value_t = PageRank::default().damping,
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
        default_value = shown(PageRank::default().tolerance),
        allow_negative_numbers = true,
        help_heading = "PageRank"
    )]
    pub(crate) tolerance: f64,
    /// At most N iterations in --tolerance mode
    ///
    /// Reached without meeting the tolerance, the run reports `converged: false`.
    /// Example: --max-iterations 100
    #[arg(long, value_name = "N", default_value_t = PageRank::default().max_iterations, help_heading = "PageRank")]
    pub(crate) max_iterations: u32,
    /// The implementation: fast, vertex-centric, scatter-gather or gsa
    ///
    /// fast is the hand-written kernel; the others run the same algorithm in one of
    /// Gelly's generic iteration models, with the same results (PageRank within 1e-12 per
    /// vertex) — to compare their speed. Example: --model gsa
    #[arg(long, value_name = "MODEL", default_value_t = Model::Fast, help_heading = "Run and output")]
    pub(crate) model: Model,
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
    /// The implementation: fast, vertex-centric, scatter-gather or gsa
    ///
    /// fast is the hand-written kernel; the others run the same algorithm in one of
    /// Gelly's generic iteration models, with the same results (PageRank within 1e-12 per
    /// vertex) — to compare their speed. Example: --model gsa
    #[arg(long, value_name = "MODEL", default_value_t = Model::Fast, help_heading = "Run and output")]
    pub(crate) model: Model,
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
    /// The implementation: fast, vertex-centric, scatter-gather or gsa
    ///
    /// fast is the hand-written kernel; the others run the same algorithm in one of
    /// Gelly's generic iteration models, with the same results (PageRank within 1e-12 per
    /// vertex) — to compare their speed. Example: --model gsa
    #[arg(long, value_name = "MODEL", default_value_t = Model::Fast, help_heading = "Run and output")]
    pub(crate) model: Model,
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

/// Arguments of `eddy triangles`.
#[derive(Debug, Args)]
pub(crate) struct TrianglesArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Write the triangles themselves to --output instead of per-vertex counts [default: off]
    ///
    /// One `a<TAB>b<TAB>c` line per triangle with a < b < c, sorted (Gelly's
    /// TriangleListing); a `.csv` FILE gets an `a,b,c` header. Needs --output.
    #[arg(long, requires = "output", help_heading = "Triangles")]
    pub(crate) list: bool,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of the library commands without options of their own (`clustering`,
/// `kcore`, `scc`).
#[derive(Debug, Args)]
pub(crate) struct LibraryArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `eddy hits`.
#[derive(Debug, Args)]
pub(crate) struct HitsArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Run exactly N iterations [default: until --tolerance is reached]
    ///
    /// Conflicts with --tolerance; `converged` is then always true. Example: --iterations 50
    #[arg(long, value_name = "N", conflicts_with = "tolerance", help_heading = "HITS")]
    pub(crate) iterations: Option<u32>,
    /// Stop when the L1 change of the hubs (each scaled to a maximum of 1) drops below T
    ///
    /// networkx's tol; T must be finite and >= 0. Example: --tolerance 1e-12
    #[arg(
        long,
        value_name = "T",
        default_value = shown(Hits::default().tolerance),
        allow_negative_numbers = true,
        help_heading = "HITS"
    )]
    pub(crate) tolerance: f64,
    /// At most N iterations in --tolerance mode (networkx's max_iter)
    ///
    /// Reached without meeting the tolerance, the run reports `converged: false`.
    #[arg(long, value_name = "N", default_value_t = Hits::default().max_iterations, help_heading = "HITS")]
    pub(crate) max_iterations: u32,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `eddy jaccard` and `eddy adamic-adar`.
#[derive(Debug, Args)]
pub(crate) struct SimilarityArgs {
    /// The input graph.
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Keep only pairs scoring at least S [default: 0, every pair]
    ///
    /// Example: --min-score 0.5
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0.0,
        allow_negative_numbers = true,
        help_heading = "Similarity"
    )]
    pub(crate) min_score: f64,
    /// Keep only each vertex's K highest-scoring pairs [default: all]
    ///
    /// A pair stays when it is among the K best of either of its vertices (ties to the
    /// smaller other vertex). Example: --top 5
    #[arg(long, value_name = "K", help_heading = "Similarity")]
    pub(crate) top: Option<usize>,
    /// Runtime and output options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}
