//! The JobManager's JSON status document (served over HTTP with `--status-bind` and by
//! the `Status` RPC).

use std::time::Instant;

use super::state::{Shared, error_of};

impl Shared {
    /// The JSON status document: TaskManagers and jobs with their counters.
    pub(crate) fn status_json(&self) -> String {
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
