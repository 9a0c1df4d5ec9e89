//! The errors of estimators, models and transformers.

use std::path::PathBuf;

/// Errors raised while fitting, applying, saving or loading models.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The runtime failed (a worker failed or panicked, an exchange broke).
    #[error(transparent)]
    Runtime(#[from] eddy_core::Error),
    /// A parameter is out of its domain (`k = 0`, a negative learning rate, …).
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter, as named in the builder and on the command line.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The data cannot be used: a NaN or infinite feature, no rows, labels of the wrong
    /// length, fewer points than clusters.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A model was applied to rows with a different number of features than it was fitted on.
    #[error("the model was fitted on {expected} features but the input has {got}")]
    FeatureMismatch {
        /// Features seen by `fit`.
        expected: usize,
        /// Features of the input.
        got: usize,
    },
    /// A saved model could not be written or read back.
    #[error("{path}: {reason}")]
    ModelFile {
        /// The model file.
        path: PathBuf,
        /// What went wrong (I/O or format).
        reason: String,
    },
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for eddy_core::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Runtime(e) => e,
            other => eddy_core::Error::Job(Box::new(other)),
        }
    }
}

/// Recovers an ml error that travelled through the executor as `eddy_core::Error::Job`.
pub(crate) fn from_job(error: eddy_core::Error) -> Error {
    match error {
        eddy_core::Error::Job(inner) => match inner.downcast::<Error>() {
            Ok(ml) => *ml,
            Err(other) => Error::Runtime(eddy_core::Error::Job(other)),
        },
        other => Error::Runtime(other),
    }
}

/// Parameter checks shared by the estimators' `validate`.
pub(crate) mod check {
    use super::{Error, Result};

    /// `value` is finite and > 0.
    pub(crate) fn positive(name: &'static str, value: f64) -> Result<()> {
        if value > 0.0 && value.is_finite() {
            Ok(())
        } else {
            Err(Error::InvalidParameter { name, reason: format!("{value} is not a finite number > 0") })
        }
    }

    /// `value` is finite and ≥ 0.
    pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<()> {
        if value >= 0.0 && value.is_finite() {
            Ok(())
        } else {
            Err(Error::InvalidParameter { name, reason: format!("{value} is not a finite number ≥ 0") })
        }
    }

    /// A count that must be at least 1.
    pub(crate) fn at_least_one(name: &'static str, value: u64) -> Result<()> {
        if value >= 1 {
            Ok(())
        } else {
            Err(Error::InvalidParameter { name, reason: "must be at least 1".into() })
        }
    }

    /// `parallelism`, when given, is at least 1.
    pub(crate) fn parallelism(value: Option<usize>) -> Result<()> {
        value.map_or(Ok(()), |p| at_least_one("parallelism", p as u64))
    }
}
