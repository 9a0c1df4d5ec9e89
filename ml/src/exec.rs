//! Running an SPMD trainer on the local runtime, for the [`crate::Estimator`] front ends.

use eddy_core::Worker;
use eddy_runtime::LocalRuntime;
use ndarray::{ArrayView1, ArrayView2};

use crate::error::from_job;
use crate::{Error, Result, RowPartition};

/// Runs `job` on `parallelism` workers (one per core, or `EDDY_PARALLELISM`, when `None`)
/// and returns every worker's result, in worker order.
pub(crate) fn run_all<R: Send>(
    parallelism: Option<usize>,
    job: impl Fn(&Worker) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let runtime = match parallelism {
        Some(p) => LocalRuntime::with_parallelism(p),
        None => LocalRuntime::from_env(),
    }?;
    runtime.execute(|worker| job(worker).map_err(eddy_core::Error::from)).map_err(from_job)
}

/// Like [`run_all`], for jobs whose result is the same on every worker: worker 0's result.
pub(crate) fn run<R: Send>(
    parallelism: Option<usize>,
    job: impl Fn(&Worker) -> Result<R> + Sync,
) -> Result<R> {
    first(run_all(parallelism, job)?)
}

/// Fits on the local runtime: each worker takes its [`RowPartition`] of `x` (row-major;
/// copied once first if it is not) and `y`, and runs `fit` on it. Every worker's result,
/// in worker order.
///
/// # Errors
/// What `fit` returns; invalid data ([`RowPartition::new`]); a runtime failure.
pub(crate) fn fit_rows_all<R: Send>(
    parallelism: Option<usize>,
    x: ArrayView2<'_, f64>,
    y: Option<ArrayView1<'_, f64>>,
    fit: impl Fn(&Worker, &RowPartition<'_>) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let x = x.as_standard_layout();
    let view = x.view();
    run_all(parallelism, |worker| fit(worker, &RowPartition::new(worker, view, y)?))
}

/// Like [`fit_rows_all`], for a trainer whose result is the same on every worker: worker
/// 0's result.
///
/// # Errors
/// As [`fit_rows_all`].
pub(crate) fn fit_rows<R: Send>(
    parallelism: Option<usize>,
    x: ArrayView2<'_, f64>,
    y: Option<ArrayView1<'_, f64>>,
    fit: impl Fn(&Worker, &RowPartition<'_>) -> Result<R> + Sync,
) -> Result<R> {
    first(fit_rows_all(parallelism, x, y, fit)?)
}

/// Like [`fit_rows`] for a supervised trainer whose result is the same on every
/// worker: requires `y` (naming the trainer in the error) and returns worker 0's result.
///
/// # Errors
/// As [`fit_rows_all`]; [`Error::InvalidInput`] without `y`.
pub(crate) fn fit_supervised<R: Send>(
    trainer: &str,
    parallelism: Option<usize>,
    x: ArrayView2<'_, f64>,
    y: Option<ArrayView1<'_, f64>>,
    fit: impl Fn(&Worker, &RowPartition<'_>) -> Result<R> + Sync,
) -> Result<R> {
    let y = y.ok_or_else(|| Error::InvalidInput(format!("{trainer} needs targets (y)")))?;
    fit_rows(parallelism, x, Some(y), fit)
}

fn first<R>(results: Vec<R>) -> Result<R> {
    results.into_iter().next().ok_or_else(|| Error::Runtime(eddy_core::Error::Internal("no workers".into())))
}
