//! The arguments of the ML commands: `eddy kmeans`, `logreg`, `linreg` and `als`, and
//! the data and run options they share.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use eddy_ml::als::Als;
use eddy_ml::kmeans::KMeans;
use eddy_ml::linear::{LinearRegression, LinearSolver};
use eddy_ml::logistic::LogisticRegression;
use eddy_ml::optim::Solver;

use super::{ClusterArgs, shown};

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

/// The help of `--k`, whose default (the estimator's) yields to an `--init FILE`.
fn k_help(long: bool) -> String {
    let short =
        format!("The number of clusters [default: {}, or the rows of an --init FILE]", KMeans::default().k);
    if long { format!("{short}\n\nAt most the number of points. Example: --k 3") } else { short }
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
    #[arg(
        long,
        short = 'k',
        value_name = "K",
        help = k_help(false),
        long_help = k_help(true),
        help_heading = "k-means"
    )]
    pub(crate) k: Option<usize>,
    /// How to choose the initial centroids: k-means++, k-means||, random or a FILE
    ///
    /// k-means++ (greedy, as scikit-learn), k-means|| (scalable k-means++), random (k
    /// distinct points), or a CSV FILE of initial centroids, one per line, as many columns
    /// as features (no label); its row count is k. Example: --init start.csv
    #[arg(long, value_name = "INIT", default_value_t = KMeans::default().init.to_string(), help_heading = "k-means")]
    pub(crate) init: String,
    /// At most N Lloyd iterations
    ///
    /// Reached first, the run reports `converged: false`. Example: --iterations 50
    #[arg(long, value_name = "N", default_value_t = KMeans::default().max_iterations, help_heading = "k-means")]
    pub(crate) iterations: u32,
    /// Stop when the centroids move less than T, relative to the data's variance
    ///
    /// scikit-learn's relative tolerance: stop when the sum of the squared centroid shifts
    /// is at most T × the mean variance of the features (or when no point changed cluster).
    /// 0 runs until no centroid moves, or --iterations. Example: --tolerance 0
    #[arg(long, value_name = "T", default_value = shown(KMeans::default().tolerance), help_heading = "k-means")]
    pub(crate) tolerance: f64,
    /// Seed of the initialisation
    ///
    /// The same seed gives the same clustering for every --parallelism. Example: --seed 7
    #[arg(long, value_name = "S", default_value_t = KMeans::default().seed, help_heading = "k-means")]
    pub(crate) seed: u64,
    /// Initialisations to try; the clustering with the lowest inertia wins
    ///
    /// Run r uses seed S + r. Ignored with a centroid FILE. Example: --n-init 10
    #[arg(long, value_name = "N", default_value_t = KMeans::default().n_init, help_heading = "k-means")]
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

impl From<Solver> for LogregSolver {
    fn from(solver: Solver) -> Self {
        match solver {
            Solver::Lbfgs => LogregSolver::Lbfgs,
            Solver::GradientDescent { .. } => LogregSolver::Gd,
        }
    }
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
    #[arg(long, value_name = "C", default_value_t = LogisticRegression::default().c, help_heading = "Logistic regression")]
    pub(crate) c: f64,
    /// The optimiser
    #[arg(
        long,
        value_enum,
        default_value_t = LogregSolver::from(LogisticRegression::default().solver),
        help_heading = "Logistic regression"
    )]
    pub(crate) solver: LogregSolver,
    /// First step size of --solver gd, > 0
    ///
    /// Halved until the objective decreases enough, doubled again after a success.
    #[arg(long, value_name = "ETA", default_value_t = 1.0, help_heading = "Logistic regression")]
    pub(crate) learning_rate: f64,
    /// At most N optimiser iterations
    ///
    /// Reached first, the run reports `converged: false`.
    #[arg(
        long,
        value_name = "N",
        default_value_t = LogisticRegression::default().max_iterations,
        help_heading = "Logistic regression"
    )]
    pub(crate) max_iterations: u32,
    /// Stop when the gradient's max-norm (of the mean objective) is at most T
    #[arg(
        long,
        value_name = "T",
        default_value = shown(LogisticRegression::default().tolerance),
        help_heading = "Logistic regression"
    )]
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

impl From<LinearSolver> for LinregSolver {
    fn from(solver: LinearSolver) -> Self {
        match solver {
            LinearSolver::NormalEquations => LinregSolver::Normal,
            LinearSolver::Lbfgs => LinregSolver::Lbfgs,
            LinearSolver::GradientDescent { .. } => LinregSolver::Gd,
            LinearSolver::Sgd { .. } => LinregSolver::Sgd,
        }
    }
}

/// Arguments of `eddy linreg`.
#[derive(Debug, Args)]
pub(crate) struct LinregArgs {
    /// The data.
    #[command(flatten)]
    pub(crate) data: SupervisedInputArgs,
    /// L2 penalty α (scikit-learn's Ridge alpha), >= 0; 0 is ordinary least squares
    #[arg(long, value_name = "A", default_value_t = LinearRegression::default().alpha, help_heading = "Linear regression")]
    pub(crate) alpha: f64,
    /// The solver; all reach the same minimiser
    #[arg(
        long,
        value_enum,
        default_value_t = LinregSolver::from(LinearRegression::default().solver),
        help_heading = "Linear regression"
    )]
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
        default_value_t = LinearRegression::default().max_iterations,
        help_heading = "Linear regression"
    )]
    pub(crate) max_iterations: u32,
    /// Stop when the gradient's max-norm (sgd: the objective's relative decrease over an
    /// epoch) is at most T
    #[arg(
        long,
        value_name = "T",
        default_value = shown(LinearRegression::default().tolerance),
        help_heading = "Linear regression"
    )]
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
    #[arg(long, value_name = "R", default_value_t = Als::default().rank, help_heading = "ALS")]
    pub(crate) rank: usize,
    /// The regularisation λ, >= 0, multiplied by each user's and item's rating count (ALS-WR)
    #[arg(long, value_name = "L", default_value_t = Als::default().regularization, help_heading = "ALS")]
    pub(crate) regularization: f64,
    /// ALS iterations (each updates every user, then every item)
    #[arg(long, value_name = "N", default_value_t = Als::default().max_iterations, help_heading = "ALS")]
    pub(crate) iterations: u32,
    /// Seed of the initial factors and of the train/test split
    #[arg(long, value_name = "S", default_value_t = Als::default().seed, help_heading = "ALS")]
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
