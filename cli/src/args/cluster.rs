//! The arguments of cluster mode: `--cluster` / `--secret` / `--tls-*` on every algorithm
//! command, and `eddy jobmanager`, `taskmanager`, `jobs` and `submit`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use eddy_core::SuperstepListener;

use crate::jobs::{ClusterAccess, Target};

/// `--cluster` and `--secret`, on every algorithm command.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ClusterArgs {
    /// Run on the cluster whose JobManager listens at HOST:PORT [default: this machine]
    ///
    /// The TaskManagers load the input themselves (the same file path or generator spec
    /// must work on each); --parallelism is then the number of slots used [default: every
    /// free slot]. Results equal local mode's with the same parallelism. Example:
    /// --cluster 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT", help_heading = "Cluster")]
    pub(crate) cluster: Option<String>,
    /// The cluster secret [default: $EDDY_CLUSTER_SECRET]
    ///
    /// Prefer the environment variable: a flag's value is visible to other users in the
    /// process list.
    #[arg(long, value_name = "SECRET", help_heading = "Cluster")]
    pub(crate) secret: Option<String>,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// `--tls-ca` and `--tls-domain`: reaching a JobManager that serves TLS.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct TlsTrustArgs {
    /// Talk TLS to the JobManager, trusting this CA certificate (PEM) [default: plaintext]
    #[arg(long, value_name = "FILE", help_heading = "Cluster")]
    pub(crate) tls_ca: Option<PathBuf>,
    /// The name to expect in the JobManager's certificate [default: the host of its
    /// address]
    #[arg(long, value_name = "NAME", requires = "tls_ca", help_heading = "Cluster")]
    pub(crate) tls_domain: Option<String>,
}

impl TlsTrustArgs {
    /// The TLS settings, if --tls-ca is given.
    ///
    /// # Errors
    /// An unreadable CA file.
    pub(crate) fn trust(&self) -> anyhow::Result<Option<eddy_runtime::cluster::TlsTrust>> {
        let Some(path) = &self.tls_ca else { return Ok(None) };
        let ca_pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Some(eddy_runtime::cluster::TlsTrust { ca_pem, domain: self.tls_domain.clone() }))
    }
}

impl ClusterArgs {
    /// Where a command runs: on the cluster `--cluster` names (with the secret of
    /// `--secret` or `EDDY_CLUSTER_SECRET` and the `--tls-*` settings), or on this machine
    /// (`parallelism` workers, default `EDDY_PARALLELISM` or one per core); `listener`
    /// receives the superstep metrics either way.
    ///
    /// # Errors
    /// A parallelism of 0, a bad `EDDY_PARALLELISM`, no cluster secret, an unreadable CA
    /// file, or a JobManager that cannot be reached.
    pub(crate) fn target(
        &self,
        parallelism: Option<usize>,
        listener: Option<Arc<dyn SuperstepListener>>,
    ) -> anyhow::Result<Target> {
        let Some(address) = &self.cluster else { return Target::local(parallelism, listener) };
        let access =
            ClusterAccess { address: address.clone(), secret: self.secret()?, trust: self.tls.trust()? };
        Target::cluster(access, parallelism, listener)
    }

    /// The secret from --secret or `EDDY_CLUSTER_SECRET`.
    ///
    /// # Errors
    /// Neither is given, or the secret is empty.
    pub(crate) fn secret(&self) -> anyhow::Result<eddy_runtime::ClusterSecret> {
        cluster_secret(self.secret.as_deref())
    }
}

/// The cluster secret: `flag` (--secret) or else `EDDY_CLUSTER_SECRET`.
///
/// # Errors
/// Neither is given, or the secret is empty.
fn cluster_secret(flag: Option<&str>) -> anyhow::Result<eddy_runtime::ClusterSecret> {
    let secret = match flag {
        Some(s) => s.to_string(),
        None => std::env::var("EDDY_CLUSTER_SECRET").map_err(|_| {
            anyhow::anyhow!(
                "cluster mode needs the cluster secret: set EDDY_CLUSTER_SECRET (or pass --secret)"
            )
        })?,
    };
    if secret.is_empty() {
        anyhow::bail!("the cluster secret is empty: set EDDY_CLUSTER_SECRET to a non-empty value");
    }
    Ok(eddy_runtime::ClusterSecret::new(secret))
}

/// Arguments of `eddy jobmanager`.
#[derive(Debug, Args)]
pub(crate) struct JobManagerArgs {
    /// Address of the gRPC service (TaskManagers and clients connect here)
    ///
    /// Loopback by default; bind a private address to accept other machines. Port 0
    /// picks a free port (printed on the first line of stdout).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:6123")]
    pub(crate) bind: std::net::SocketAddr,
    /// Serve the JSON status document (TaskManagers, jobs, supersteps) over HTTP here
    /// [default: off]. Example: --status-bind 127.0.0.1:8081
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) status_bind: Option<std::net::SocketAddr>,
    /// Seconds between a TaskManager's heartbeats
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub(crate) heartbeat_interval: f64,
    /// Seconds without a heartbeat after which a TaskManager is dropped and its jobs fail
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) heartbeat_timeout: f64,
    /// Serve gRPC over TLS with this certificate chain (PEM) [default: plaintext]
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
}

/// Arguments of `eddy taskmanager`.
#[derive(Debug, Args)]
pub(crate) struct TaskManagerArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// Workers this TaskManager runs at once [default: the number of cores]
    #[arg(long, value_name = "N")]
    pub(crate) slots: Option<u32>,
    /// Address of the data port other TaskManagers send partition data to
    ///
    /// Loopback by default: the data port authenticates with the secret but does not
    /// encrypt. Port 0 picks a free port (printed on the first line of stdout).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub(crate) bind: std::net::SocketAddr,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// `--secret` of the cluster processes.
#[derive(Debug, Args)]
pub(crate) struct SecretArgs {
    /// The cluster secret [default: $EDDY_CLUSTER_SECRET]
    ///
    /// Every JobManager, TaskManager and client of a cluster needs the same one; a
    /// process without it is refused. Prefer the environment variable.
    #[arg(long, value_name = "SECRET")]
    pub(crate) secret: Option<String>,
}

impl SecretArgs {
    /// The secret from --secret or `EDDY_CLUSTER_SECRET`.
    ///
    /// # Errors
    /// Neither is given, or the secret is empty.
    pub(crate) fn secret(&self) -> anyhow::Result<eddy_runtime::ClusterSecret> {
        cluster_secret(self.secret.as_deref())
    }
}

/// Arguments of `eddy jobs`.
#[derive(Debug, Args)]
pub(crate) struct JobsArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// Cancel job ID instead of listing the jobs
    #[arg(long, value_name = "ID")]
    pub(crate) cancel: Option<u64>,
    /// Print the JobManager's status document (JSON) instead of the table
    #[arg(long)]
    pub(crate) json: bool,
    /// The cluster secret.
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// TLS to the JobManager.
    #[command(flatten)]
    pub(crate) tls: TlsTrustArgs,
}

/// Arguments of `eddy submit`.
#[derive(Debug, Args)]
pub(crate) struct SubmitArgs {
    /// The JobManager's address. Example: --jobmanager 127.0.0.1:6123
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) jobmanager: String,
    /// The job: an algorithm command and its arguments, e.g. `pagerank --generate rmat:20`
    #[arg(value_name = "COMMAND", trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub(crate) job: Vec<std::ffi::OsString>,
}
