//! The `kmeans` job: parameters, per-process preparation and each worker's part.
//!
//! Preparation loads the table ([`load_table`]: a CSV file, generated blobs or iris) and
//! checks the parameters against it; in the body every worker takes its contiguous share
//! of the rows ([`RowPartition`]) and runs [`kmeans::fit_partition`], which all-reduces
//! per-block partial results in block order — every worker ends with the same model, bit
//! for bit the same for every parallelism — and returns the cluster of each of its rows.
//!
//! **Note**: initial centroids from a file travel in the parameters (they are small and
//! fix `k`, which the client needs first), the data set never does.

use std::time::{Duration, Instant};

use eddy_core::Worker;
use eddy_ml::RowPartition;
use eddy_ml::kmeans::{self, Init, KMeans, KMeansModel};
use ndarray::s;
use serde::{Deserialize, Serialize};

use super::prepare_error;
use crate::input::table::{TableSource, load_table};

/// The parameters of job `kmeans`: the data and the estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct KMeansJob {
    /// The data.
    pub(crate) source: TableSource,
    /// The estimator, with the initial centroids when they come from a file.
    pub(crate) params: KMeans,
    /// `--init` as given, for the message when its centroids do not fit the data.
    pub(crate) init_flag: String,
}

/// What was clustered, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TableSummary {
    /// E.g. `points.csv (150 rows × 4 features, label "species")`.
    pub(crate) description: String,
    /// The feature column names.
    pub(crate) columns: Vec<String>,
    /// The label column's name, if the table has one.
    pub(crate) label_name: Option<String>,
    /// Rows.
    pub(crate) rows: usize,
    /// Features.
    pub(crate) features: usize,
}

/// One worker's part of the `kmeans` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct KMeansPart {
    /// The model (the same on every worker).
    pub(crate) model: KMeansModel,
    /// The cluster of each of this worker's rows, in row order.
    pub(crate) labels: Vec<u32>,
    /// The known label of each of this worker's rows, if the table has a label column.
    pub(crate) truth: Option<Vec<f64>>,
    /// The table.
    pub(crate) table: TableSummary,
    /// Loading the table, in the preparation.
    pub(crate) load: Duration,
    /// Clustering, on this worker's clock.
    pub(crate) compute: Duration,
}

/// Prepares job `kmeans` in this process: loads the table and checks the parameters
/// against it.
///
/// # Errors
/// An unreadable or malformed input (naming file and line), a label column that does
/// not exist, initial centroids with another number of columns than the data, invalid
/// parameters (`k` larger than the number of points). The body fails on a non-finite
/// value or a runtime failure.
pub(crate) fn prepare_kmeans(
    job: KMeansJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<KMeansPart> + Send + Sync + 'static> {
    let started = Instant::now();
    let loaded = load_table(&job.source).map_err(prepare_error)?;
    let load = started.elapsed();
    let params = job.params;
    let table = loaded.table;
    let x = table.features;
    if let Init::Centroids(c) = &params.init
        && c.ncols() != x.ncols()
    {
        return Err(prepare_error(anyhow::anyhow!(
            "--init {}: the centroids have {} columns, the data has {} features",
            job.init_flag,
            c.ncols(),
            x.ncols()
        )));
    }
    params.validate(x.nrows(), x.ncols()).map_err(|e| prepare_error(e.into()))?;
    let summary = TableSummary {
        description: loaded.description,
        columns: table.columns,
        label_name: table.label_name,
        rows: x.nrows(),
        features: x.ncols(),
    };
    let truth = table.labels;
    Ok(move |worker: &Worker| {
        let started = Instant::now();
        let part = RowPartition::new(worker, x.view(), None)?;
        let fit = kmeans::fit_partition(worker, &part, &params)?;
        let compute = started.elapsed();
        let rows = part.first_row()..part.first_row() + part.x().nrows();
        Ok(KMeansPart {
            model: fit.model,
            labels: fit.labels,
            truth: truth.as_ref().map(|y| y.slice(s![rows]).to_vec()),
            table: summary.clone(),
            load,
            compute,
        })
    })
}
