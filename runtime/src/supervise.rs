//! Supervising the jobs a thread starts: a check that [`crate::LocalRuntime::execute`]
//! polls on the calling thread while the workers run, and that can cancel the job.
//!
//! The Python package wraps its calls in [`supervised`] with a check that looks for
//! Ctrl-C, so that a long run ends with `KeyboardInterrupt` instead of running on.
//!
//! **Note**: cancellation is cooperative: every worker stops with
//! [`eddy_core::Error::Cancelled`] at its next exchange (at the latest at the next
//! superstep), never in the middle of its local work.

use std::cell::RefCell;
use std::time::Duration;

/// The check and how often to run it.
pub(crate) struct Supervisor {
    /// How long to wait for the workers between two checks.
    pub(crate) every: Duration,
    /// Returns the reason to cancel the job, or `None` to let it run.
    pub(crate) check: Box<dyn FnMut() -> Option<String>>,
}

thread_local! {
    static SUPERVISOR: RefCell<Option<Supervisor>> = const { RefCell::new(None) };
}

/// Runs `f`; every job that `f` executes on this thread on a [`crate::LocalRuntime`] is
/// supervised by `check`, called every `every` while its workers run: when `check`
/// returns a reason, the job is cancelled and `execute` returns
/// [`eddy_core::Error::Cancelled`] with it once every worker has stopped.
///
/// ```
/// use std::time::Duration;
/// use eddy_runtime::{LocalRuntime, supervised};
///
/// let runtime = LocalRuntime::with_parallelism(2).unwrap();
/// let outcome = supervised(Duration::from_millis(1), || Some("enough".to_string()), || {
///     runtime.execute(|worker| loop {
///         worker.barrier()?;
///     })
/// });
/// let error: Result<Vec<()>, _> = outcome;
/// assert_eq!(error.unwrap_err().to_string(), "job cancelled: enough");
/// ```
pub fn supervised<T>(
    every: Duration,
    check: impl FnMut() -> Option<String> + 'static,
    f: impl FnOnce() -> T,
) -> T {
    let previous = SUPERVISOR.replace(Some(Supervisor { every, check: Box::new(check) }));
    let _restore = Restore(previous);
    f()
}

/// Takes this thread's supervisor for the duration of one job; nested jobs started by
/// the workers themselves run on other threads and are not supervised.
pub(crate) fn take() -> Lease {
    Lease(SUPERVISOR.take())
}

/// A supervisor taken by a running job, put back when the job ends.
pub(crate) struct Lease(pub(crate) Option<Supervisor>);

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(supervisor) = self.0.take() {
            SUPERVISOR.set(Some(supervisor));
        }
    }
}

struct Restore(Option<Supervisor>);

impl Drop for Restore {
    fn drop(&mut self) {
        SUPERVISOR.set(self.0.take());
    }
}
