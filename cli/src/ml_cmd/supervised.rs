//! `eddy logreg` and `eddy linreg`: train a logistic or linear regression on a training
//! set, score it on the training and the test set, and optionally save it.
//!
//! The data is a `--train` file with a `--test` file, or one table split at random (a
//! `--train` file, generated data, or the default: iris for logreg, `regression:1000:5`
//! for linreg) — stratified for classification. Unless `--no-standardize`, a
//! `StandardScaler` is fitted on the training rows and applied to both sets, and saved
//! with the model as an `eddy_ml::PipelineModel`.
//!
//! **Note**: the metrics are scikit-learn's: precision, recall and F1 are macro averages
//! over the classes of the set scored; ROC AUC is reported for two classes only, with the
//! larger class label as the positive one (the model's `classes[1]`), and is null when
//! the set scored holds one class only.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use eddy_datasets::ml_generators::FeatureSpec;
use eddy_ml::linear::{LinearModel, LinearRegression, LinearSolver};
use eddy_ml::logistic::{LogisticModel, LogisticRegression};
use eddy_ml::optim::Solver;
use eddy_ml::preprocessing::StandardScalerModel;
use eddy_ml::{Model, PipelineModel};
use serde_json::{Map, Value};

use super::{Report, check_destinations, default_label, first, table, target};
use crate::args::{LinregArgs, LinregSolver, LogregArgs, LogregSolver, MlRunArgs, SupervisedInputArgs};
use crate::input::table::TableSource;
use crate::jobs;
use crate::jobs::supervised::{
    CLASSIFICATION_METRICS, LinregJob, LogregJob, REGRESSION_METRICS, SplitSummary, SupervisedData,
    SupervisedPart, prepare_linreg, prepare_logreg,
};
use crate::progress::{Line, Progress};

/// linreg's data without `--train` and `--generate`.
const DEFAULT_REGRESSION: FeatureSpec = FeatureSpec::Regression { n: 1000, d: 5, noise: 1.0, seed: 42 };

/// What the report and `--output` need of a fitted model.
trait Fitted: Model {
    /// Optimiser iterations (epochs) run.
    fn iterations(&self) -> u32;
    /// Whether the optimiser met its tolerance.
    fn converged(&self) -> bool;
    /// Saves the model, after `scaler` if the features were standardised.
    fn save(&self, scaler: Option<&StandardScalerModel>, path: &Path) -> eddy_ml::Result<()>;
}

macro_rules! fitted {
    ($($model:ty),*) => {$(
        impl Fitted for $model {
            fn iterations(&self) -> u32 {
                self.iterations
            }

            fn converged(&self) -> bool {
                self.converged
            }

            fn save(&self, scaler: Option<&StandardScalerModel>, path: &Path) -> eddy_ml::Result<()> {
                match scaler {
                    Some(scaler) => eddy_ml::save_model(&PipelineModel { first: scaler, then: self }, path),
                    None => eddy_ml::save_model(self, path),
                }
            }
        }
    )*};
}

fitted!(LogisticModel, LinearModel);

/// Trains and reports logistic regression.
///
/// # Errors
/// Invalid parameters, unreadable or malformed data, fewer than two classes, a runtime
/// failure, or a model file that cannot be written (then none exists).
pub(crate) fn run_logreg(args: &LogregArgs) -> Result<()> {
    let solver = match args.solver {
        LogregSolver::Lbfgs => Solver::Lbfgs,
        LogregSolver::Gd => Solver::GradientDescent { learning_rate: args.learning_rate },
    };
    let params = LogisticRegression::new()
        .c(args.c)
        .solver(solver)
        .max_iterations(args.max_iterations)
        .tolerance(args.tolerance);
    params.validate()?;
    let data = supervised_data(&args.data, args.output.as_ref(), TableSource::Iris)?;
    let job = LogregJob { data, params };
    let trained = train(&args.run, "logreg", job, prepare_logreg)?;
    let (model, split) = (&trained.model, &trained.split);
    let mut report = Report::new("logreg", split.description.clone());
    report.json_field("train_rows", split.train_rows).json_field("test_rows", split.test_rows);
    report.json_field("features", split.features).field("classes", model.classes.len());
    report.field("standardized", !args.data.no_standardize);
    report.field("solver", format!("{:?}", args.solver).to_lowercase()).field("c", args.c);
    trained.finish(report, &CLASSIFICATION_METRICS, &args.run, args.output.as_ref())
}

/// Trains and reports linear regression.
///
/// # Errors
/// Invalid parameters, unreadable or malformed data, a singular system, a runtime
/// failure, or a model file that cannot be written (then none exists).
pub(crate) fn run_linreg(args: &LinregArgs) -> Result<()> {
    let solver = match args.solver {
        LinregSolver::Normal => LinearSolver::NormalEquations,
        LinregSolver::Lbfgs => LinearSolver::Lbfgs,
        LinregSolver::Gd => {
            LinearSolver::GradientDescent { learning_rate: args.learning_rate.unwrap_or(1.0) }
        }
        LinregSolver::Sgd => LinearSolver::Sgd {
            batch_size: args.batch_size,
            learning_rate: args.learning_rate.unwrap_or(0.01),
        },
    };
    let params = LinearRegression::new()
        .alpha(args.alpha)
        .solver(solver)
        .max_iterations(args.max_iterations)
        .tolerance(args.tolerance)
        .seed(args.data.seed);
    params.validate()?;
    let fallback = TableSource::Generated(DEFAULT_REGRESSION);
    let data = supervised_data(&args.data, args.output.as_ref(), fallback)?;
    let job = LinregJob { data, params };
    let trained = train(&args.run, "linreg", job, prepare_linreg)?;
    let split = &trained.split;
    let mut report = Report::new("linreg", split.description.clone());
    report.json_field("train_rows", split.train_rows).json_field("test_rows", split.test_rows);
    report.json_field("features", split.features);
    report.field("standardized", !args.data.no_standardize);
    report.field("solver", format!("{:?}", args.solver).to_lowercase()).field("alpha", args.alpha);
    trained.finish(report, &REGRESSION_METRICS, &args.run, args.output.as_ref())
}

/// A trained model with its scores, ready to be saved and reported.
struct Trained<M> {
    model: M,
    split: SplitSummary,
    scores: [Vec<Option<f64>>; 2],
    scaler: Option<StandardScalerModel>,
    load: Duration,
    compute: Duration,
    parallelism: usize,
}

/// The data a supervised command's arguments name (a file without `--label` gets
/// [`default_label`]), after checking the output destination.
///
/// # Errors
/// A malformed spec or label column; an output that cannot be written.
fn supervised_data(
    data: &SupervisedInputArgs,
    output: Option<&PathBuf>,
    fallback: TableSource,
) -> Result<SupervisedData> {
    let mut source = TableSource::from_args(
        data.train.as_deref(),
        data.label.as_deref(),
        data.generate.as_deref(),
        fallback,
    )?;
    if let TableSource::File { path, label: label @ None } = &mut source {
        *label = Some(default_label(path));
    }
    check_destinations(&[("--output", output)])?;
    Ok(SupervisedData {
        source,
        test: data.test.clone(),
        test_fraction: data.test_fraction,
        seed: data.seed,
        standardize: !data.no_standardize,
    })
}

/// Runs supervised job `name` (the progress line following the optimiser) and takes
/// worker 0's part.
fn train<P, W, M>(
    run: &MlRunArgs,
    name: &'static str,
    job: P,
    prepare: impl FnOnce(P) -> eddy_core::Result<W>,
) -> Result<Trained<M>>
where
    P: serde::Serialize,
    W: Fn(&eddy_core::Worker) -> eddy_core::Result<SupervisedPart<M>> + Sync,
    SupervisedPart<M>: serde::de::DeserializeOwned + Send,
{
    let progress = Progress::new(name, run.quiet, None);
    progress.stage("loading");
    let target = target(run, &progress, Line::OPTIMISER)?;
    let parts = jobs::run(&target, name, job, prepare, || progress.stage("training"))?;
    let SupervisedPart { model, scores, split, scaler, load, compute } = first(parts)?;
    let scores = scores.context("internal error: worker 0 returned no scores")?;
    drop(progress);
    Ok(Trained { model, split, scores, scaler, load, compute, parallelism: target.parallelism() })
}

impl<M: Fitted> Trained<M> {
    /// Saves the model (with the scaler, if any) and prints the report: `report`'s facts,
    /// then iterations, the scores on both sets (`metrics` names them, in order), timings.
    fn finish(
        &self,
        mut report: Report,
        metrics: &[&str],
        run: &MlRunArgs,
        output: Option<&PathBuf>,
    ) -> Result<()> {
        let scores = self
            .scores
            .clone()
            .map(|set| set.into_iter().map(|v| v.map_or(Value::Null, Value::from)).collect::<Vec<_>>());
        if let Some(path) = output {
            self.model.save(self.scaler.as_ref(), path).context("cannot save the model")?;
        }
        report.field("iterations", self.model.iterations()).field("converged", self.model.converged());
        for (key, values) in ["train", "test"].into_iter().zip(&scores) {
            let object: Map<String, Value> =
                metrics.iter().zip(values).map(|(m, v)| ((*m).to_owned(), v.clone())).collect();
            report.json_field(key, object);
        }
        // A metric undefined on both sets (ROC AUC of more than two classes) has no row.
        let rows: Vec<(&str, Vec<Value>)> = metrics
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, vec![scores[0][i].clone(), scores[1][i].clone()]))
            .filter(|(_, values)| values.iter().any(|v| !v.is_null()))
            .collect();
        report.section(table(&["train", "test"], &rows));
        report.finish(self.load, self.compute, self.parallelism, &[("output", output)]);
        report.print(run.json)
    }
}
