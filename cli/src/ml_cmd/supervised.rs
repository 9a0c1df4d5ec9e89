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
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use eddy_datasets::features::Table;
use eddy_datasets::ml_generators::FeatureSpec;
use eddy_ml::linear::{self, LinearModel, LinearRegression, LinearSolver};
use eddy_ml::logistic::{self, LogisticModel, LogisticRegression};
use eddy_ml::metrics::{self, Average};
use eddy_ml::optim::Solver;
use eddy_ml::preprocessing::{
    StandardScaler, StandardScalerModel, select_rows, stratified_split, train_test_split,
};
use eddy_ml::{Estimator, Model, PipelineModel, RowPartition, Transformer};
use ndarray::{Array1, Array2};
use serde_json::{Map, Value};

use super::{
    Report, TableSource, check_destinations, default_label, describe, execute, first, load_table, runtime,
    table,
};
use crate::args::{LinregArgs, LinregSolver, LogregArgs, LogregSolver, MlRunArgs, SupervisedInputArgs};
use crate::progress::{Line, Progress};

/// linreg's data without `--train` and `--generate`.
const DEFAULT_REGRESSION: FeatureSpec = FeatureSpec::Regression { n: 1000, d: 5, noise: 1.0, seed: 42 };

/// One set of rows: features and labels (class ids or targets).
struct Set {
    x: Array2<f64>,
    y: Array1<f64>,
}

/// The training and test sets, and what they are.
struct Split {
    train: Set,
    test: Set,
    description: String,
}

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
    let trained =
        train(&args.data, &args.run, args.output.as_ref(), TableSource::Iris, true, |worker, part| {
            logistic::fit_partition(worker, part, &params)
        })?;
    let (model, split) = (&trained.model, &trained.split);
    let mut report = Report::new("logreg", split.description.clone());
    report.json_field("train_rows", split.train.y.len()).json_field("test_rows", split.test.y.len());
    report.json_field("features", split.train.x.ncols()).field("classes", model.classes.len());
    report.field("standardized", !args.data.no_standardize);
    report.field("solver", format!("{:?}", args.solver).to_lowercase()).field("c", args.c);
    let scores = [
        classification_scores(model, &trained.train_x, &split.train.y)?,
        classification_scores(model, &trained.test_x, &split.test.y)?,
    ];
    trained.finish(
        report,
        &["accuracy", "precision", "recall", "f1", "roc_auc"],
        scores,
        &args.run,
        args.output.as_ref(),
    )
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
    let trained = train(&args.data, &args.run, args.output.as_ref(), fallback, false, |worker, part| {
        linear::fit_partition(worker, part, &params)
    })?;
    let (model, split) = (&trained.model, &trained.split);
    let mut report = Report::new("linreg", split.description.clone());
    report.json_field("train_rows", split.train.y.len()).json_field("test_rows", split.test.y.len());
    report.json_field("features", split.train.x.ncols());
    report.field("standardized", !args.data.no_standardize);
    report.field("solver", format!("{:?}", args.solver).to_lowercase()).field("alpha", args.alpha);
    let scores = [
        regression_scores(model, &trained.train_x, &split.train.y)?,
        regression_scores(model, &trained.test_x, &split.test.y)?,
    ];
    trained.finish(report, &["rmse", "r2"], scores, &args.run, args.output.as_ref())
}

/// A trained model with its data, ready to be scored, saved and reported.
struct Trained<M> {
    model: M,
    split: Split,
    /// The features the model sees (standardised or not).
    train_x: Array2<f64>,
    test_x: Array2<f64>,
    scaler: Option<StandardScalerModel>,
    load: Duration,
    compute: Duration,
    parallelism: usize,
}

/// Loads and splits the data, standardises it unless asked not to, and fits the model
/// with `fit` as an SPMD job (the progress line following the optimiser).
fn train<M: Fitted + Send>(
    data: &SupervisedInputArgs,
    run: &MlRunArgs,
    output: Option<&PathBuf>,
    fallback: TableSource,
    stratify: bool,
    fit: impl Fn(&eddy_core::Worker, &RowPartition<'_>) -> eddy_ml::Result<M> + Sync,
) -> Result<Trained<M>> {
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
    let name = if stratify { "logreg" } else { "linreg" };
    let progress = Progress::new(name, run.quiet, None);
    progress.stage("loading");
    let started = Instant::now();
    let split = load_split(&source, data, stratify)?;
    let load = started.elapsed();

    let runtime = runtime(run, &progress, Line::OPTIMISER)?;
    progress.stage("training");
    let started = Instant::now();
    let (scaler, train_x, test_x) = if data.no_standardize {
        (None, split.train.x.clone(), split.test.x.clone())
    } else {
        let scaler =
            StandardScaler::new().parallelism(runtime.parallelism()).fit(split.train.x.view(), None)?;
        let (train_x, test_x) =
            (scaler.transform(split.train.x.view())?, scaler.transform(split.test.x.view())?);
        (Some(scaler), train_x, test_x)
    };
    let (x, y) = (train_x.view(), split.train.y.view());
    let (models, _) = execute(&runtime, |worker| {
        let part = RowPartition::new(worker, x, Some(y))?;
        fit(worker, &part)
    })?;
    let model = first(models)?;
    let compute = started.elapsed();
    drop(progress);
    Ok(Trained { model, split, train_x, test_x, scaler, load, compute, parallelism: runtime.parallelism() })
}

impl<M: Fitted> Trained<M> {
    /// Saves the model (with the scaler, if any) and prints the report: `report`'s facts,
    /// then iterations, the scores on both sets (`metrics` names them, in order), timings.
    fn finish(
        &self,
        mut report: Report,
        metrics: &[&str],
        scores: [Vec<Value>; 2],
        run: &MlRunArgs,
        output: Option<&PathBuf>,
    ) -> Result<()> {
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

/// The training and test sets: two files, or one table split at random.
fn load_split(source: &TableSource, data: &SupervisedInputArgs, stratify: bool) -> Result<Split> {
    let loaded = load_table(source)?;
    let train = labelled(loaded.table)?;
    if let Some(path) = &data.test {
        let test_source = TableSource::File { path: path.clone(), label: label_of(source) };
        let test_loaded = load_table(&test_source)?;
        let test = labelled(test_loaded.table)?;
        if test.x.ncols() != train.x.ncols() {
            bail!(
                "the test file {} has {} features, the training file {}",
                path.display(),
                test.x.ncols(),
                train.x.ncols()
            );
        }
        let description = format!("{}; test {}", loaded.description, test_loaded.description);
        return Ok(Split { train, test, description });
    }
    let (train_rows, test_rows) = if stratify {
        stratified_split(&train.y, data.test_fraction, data.seed)?
    } else {
        train_test_split(train.y.len(), data.test_fraction, data.seed)?
    };
    let pick = |rows: &[usize]| -> Result<Set> {
        Ok(Set { x: select_rows(train.x.view(), rows)?, y: select_rows(train.y.view(), rows)? })
    };
    let kind = if stratify { "stratified " } else { "" };
    let description = format!(
        "{}, {kind}split {} train / {} test (seed {})",
        loaded.description,
        train_rows.len(),
        test_rows.len(),
        data.seed
    );
    Ok(Split { train: pick(&train_rows)?, test: pick(&test_rows)?, description })
}

/// The label column of a file source, for reading the test file the same way.
fn label_of(source: &TableSource) -> Option<eddy_datasets::features::LabelColumn> {
    match source {
        TableSource::File { label, .. } => label.clone(),
        _ => None,
    }
}

/// The features and labels of a table that has labels.
fn labelled(table: Table) -> Result<Set> {
    let description = describe("the data", &table);
    match table.labels {
        Some(y) => Ok(Set { x: table.features, y }),
        None => bail!("{description} has no label column"),
    }
}

/// Accuracy, macro precision / recall / F1, and ROC AUC (two classes; null otherwise or
/// with one class present).
fn classification_scores(model: &LogisticModel, x: &Array2<f64>, y: &Array1<f64>) -> Result<Vec<Value>> {
    let predicted = model.predict(x.view())?;
    let prf = metrics::precision_recall_f1(y, &predicted, Average::Macro)?;
    let auc = match model.classes.as_slice() {
        [_, positive] => {
            let truth: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v == *positive))).collect();
            let scores = model.predict_proba(x.view())?.column(1).to_owned();
            metrics::roc_auc(&truth, &scores).map_or(Value::Null, Value::from)
        }
        _ => Value::Null,
    };
    Ok(vec![
        metrics::accuracy(y, &predicted)?.into(),
        prf.precision.into(),
        prf.recall.into(),
        prf.f1.into(),
        auc,
    ])
}

/// RMSE and R² (null when undefined, e.g. a single test row).
fn regression_scores(model: &LinearModel, x: &Array2<f64>, y: &Array1<f64>) -> Result<Vec<Value>> {
    let predicted = model.predict(x.view())?;
    let r2 = metrics::r2(y, &predicted).map_or(Value::Null, Value::from);
    Ok(vec![metrics::rmse(y, &predicted)?.into(), r2])
}
