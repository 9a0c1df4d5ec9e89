//! eddy-runtime: executors that run Eddy jobs.
//!
//! Entrypoint: [`LocalRuntime`], which runs a job on P worker threads of this process
//! that exchange records through [`ChannelCommunicator`], the in-process implementation
//! of [`eddy_core::Communicator`]. Cluster mode's data plane, [`net`], implements the
//! same trait over TCP ([`NetCommunicator`] and its [`DataServer`]); its JobManager and
//! TaskManagers arrive with their own issue.
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
pub mod cluster;
pub mod config;
pub mod jobs;
pub mod local;
pub mod net;
mod pool;
pub mod supervise;

pub use channel::{AbortHandle, CancelHandle, ChannelCommunicator};
pub use config::RuntimeConfig;
pub use jobs::{JobRegistry, JobRequest};
pub use local::{LocalRuntime, example, run_worker};
pub use net::{ClusterSecret, DataServer, NetCommunicator, NetOptions};
pub use supervise::supervised;
