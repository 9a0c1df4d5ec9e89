//! Cluster mode's data plane: workers in different processes exchange batches over TCP.
//!
//! Two halves, usable on their own (the JobManager / TaskManager control plane drives
//! them):
//! - [`DataServer`] listens on one port per process and runs on a small tokio runtime of
//!   its own. It authenticates every incoming connection with the cluster secret and
//!   routes its frames, by (job id, destination worker), into the [`Inbox`] of a local
//!   worker registered with [`DataServer::register`].
//! - [`NetCommunicator`] is the network [`eddy_core::Communicator`]: a worker's endpoint,
//!   built from its inbox and the data-server address of every worker of the job. It opens
//!   one connection to every remote peer, sends each batch as [`eddy_core::Batch::encode`]d
//!   bytes (the batch to itself stays in memory) and hands received bytes to the job as
//!   [`eddy_core::Batch::Encoded`]. Its semantics are those of the in-process
//!   [`crate::ChannelCommunicator`]: a fast peer may be one exchange ahead, `Abort` and
//!   `Finished` turn a waiting peer's exchange into [`eddy_core::Error::PeerFailed`] /
//!   [`eddy_core::Error::PeerFinished`], the first failure is sticky, and a
//!   [`NetCancelHandle`] makes every exchange fail with [`eddy_core::Error::Cancelled`].
//!
//! The wire format is in [`frame`].
//!
//! ```
//! use std::net::SocketAddr;
//! use eddy_core::{Communicator, Worker};
//! use eddy_runtime::net::{ClusterSecret, DataServer, NetCommunicator};
//!
//! let secret = ClusterSecret::new("s3cret");
//! let server = DataServer::bind(SocketAddr::from(([127, 0, 0, 1], 0)), secret.clone())?;
//! // One job (id 7) of two workers, both hosted by this server.
//! let addresses = vec![server.local_addr(); 2];
//! let inboxes = server.register(7, 2, &[0, 1])?;
//! let communicators: Vec<NetCommunicator> = inboxes
//!     .into_iter()
//!     .map(|inbox| NetCommunicator::connect(inbox, &addresses, &secret))
//!     .collect::<Result<_, _>>()?;
//! let sums: Vec<u64> = std::thread::scope(|scope| {
//!     let threads: Vec<_> = communicators
//!         .into_iter()
//!         .map(|c| scope.spawn(move || {
//!             eddy_runtime::run_worker(Box::new(c), Default::default(), |w: &Worker| {
//!                 w.generate(100, |i| i).aggregate(0u64, |a, x| a + x, |a, b| a + b)
//!             })
//!         }))
//!         .collect();
//!     threads.into_iter().map(|t| t.join().unwrap()).collect::<Result<_, _>>()
//! })?;
//! assert_eq!(sums, vec![4950, 4950]);
//! # Ok::<(), eddy_core::Error>(())
//! ```
//!
//! **Note**: the data port authenticates with a shared secret but does not encrypt:
//! bind it to a loopback or private address (the CLI's default is loopback-only), never
//! to a public interface. Workers hosted by the same server still talk to each other
//! over loopback TCP — simple and uniform; an in-memory shortcut for them is a possible
//! later optimisation.

mod communicator;
pub mod frame;
mod server;

use std::sync::Arc;
use std::time::Duration;

use eddy_core::{Error, Result};
use subtle::ConstantTimeEq;

pub use communicator::{NetCancelHandle, NetCommunicator, Traffic};
pub use server::{DataServer, Inbox};

/// The shared secret every process of a cluster must present on its data connections.
///
/// Its `Debug` output never shows the bytes.
#[derive(Clone)]
pub struct ClusterSecret(Arc<[u8]>);

impl ClusterSecret {
    /// Wraps the secret's bytes (for example, the value of `EDDY_CLUSTER_SECRET`).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        ClusterSecret(secret.into().into())
    }

    /// Compares `offered` with the secret in time independent of where they differ
    /// (lengths are not secret).
    pub(crate) fn matches(&self, offered: &[u8]) -> bool {
        bool::from(self.0.as_ref().ct_eq(offered))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for ClusterSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterSecret(<redacted>)")
    }
}

/// Tunables of the data plane. Give every process of a cluster the same values (a
/// communicator never sends frames larger than the limit its server announces, though).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetOptions {
    /// The largest frame payload, in bytes, that a server accepts and a communicator
    /// sends; larger batches travel as several `Data` frames. Between
    /// [`frame::MIN_FRAME_PAYLOAD`] and [`frame::MAX_FRAME_PAYLOAD`]; default 1 MiB.
    pub max_frame_payload: usize,
    /// How many frames per remote peer a worker's inbox holds before the server stops
    /// reading that worker's connections (backpressure); at least 1, default 4. The
    /// memory a worker's inbox can pin is at most
    /// `inbox_frames_per_peer × (peers − 1) × max_frame_payload` bytes.
    pub inbox_frames_per_peer: usize,
    /// The kernel buffer of every data connection, in bytes: the receive buffer of the
    /// server's sockets and the send buffer of the communicators' sockets. `None` (the
    /// default) leaves the operating system's autotuned sizes; a value bounds the bytes in
    /// flight per connection that a receiver which does not read can pin.
    pub socket_buffer: Option<u32>,
    /// How long a communicator keeps retrying to reach a peer's server; default 10 s.
    pub connect_timeout: Duration,
    /// How long either side waits for the other's handshake frame; default 10 s.
    pub handshake_timeout: Duration,
    /// How long [`eddy_core::Communicator::finish`] / `abort` wait for their last frame
    /// to be written to a peer that does not read; default 10 s. After that the
    /// connection is dropped, which the peer reports as a lost connection.
    pub linger: Duration,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            max_frame_payload: 1 << 20,
            inbox_frames_per_peer: 4,
            socket_buffer: None,
            connect_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            linger: Duration::from_secs(10),
        }
    }
}

impl NetOptions {
    /// Sets [`NetOptions::max_frame_payload`].
    pub fn with_max_frame_payload(mut self, bytes: usize) -> Self {
        self.max_frame_payload = bytes;
        self
    }

    /// Sets [`NetOptions::inbox_frames_per_peer`].
    pub fn with_inbox_frames_per_peer(mut self, frames: usize) -> Self {
        self.inbox_frames_per_peer = frames;
        self
    }

    /// Sets [`NetOptions::socket_buffer`].
    pub fn with_socket_buffer(mut self, bytes: Option<u32>) -> Self {
        self.socket_buffer = bytes;
        self
    }

    /// Sets [`NetOptions::connect_timeout`].
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a payload limit outside
    /// [`frame::MIN_FRAME_PAYLOAD`]`..=`[`frame::MAX_FRAME_PAYLOAD`] or an inbox of 0 frames.
    pub fn validate(&self) -> Result<()> {
        if !(frame::MIN_FRAME_PAYLOAD..=frame::MAX_FRAME_PAYLOAD).contains(&self.max_frame_payload) {
            return Err(Error::InvalidParameter {
                name: "max_frame_payload",
                reason: format!(
                    "{} bytes is outside {}..={}",
                    self.max_frame_payload,
                    frame::MIN_FRAME_PAYLOAD,
                    frame::MAX_FRAME_PAYLOAD
                ),
            });
        }
        if self.inbox_frames_per_peer == 0 {
            return Err(Error::InvalidParameter {
                name: "inbox_frames_per_peer",
                reason: "an inbox must hold at least one frame per peer".into(),
            });
        }
        Ok(())
    }
}

/// The tokio runtime of one [`DataServer`], kept alive by the server and by every inbox
/// and communicator that uses it.
struct NetRuntime(Option<tokio::runtime::Runtime>);

impl NetRuntime {
    fn new() -> Result<Arc<NetRuntime>> {
        // Two threads: the server's tasks only move bytes between sockets and bounded
        // queues; the workers are the caller's threads.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("eddy-net")
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the data plane's tokio runtime: {e}")))?;
        Ok(Arc::new(NetRuntime(Some(runtime))))
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.0.as_ref().expect("the runtime lives until NetRuntime is dropped").handle()
    }
}

impl Drop for NetRuntime {
    fn drop(&mut self) {
        // Never blocks, so dropping the last handle is fine anywhere, even in async code.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Fails when called from inside a tokio runtime, where blocking would stall it (and
/// `Handle::block_on` panics).
fn ensure_blocking_context(what: &str) -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::InvalidParameter {
            name: "thread",
            reason: format!(
                "{what} blocks and must run on a plain thread, not inside a tokio runtime \
                 (use spawn_blocking or a dedicated thread)"
            ),
        });
    }
    Ok(())
}
