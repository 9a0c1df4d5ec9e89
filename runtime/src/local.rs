//! `LocalRuntime`: runs a job on P worker threads of this process.
//!
//! `execute` creates P [`ChannelCommunicator`]s and runs the job closure once per worker,
//! each with its own [`Worker`] on a thread of its own: the threads of a cached pool of
//! exactly P threads when one is free (`pool.rs`), otherwise scoped threads started for
//! the job. A worker whose job returns an
//! error or panics tells its peers (so none of them hangs in an exchange) and `execute`
//! returns the root cause — the first failure that is not an echo of another worker's.
//! Inside [`crate::supervised`], the calling thread polls the supervisor's check while
//! it waits for the workers, and cancels the job when the check asks for it.
//!
//! **Note**: the job closure runs once per worker (SPMD) and must be `Sync`; per-worker
//! state lives inside the closure's body, not in captured variables.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use eddy_core::{
    CancelToken, CheckpointStore, Communicator, Error, JobHooks, Result, SuperstepListener, Worker,
};

use crate::channel::{CancelHandle, ChannelCommunicator};
use crate::config::RuntimeConfig;
use crate::{pool, supervise};

/// Executes jobs on worker threads of this process.
#[derive(Clone)]
pub struct LocalRuntime {
    config: RuntimeConfig,
    hooks: JobHooks,
}

impl std::fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalRuntime").field("config", &self.config).field("hooks", &self.hooks).finish()
    }
}

impl LocalRuntime {
    /// A runtime with the given configuration.
    ///
    /// # Errors
    /// An invalid configuration (zero parallelism).
    pub fn new(config: RuntimeConfig) -> Result<Self> {
        config.validate()?;
        Ok(LocalRuntime { config, hooks: JobHooks::default() })
    }

    /// A runtime with `parallelism` workers.
    ///
    /// # Errors
    /// `parallelism == 0`.
    pub fn with_parallelism(parallelism: usize) -> Result<Self> {
        Self::new(RuntimeConfig::default().with_parallelism(parallelism))
    }

    /// A runtime with one worker per core, or `EDDY_PARALLELISM` workers when it is set.
    ///
    /// # Errors
    /// An invalid `EDDY_PARALLELISM`.
    pub fn from_env() -> Result<Self> {
        Self::new(RuntimeConfig::from_env()?)
    }

    /// Sends every superstep's metrics to `listener`.
    pub fn with_listener(mut self, listener: Arc<dyn SuperstepListener>) -> Self {
        self.hooks.listener = Some(listener);
        self
    }

    /// Saves iteration state to `store` at the supersteps it asks for, and resumes every
    /// iteration that has a checkpoint there (see [`eddy_core::SuperstepEngine`]).
    pub fn with_checkpoints(mut self, store: Arc<dyn CheckpointStore>) -> Self {
        self.hooks.checkpoints = Some(store);
        self
    }

    /// Lets `token` cancel the jobs of this runtime: an iteration ends after the boundary
    /// of the superstep it is in with [`Error::Cancelled`].
    pub fn with_cancel_token(mut self, token: CancelToken) -> Self {
        self.hooks.cancel = Some(token);
        self
    }

    /// The number of workers.
    pub fn parallelism(&self) -> usize {
        self.config.parallelism
    }

    /// Runs `job` on every worker and returns each worker's result, in worker order.
    ///
    /// # Errors
    /// The first root-cause failure: an error returned by the job on some worker
    /// (returned as it is)
    /// or a panic ([`Error::WorkerPanicked`] with the panic message);
    /// [`Error::Cancelled`] when the supervisor (see [`crate::supervised`]) cancelled it.
    pub fn execute<R, F>(&self, job: F) -> Result<Vec<R>>
    where
        R: Send,
        F: Fn(&Worker) -> Result<R> + Sync,
    {
        let communicators =
            ChannelCommunicator::create(self.config.parallelism, self.config.serialize_exchanges);
        let mut watch = Watch {
            supervisor: supervise::take(),
            cancel: communicators.first().map(ChannelCommunicator::cancel_handle),
        };
        let outcomes = match pool::reserve(self.config.parallelism) {
            Some(pool) => self.run_on_pool(pool.threads(), communicators, &job, &mut watch),
            None => self.run_on_threads(communicators, &job, &mut watch),
        };
        let mut results = Vec::with_capacity(outcomes.len());
        let mut echo = None;
        for outcome in outcomes {
            match outcome {
                Ok(r) => results.push(r),
                Err(e) if e.is_echo() => echo = echo.or(Some(e)),
                Err(e) => return Err(e),
            }
        }
        match echo {
            Some(e) => Err(e),
            None => Ok(results),
        }
    }
}

/// What the calling thread does while the workers run: polls the supervisor, if any.
struct Watch {
    supervisor: supervise::Lease,
    cancel: Option<CancelHandle>,
}

impl Watch {
    /// Returns once every worker has ended (`ended` disconnects), cancelling the job
    /// first if the supervisor asks for it.
    fn until_ended(&mut self, ended: &Receiver<()>) {
        let (Some(supervisor), Some(cancel)) = (self.supervisor.0.as_mut(), &self.cancel) else {
            return;
        };
        while let Err(RecvTimeoutError::Timeout) = ended.recv_timeout(supervisor.every) {
            if let Some(reason) = (supervisor.check)() {
                tracing::debug!(%reason, "job cancelled by its supervisor");
                cancel.cancel(&reason);
                return;
            }
        }
    }
}

impl LocalRuntime {
    /// Runs the workers on the threads of a reserved pool, one worker per thread.
    fn run_on_pool<R, F>(
        &self,
        pool: &rayon::ThreadPool,
        communicators: Vec<ChannelCommunicator>,
        job: &F,
        watch: &mut Watch,
    ) -> Vec<Result<R>>
    where
        R: Send,
        F: Fn(&Worker) -> Result<R> + Sync,
    {
        // Every worker holds a sender until its outcome is stored: the receiver sees
        // `Disconnected` once all of them have ended.
        let (running, ended) = channel::<()>();
        let workers: Vec<_> =
            communicators.into_iter().map(|c| Mutex::new(Some((c, running.clone())))).collect();
        drop(running);
        let outcomes: Vec<Mutex<Option<Result<R>>>> = workers.iter().map(|_| Mutex::new(None)).collect();
        pool.in_place_scope(|scope| {
            scope.spawn_broadcast(|_, context| {
                let index = context.index();
                let taken =
                    workers.get(index).and_then(|w| w.lock().unwrap_or_else(PoisonError::into_inner).take());
                if let Some((communicator, _running)) = taken {
                    let outcome = run_worker(Box::new(communicator), self.hooks.clone(), job);
                    *outcomes[index].lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
                }
            });
            watch.until_ended(&ended);
        });
        outcomes
            .into_iter()
            .enumerate()
            .map(|(index, outcome)| {
                outcome.into_inner().unwrap_or_else(PoisonError::into_inner).unwrap_or_else(|| {
                    Err(Error::Internal(format!("worker {index} did not run on the worker pool")))
                })
            })
            .collect()
    }

    /// Runs every worker on a thread of its own, started for this job.
    fn run_on_threads<R, F>(
        &self,
        communicators: Vec<ChannelCommunicator>,
        job: &F,
        watch: &mut Watch,
    ) -> Vec<Result<R>>
    where
        R: Send,
        F: Fn(&Worker) -> Result<R> + Sync,
    {
        std::thread::scope(|scope| {
            // Every worker thread holds a sender until it ends: the receiver sees
            // `Disconnected` once all of them have ended.
            let (running, ended) = channel::<()>();
            let handles: Vec<_> = communicators
                .into_iter()
                .map(|communicator| {
                    let hooks = self.hooks.clone();
                    let index = communicator.index();
                    let abort = communicator.abort_handle();
                    let running = running.clone();
                    std::thread::Builder::new()
                        .name(format!("eddy-worker-{index}"))
                        .spawn_scoped(scope, move || {
                            let _running = running;
                            run_worker(Box::new(communicator), hooks, job)
                        })
                        .map_err(|e| {
                            // Tell the workers already running not to wait for this one.
                            let reason = format!("cannot start worker thread {index}: {e}");
                            abort.abort(&reason);
                            Error::Internal(reason)
                        })
                })
                .collect();
            drop(running);
            watch.until_ended(&ended);
            handles
                .into_iter()
                .enumerate()
                .map(|(index, handle)| {
                    handle?.join().unwrap_or_else(|payload| {
                        Err(Error::WorkerPanicked { worker: index, message: panic_message(payload.as_ref()) })
                    })
                })
                .collect()
        })
    }
}

/// Runs `job` as one worker on the calling thread, over any communicator, the way every
/// executor does: a panic in `job` becomes [`Error::WorkerPanicked`], and the peers are
/// told the outcome ([`Communicator::finish`] on success, [`Communicator::abort`] with
/// the error's message on failure), so that none of them waits for this worker.
///
/// Used by [`LocalRuntime`] for each of its threads and by cluster mode (and its tests)
/// with a network communicator (`NetCommunicator`, feature `cluster`).
///
/// # Returns
/// The job's result on this worker.
///
/// # Errors
/// The job's error, [`Error::WorkerPanicked`], or a communicator error such as
/// [`Error::PeerFailed`] when a peer failed.
///
/// # Example
/// ```
/// let n = eddy_runtime::run_worker(Box::new(eddy_core::Loopback), Default::default(), |w| w.generate(10, |i| i).count())?;
/// assert_eq!(n, 10);
/// # Ok::<(), eddy_core::Error>(())
/// ```
pub fn run_worker<R>(
    communicator: Box<dyn Communicator>,
    hooks: JobHooks,
    job: impl FnOnce(&Worker) -> Result<R>,
) -> Result<R> {
    let index = communicator.index();
    let worker = Worker::new(communicator, hooks);
    let outcome = match catch_unwind(AssertUnwindSafe(|| job(&worker))) {
        Ok(result) => result,
        Err(payload) => {
            Err(Error::WorkerPanicked { worker: index, message: panic_message(payload.as_ref()) })
        }
    };
    let mut communicator = worker.into_communicator();
    match &outcome {
        Ok(_) => communicator.finish(),
        Err(e) => {
            tracing::debug!(worker = index, error = %e, "worker failed");
            communicator.abort(&e.to_string());
        }
    }
    outcome
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
