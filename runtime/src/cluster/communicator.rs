//! A cluster worker's communicator: the data plane for exchanges, the JobManager for
//! gathers (superstep barriers), and worker 0's metrics forwarded to the JobManager.

use std::sync::Arc;

use eddy_core::{Batch, Communicator, Error, Result, SuperstepListener, SuperstepMetrics};
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tonic::transport::Channel;

use super::proto::job_manager_client::JobManagerClient;
use super::proto::{BarrierRequest, MetricsReport};
use super::{AddSecret, encode_metrics};
use crate::net::{NetCommunicator, Traffic};

pub(super) type Client =
    JobManagerClient<tonic::service::interceptor::InterceptedService<Channel, AddSecret>>;

/// [`NetCommunicator`] plus barriers at the JobManager.
pub(super) struct ClusterCommunicator {
    pub(super) net: NetCommunicator,
    pub(super) jobmanager: Client,
    pub(super) address: String,
    pub(super) runtime: Handle,
    pub(super) job: u64,
    pub(super) round: u64,
}

impl ClusterCommunicator {
    pub(super) fn traffic(&self) -> Traffic {
        self.net.traffic()
    }
}

impl Communicator for ClusterCommunicator {
    fn index(&self) -> usize {
        self.net.index()
    }

    fn peers(&self) -> usize {
        self.net.peers()
    }

    fn exchange(&mut self, outgoing: Vec<Batch>) -> Result<Vec<Batch>> {
        self.net.exchange(outgoing)
    }

    fn abort(&mut self, reason: &str) {
        self.net.abort(reason);
    }

    fn finish(&mut self) {
        self.net.finish();
    }

    fn cancelled(&self) -> Option<String> {
        self.net.cancelled()
    }

    fn coordinates_gathers(&self) -> bool {
        true
    }

    fn gather(&mut self, value: Vec<u8>) -> Result<Vec<Vec<u8>>> {
        self.round += 1;
        let request = BarrierRequest {
            job_id: self.job,
            worker: u32::try_from(self.index()).unwrap_or(u32::MAX),
            round: self.round,
            contribution: value,
        };
        let mut client = self.jobmanager.clone();
        let reply = self.runtime.block_on(async move { client.barrier(request).await });
        match reply {
            Ok(reply) => Ok(reply.into_inner().contributions),
            // The JobManager ended the job (another worker failed, a TaskManager was lost,
            // a client cancelled): the reason is elsewhere; this is an echo.
            Err(status) if status.code() == tonic::Code::Aborted => {
                Err(Error::Cancelled { reason: status.message().to_string() })
            }
            Err(status) => Err(super::network_error(&self.address, &status)),
        }
    }
}

/// Forwards worker 0's superstep metrics to the JobManager, in order, without blocking
/// the worker.
pub(super) struct MetricsForwarder(mpsc::UnboundedSender<SuperstepMetrics>);

impl MetricsForwarder {
    /// The forwarder and the task that sends; the task ends once every clone of the
    /// forwarder is dropped and the queue is sent, so the worker awaits it before it
    /// reports its result (the client then sees every superstep before the end).
    pub(super) fn start(
        runtime: &Handle,
        mut jobmanager: Client,
        job: u64,
    ) -> (Arc<Self>, tokio::task::JoinHandle<()>) {
        let (sender, mut receiver) = mpsc::unbounded_channel::<SuperstepMetrics>();
        let task = runtime.spawn(async move {
            while let Some(metrics) = receiver.recv().await {
                let report = MetricsReport { job_id: job, metrics: encode_metrics(&metrics) };
                if let Err(e) = jobmanager.metrics(report).await {
                    tracing::debug!(job, error = %e, "superstep metrics not delivered");
                }
            }
        });
        (Arc::new(MetricsForwarder(sender)), task)
    }
}

impl SuperstepListener for MetricsForwarder {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        tracing::debug!(superstep = metrics.superstep, "superstep");
        let _ = self.0.send(metrics.clone());
    }
}
