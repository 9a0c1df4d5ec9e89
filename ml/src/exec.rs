//! Running an SPMD trainer on the local runtime, for the [`crate::Estimator`] front ends.

use eddy_core::Worker;
use eddy_runtime::LocalRuntime;

use crate::error::from_job;
use crate::{Error, Result};

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
    run_all(parallelism, job)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Runtime(eddy_core::Error::Internal("no workers".into())))
}
