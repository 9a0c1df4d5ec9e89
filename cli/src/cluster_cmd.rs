//! `eddy jobmanager`, `eddy taskmanager` and `eddy jobs`: the cluster's processes and
//! its job list. The algorithm commands reach a cluster through `--cluster` (and
//! `eddy submit`), see [`crate::jobs::Target`].
//!
//! The processes log to stderr with `tracing` (default level `info`; `-v` and `RUST_LOG`
//! change it, see [`crate::logging`], which `main` installs for every command):
//! structured lines with the job id, worker and TaskManager as fields. The first line of
//! stdout says where the process listens, for scripts and tests.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use eddy_runtime::cluster::{ClusterClient, JobManager, JobManagerConfig, TaskManager, TaskManagerConfig};

use crate::args::{JobManagerArgs, JobsArgs, TaskManagerArgs};

fn seconds(name: &str, value: f64) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0) {
        bail!("invalid parameter {name}: must be a positive number of seconds, got {value}");
    }
    Ok(Duration::from_secs_f64(value))
}

fn warn_if_public(what: &str, address: std::net::SocketAddr) {
    if !address.ip().is_loopback() {
        tracing::warn!(%address, "the {what} listens beyond loopback: keep it on a private network");
    }
}

/// `eddy jobmanager`: serves until SIGTERM or Ctrl-C.
///
/// # Errors
/// No secret, invalid heartbeat settings, an address that cannot be bound.
pub(crate) fn jobmanager(args: &JobManagerArgs) -> Result<()> {
    let mut config = JobManagerConfig::new(args.bind, args.secret.secret()?);
    config.heartbeat_interval = seconds("heartbeat-interval", args.heartbeat_interval)?;
    config.heartbeat_timeout = seconds("heartbeat-timeout", args.heartbeat_timeout)?;
    config.status_bind = args.status_bind;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read =
            |path: &std::path::PathBuf| std::fs::read(path).with_context(|| path.display().to_string());
        config.tls = Some(eddy_runtime::cluster::TlsIdentity { cert_pem: read(cert)?, key_pem: read(key)? });
    }
    let jobmanager = JobManager::start(config)?;
    warn_if_public("JobManager", jobmanager.local_addr());
    let mut banner = format!("eddy jobmanager listening on {}", jobmanager.local_addr());
    if let Some(status) = jobmanager.status_addr() {
        banner.push_str(&format!(" (status http://{status})"));
    }
    println!("{banner}");
    std::io::stdout().flush()?;
    jobmanager.run_until_signal();
    Ok(())
}

/// `eddy taskmanager`: runs jobs until SIGTERM, Ctrl-C or the JobManager's end.
///
/// # Errors
/// No secret, no slots, a data address that cannot be bound, a JobManager that cannot be
/// reached or refuses this TaskManager, or one that goes away.
pub(crate) fn taskmanager(args: &TaskManagerArgs) -> Result<()> {
    let slots = match args.slots {
        Some(n) => n,
        None => {
            std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
        }
    };
    let mut config = TaskManagerConfig::new(args.jobmanager.clone(), args.bind, slots, args.secret.secret()?);
    config.tls = args.tls.trust()?;
    let taskmanager = TaskManager::start(config, crate::jobs::registry())
        .with_context(|| format!("cannot join the cluster of {}", args.jobmanager))?;
    warn_if_public("data port", taskmanager.data_addr());
    println!(
        "eddy taskmanager {} registered with {}, data port {} ({slots} slot{})",
        taskmanager.id(),
        args.jobmanager,
        taskmanager.data_addr(),
        if slots == 1 { "" } else { "s" }
    );
    std::io::stdout().flush()?;
    taskmanager.run_until_signal().context("the TaskManager stopped")
}

/// `eddy jobs`: the JobManager's jobs, or cancel one.
///
/// # Errors
/// No secret, a JobManager that cannot be reached or refuses.
pub(crate) fn jobs(args: &JobsArgs) -> Result<()> {
    let client = ClusterClient::connect_with(&args.jobmanager, args.secret.secret()?, args.tls.trust()?)
        .with_context(|| format!("cannot reach the JobManager at {}", args.jobmanager))?;
    if let Some(id) = args.cancel {
        if client.cancel(id)? {
            println!("job {id} cancelled");
        } else {
            bail!("job {id} is not running (unknown or already ended)");
        }
        return Ok(());
    }
    if args.json {
        println!("{}", client.status()?);
        return Ok(());
    }
    let jobs = client.list_jobs()?;
    println!("{:>5}  {:<10} {:<10} {:>11} {:>10}  error", "id", "job", "state", "parallelism", "supersteps");
    for job in jobs {
        println!(
            "{:>5}  {:<10} {:<10} {:>11} {:>10}  {}",
            job.job_id, job.name, job.state, job.parallelism, job.supersteps, job.error
        );
    }
    Ok(())
}
