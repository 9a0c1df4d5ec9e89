//! The client side: submit a job to a JobManager and wait for its results, list and
//! cancel jobs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use eddy_core::{Error, Result, SuperstepListener, SuperstepMetrics};

use super::communicator::Client;
use super::proto::{self, job_event};
use super::taskmanager::connect;
use super::{ClusterSecret, JobFailed, TlsTrust, network_error};
use crate::jobs::JobRequest;

/// What a finished cluster job returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobOutcome {
    /// The JobManager's id of the job.
    pub job_id: u64,
    /// Every worker's serialized result, in worker order (decode with
    /// [`crate::jobs::decode_results`]).
    pub results: Vec<Vec<u8>>,
    /// The TaskManager of every worker.
    pub taskmanagers: Vec<String>,
    /// Bytes the workers sent each other over the data plane.
    pub bytes_exchanged: u64,
    /// Superstep barriers (gathers) the JobManager coordinated.
    pub barriers: u64,
    /// From submission to the results, as the client saw it.
    pub elapsed: Duration,
}

/// A connection to a JobManager.
pub struct ClusterClient {
    address: String,
    client: Client,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for ClusterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterClient").field("address", &self.address).finish()
    }
}

impl ClusterClient {
    /// Connects to the JobManager at `address` (`host:port`).
    ///
    /// # Errors
    /// [`Error::Network`] when it cannot be reached.
    pub fn connect(address: &str, secret: ClusterSecret) -> Result<ClusterClient> {
        Self::connect_with(address, secret, None)
    }

    /// [`ClusterClient::connect`] to a JobManager that serves TLS (with `tls`).
    ///
    /// # Errors
    /// [`Error::Network`] when it cannot be reached or its certificate is not trusted.
    pub fn connect_with(
        address: &str,
        secret: ClusterSecret,
        tls: Option<TlsTrust>,
    ) -> Result<ClusterClient> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the client runtime: {e}")))?;
        let client = runtime.block_on(connect(address, &secret, tls.as_ref()))?;
        Ok(ClusterClient { address: address.to_string(), client, runtime })
    }

    /// Runs `request` on `parallelism` workers (`None`: every free slot) and waits for
    /// it; `listener` receives worker 0's superstep metrics as they happen.
    ///
    /// # Errors
    /// [`Error::Network`] for a JobManager that cannot be reached or refuses the secret;
    /// not enough free slots; the job's failure ([`Error::Job`] holding a [`JobFailed`]
    /// with the root cause, e.g. a worker's error or a lost TaskManager).
    pub fn submit(
        &self,
        request: &JobRequest,
        parallelism: Option<usize>,
        listener: Option<Arc<dyn SuperstepListener>>,
    ) -> Result<JobOutcome> {
        let started = Instant::now();
        let submit = proto::SubmitRequest {
            name: request.name.clone(),
            params: request.params.clone(),
            parallelism: parallelism.map_or(0, |p| u32::try_from(p).unwrap_or(u32::MAX)),
        };
        let mut client = self.client.clone();
        self.runtime.block_on(async move {
            let mut events = client.submit(submit).await.map_err(|s| self.refused(&s))?.into_inner();
            let (mut job_id, mut taskmanagers) = (0, Vec::new());
            loop {
                let event = events.message().await.map_err(|s| network_error(&self.address, &s))?;
                let Some(event) = event else {
                    return Err(Error::Network {
                        address: self.address.clone(),
                        reason: format!("the JobManager closed job {job_id}'s stream before it ended"),
                    });
                };
                match event.kind {
                    Some(job_event::Kind::Accepted(accepted)) => {
                        job_id = accepted.job_id;
                        taskmanagers = accepted.taskmanagers;
                        tracing::info!(job = job_id, parallelism = accepted.parallelism, "job accepted");
                    }
                    Some(job_event::Kind::Superstep(bytes)) => {
                        if let (Some(listener), Ok(metrics)) =
                            (&listener, postcard::from_bytes::<SuperstepMetrics>(&bytes))
                        {
                            listener.on_superstep(&metrics);
                        }
                    }
                    Some(job_event::Kind::Finished(finished)) => {
                        return Ok(JobOutcome {
                            job_id,
                            results: finished.results,
                            taskmanagers,
                            bytes_exchanged: finished.bytes_exchanged,
                            barriers: finished.barriers,
                            elapsed: started.elapsed(),
                        });
                    }
                    Some(job_event::Kind::Failed(reason)) => {
                        return Err(Error::Job(Box::new(JobFailed(reason))));
                    }
                    None => {}
                }
            }
        })
    }

    /// The jobs the JobManager knows.
    ///
    /// # Errors
    /// [`Error::Network`].
    pub fn list_jobs(&self) -> Result<Vec<proto::JobInfo>> {
        let mut client = self.client.clone();
        let reply = self.runtime.block_on(async move { client.list_jobs(proto::ListJobsRequest {}).await });
        Ok(reply.map_err(|s| network_error(&self.address, &s))?.into_inner().jobs)
    }

    /// Cancels job `job_id`; false when it had already ended.
    ///
    /// # Errors
    /// [`Error::Network`].
    pub fn cancel(&self, job_id: u64) -> Result<bool> {
        let mut client = self.client.clone();
        let reply =
            self.runtime.block_on(async move { client.cancel_job(proto::CancelJobRequest { job_id }).await });
        Ok(reply.map_err(|s| network_error(&self.address, &s))?.into_inner().cancelled)
    }

    /// The JobManager's status document (JSON).
    ///
    /// # Errors
    /// [`Error::Network`].
    pub fn status(&self) -> Result<String> {
        let mut client = self.client.clone();
        let reply = self.runtime.block_on(async move { client.status(proto::StatusRequest {}).await });
        Ok(reply.map_err(|s| network_error(&self.address, &s))?.into_inner().json)
    }

    /// A refused submission: bad parameters or too few slots are the caller's problem,
    /// anything else a network problem.
    fn refused(&self, status: &tonic::Status) -> Error {
        match status.code() {
            tonic::Code::ResourceExhausted
            | tonic::Code::FailedPrecondition
            | tonic::Code::InvalidArgument => {
                Error::InvalidParameter { name: "parallelism", reason: status.message().to_string() }
            }
            _ => network_error(&self.address, status),
        }
    }
}
