//! Cluster mode: a [`JobManager`] coordinating [`TaskManager`] processes.
//!
//! The same job that runs on the threads of a [`crate::LocalRuntime`] runs here on
//! workers spread over TaskManager processes (each with a number of *slots*, one worker
//! per slot), with the same results:
//! - **control plane** — tonic gRPC, `proto/eddy.proto`: TaskManagers register and
//!   heartbeat; the JobManager places a submitted job's workers on free slots, deploys it
//!   (every TaskManager prepares the job once: decodes the parameters, loads the input),
//!   starts it once all are prepared, gathers every worker's contribution at each
//!   superstep barrier ([`eddy_core::Worker::control_gather`]: aggregator all-reduces,
//!   convergence checks), forwards worker 0's superstep metrics to the submitting
//!   client, and collects the results;
//! - **data plane** — [`crate::net`]: TaskManagers exchange partition data directly,
//!   never through the JobManager;
//! - **jobs by name** — [`crate::jobs`]: every process is the same binary, so a job is a
//!   registered name plus serialized parameters.
//!
//! A TaskManager that stops heartbeating for the heartbeat timeout is dropped and every
//! job with a worker on it fails with an error naming it; the JobManager and the other
//! TaskManagers carry on. Every call needs the cluster secret ([`ClusterSecret`]),
//! compared in constant time.
//!
//! ```
//! use eddy_runtime::cluster::{ClusterClient, JobManager, JobManagerConfig, TaskManager, TaskManagerConfig};
//! use eddy_runtime::jobs::{JobRegistry, JobRequest, decode_results};
//! use eddy_runtime::ClusterSecret;
//!
//! let secret = ClusterSecret::new("s3cret");
//! let jobmanager = JobManager::start(JobManagerConfig::new("127.0.0.1:0".parse()?, secret.clone()))?;
//! let mut registry = JobRegistry::new();
//! registry.register("sum", |n: u64| {
//!     Ok(move |w: &eddy_core::Worker| w.generate(n, |i| i).aggregate(0u64, |a, x| a + x, |a, b| a + b))
//! });
//! // Two TaskManagers with one slot each (in this process here; `eddy taskmanager` runs one per process).
//! let config = TaskManagerConfig::new(jobmanager.local_addr().to_string(), "127.0.0.1:0".parse()?, 1, secret.clone());
//! let taskmanagers = [TaskManager::start(config.clone(), registry.clone())?, TaskManager::start(config, registry)?];
//! let client = ClusterClient::connect(&jobmanager.local_addr().to_string(), secret)?;
//! let results = client.submit(&JobRequest::new("sum", &100u64)?, None, None)?;
//! assert_eq!(decode_results::<u64>(results.results)?, vec![4950, 4950]);
//! # drop(taskmanagers);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod communicator;
mod http;
mod jobmanager;
mod taskmanager;

pub use client::{ClusterClient, JobOutcome};
pub use jobmanager::{JobManager, JobManagerConfig};
pub use taskmanager::{TaskManager, TaskManagerConfig};

pub use crate::net::ClusterSecret;

pub mod proto {
    //! The generated gRPC types and stubs of `proto/eddy.proto`.
    #![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic, clippy::clone_on_ref_ptr)]
    tonic::include_proto!("eddy.v1");
}

use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::{Request, Status};

/// The largest gRPC message either side accepts: a worker's result (every vertex value
/// of its partition) and a job's results (all of them) travel as one message each, far
/// beyond gRPC's default of 4 MiB for large graphs.
const MAX_MESSAGE: usize = 1 << 31;

/// The metadata entry that carries the cluster secret (binary: any bytes).
const SECRET_KEY: &str = "x-eddy-secret-bin";

/// TLS for the JobManager's gRPC service: its certificate chain and private key (PEM).
#[derive(Clone)]
pub struct TlsIdentity {
    /// The certificate chain, PEM.
    pub cert_pem: Vec<u8>,
    /// The private key, PEM.
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsIdentity(<redacted>)")
    }
}

/// TLS for TaskManagers and clients of a JobManager that uses it: the certificate
/// authority to trust (PEM) and the name to expect in its certificate (default: the
/// host of its address).
#[derive(Debug, Clone)]
pub struct TlsTrust {
    /// The CA certificate (or the server's self-signed certificate), PEM.
    pub ca_pem: Vec<u8>,
    /// The server name to verify; `None`: the host part of the address.
    pub domain: Option<String>,
}

/// A job failure reported by the cluster: the root cause's message, as the failing
/// worker (or the JobManager, for a lost TaskManager) wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JobFailed(pub String);

/// Adds the secret to every outgoing call.
#[derive(Clone)]
struct AddSecret(MetadataValue<tonic::metadata::Binary>);

impl AddSecret {
    fn new(secret: &ClusterSecret) -> Self {
        AddSecret(MetadataValue::from_bytes(secret.as_bytes()))
    }
}

impl Interceptor for AddSecret {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request.metadata_mut().insert_bin(SECRET_KEY, self.0.clone());
        Ok(request)
    }
}

/// Refuses every incoming call that does not carry the secret.
#[derive(Clone)]
struct CheckSecret(ClusterSecret);

impl Interceptor for CheckSecret {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let offered = request.metadata().get_bin(SECRET_KEY).and_then(|v| v.to_bytes().ok());
        match offered {
            Some(bytes) if self.0.matches(&bytes) => Ok(request),
            Some(_) => {
                tracing::warn!(remote = ?request.remote_addr(), "refused a call: wrong cluster secret");
                Err(Status::unauthenticated("wrong cluster secret"))
            }
            None => {
                tracing::warn!(remote = ?request.remote_addr(), "refused a call: no cluster secret");
                Err(Status::unauthenticated("no cluster secret given"))
            }
        }
    }
}

/// A gRPC failure talking to `address`, as an engine error.
fn network_error(address: &str, status: &Status) -> eddy_core::Error {
    let mut reason = match status.code() {
        tonic::Code::Unauthenticated => format!("refused: {}", status.message()),
        tonic::Code::Unavailable => format!("unreachable: {}", status.message()),
        _ => status.message().to_string(),
    };
    if let Some(source) = std::error::Error::source(status) {
        let causes = causes(source);
        if !reason.contains(&causes) {
            reason = format!("{reason}: {causes}");
        }
    }
    if reason.contains("h2 protocol error") {
        reason.push_str(" (if the JobManager serves TLS, pass --tls-ca)");
    }
    eddy_core::Error::Network { address: address.to_string(), reason }
}

/// An error and its sources, joined by ": " (a source already quoted is not repeated).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// A cluster process's background work: its tokio runtime and the signal that stops
/// its main task. Stopped (at most once) by [`Background::stop`] or when dropped.
struct Background {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Background {
    /// Signals the main task and gives the runtime's tasks two seconds to end.
    fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(std::time::Duration::from_secs(2));
        }
    }

    fn runtime(&self) -> Option<&tokio::runtime::Runtime> {
        self.runtime.as_ref()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A tokio runtime for a cluster process or client.
fn tokio_runtime(name: &str, threads: usize) -> eddy_core::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(name)
        .enable_all()
        .build()
        .map_err(|e| eddy_core::Error::Internal(format!("cannot start the {name} runtime: {e}")))
}

/// Resolves when the process receives SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => tracing::info!("SIGTERM: shutting down"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: shutting down"),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch for SIGTERM; only Ctrl-C stops this process");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Encodes superstep metrics for the wire.
fn encode_metrics(metrics: &eddy_core::SuperstepMetrics) -> Vec<u8> {
    postcard::to_stdvec(metrics).unwrap_or_default()
}
