//! The JobManager: TaskManager membership, job placement, deployment, superstep
//! barriers, results and failure detection.
//!
//! All state lives in one `State` (module `state`) behind a mutex; every handler holds it briefly and
//! never across an `.await`. Messages to TaskManagers (their `Tasks` streams) and to
//! clients (their `Submit` streams) go through unbounded channels, so a handler never
//! waits on a slow peer while it holds the lock.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eddy_core::{Error, Result};
use tokio::sync::oneshot;
use tokio_stream::wrappers::TcpListenerStream;

use super::proto::job_manager_server::JobManagerServer;
use super::{Background, CheckSecret, ClusterSecret, http, tokio_runtime};
use service::Service;
use state::{JobState, Shared, State};

mod service;
mod state;
mod status;

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
