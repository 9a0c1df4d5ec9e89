//! Jobs by name: how one binary runs the same job locally and in cluster mode.
//!
//! Every Eddy process — the submitting client, the JobManager, each TaskManager — is the
//! same binary, so a job never travels as code: it is a *name* registered in a
//! [`JobRegistry`] plus *parameters* serialized with postcard ([`JobRequest`]). Running a
//! job has two stages:
//! 1. **prepare**, once per process: decode the parameters and do what the process's
//!    workers can share — read the input file, generate the graph;
//! 2. **run**, once per worker: the SPMD job body; its result is serialized and the
//!    submitter receives every worker's result in worker order ([`decode_results`]).
//!
//! Locally, [`JobRegistry::run_local`] prepares once and runs on a [`LocalRuntime`]; a
//! TaskManager prepares once per job and runs its slots' workers. Both give the same
//! bytes for the same parallelism.
//!
//! ```
//! use eddy_runtime::LocalRuntime;
//! use eddy_runtime::jobs::{JobRegistry, JobRequest, decode_results};
//!
//! let mut registry = JobRegistry::new();
//! // Parameters: how many numbers to sum; per-process preparation: none.
//! registry.register("sum", |n: u64| {
//!     Ok(move |worker: &eddy_core::Worker| worker.generate(n, |i| i).aggregate(0u64, |a, x| a + x, |a, b| a + b))
//! });
//! let request = JobRequest::new("sum", &100u64)?;
//! let results = registry.run_local(&LocalRuntime::with_parallelism(2)?, &request)?;
//! assert_eq!(decode_results::<u64>(results)?, vec![4950, 4950]);
//! # Ok::<(), eddy_core::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use eddy_core::{Error, Result, Worker};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::LocalRuntime;

/// A job prepared in one process: runs on each of the process's workers and returns the
/// worker's result, serialized.
pub type PreparedJob = Box<dyn Fn(&Worker) -> Result<Vec<u8>> + Send + Sync>;

type Prepare = dyn Fn(&[u8]) -> Result<PreparedJob> + Send + Sync;

/// The jobs this binary can run, by name.
#[derive(Clone, Default)]
pub struct JobRegistry {
    jobs: BTreeMap<String, Arc<Prepare>>,
}

impl std::fmt::Debug for JobRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobRegistry").field("jobs", &self.names()).finish()
    }
}

impl JobRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        JobRegistry::default()
    }

    /// Registers job `name`: `prepare` receives the decoded parameters once per process
    /// and returns the per-worker body, whose result is sent back to the submitter.
    /// A later registration of the same name replaces the earlier one.
    pub fn register<P, R, W>(
        &mut self,
        name: impl Into<String>,
        prepare: impl Fn(P) -> Result<W> + Send + Sync + 'static,
    ) -> &mut Self
    where
        P: DeserializeOwned,
        R: Serialize,
        W: Fn(&Worker) -> Result<R> + Send + Sync + 'static,
    {
        let name = name.into();
        let job_name = name.clone();
        let prepare = move |bytes: &[u8]| -> Result<PreparedJob> {
            let params: P = postcard::from_bytes(bytes).map_err(|e| Error::InvalidParameter {
                name: "job parameters",
                reason: format!("the parameters of job {job_name:?} do not decode: {e}"),
            })?;
            let body = prepare(params)?;
            Ok(Box::new(move |worker: &Worker| Ok(postcard::to_stdvec(&body(worker)?)?)))
        };
        self.jobs.insert(name, Arc::new(prepare));
        self
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.jobs.keys().map(String::as_str).collect()
    }

    /// Prepares `request` in this process.
    ///
    /// # Errors
    /// An unknown job name, parameters that do not decode, or the job's own preparation
    /// error (e.g. an unreadable input file).
    pub fn prepare(&self, request: &JobRequest) -> Result<PreparedJob> {
        let prepare = self.jobs.get(&request.name).ok_or_else(|| Error::InvalidParameter {
            name: "job",
            reason: format!("no job named {:?}; this binary knows {}", request.name, self.names().join(", ")),
        })?;
        prepare(&request.params)
    }

    /// Runs `request` on `runtime`: prepared once, run on every worker. Every worker's
    /// serialized result, in worker order.
    ///
    /// # Errors
    /// As [`JobRegistry::prepare`] and [`LocalRuntime::execute`].
    pub fn run_local(&self, runtime: &LocalRuntime, request: &JobRequest) -> Result<Vec<Vec<u8>>> {
        let job = self.prepare(request)?;
        runtime.execute(|worker| job(worker))
    }
}

/// A job to run: its registered name and its serialized parameters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobRequest {
    /// The registered job name.
    pub name: String,
    /// The parameters, postcard-encoded.
    pub params: Vec<u8>,
}

impl JobRequest {
    /// A request for job `name` with `params`.
    ///
    /// # Errors
    /// Parameters that cannot be serialized.
    pub fn new<P: Serialize>(name: impl Into<String>, params: &P) -> Result<Self> {
        Ok(JobRequest { name: name.into(), params: postcard::to_stdvec(params)? })
    }
}

/// Decodes every worker's result.
///
/// # Errors
/// A result that does not decode as `R` (the job registered under that name in the
/// executing processes returns another type — a binary mismatch).
pub fn decode_results<R: DeserializeOwned>(results: Vec<Vec<u8>>) -> Result<Vec<R>> {
    results.iter().map(|bytes| Ok(postcard::from_bytes(bytes)?)).collect()
}
