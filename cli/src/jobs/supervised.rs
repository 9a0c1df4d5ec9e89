//! The `logreg` and `linreg` jobs: parameters, per-process preparation and each worker's
//! part.
//!
//! Preparation loads the data — a training file with a test file, or one table split at
//! random with the seed (stratified for classification) — and, unless told not to,
//! fits a `StandardScaler` on the training rows and applies it to both sets. In the body
//! every worker trains on its [`RowPartition`] of the training rows (the trainer's
//! `fit_partition`: the same model on every worker, for every parallelism); worker 0
//! then scores the model on both sets.
//!
//! **Note**: every process prepares the same sets: the split is seeded and the scaler's
//! statistics are folded in block order, the same bit for bit whatever the number of
//! threads that fit it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use eddy_core::Worker;
use eddy_datasets::features::{LabelColumn, Table};
use eddy_ml::linear::{self, LinearModel, LinearRegression};
use eddy_ml::logistic::{self, LogisticModel, LogisticRegression};
use eddy_ml::metrics::{self, Average};
use eddy_ml::preprocessing::{
    StandardScaler, StandardScalerModel, select_rows, stratified_split, train_test_split,
};
use eddy_ml::{Estimator, Model, RowPartition, Transformer};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::prepare_error;
use crate::input::table::{TableSource, describe, load_table};

/// The data of a supervised job and how it is prepared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SupervisedData {
    /// The training table (with its label column), or the table to split.
    pub(crate) source: TableSource,
    /// A test file, read like a training file; without one the table is split.
    pub(crate) test: Option<PathBuf>,
    /// The share of rows held out for testing when the table is split.
    pub(crate) test_fraction: f64,
    /// Seed of the split.
    pub(crate) seed: u64,
    /// Standardise the features (fitted on the training rows).
    pub(crate) standardize: bool,
}

/// The parameters of job `logreg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LogregJob {
    /// The data (split stratified by class).
    pub(crate) data: SupervisedData,
    /// The estimator.
    pub(crate) params: LogisticRegression,
}

/// The parameters of job `linreg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LinregJob {
    /// The data.
    pub(crate) data: SupervisedData,
    /// The estimator.
    pub(crate) params: LinearRegression,
}

/// What the sets are, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SplitSummary {
    /// The files or the table and its split, for people.
    pub(crate) description: String,
    /// Training rows.
    pub(crate) train_rows: usize,
    /// Test rows.
    pub(crate) test_rows: usize,
    /// Features.
    pub(crate) features: usize,
}

/// One worker's part of a supervised job's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SupervisedPart<M> {
    /// The model (the same on every worker).
    pub(crate) model: M,
    /// Worker 0: the scores on the training and the test set, in the job's metric order
    /// (`None` where a metric is undefined).
    pub(crate) scores: Option<[Vec<Option<f64>>; 2]>,
    /// The sets.
    pub(crate) split: SplitSummary,
    /// The scaler the features went through, if standardised.
    pub(crate) scaler: Option<StandardScalerModel>,
    /// Loading and splitting, in the preparation.
    pub(crate) load: Duration,
    /// Standardising (in the preparation) and training (on this worker's clock).
    pub(crate) compute: Duration,
}

/// The metrics job `logreg` scores, in [`SupervisedPart::scores`] order.
pub(crate) const CLASSIFICATION_METRICS: [&str; 5] = ["accuracy", "precision", "recall", "f1", "roc_auc"];

/// The metrics job `linreg` scores, in [`SupervisedPart::scores`] order.
pub(crate) const REGRESSION_METRICS: [&str; 2] = ["rmse", "r2"];

/// Prepares job `logreg` in this process: loads, splits and standardises the data.
///
/// # Errors
/// Unreadable or malformed data, a table without labels, a test file with other
/// features, a split that cannot be stratified. The body fails on fewer than two classes
/// or a runtime failure.
pub(crate) fn prepare_logreg(
    job: LogregJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<SupervisedPart<LogisticModel>> + Send + Sync + 'static,
> {
    let params = job.params;
    prepare(
        job.data,
        true,
        move |worker, part| logistic::fit_partition(worker, part, &params),
        classification_scores,
    )
}

/// Prepares job `linreg` in this process: loads, splits and standardises the data.
///
/// # Errors
/// As [`prepare_logreg`], without classes; the body fails on a singular system or a
/// runtime failure.
pub(crate) fn prepare_linreg(
    job: LinregJob,
) -> eddy_core::Result<
    impl Fn(&Worker) -> eddy_core::Result<SupervisedPart<LinearModel>> + Send + Sync + 'static,
> {
    let params = job.params;
    prepare(
        job.data,
        false,
        move |worker, part| linear::fit_partition(worker, part, &params),
        regression_scores,
    )
}

/// Scores a model on a set: one value per metric, `None` where it is undefined.
type Scorer<M> = fn(&M, &Array2<f64>, &Array1<f64>) -> eddy_ml::Result<Vec<Option<f64>>>;

/// Loads and splits the data, standardises it unless asked not to, and returns the body
/// that fits the model with `fit` and scores it with `score` (worker 0).
fn prepare<M: 'static>(
    data: SupervisedData,
    stratify: bool,
    fit: impl Fn(&Worker, &RowPartition<'_>) -> eddy_ml::Result<M> + Send + Sync + 'static,
    score: Scorer<M>,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<SupervisedPart<M>> + Send + Sync + 'static> {
    let started = Instant::now();
    let split = load_split(&data, stratify).map_err(prepare_error)?;
    let load = started.elapsed();
    let started = Instant::now();
    let Split { train, test, description } = split;
    let (scaler, train_x, test_x) = if data.standardize {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let scale = || -> eddy_ml::Result<_> {
            let scaler = StandardScaler::new().parallelism(threads).fit(train.x.view(), None)?;
            let (train_x, test_x) = (scaler.transform(train.x.view())?, scaler.transform(test.x.view())?);
            Ok((Some(scaler), train_x, test_x))
        };
        scale().map_err(|e| prepare_error(e.into()))?
    } else {
        (None, train.x, test.x)
    };
    let standardize = started.elapsed();
    let summary = SplitSummary {
        description,
        train_rows: train.y.len(),
        test_rows: test.y.len(),
        features: train_x.ncols(),
    };
    let (train_y, test_y) = (train.y, test.y);
    Ok(move |worker: &Worker| {
        let started = Instant::now();
        let part = RowPartition::new(worker, train_x.view(), Some(train_y.view()))?;
        let model = fit(worker, &part)?;
        let compute = standardize + started.elapsed();
        let scores = if worker.index() == 0 {
            Some([score(&model, &train_x, &train_y)?, score(&model, &test_x, &test_y)?])
        } else {
            None
        };
        Ok(SupervisedPart { model, scores, split: summary.clone(), scaler: scaler.clone(), load, compute })
    })
}

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

/// The training and test sets: two files, or one table split at random.
fn load_split(data: &SupervisedData, stratify: bool) -> Result<Split> {
    let loaded = load_table(&data.source)?;
    let train = labelled(loaded.table)?;
    if let Some(path) = &data.test {
        let test_source = TableSource::File { path: path.clone(), label: label_of(&data.source) };
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
fn label_of(source: &TableSource) -> Option<LabelColumn> {
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

/// Accuracy, macro precision / recall / F1, and ROC AUC (two classes; `None` otherwise
/// or with one class present).
fn classification_scores(
    model: &LogisticModel,
    x: &Array2<f64>,
    y: &Array1<f64>,
) -> eddy_ml::Result<Vec<Option<f64>>> {
    let predicted = model.predict(x.view())?;
    let prf = metrics::precision_recall_f1(y, &predicted, Average::Macro)?;
    let auc = match model.classes.as_slice() {
        [_, positive] => {
            let truth: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v == *positive))).collect();
            let scores = model.predict_proba(x.view())?.column(1).to_owned();
            metrics::roc_auc(&truth, &scores).ok()
        }
        _ => None,
    };
    Ok(vec![
        Some(metrics::accuracy(y, &predicted)?),
        Some(prf.precision),
        Some(prf.recall),
        Some(prf.f1),
        auc,
    ])
}

/// RMSE and R² (`None` when undefined, e.g. a single test row).
fn regression_scores(
    model: &LinearModel,
    x: &Array2<f64>,
    y: &Array1<f64>,
) -> eddy_ml::Result<Vec<Option<f64>>> {
    let predicted = model.predict(x.view())?;
    Ok(vec![Some(metrics::rmse(y, &predicted)?), metrics::r2(y, &predicted).ok()])
}
