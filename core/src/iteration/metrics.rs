//! Per-superstep metrics and the listener that receives them.
//!
//! After every superstep barrier, worker 0 reports one [`SuperstepMetrics`] — global
//! values, identical on every worker — to the executor's [`SuperstepListener`]. The CLI
//! draws progress bars from it; [`MetricsRecorder`] keeps them for tests and dashboards.
//!
//! **Note**: the listener runs on worker 0's thread inside the barrier: keep it cheap.

use std::sync::Mutex;
use std::time::Duration;

/// Which kind of iteration produced a superstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IterationKind {
    /// A bulk iteration (`iterate`).
    Bulk,
    /// A delta iteration (`iterate_delta`).
    Delta,
    /// Gelly's vertex-centric (Pregel) model, and scatter-gather compiled onto it.
    VertexCentric,
    /// Gelly's gather-sum-apply model.
    GatherSumApply,
    /// A hand-written graph kernel (fast PageRank, SSSP, BFS, connected components).
    Kernel,
}

/// What happened in one superstep, summed over all workers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SuperstepMetrics {
    /// Bulk or delta.
    pub kind: IterationKind,
    /// The superstep number, from 1.
    pub superstep: u32,
    /// What was active: records of the next partial solution (bulk), of the next workset
    /// (delta), vertices computed (graph models and kernels).
    pub workset_size: u64,
    /// What changed: records of the delta applied to the solution set (delta), vertex
    /// values updated (graph models and kernels); `None` for bulk iterations.
    pub delta_size: Option<u64>,
    /// The all-reduced aggregators, as numbers ([`crate::Aggregator::values`]).
    pub aggregates: Vec<f64>,
    /// True if the iteration ends after this superstep because it converged.
    pub converged: bool,
    /// Wall time of this superstep on worker 0, barrier included.
    pub elapsed: Duration,
    /// Wall time since the iteration started.
    pub total_elapsed: Duration,
}

/// Receives the metrics of every superstep of every iteration of a job.
pub trait SuperstepListener: Send + Sync {
    /// Called once per superstep, after its barrier.
    fn on_superstep(&self, metrics: &SuperstepMetrics);
}

impl<F: Fn(&SuperstepMetrics) + Send + Sync> SuperstepListener for F {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        self(metrics);
    }
}

/// A listener that records every superstep's metrics.
#[derive(Debug, Default)]
pub struct MetricsRecorder {
    supersteps: Mutex<Vec<SuperstepMetrics>>,
}

impl MetricsRecorder {
    /// A recorder with no metrics yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The metrics recorded so far, in order.
    pub fn supersteps(&self) -> Vec<SuperstepMetrics> {
        self.supersteps.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl SuperstepListener for MetricsRecorder {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        self.supersteps.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(metrics.clone());
    }
}
