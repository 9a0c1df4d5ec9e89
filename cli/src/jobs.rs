//! The CLI's algorithms as named jobs: what cluster mode runs on TaskManager processes,
//! and what the commands run locally.
//!
//! Every algorithm command (`pagerank`, `cc`, `sssp`, `triangles`, `clustering`, `kcore`,
//! `scc`, `hits`, `jaccard`, `adamic-adar`, `kmeans`, `logreg`, `linreg`, `als`) is a job with serializable parameters — the input's *source* (a file path, a
//! generator spec or the built-in data set, never loaded data), the flags and the
//! algorithm's parameters — and a `prepare_<job>` function that runs once per process:
//! it loads or generates the input there and returns the per-worker body, whose result
//! (one serializable *part* per worker: keys and values, the model, stats, timings) the
//! command joins and reports. [`registry`] registers them all by name, so a process of
//! this binary can run a job it receives as a [`eddy_runtime::jobs::JobRequest`].
//!
//! A command runs its job through [`run`] on a [`Target`]: locally, `prepare` is called
//! directly and its body runs on a [`LocalRuntime`] — nothing is serialized, so a local
//! run costs what it did before jobs had names.
//!
//! Families: [`graph`] (pagerank, cc, sssp and the graph library's commands), [`kmeans`], [`supervised`] (logreg, linreg),
//! [`als`]; their inputs are [`crate::input`]'s (a graph's edges, a feature table).
//!
//! Dependencies point one way: the commands build the parameters and the [`Target`] from
//! their flags and call this layer, which knows no flag and no command.
//!
//! **Note**: `prepare` runs in every process of a cluster job, so whatever it derives —
//! a seeded train/test split, a standardisation — must come out the same everywhere;
//! each one here is deterministic and independent of the parallelism.

pub(crate) mod als;
pub(crate) mod graph;
pub(crate) mod kmeans;
pub(crate) mod supervised;

use std::cell::Cell;
use std::sync::Arc;

use anyhow::Context;
use eddy_core::{SuperstepListener, Worker};
use eddy_runtime::cluster::{ClusterClient, TlsTrust};
use eddy_runtime::jobs::{JobRegistry, JobRequest, decode_results};
use eddy_runtime::{ClusterSecret, LocalRuntime};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where a job runs.
#[derive(Debug)]
pub(crate) enum Target {
    /// On this process's cores; the runtime carries the progress listener, if any.
    Local(LocalRuntime),
    /// On the TaskManagers of a cluster, through its JobManager.
    Cluster(Box<ClusterTarget>),
}

/// What it takes to reach a cluster: the JobManager's address, the secret and the TLS
/// settings (the command layer fills it in from its flags and the environment).
#[derive(Debug)]
pub(crate) struct ClusterAccess {
    /// The JobManager's `HOST:PORT`.
    pub(crate) address: String,
    /// The cluster secret.
    pub(crate) secret: ClusterSecret,
    /// TLS to the JobManager (`None`: plaintext).
    pub(crate) trust: Option<TlsTrust>,
}

/// A cluster to run on.
pub(crate) struct ClusterTarget {
    client: ClusterClient,
    /// The requested number of workers (`None`: every free slot).
    parallelism: Option<usize>,
    /// The number the last job ran on.
    ran_on: Cell<usize>,
    listener: Option<Arc<dyn SuperstepListener>>,
}

impl std::fmt::Debug for ClusterTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterTarget")
            .field("client", &self.client)
            .field("parallelism", &self.parallelism)
            .finish()
    }
}

impl Target {
    /// This machine: `parallelism` workers (default `EDDY_PARALLELISM` or one per core);
    /// `listener` receives the superstep metrics.
    ///
    /// # Errors
    /// A parallelism of 0 or a bad `EDDY_PARALLELISM`.
    pub(crate) fn local(
        parallelism: Option<usize>,
        listener: Option<Arc<dyn SuperstepListener>>,
    ) -> anyhow::Result<Target> {
        let runtime = match parallelism {
            Some(n) => LocalRuntime::with_parallelism(n)?,
            None => LocalRuntime::from_env()?,
        };
        Ok(Target::Local(match listener {
            Some(listener) => runtime.with_listener(listener),
            None => runtime,
        }))
    }

    /// The cluster `access` reaches, on `parallelism` workers (default: every free slot);
    /// `listener` receives the superstep metrics.
    ///
    /// # Errors
    /// A parallelism of 0, or a JobManager that cannot be reached.
    pub(crate) fn cluster(
        access: ClusterAccess,
        parallelism: Option<usize>,
        listener: Option<Arc<dyn SuperstepListener>>,
    ) -> anyhow::Result<Target> {
        if parallelism == Some(0) {
            anyhow::bail!("invalid parameter parallelism: must be at least 1, got 0");
        }
        let ClusterAccess { address, secret, trust } = access;
        let client = ClusterClient::connect_with(&address, secret, trust)
            .with_context(|| format!("cannot reach the JobManager at {address}"))?;
        Ok(Target::Cluster(Box::new(ClusterTarget { client, parallelism, ran_on: Cell::new(0), listener })))
    }

    /// The number of workers the job runs on (on a cluster: known once it has run).
    pub(crate) fn parallelism(&self) -> usize {
        match self {
            Target::Local(runtime) => runtime.parallelism(),
            Target::Cluster(cluster) => cluster.ran_on.get(),
        }
    }
}

/// Runs job `name` with `params` on `target` and returns every worker's result, in
/// worker order.
///
/// `prepare` is the job's registered preparation (e.g. [`graph::prepare_pagerank`]);
/// `prepared` is called once the job is prepared and its workers start (the commands
/// move their progress line on). Locally, `prepare(params)` runs here and its body on
/// the runtime's workers, without serializing anything; on a cluster, `name` and the
/// serialized `params` go to the JobManager, every TaskManager prepares the job from
/// them, and the workers' results come back serialized.
///
/// # Errors
/// The preparation's error (an unreadable input, invalid parameters) or the first
/// worker's.
pub(crate) fn run<P, W, R>(
    target: &Target,
    name: &str,
    params: P,
    prepare: impl FnOnce(P) -> eddy_core::Result<W>,
    prepared: impl FnOnce(),
) -> eddy_core::Result<Vec<R>>
where
    P: Serialize,
    W: Fn(&Worker) -> eddy_core::Result<R> + Sync,
    R: DeserializeOwned + Send,
{
    debug_assert!(registry().names().contains(&name), "job {name:?} is not registered");
    match target {
        Target::Local(runtime) => {
            let job = prepare(params)?;
            prepared();
            runtime.execute(|worker| job(worker))
        }
        Target::Cluster(cluster) => {
            let request = JobRequest::new(name, &params)?;
            prepared();
            let outcome = cluster.client.submit(&request, cluster.parallelism, cluster.listener.clone())?;
            cluster.ran_on.set(outcome.results.len());
            decode_results(outcome.results)
        }
    }
}

/// Every job this binary runs by name: `pagerank`, `cc`, `sssp`, `triangles`,
/// `clustering`, `kcore`, `scc`, `hits`, `jaccard`, `adamic-adar`, `kmeans`, `logreg`, `linreg` and `als` (the subcommands' names), with the
/// parameter types [`graph::PageRankJob`], [`graph::ComponentsJob`],
/// [`graph::ShortestPathsJob`], [`graph::TrianglesJob`], [`graph::LibraryJob`],
/// [`kmeans::KMeansJob`], [`supervised::LogregJob`], [`supervised::LinregJob`] and
/// [`als::AlsJob`].
pub(crate) fn registry() -> JobRegistry {
    let mut registry = JobRegistry::new();
    registry
        .register("pagerank", graph::prepare_pagerank)
        .register("cc", graph::prepare_cc)
        .register("sssp", graph::prepare_sssp)
        .register("triangles", graph::prepare_triangles)
        .register("clustering", graph::prepare_clustering)
        .register("kcore", graph::prepare_kcore)
        .register("scc", graph::prepare_scc)
        .register("hits", graph::prepare_hits)
        .register("jaccard", graph::prepare_similarity)
        .register("adamic-adar", graph::prepare_similarity)
        .register("kmeans", kmeans::prepare_kmeans)
        .register("logreg", supervised::prepare_logreg)
        .register("linreg", supervised::prepare_linreg)
        .register("als", als::prepare_als);
    registry
}

/// A failure of a job's preparation (reading the input, checking it against the
/// parameters) as the runtime's error; its message and causes are the original's.
pub(crate) fn prepare_error(error: anyhow::Error) -> eddy_core::Error {
    eddy_core::Error::Job(error.into())
}

#[cfg(test)]
mod tests;
