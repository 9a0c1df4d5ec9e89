//! eddy-runtime: executors that run Eddy jobs.
//!
//! Entrypoint: [`LocalRuntime`], which runs a job on P worker threads of this process
//! that exchange records through [`ChannelCommunicator`], the in-process implementation
//! of [`eddy_core::Communicator`]. [`jobs`] names jobs, so that one binary runs the same
//! job locally or in cluster mode. A runtime hands every worker its hooks for core's
//! superstep engine: the metrics listener (`with_listener`), a checkpoint store
//! (`with_checkpoints`) and a cancel token (`with_cancel_token`).
//!
//! Cluster mode is behind the cargo feature `cluster` (off by default, so that the local
//! runtime — and eddy-ml, eddy-gelly and the Python package on it — pull no tokio, gRPC
//! or TLS): its data plane, `net`, implements the same [`eddy_core::Communicator`] over
//! TCP (`NetCommunicator` and its `DataServer`); its control plane, `cluster`, is the
//! gRPC JobManager, the TaskManagers and the client that submits jobs. The `eddy` command
//! (eddy-cli) turns the feature on.
//!
//! ```
//! use eddy_runtime::LocalRuntime;
//!
//! let runtime = LocalRuntime::with_parallelism(2).unwrap();
//! let sums = runtime
//!     .execute(|worker| worker.generate(100, |i| i).aggregate(0u64, |a, x| a + x, |a, b| a + b))
//!     .unwrap();
//! assert_eq!(sums, vec![4950, 4950]);
//! ```

pub mod channel;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod config;
pub mod jobs;
pub mod local;
#[cfg(feature = "cluster")]
pub mod net;
mod pool;
pub mod supervise;

pub use channel::{AbortHandle, CancelHandle, ChannelCommunicator};
pub use config::RuntimeConfig;
pub use jobs::{JobRegistry, JobRequest};
pub use local::{LocalRuntime, run_worker};
#[cfg(feature = "cluster")]
pub use net::{ClusterSecret, DataServer, NetCommunicator, NetOptions};
pub use supervise::supervised;
