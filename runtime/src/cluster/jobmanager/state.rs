//! The JobManager's state: TaskManagers, jobs, their barriers, and the transitions that
//! end a job. One [`State`] lives behind a mutex in [`Shared`]; every handler holds the
//! lock briefly and never across an `.await`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use super::JobManagerConfig;
use crate::cluster::proto::{self, job_event, task};

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) config: JobManagerConfig,
    /// The address it listens on.
    pub(super) address: SocketAddr,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) taskmanagers: BTreeMap<String, TaskManagerEntry>,
    pub(super) jobs: BTreeMap<u64, Job>,
    pub(super) next_taskmanager: u64,
    pub(super) next_job: u64,
}

pub(super) struct TaskManagerEntry {
    pub(super) data_address: String,
    pub(super) slots: u32,
    pub(super) busy: u32,
    pub(super) last_heartbeat: Instant,
    pub(super) tasks: Option<mpsc::UnboundedSender<Result<proto::Task, Status>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum JobState {
    Preparing,
    Running,
    Finished,
    Failed(String),
    Cancelled(String),
}

impl JobState {
    pub(super) fn name(&self) -> &'static str {
        match self {
            JobState::Preparing => "preparing",
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed(_) => "failed",
            JobState::Cancelled(_) => "cancelled",
        }
    }

    pub(super) fn is_over(&self) -> bool {
        matches!(self, JobState::Finished | JobState::Failed(_) | JobState::Cancelled(_))
    }
}

pub(super) struct Job {
    pub(super) name: String,
    pub(super) parallelism: usize,
    /// The TaskManager of every worker.
    pub(super) placement: Vec<String>,
    pub(super) state: JobState,
    pub(super) prepared: BTreeSet<String>,
    pub(super) results: Vec<Option<Vec<u8>>>,
    pub(super) bytes_sent: u64,
    /// An echo error (a peer vanished) waiting for its root cause, and since when.
    pub(super) echo: Option<(String, Instant)>,
    pub(super) events: mpsc::UnboundedSender<Result<proto::JobEvent, Status>>,
    pub(super) barrier: Barrier,
    pub(super) supersteps: u64,
    pub(super) submitted: Instant,
}

impl Job {
    pub(super) fn taskmanagers(&self) -> BTreeSet<String> {
        self.placement.iter().cloned().collect()
    }
}

/// The current superstep barrier of a job: at most one round is open, because no worker
/// can start round r + 1 before round r has been released.
#[derive(Default)]
pub(super) struct Barrier {
    pub(super) round: u64,
    pub(super) contributions: Vec<Option<Vec<u8>>>,
    pub(super) waiters: Vec<oneshot::Sender<Result<Vec<Vec<u8>>, Status>>>,
    pub(super) released: u64,
    /// Contribution bytes received, over all rounds (control values only: partition
    /// data never comes here).
    pub(super) bytes: u64,
}

impl Shared {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(super) fn error_of(state: &JobState) -> Option<&str> {
    match state {
        JobState::Failed(e) | JobState::Cancelled(e) => Some(e),
        _ => None,
    }
}
impl State {
    /// Ends job `id` with `state` (failed or cancelled): tells the client, cancels the
    /// workers still running, releases the barrier's waiters and frees the slots.
    pub(super) fn end_job(&mut self, id: u64, state: JobState) {
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

    pub(super) fn free_slots(&mut self, placement: &[String]) {
        for tm in placement {
            if let Some(entry) = self.taskmanagers.get_mut(tm) {
                entry.busy = entry.busy.saturating_sub(1);
            }
        }
    }

    /// Drops TaskManager `id` and fails its jobs with `reason`.
    pub(super) fn lose_taskmanager(&mut self, id: &str, reason: &str) {
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
