//! The JobManager: TaskManager membership, job placement, deployment, superstep
//! barriers, results and failure detection.
//!
//! All state lives in one [`State`] behind a mutex; every handler holds it briefly and
//! never across an `.await`. Messages to TaskManagers (their `Tasks` streams) and to
//! clients (their `Submit` streams) go through unbounded channels, so a handler never
//! waits on a slow peer while it holds the lock.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use eddy_core::{Error, Result};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::{TcpListenerStream, UnboundedReceiverStream};
use tonic::{Request, Response, Status};

use super::proto::job_manager_server::{JobManager as JobManagerService, JobManagerServer};
use super::proto::{self, job_event, task};
use super::{Background, CheckSecret, ClusterSecret, http, tokio_runtime};

/// How a JobManager runs.
#[derive(Debug, Clone)]
pub struct JobManagerConfig {
    /// The gRPC address to listen on (port 0: any free port).
    pub bind: SocketAddr,
    /// The cluster secret every TaskManager and client must present.
    pub secret: ClusterSecret,
    /// How often TaskManagers heartbeat (default 1 s).
    pub heartbeat_interval: Duration,
    /// A TaskManager silent this long is dropped and its jobs fail (default 10 s).
    pub heartbeat_timeout: Duration,
    /// Where to serve the JSON status document over HTTP, if anywhere.
    pub status_bind: Option<SocketAddr>,
    /// Serve gRPC over TLS with this identity (default: plaintext).
    pub tls: Option<super::TlsIdentity>,
}

impl JobManagerConfig {
    /// The defaults, listening on `bind`.
    pub fn new(bind: SocketAddr, secret: ClusterSecret) -> Self {
        JobManagerConfig {
            bind,
            secret,
            heartbeat_interval: Duration::from_secs(1),
            heartbeat_timeout: Duration::from_secs(10),
            status_bind: None,
            tls: None,
        }
    }

    fn validate(&self) -> Result<()> {
        if self.heartbeat_interval.is_zero() || self.heartbeat_timeout <= self.heartbeat_interval {
            return Err(Error::InvalidParameter {
                name: "heartbeat_timeout",
                reason: format!(
                    "the heartbeat timeout ({:?}) must exceed the heartbeat interval ({:?}), which must be positive",
                    self.heartbeat_timeout, self.heartbeat_interval
                ),
            });
        }
        Ok(())
    }
}

/// A running JobManager; it stops when dropped (or with [`JobManager::shutdown`]).
pub struct JobManager {
    address: SocketAddr,
    status_address: Option<SocketAddr>,
    background: Background,
}

impl std::fmt::Debug for JobManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobManager").field("address", &self.address).finish()
    }
}

impl JobManager {
    /// Binds the gRPC port (and the status port) and starts serving on a runtime of its
    /// own; returns once it listens.
    ///
    /// # Errors
    /// An invalid configuration or an address that cannot be bound.
    pub fn start(config: JobManagerConfig) -> Result<JobManager> {
        config.validate()?;
        let runtime = tokio_runtime("eddy-jobmanager", 2)?;
        let bind_error = |address: SocketAddr, e: std::io::Error| Error::Network {
            address: address.to_string(),
            reason: format!("cannot listen: {e}"),
        };
        let listener = std::net::TcpListener::bind(config.bind).map_err(|e| bind_error(config.bind, e))?;
        listener.set_nonblocking(true).map_err(|e| bind_error(config.bind, e))?;
        let address = listener.local_addr().map_err(|e| bind_error(config.bind, e))?;
        let status = match config.status_bind {
            Some(bind) => {
                let l = std::net::TcpListener::bind(bind).map_err(|e| bind_error(bind, e))?;
                l.set_nonblocking(true).map_err(|e| bind_error(bind, e))?;
                Some(l)
            }
            None => None,
        };
        let status_address = status.as_ref().and_then(|l| l.local_addr().ok());
        let shared =
            Arc::new(Shared { state: Mutex::new(State::default()), config: config.clone(), address });
        let (shutdown, stopped) = oneshot::channel::<()>();
        let _guard = runtime.enter();
        let incoming = tokio::net::TcpListener::from_std(listener).map_err(|e| bind_error(address, e))?;
        if let Some(status) = status {
            let listener = tokio::net::TcpListener::from_std(status).map_err(|e| bind_error(address, e))?;
            let shared = Arc::clone(&shared);
            runtime.spawn(http::serve_json(listener, move || shared.status_json()));
        }
        runtime.spawn(monitor(Arc::clone(&shared)));
        let server = JobManagerServer::new(Service(shared))
            .max_decoding_message_size(super::MAX_MESSAGE)
            .max_encoding_message_size(super::MAX_MESSAGE);
        let service =
            tonic::service::interceptor::InterceptedService::new(server, CheckSecret(config.secret.clone()));
        let mut builder = tonic::transport::Server::builder();
        if let Some(tls) = &config.tls {
            let identity = tonic::transport::Identity::from_pem(&tls.cert_pem, &tls.key_pem);
            builder = builder
                .tls_config(tonic::transport::ServerTlsConfig::new().identity(identity))
                .map_err(|e| Error::InvalidParameter {
                    name: "tls",
                    reason: format!("unusable TLS identity: {e}"),
                })?;
        }
        runtime.spawn(async move {
            let served = builder
                .add_service(service)
                .serve_with_incoming_shutdown(nodelay(incoming), async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the JobManager's gRPC server stopped");
            }
        });
        tracing::info!(%address, status = ?status_address, "JobManager listening");
        let background = Background { shutdown: Some(shutdown), runtime: Some(runtime) };
        Ok(JobManager { address, status_address, background })
    }

    /// The gRPC address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The address of the JSON status endpoint, if it serves one.
    pub fn status_addr(&self) -> Option<SocketAddr> {
        self.status_address
    }

    /// Serves until the process receives SIGTERM or SIGINT, then shuts down cleanly.
    pub fn run_until_signal(mut self) {
        if let Some(runtime) = self.background.runtime() {
            runtime.block_on(super::shutdown_signal());
        }
        self.background.stop();
        tracing::info!("JobManager stopped");
    }

    /// Stops serving and waits (briefly) for the server's tasks to end.
    pub fn shutdown(mut self) {
        self.background.stop();
    }
}

/// The accepted connections, with Nagle's algorithm off: a barrier's reply must not
/// wait for the delayed ACK of the previous one (that cost 40 ms per superstep).
fn nodelay(
    listener: tokio::net::TcpListener,
) -> impl tokio_stream::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    use tokio_stream::StreamExt;
    TcpListenerStream::new(listener).map(|accepted| {
        if let Ok(stream) = &accepted {
            let _ = stream.set_nodelay(true);
        }
        accepted
    })
}

struct Shared {
    state: Mutex<State>,
    config: JobManagerConfig,
    /// The address it listens on.
    address: SocketAddr,
}

#[derive(Default)]
struct State {
    taskmanagers: BTreeMap<String, TaskManagerEntry>,
    jobs: BTreeMap<u64, Job>,
    next_taskmanager: u64,
    next_job: u64,
}

struct TaskManagerEntry {
    data_address: String,
    slots: u32,
    busy: u32,
    last_heartbeat: Instant,
    tasks: Option<mpsc::UnboundedSender<Result<proto::Task, Status>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum JobState {
    Preparing,
    Running,
    Finished,
    Failed(String),
    Cancelled(String),
}

impl JobState {
    fn name(&self) -> &'static str {
        match self {
            JobState::Preparing => "preparing",
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed(_) => "failed",
            JobState::Cancelled(_) => "cancelled",
        }
    }

    fn is_over(&self) -> bool {
        matches!(self, JobState::Finished | JobState::Failed(_) | JobState::Cancelled(_))
    }
}

struct Job {
    name: String,
    parallelism: usize,
    /// The TaskManager of every worker.
    placement: Vec<String>,
    state: JobState,
    prepared: BTreeSet<String>,
    results: Vec<Option<Vec<u8>>>,
    bytes_sent: u64,
    /// An echo error (a peer vanished) waiting for its root cause, and since when.
    echo: Option<(String, Instant)>,
    events: mpsc::UnboundedSender<Result<proto::JobEvent, Status>>,
    barrier: Barrier,
    supersteps: u64,
    submitted: Instant,
}

impl Job {
    fn taskmanagers(&self) -> BTreeSet<String> {
        self.placement.iter().cloned().collect()
    }
}

/// The current superstep barrier of a job: at most one round is open, because no worker
/// can start round r + 1 before round r has been released.
#[derive(Default)]
struct Barrier {
    round: u64,
    contributions: Vec<Option<Vec<u8>>>,
    waiters: Vec<oneshot::Sender<Result<Vec<Vec<u8>>, Status>>>,
    released: u64,
    /// Contribution bytes received, over all rounds (control values only: partition
    /// data never comes here).
    bytes: u64,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn status_json(&self) -> String {
        let state = self.lock();
        let now = Instant::now();
        let taskmanagers: Vec<_> = state
            .taskmanagers
            .iter()
            .map(|(id, tm)| {
                serde_json::json!({
                    "id": id,
                    "data_address": tm.data_address,
                    "slots": tm.slots,
                    "busy_slots": tm.busy,
                    "last_heartbeat_ms_ago": now.duration_since(tm.last_heartbeat).as_millis() as u64,
                })
            })
            .collect();
        let jobs: Vec<_> = state
            .jobs
            .iter()
            .map(|(id, job)| {
                serde_json::json!({
                    "id": id,
                    "name": job.name,
                    "state": job.state.name(),
                    "parallelism": job.parallelism,
                    "taskmanagers": job.placement,
                    "supersteps": job.supersteps,
                    "barriers": job.barrier.released,
                    "bytes_exchanged": job.bytes_sent,
                    "barrier_bytes": job.barrier.bytes,
                    "elapsed_ms": now.duration_since(job.submitted).as_millis() as u64,
                    "error": error_of(&job.state),
                })
            })
            .collect();
        serde_json::json!({
            "jobmanager": self.address.to_string(),
            "taskmanagers": taskmanagers,
            "jobs": jobs,
        })
        .to_string()
    }
}

fn error_of(state: &JobState) -> Option<&str> {
    match state {
        JobState::Failed(e) | JobState::Cancelled(e) => Some(e),
        _ => None,
    }
}

impl State {
    /// Ends job `id` with `state` (failed or cancelled): tells the client, cancels the
    /// workers still running, releases the barrier's waiters and frees the slots.
    fn end_job(&mut self, id: u64, state: JobState) {
        let Some(job) = self.jobs.get_mut(&id) else { return };
        if job.state.is_over() {
            return;
        }
        let reason = error_of(&state).unwrap_or("ended").to_string();
        tracing::warn!(job = id, name = %job.name, state = state.name(), %reason, "job ended");
        let _ = job.events.send(Ok(proto::JobEvent { kind: Some(job_event::Kind::Failed(reason.clone())) }));
        for waiter in job.barrier.waiters.drain(..) {
            let _ = waiter.send(Err(Status::aborted(format!("job {id} ended: {reason}"))));
        }
        job.state = state;
        let placement = job.placement.clone();
        for tm in job.taskmanagers() {
            if let Some(entry) = self.taskmanagers.get(&tm)
                && let Some(tasks) = &entry.tasks
            {
                let cancel = proto::Cancel { job_id: id, reason: reason.clone() };
                let _ = tasks.send(Ok(proto::Task { kind: Some(task::Kind::Cancel(cancel)) }));
            }
        }
        self.free_slots(&placement);
    }

    fn free_slots(&mut self, placement: &[String]) {
        for tm in placement {
            if let Some(entry) = self.taskmanagers.get_mut(tm) {
                entry.busy = entry.busy.saturating_sub(1);
            }
        }
    }

    /// Drops TaskManager `id` and fails its jobs with `reason`.
    fn lose_taskmanager(&mut self, id: &str, reason: &str) {
        let Some(entry) = self.taskmanagers.remove(id) else { return };
        tracing::warn!(taskmanager = id, data_address = %entry.data_address, %reason, "TaskManager lost");
        let affected: Vec<u64> = self
            .jobs
            .iter()
            .filter(|(_, job)| !job.state.is_over() && job.placement.iter().any(|tm| tm == id))
            .map(|(&job, _)| job)
            .collect();
        for job in affected {
            let message = format!("TaskManager {id} ({}) was lost: {reason}", entry.data_address);
            self.end_job(job, JobState::Failed(message));
        }
    }
}

/// Drops TaskManagers that stopped heartbeating and fails jobs whose echo errors found
/// no root cause in time.
async fn monitor(shared: Arc<Shared>) {
    let timeout = shared.config.heartbeat_timeout;
    let mut tick = tokio::time::interval(shared.config.heartbeat_interval / 2);
    loop {
        tick.tick().await;
        let mut state = shared.lock();
        let now = Instant::now();
        let silent: Vec<(String, Duration)> = state
            .taskmanagers
            .iter()
            .map(|(id, tm)| (id.clone(), now.duration_since(tm.last_heartbeat)))
            .filter(|(_, silence)| *silence > timeout)
            .collect();
        for (id, silence) in silent {
            state.lose_taskmanager(&id, &format!("no heartbeat for {:.1} s", silence.as_secs_f64()));
        }
        let stale: Vec<(u64, String)> = state
            .jobs
            .iter()
            .filter(|(_, job)| !job.state.is_over())
            .filter_map(|(&id, job)| {
                let (message, since) = job.echo.as_ref()?;
                (now.duration_since(*since) > timeout).then(|| (id, message.clone()))
            })
            .collect();
        for (id, message) in stale {
            state.end_job(id, JobState::Failed(message));
        }
    }
}

struct Service(Arc<Shared>);

type TaskStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<proto::Task, Status>> + Send>>;
type EventStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<proto::JobEvent, Status>> + Send>>;

#[tonic::async_trait]
impl JobManagerService for Service {
    async fn register(
        &self,
        request: Request<proto::RegisterRequest>,
    ) -> Result<Response<proto::RegisterReply>, Status> {
        let request = request.into_inner();
        if request.slots == 0 {
            return Err(Status::invalid_argument("a TaskManager needs at least one slot"));
        }
        if request.data_address.parse::<SocketAddr>().is_err() {
            return Err(Status::invalid_argument(format!(
                "the data address {:?} is not host:port",
                request.data_address
            )));
        }
        let mut state = self.0.lock();
        state.next_taskmanager += 1;
        let id = format!("tm-{}", state.next_taskmanager);
        tracing::info!(taskmanager = %id, data_address = %request.data_address, slots = request.slots, "TaskManager registered");
        state.taskmanagers.insert(
            id.clone(),
            TaskManagerEntry {
                data_address: request.data_address,
                slots: request.slots,
                busy: 0,
                last_heartbeat: Instant::now(),
                tasks: None,
            },
        );
        let interval = u64::try_from(self.0.config.heartbeat_interval.as_millis()).unwrap_or(u64::MAX);
        Ok(Response::new(proto::RegisterReply { taskmanager_id: id, heartbeat_interval_ms: interval }))
    }

    async fn heartbeat(
        &self,
        request: Request<proto::HeartbeatRequest>,
    ) -> Result<Response<proto::HeartbeatReply>, Status> {
        let id = request.into_inner().taskmanager_id;
        let mut state = self.0.lock();
        let known = match state.taskmanagers.get_mut(&id) {
            Some(tm) => {
                tm.last_heartbeat = Instant::now();
                true
            }
            None => false,
        };
        Ok(Response::new(proto::HeartbeatReply { known }))
    }

    type TasksStream = TaskStream;

    async fn tasks(&self, request: Request<proto::TasksRequest>) -> Result<Response<TaskStream>, Status> {
        let id = request.into_inner().taskmanager_id;
        let (sender, receiver) = mpsc::unbounded_channel();
        let mut state = self.0.lock();
        let tm = state
            .taskmanagers
            .get_mut(&id)
            .ok_or_else(|| Status::not_found(format!("no TaskManager {id}")))?;
        tm.tasks = Some(sender);
        Ok(Response::new(Box::pin(UnboundedReceiverStream::new(receiver))))
    }

    async fn prepared(
        &self,
        request: Request<proto::PreparedReport>,
    ) -> Result<Response<proto::Ack>, Status> {
        let report = request.into_inner();
        let mut state = self.0.lock();
        let Some(job) = state.jobs.get_mut(&report.job_id) else { return Ok(Response::new(proto::Ack {})) };
        if job.state != JobState::Preparing {
            return Ok(Response::new(proto::Ack {}));
        }
        if !report.error.is_empty() {
            let message =
                format!("TaskManager {} could not prepare the job: {}", report.taskmanager_id, report.error);
            state.end_job(report.job_id, JobState::Failed(message));
            return Ok(Response::new(proto::Ack {}));
        }
        job.prepared.insert(report.taskmanager_id);
        if job.prepared.len() == job.taskmanagers().len() {
            job.state = JobState::Running;
            tracing::info!(job = report.job_id, name = %job.name, "job running");
            let taskmanagers = job.taskmanagers();
            for tm in taskmanagers {
                if let Some(tasks) = state.taskmanagers.get(&tm).and_then(|e| e.tasks.as_ref()) {
                    let start = proto::Start { job_id: report.job_id };
                    let _ = tasks.send(Ok(proto::Task { kind: Some(task::Kind::Start(start)) }));
                }
            }
        }
        Ok(Response::new(proto::Ack {}))
    }

    async fn worker_done(
        &self,
        request: Request<proto::WorkerOutcome>,
    ) -> Result<Response<proto::Ack>, Status> {
        let outcome = request.into_inner();
        let mut state = self.0.lock();
        let id = outcome.job_id;
        let Some(job) = state.jobs.get_mut(&id) else { return Ok(Response::new(proto::Ack {})) };
        if job.state.is_over() {
            return Ok(Response::new(proto::Ack {}));
        }
        let worker = outcome.worker as usize;
        if worker >= job.parallelism {
            return Err(Status::invalid_argument(format!("job {id} has no worker {worker}")));
        }
        match outcome.outcome {
            Some(proto::worker_outcome::Outcome::Result(bytes)) => {
                job.bytes_sent += outcome.bytes_sent;
                job.results[worker] = Some(bytes);
                if job.results.iter().all(Option::is_some) {
                    let results = job.results.iter_mut().map(|r| r.take().unwrap_or_default()).collect();
                    let finished = proto::Finished {
                        results,
                        bytes_exchanged: job.bytes_sent,
                        barriers: job.barrier.released,
                    };
                    let _ = job
                        .events
                        .send(Ok(proto::JobEvent { kind: Some(job_event::Kind::Finished(finished)) }));
                    job.state = JobState::Finished;
                    tracing::info!(job = id, name = %job.name, supersteps = job.supersteps, "job finished");
                    let placement = job.placement.clone();
                    state.free_slots(&placement);
                }
            }
            Some(proto::worker_outcome::Outcome::Error(message)) => {
                let message = format!("worker {worker} (on {}): {message}", outcome.taskmanager_id);
                if outcome.echo {
                    job.echo.get_or_insert((message, Instant::now()));
                } else {
                    state.end_job(id, JobState::Failed(message));
                }
            }
            None => return Err(Status::invalid_argument("a worker outcome needs a result or an error")),
        }
        Ok(Response::new(proto::Ack {}))
    }

    async fn barrier(
        &self,
        request: Request<proto::BarrierRequest>,
    ) -> Result<Response<proto::BarrierReply>, Status> {
        let request = request.into_inner();
        let (sender, receiver) = oneshot::channel();
        {
            let mut state = self.0.lock();
            let id = request.job_id;
            let job = state.jobs.get_mut(&id).ok_or_else(|| Status::not_found(format!("no job {id}")))?;
            if job.state.is_over() {
                return Err(Status::aborted(format!("job {id} has ended")));
            }
            let worker = request.worker as usize;
            let barrier = &mut job.barrier;
            if worker >= job.parallelism || request.round != barrier.round + 1 {
                return Err(Status::invalid_argument(format!(
                    "worker {worker} sent round {} of job {id}, whose open round is {}",
                    request.round,
                    barrier.round + 1
                )));
            }
            if barrier.contributions.len() != job.parallelism {
                barrier.contributions = vec![None; job.parallelism];
            }
            barrier.bytes += request.contribution.len() as u64;
            tracing::debug!(
                job = id,
                worker,
                round = request.round,
                bytes = request.contribution.len(),
                "barrier"
            );
            if barrier.contributions[worker].replace(request.contribution).is_some() {
                return Err(Status::invalid_argument(format!(
                    "worker {worker} entered round {} twice",
                    request.round
                )));
            }
            barrier.waiters.push(sender);
            if barrier.contributions.iter().all(Option::is_some) {
                let all: Vec<Vec<u8>> =
                    barrier.contributions.iter_mut().map(|c| c.take().unwrap_or_default()).collect();
                barrier.round += 1;
                barrier.released += 1;
                for waiter in barrier.waiters.drain(..) {
                    let _ = waiter.send(Ok(all.clone()));
                }
            }
        }
        let contributions = receiver
            .await
            .map_err(|_| Status::aborted(format!("job {} ended during a barrier", request.job_id)))??;
        Ok(Response::new(proto::BarrierReply { contributions }))
    }

    async fn metrics(&self, request: Request<proto::MetricsReport>) -> Result<Response<proto::Ack>, Status> {
        let report = request.into_inner();
        let mut state = self.0.lock();
        if let Some(job) = state.jobs.get_mut(&report.job_id)
            && !job.state.is_over()
        {
            job.supersteps += 1;
            if let Ok(metrics) = postcard::from_bytes::<eddy_core::SuperstepMetrics>(&report.metrics) {
                tracing::debug!(
                    job = report.job_id,
                    superstep = metrics.superstep,
                    workset = metrics.workset_size,
                    aggregates = ?metrics.aggregates,
                    converged = metrics.converged,
                    "superstep"
                );
            }
            let event = proto::JobEvent { kind: Some(job_event::Kind::Superstep(report.metrics)) };
            if job.events.send(Ok(event)).is_err() {
                state.end_job(report.job_id, JobState::Cancelled("the submitting client went away".into()));
            }
        }
        Ok(Response::new(proto::Ack {}))
    }

    type SubmitStream = EventStream;

    async fn submit(&self, request: Request<proto::SubmitRequest>) -> Result<Response<EventStream>, Status> {
        let request = request.into_inner();
        let mut state = self.0.lock();
        let free: Vec<(String, u32)> = state
            .taskmanagers
            .iter()
            .filter(|(_, tm)| tm.tasks.is_some())
            .map(|(id, tm)| (id.clone(), tm.slots - tm.busy.min(tm.slots)))
            .filter(|(_, free)| *free > 0)
            .collect();
        let total: u32 = free.iter().map(|(_, n)| n).sum();
        let parallelism = if request.parallelism == 0 { total } else { request.parallelism };
        if parallelism == 0 {
            return Err(Status::failed_precondition("no TaskManager with a free slot is registered"));
        }
        if parallelism > total {
            return Err(Status::resource_exhausted(format!(
                "the job needs {parallelism} slots but the cluster has {total} free"
            )));
        }
        // Round-robin over the TaskManagers (sorted by id), one slot at a time.
        let mut placement = Vec::with_capacity(parallelism as usize);
        let mut remaining: Vec<(String, u32)> = free;
        while placement.len() < parallelism as usize {
            for (tm, left) in remaining.iter_mut().filter(|(_, left)| *left > 0) {
                if placement.len() == parallelism as usize {
                    break;
                }
                placement.push(tm.clone());
                *left -= 1;
            }
        }
        let addresses: Vec<String> =
            placement.iter().map(|tm| state.taskmanagers[tm].data_address.clone()).collect();
        for tm in &placement {
            if let Some(entry) = state.taskmanagers.get_mut(tm) {
                entry.busy += 1;
            }
        }
        state.next_job += 1;
        let id = state.next_job;
        let (events, receiver) = mpsc::unbounded_channel();
        let accepted = proto::Accepted { job_id: id, parallelism, taskmanagers: placement.clone() };
        let _ = events.send(Ok(proto::JobEvent { kind: Some(job_event::Kind::Accepted(accepted)) }));
        let job = Job {
            name: request.name.clone(),
            parallelism: parallelism as usize,
            placement: placement.clone(),
            state: JobState::Preparing,
            prepared: BTreeSet::new(),
            results: vec![None; parallelism as usize],
            bytes_sent: 0,
            echo: None,
            events,
            barrier: Barrier::default(),
            supersteps: 0,
            submitted: Instant::now(),
        };
        tracing::info!(job = id, name = %request.name, parallelism, taskmanagers = ?placement, "job submitted");
        let taskmanagers = job.taskmanagers();
        state.jobs.insert(id, job);
        for tm in taskmanagers {
            let workers: Vec<u32> = placement
                .iter()
                .enumerate()
                .filter(|(_, t)| **t == tm)
                .map(|(w, _)| u32::try_from(w).unwrap_or(u32::MAX))
                .collect();
            let deploy = proto::Deploy {
                job_id: id,
                name: request.name.clone(),
                params: request.params.clone(),
                parallelism,
                workers,
                addresses: addresses.clone(),
            };
            if let Some(tasks) = state.taskmanagers.get(&tm).and_then(|e| e.tasks.as_ref()) {
                let _ = tasks.send(Ok(proto::Task { kind: Some(task::Kind::Deploy(deploy)) }));
            }
        }
        Ok(Response::new(Box::pin(UnboundedReceiverStream::new(receiver))))
    }

    async fn list_jobs(
        &self,
        _request: Request<proto::ListJobsRequest>,
    ) -> Result<Response<proto::ListJobsReply>, Status> {
        let state = self.0.lock();
        let jobs = state
            .jobs
            .iter()
            .map(|(&id, job)| proto::JobInfo {
                job_id: id,
                name: job.name.clone(),
                state: job.state.name().to_string(),
                parallelism: u32::try_from(job.parallelism).unwrap_or(u32::MAX),
                supersteps: job.supersteps,
                error: error_of(&job.state).unwrap_or_default().to_string(),
            })
            .collect();
        Ok(Response::new(proto::ListJobsReply { jobs }))
    }

    async fn cancel_job(
        &self,
        request: Request<proto::CancelJobRequest>,
    ) -> Result<Response<proto::CancelJobReply>, Status> {
        let id = request.into_inner().job_id;
        let mut state = self.0.lock();
        let running = state.jobs.get(&id).is_some_and(|job| !job.state.is_over());
        if running {
            state.end_job(id, JobState::Cancelled("cancelled by a client".into()));
        }
        Ok(Response::new(proto::CancelJobReply { cancelled: running }))
    }

    async fn status(
        &self,
        _request: Request<proto::StatusRequest>,
    ) -> Result<Response<proto::StatusReply>, Status> {
        Ok(Response::new(proto::StatusReply { json: self.0.status_json() }))
    }
}
