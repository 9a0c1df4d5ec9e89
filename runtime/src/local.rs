//! `LocalRuntime`: runs a job on P worker threads of this process.
//!
//! `execute` creates P [`ChannelCommunicator`]s, starts one scoped thread per worker and
//! runs the job closure on each with its own [`Worker`]. A worker whose job returns an
//! error or panics tells its peers (so none of them hangs in an exchange) and `execute`
//! returns the root cause — the first failure that is not an echo of another worker's.
//!
//! **Note**: the job closure runs once per worker (SPMD) and must be `Sync`; per-worker
//! state lives inside the closure's body, not in captured variables.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use eddy_core::{Communicator, Error, Result, SuperstepListener, Worker};

use crate::channel::ChannelCommunicator;
use crate::config::RuntimeConfig;

/// Executes jobs on worker threads of this process.
#[derive(Clone)]
pub struct LocalRuntime {
    config: RuntimeConfig,
    listener: Option<Arc<dyn SuperstepListener>>,
}

impl std::fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("config", &self.config)
            .field("listener", &self.listener.is_some())
            .finish()
    }
}

impl LocalRuntime {
    /// A runtime with the given configuration.
    ///
    /// # Errors
    /// An invalid configuration (zero parallelism).
    pub fn new(config: RuntimeConfig) -> Result<Self> {
        config.validate()?;
        Ok(LocalRuntime { config, listener: None })
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
        self.listener = Some(listener);
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
    /// or a panic ([`Error::WorkerPanicked`] with the panic message).
    pub fn execute<R, F>(&self, job: F) -> Result<Vec<R>>
    where
        R: Send,
        F: Fn(&Worker) -> Result<R> + Sync,
    {
        let communicators =
            ChannelCommunicator::create(self.config.parallelism, self.config.serialize_exchanges);
        let outcomes: Vec<Result<R>> = std::thread::scope(|scope| {
            let handles: Vec<_> = communicators
                .into_iter()
                .map(|communicator| {
                    let job = &job;
                    let listener = self.listener.clone();
                    let index = communicator.index();
                    let abort = communicator.abort_handle();
                    std::thread::Builder::new()
                        .name(format!("eddy-worker-{index}"))
                        .spawn_scoped(scope, move || run_worker(communicator, listener, job))
                        .map_err(|e| {
                            // Tell the workers already running not to wait for this one.
                            let reason = format!("cannot start worker thread {index}: {e}");
                            abort.abort(&reason);
                            Error::Internal(reason)
                        })
                })
                .collect();
            handles
                .into_iter()
                .enumerate()
                .map(|(index, handle)| {
                    handle?.join().unwrap_or_else(|payload| {
                        Err(Error::WorkerPanicked { worker: index, message: panic_message(payload.as_ref()) })
                    })
                })
                .collect()
        });
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

fn run_worker<R, F>(
    communicator: ChannelCommunicator,
    listener: Option<Arc<dyn SuperstepListener>>,
    job: &F,
) -> Result<R>
where
    F: Fn(&Worker) -> Result<R>,
{
    let index = communicator.index();
    let worker = Worker::new(Box::new(communicator), listener);
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

/// Runs `job` on `parallelism` local workers and returns worker 0's result: a one-line
/// harness for examples and doc tests.
///
/// # Errors
/// As [`LocalRuntime::execute`].
pub fn example<R, F>(parallelism: usize, job: F) -> Result<R>
where
    R: Send,
    F: Fn(&Worker) -> Result<R> + Sync,
{
    let mut results = LocalRuntime::with_parallelism(parallelism)?.execute(job)?;
    if results.is_empty() {
        return Err(Error::Internal("a job ran on no worker".into()));
    }
    Ok(results.swap_remove(0))
}
