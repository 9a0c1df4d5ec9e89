//! Rust errors → Python exceptions, in one place.
//!
//! The exception classes live in `eddy/errors.py` so that they can inherit from both
//! `EddyError` and the built-in they stand for: `InvalidArgumentError(EddyError,
//! ValueError)` for bad parameters and data, `EddyFileNotFoundError(EddyError,
//! FileNotFoundError)` and `EddyOSError(EddyError, OSError)` for files, and
//! `EngineError(EddyError, RuntimeError)` for failures of the engine itself.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;

/// The `eddy.errors` class an error maps to, and its message.
fn classify_core(error: &eddy_core::Error) -> &'static str {
    match error {
        eddy_core::Error::InvalidParameter { .. } => "InvalidArgumentError",
        eddy_core::Error::Job(inner) => {
            if let Some(e) = inner.downcast_ref::<eddy_gelly::Error>() {
                classify_gelly(e)
            } else if let Some(e) = inner.downcast_ref::<eddy_ml::Error>() {
                classify_ml(e)
            } else if let Some(e) = inner.downcast_ref::<eddy_datasets::Error>() {
                classify_datasets(e)
            } else {
                "EngineError"
            }
        }
        _ => "EngineError",
    }
}

fn classify_datasets(error: &eddy_datasets::Error) -> &'static str {
    match error {
        eddy_datasets::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            "EddyFileNotFoundError"
        }
        eddy_datasets::Error::Io { .. } => "EddyOSError",
        _ => "InvalidArgumentError",
    }
}

fn classify_gelly(error: &eddy_gelly::Error) -> &'static str {
    match error {
        eddy_gelly::Error::Runtime(e) => classify_core(e),
        eddy_gelly::Error::Input(e) => classify_datasets(e),
        _ => "InvalidArgumentError",
    }
}

fn classify_ml(error: &eddy_ml::Error) -> &'static str {
    match error {
        eddy_ml::Error::Runtime(e) => classify_core(e),
        eddy_ml::Error::ModelFile { .. } => "EddyOSError",
        _ => "InvalidArgumentError",
    }
}

/// A Python exception of class `eddy.errors.<class>` with `message`.
fn raise(class: &str, message: String) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("eddy.errors")
            .and_then(|errors| errors.getattr(class))
            .and_then(|class| class.call1((message.clone(),)));
        match made {
            Ok(instance) => PyErr::from_value(instance),
            Err(import_failed) => import_failed,
        }
    })
}

/// Engine errors as Python exceptions.
pub(crate) trait IntoPyResult<T> {
    /// Maps the error to its `eddy.errors` class.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, eddy_core::Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(|e| raise(classify_core(&e), e.to_string()))
    }
}

impl<T> IntoPyResult<T> for Result<T, eddy_gelly::Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(|e| raise(classify_gelly(&e), e.to_string()))
    }
}

impl<T> IntoPyResult<T> for Result<T, eddy_ml::Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(|e| raise(classify_ml(&e), e.to_string()))
    }
}

impl<T> IntoPyResult<T> for Result<T, eddy_datasets::Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(|e| raise(classify_datasets(&e), e.to_string()))
    }
}

/// An `InvalidArgumentError` with `message`.
pub(crate) fn invalid_argument(message: impl Into<String>) -> PyErr {
    raise("InvalidArgumentError", message.into())
}

/// Runs `job` with the GIL released, under a supervisor that checks for Python signals
/// every 50 ms: Ctrl-C (or any signal handler that raises) cancels the engine's job —
/// its workers stop at their next exchange — and the handler's exception (for Ctrl-C,
/// `KeyboardInterrupt`) is raised instead of the job's outcome.
pub(crate) fn interruptible<T, R>(py: Python<'_>, job: impl FnOnce() -> R + Send) -> PyResult<T>
where
    R: IntoPyResult<T> + Send,
{
    let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let stash = Arc::clone(&raised);
    let check = move || {
        let err = Python::attach(|py| py.check_signals()).err()?;
        let reason = format!("interrupted: {err}");
        *stash.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
        Some(reason)
    };
    let outcome = py.detach(|| eddy_runtime::supervised(SIGNAL_CHECK_INTERVAL, check, job));
    if let Some(err) = raised.lock().unwrap_or_else(PoisonError::into_inner).take() {
        return Err(err);
    }
    outcome.py()
}

/// How often a running job looks for Ctrl-C.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(50);
