//! The JobManager's gRPC service: registration and heartbeats, the TaskManagers' task
//! streams, job submission, superstep barriers, results, failures, listing and cancel.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::{Request, Response, Status};

use super::state::{Barrier, Job, JobState, Shared, TaskManagerEntry, error_of};
use crate::cluster::proto::job_manager_server::JobManager as JobManagerService;
use crate::cluster::proto::{self, job_event, task};

/// The gRPC service, over the shared state.
pub(super) struct Service(pub(super) Arc<Shared>);

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
