//! The TaskManager: registers with the JobManager, heartbeats, and runs the workers the
//! JobManager deploys on its slots, one OS thread per worker.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use eddy_core::{Error, Result, SuperstepListener};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tonic::transport::{Channel, Endpoint};

use super::communicator::{Client, ClusterCommunicator, MetricsForwarder};
use super::proto::job_manager_client::JobManagerClient;
use super::proto::{self, task};
use super::{AddSecret, Background, ClusterSecret, TlsTrust, network_error, tokio_runtime};
use crate::jobs::{JobRegistry, JobRequest, PreparedJob};
use crate::net::{DataServer, Inbox, NetCancelHandle, NetCommunicator};
use crate::run_worker;

/// How a TaskManager runs.
#[derive(Debug, Clone)]
pub struct TaskManagerConfig {
    /// The JobManager's gRPC address (`host:port`).
    pub jobmanager: String,
    /// Where this TaskManager's data server listens (port 0: any free port). Other
    /// TaskManagers connect here; bind it to loopback or a private address.
    pub bind: SocketAddr,
    /// How many workers it runs at once.
    pub slots: u32,
    /// The cluster secret.
    pub secret: ClusterSecret,
    /// Reach a JobManager that serves TLS (default: plaintext).
    pub tls: Option<TlsTrust>,
}

impl TaskManagerConfig {
    /// A configuration (plaintext gRPC).
    pub fn new(jobmanager: impl Into<String>, bind: SocketAddr, slots: u32, secret: ClusterSecret) -> Self {
        TaskManagerConfig { jobmanager: jobmanager.into(), bind, slots, secret, tls: None }
    }
}

/// A running TaskManager; it leaves the cluster when dropped.
pub struct TaskManager {
    id: String,
    data_address: SocketAddr,
    background: Background,
    ended: Option<oneshot::Receiver<Result<()>>>,
}

impl std::fmt::Debug for TaskManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskManager").field("id", &self.id).field("data_address", &self.data_address).finish()
    }
}

impl TaskManager {
    /// Binds the data port, registers with the JobManager and starts taking tasks; jobs
    /// are looked up in `registry`.
    ///
    /// # Errors
    /// No slots, a data address that cannot be bound, a JobManager that cannot be
    /// reached or refuses this TaskManager (wrong secret).
    pub fn start(config: TaskManagerConfig, registry: JobRegistry) -> Result<TaskManager> {
        if config.slots == 0 {
            return Err(Error::InvalidParameter {
                name: "slots",
                reason: "a TaskManager needs at least 1 slot".into(),
            });
        }
        let data = DataServer::bind(config.bind, config.secret.clone())?;
        let data_address = data.local_addr();
        let runtime = tokio_runtime("eddy-taskmanager", 2)?;
        let jobmanager = config.jobmanager.clone();
        let client = runtime.block_on(connect(&jobmanager, &config.secret, config.tls.as_ref()))?;
        let registration = {
            let mut client = client.clone();
            let request =
                proto::RegisterRequest { data_address: data_address.to_string(), slots: config.slots };
            runtime
                .block_on(async move { client.register(request).await })
                .map_err(|status| network_error(&jobmanager, &status))?
                .into_inner()
        };
        let id = registration.taskmanager_id;
        let tasks = {
            let mut client = client.clone();
            let request = proto::TasksRequest { taskmanager_id: id.clone() };
            runtime
                .block_on(async move { client.tasks(request).await })
                .map_err(|status| network_error(&jobmanager, &status))?
                .into_inner()
        };
        tracing::info!(taskmanager = %id, %data_address, slots = config.slots, "registered with the JobManager");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let (ended_tx, ended) = oneshot::channel();
        let node = Arc::new(Node {
            id: id.clone(),
            jobmanager: jobmanager.clone(),
            client,
            secret: config.secret,
            registry,
            data,
            runtime: runtime.handle().clone(),
            jobs: Mutex::new(HashMap::new()),
        });
        let interval = Duration::from_millis(registration.heartbeat_interval_ms.max(10));
        runtime.spawn(heartbeat(Arc::clone(&node), interval));
        runtime.spawn(async move {
            let outcome = tokio::select! {
                outcome = take_tasks(node, tasks) => outcome,
                _ = stopped => Ok(()),
            };
            let _ = ended_tx.send(outcome);
        });
        let background = Background { shutdown: Some(shutdown), runtime: Some(runtime) };
        Ok(TaskManager { id, data_address, background, ended: Some(ended) })
    }

    /// The id the JobManager gave it (`tm-N`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The address of its data server.
    pub fn data_addr(&self) -> SocketAddr {
        self.data_address
    }

    /// Blocks until the TaskManager stops taking tasks: the JobManager went away
    /// (`Err`) or [`TaskManager`] was shut down.
    ///
    /// # Errors
    /// The connection to the JobManager broke.
    pub fn wait(&mut self) -> Result<()> {
        match (self.ended.take(), self.background.runtime()) {
            (Some(ended), Some(runtime)) => runtime
                .block_on(ended)
                .unwrap_or_else(|_| Err(Error::Internal("the TaskManager's task loop vanished".into()))),
            _ => Ok(()),
        }
    }

    /// Runs until the process receives SIGTERM or SIGINT (`Ok`) or the JobManager goes
    /// away (`Err`), then leaves the cluster.
    ///
    /// # Errors
    /// The connection to the JobManager broke.
    pub fn run_until_signal(mut self) -> Result<()> {
        let outcome = match (self.ended.take(), self.background.runtime()) {
            (Some(ended), Some(runtime)) => runtime.block_on(async {
                tokio::select! {
                    outcome = ended => outcome.unwrap_or(Ok(())),
                    () = super::shutdown_signal() => Ok(()),
                }
            }),
            _ => Ok(()),
        };
        self.background.stop();
        tracing::info!(taskmanager = %self.id, "TaskManager stopped");
        outcome
    }

    /// Leaves the cluster: stops taking tasks and heartbeating.
    pub fn shutdown(mut self) {
        self.background.stop();
    }
}

/// Connects a gRPC client to the JobManager at `address` (over TLS with `tls`).
pub(super) async fn connect(address: &str, secret: &ClusterSecret, tls: Option<&TlsTrust>) -> Result<Client> {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let invalid = |e: &dyn std::fmt::Display| Error::Network {
        address: address.to_string(),
        reason: format!("not an address: {e}"),
    };
    let mut endpoint = Endpoint::from_shared(format!("{scheme}://{address}"))
        .map_err(|e| invalid(&e))?
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true);
    if let Some(tls) = tls {
        let host = address.rsplit_once(':').map_or(address, |(host, _)| host).trim_matches(['[', ']']);
        let domain = tls.domain.clone().unwrap_or_else(|| host.to_string());
        let config = tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(&tls.ca_pem))
            .domain_name(domain);
        endpoint = endpoint.tls_config(config).map_err(|e| Error::Network {
            address: address.to_string(),
            reason: format!("unusable TLS settings: {e}"),
        })?;
    }
    let channel: Channel = endpoint.connect().await.map_err(|e| Error::Network {
        address: address.to_string(),
        reason: format!("cannot connect: {}", super::causes(&e)),
    })?;
    Ok(JobManagerClient::with_interceptor(channel, AddSecret::new(secret))
        .max_decoding_message_size(super::MAX_MESSAGE)
        .max_encoding_message_size(super::MAX_MESSAGE))
}

/// What a TaskManager shares between its tasks.
struct Node {
    id: String,
    jobmanager: String,
    client: Client,
    secret: ClusterSecret,
    registry: JobRegistry,
    data: DataServer,
    runtime: Handle,
    jobs: Mutex<HashMap<u64, LocalJob>>,
}

/// A job deployed here, between Deploy and Start.
struct LocalJob {
    prepared: Option<Arc<PreparedJob>>,
    inboxes: Vec<Inbox>,
    addresses: Vec<SocketAddr>,
    cancel: Option<NetCancelHandle>,
}

async fn heartbeat(node: Arc<Node>, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        let mut client = node.client.clone();
        let request = proto::HeartbeatRequest { taskmanager_id: node.id.clone() };
        match client.heartbeat(request).await {
            Ok(reply) if !reply.get_ref().known => {
                tracing::error!(taskmanager = %node.id, "the JobManager no longer knows this TaskManager");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(taskmanager = %node.id, error = %e, "heartbeat failed"),
        }
    }
}

async fn take_tasks(node: Arc<Node>, mut tasks: tonic::Streaming<proto::Task>) -> Result<()> {
    loop {
        let task = tasks.message().await.map_err(|status| network_error(&node.jobmanager, &status))?;
        let Some(task) = task else {
            return Err(Error::Network {
                address: node.jobmanager.clone(),
                reason: "the JobManager closed the task stream".into(),
            });
        };
        match task.kind {
            Some(task::Kind::Deploy(deploy)) => {
                let node = Arc::clone(&node);
                tokio::task::spawn_blocking(move || deploy_job(&node, deploy));
            }
            Some(task::Kind::Start(start)) => start_job(&node, start.job_id),
            Some(task::Kind::Cancel(cancel)) => {
                let jobs = node.jobs.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(job) = jobs.get(&cancel.job_id) {
                    tracing::info!(job = cancel.job_id, reason = %cancel.reason, "cancelling");
                    if let Some(handle) = &job.cancel {
                        handle.cancel(&cancel.reason);
                    }
                }
            }
            None => {}
        }
    }
}

/// Prepares a deployed job (on a blocking thread: it may read input files) and reports.
fn deploy_job(node: &Node, deploy: proto::Deploy) {
    let job_id = deploy.job_id;
    let outcome = (|| -> Result<()> {
        let addresses = deploy
            .addresses
            .iter()
            .map(|a| {
                a.parse::<SocketAddr>().map_err(|e| Error::InvalidParameter {
                    name: "addresses",
                    reason: format!("the data address {a:?} is not host:port: {e}"),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let workers: Vec<usize> = deploy.workers.iter().map(|&w| w as usize).collect();
        let inboxes = node.data.register(job_id, deploy.parallelism as usize, &workers)?;
        let cancel = inboxes.first().map(Inbox::cancel_handle);
        // Registered before preparing, so that a Cancel during a long load finds the job.
        node.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(job_id, LocalJob { prepared: None, inboxes, addresses, cancel });
        let request = JobRequest { name: deploy.name.clone(), params: deploy.params };
        let prepared = node.registry.prepare(&request)?;
        if let Some(job) = node.jobs.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&job_id) {
            job.prepared = Some(Arc::new(prepared));
        }
        Ok(())
    })();
    if let Err(e) = &outcome {
        tracing::warn!(job = job_id, error = %e, "cannot prepare the job");
        node.jobs.lock().unwrap_or_else(PoisonError::into_inner).remove(&job_id);
    }
    let report = proto::PreparedReport {
        taskmanager_id: node.id.clone(),
        job_id,
        error: outcome.err().map(|e| e.to_string()).unwrap_or_default(),
    };
    let mut client = node.client.clone();
    if let Err(e) = node.runtime.block_on(async move { client.prepared(report).await }) {
        tracing::warn!(job = job_id, error = %e, "cannot report the preparation");
    }
}

/// Starts one thread per local worker of a prepared job.
fn start_job(node: &Arc<Node>, job_id: u64) {
    let Some(job) = node.jobs.lock().unwrap_or_else(PoisonError::into_inner).remove(&job_id) else {
        return;
    };
    let Some(prepared) = job.prepared else { return };
    let addresses = Arc::new(job.addresses);
    for inbox in job.inboxes {
        let node = Arc::clone(node);
        let prepared = Arc::clone(&prepared);
        let addresses = Arc::clone(&addresses);
        let worker = inbox.index();
        let spawned = std::thread::Builder::new()
            .name(format!("eddy-job{job_id}-worker-{worker}"))
            .spawn(move || run_local_worker(&node, job_id, inbox, &addresses, &prepared));
        if let Err(e) = spawned {
            tracing::error!(job = job_id, worker, error = %e, "cannot start a worker thread");
        }
    }
}

/// Runs one worker and reports its outcome to the JobManager.
fn run_local_worker(
    node: &Node,
    job_id: u64,
    inbox: Inbox,
    addresses: &[SocketAddr],
    prepared: &PreparedJob,
) {
    let worker = inbox.index();
    let mut bytes_sent = 0;
    let outcome = NetCommunicator::connect(inbox, addresses, &node.secret).and_then(|net| {
        let communicator = ClusterCommunicator {
            net,
            jobmanager: node.client.clone(),
            address: node.jobmanager.clone(),
            runtime: node.runtime.clone(),
            job: job_id,
            round: 0,
        };
        let traffic = communicator.traffic();
        let (listener, forwarding) = if worker == 0 {
            let (forwarder, task) = MetricsForwarder::start(&node.runtime, node.client.clone(), job_id);
            (Some(forwarder as Arc<dyn SuperstepListener>), Some(task))
        } else {
            (None, None)
        };
        let span = tracing::info_span!("worker", job = job_id, worker);
        let _entered = span.enter();
        let result =
            run_worker(Box::new(communicator), eddy_core::JobHooks::with_listener(listener), |w| prepared(w));
        if let Some(task) = forwarding {
            let _ = node.runtime.block_on(task);
        }
        bytes_sent = traffic.bytes_sent();
        result
    });
    let echo = matches!(&outcome, Err(e) if e.is_echo() || matches!(e, Error::Cancelled { .. }));
    let outcome = match outcome {
        Ok(bytes) => proto::worker_outcome::Outcome::Result(bytes),
        Err(e) => {
            tracing::info!(job = job_id, worker, error = %e, "worker failed");
            proto::worker_outcome::Outcome::Error(e.to_string())
        }
    };
    let report = proto::WorkerOutcome {
        taskmanager_id: node.id.clone(),
        job_id,
        worker: u32::try_from(worker).unwrap_or(u32::MAX),
        outcome: Some(outcome),
        echo,
        bytes_sent,
    };
    let mut client = node.client.clone();
    if let Err(e) = node.runtime.block_on(async move { client.worker_done(report).await }) {
        tracing::warn!(job = job_id, worker, error = %e, "cannot report the worker's outcome");
    }
}
