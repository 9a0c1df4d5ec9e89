//! The other estimators, by name: `fit` returns the fitted model as JSON (its serde form,
//! floats exact), `predict` / `predict_proba` / `transform` apply a model given as JSON.
//! The Python classes in `eddy/ml.py` keep the JSON and expose its fields as fitted
//! attributes.

use eddy_ml::linear::{LinearModel, LinearRegression, LinearSolver};
use eddy_ml::logistic::{LogisticModel, LogisticRegression};
use eddy_ml::naive_bayes::{GaussianNB, GaussianNBModel};
use eddy_ml::optim::Solver;
use eddy_ml::preprocessing::{MinMaxScaler, MinMaxScalerModel, StandardScaler, StandardScalerModel};
use eddy_ml::svm::{LinearSvc, LinearSvmModel, SvmLoss, SvmSolver};
use eddy_ml::{Estimator, Model, Transformer};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{IntoPyResult, interruptible, invalid_argument};

/// A keyword parameter of `params`, or `default` when absent or None.
fn param<'py, T: FromPyObjectOwned<'py>>(params: &Bound<'py, PyDict>, name: &str, default: T) -> PyResult<T> {
    match params.get_item(name)? {
        Some(value) if !value.is_none() => value.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            invalid_argument(format!("parameter {name}: {e}"))
        }),
        _ => Ok(default),
    }
}

fn to_json<M: Serialize>(model: &M) -> PyResult<String> {
    eddy_ml::model_to_json(model).py()
}

fn from_json<M: DeserializeOwned>(json: &str) -> PyResult<M> {
    eddy_ml::model_from_json(json).py()
}

/// Fits estimator `kind` with `params` on `x` (and `y`); the model as JSON.
#[pyfunction]
#[pyo3(signature = (kind, params, x, y=None))]
pub(crate) fn fit(
    py: Python<'_>,
    kind: &str,
    params: &Bound<'_, PyDict>,
    x: PyReadonlyArray2<'_, f64>,
    y: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<String> {
    let parallelism: Option<usize> = param(params, "parallelism", None)?;
    let (x, y) = (x.as_array(), y.as_ref().map(|y| y.as_array()));
    match kind {
        "linear_regression" => {
            let solver = match param(params, "solver", "normal".to_string())?.as_str() {
                "normal" => LinearSolver::NormalEquations,
                "lbfgs" => LinearSolver::Lbfgs,
                "gd" => LinearSolver::GradientDescent { learning_rate: param(params, "learning_rate", 1.0)? },
                "sgd" => LinearSolver::Sgd {
                    batch_size: param(params, "batch_size", 32)?,
                    learning_rate: param(params, "learning_rate", 0.01)?,
                },
                other => {
                    return Err(invalid_argument(format!(
                        "solver {other:?} is not normal, lbfgs, gd or sgd"
                    )));
                }
            };
            let trainer = LinearRegression {
                alpha: param(params, "alpha", 0.0)?,
                solver,
                fit_intercept: param(params, "fit_intercept", true)?,
                max_iterations: param(params, "max_iter", 1000)?,
                tolerance: param(params, "tol", 1e-10)?,
                seed: param(params, "random_state", 0)?,
                parallelism,
            };
            fit_with(py, &trainer, x, y)
        }
        "logistic_regression" => {
            let solver = match param(params, "solver", "lbfgs".to_string())?.as_str() {
                "lbfgs" => Solver::Lbfgs,
                "gd" => Solver::GradientDescent { learning_rate: param(params, "learning_rate", 1.0)? },
                other => return Err(invalid_argument(format!("solver {other:?} is not lbfgs or gd"))),
            };
            let trainer = LogisticRegression {
                c: param(params, "C", 1.0)?,
                solver,
                max_iterations: param(params, "max_iter", 1000)?,
                tolerance: param(params, "tol", 1e-8)?,
                parallelism,
            };
            fit_with(py, &trainer, x, y)
        }
        "linear_svc" => {
            let loss = match param(params, "loss", "squared_hinge".to_string())?.as_str() {
                "hinge" => SvmLoss::Hinge,
                "squared_hinge" => SvmLoss::SquaredHinge,
                other => {
                    return Err(invalid_argument(format!("loss {other:?} is not hinge or squared_hinge")));
                }
            };
            let solver = match loss {
                SvmLoss::Hinge => SvmSolver::Sgd {
                    batch_size: param(params, "batch_size", 32)?,
                    learning_rate: param(params, "learning_rate", 0.1)?,
                },
                SvmLoss::SquaredHinge => SvmSolver::Lbfgs,
            };
            let trainer = LinearSvc {
                c: param(params, "C", 1.0)?,
                loss,
                solver,
                max_iterations: param(params, "max_iter", 1000)?,
                tolerance: param(params, "tol", 1e-8)?,
                seed: param(params, "random_state", 0)?,
                parallelism,
            };
            fit_with(py, &trainer, x, y)
        }
        "gaussian_nb" => {
            let mut trainer = GaussianNB::new().var_smoothing(param(params, "var_smoothing", 1e-9)?);
            if let Some(p) = parallelism {
                trainer = trainer.parallelism(p);
            }
            fit_with(py, &trainer, x, y)
        }
        "standard_scaler" => {
            let mut trainer = StandardScaler::new()
                .with_mean(param(params, "with_mean", true)?)
                .with_std(param(params, "with_std", true)?);
            if let Some(p) = parallelism {
                trainer = trainer.parallelism(p);
            }
            fit_with(py, &trainer, x, y)
        }
        "minmax_scaler" => {
            let (min, max): (f64, f64) = param(params, "feature_range", (0.0, 1.0))?;
            let mut trainer = MinMaxScaler::new().feature_range(min, max);
            if let Some(p) = parallelism {
                trainer = trainer.parallelism(p);
            }
            fit_with(py, &trainer, x, y)
        }
        other => Err(invalid_argument(format!("unknown estimator {other:?}"))),
    }
}

fn fit_with<E>(
    py: Python<'_>,
    trainer: &E,
    x: ArrayView2<'_, f64>,
    y: Option<ArrayView1<'_, f64>>,
) -> PyResult<String>
where
    E: Estimator + Sync,
    E::Fitted: Serialize + Send,
{
    let model = interruptible(py, || trainer.fit(x, y))?;
    to_json(&model)
}

/// Applies `f` to the model of `kind` given as JSON.
fn with_model<R>(
    kind: &str,
    json: &str,
    predict: impl FnOnce(&dyn Model) -> eddy_ml::Result<R>,
) -> PyResult<R> {
    let result = match kind {
        "linear_regression" => predict(&from_json::<LinearModel>(json)?),
        "logistic_regression" => predict(&from_json::<LogisticModel>(json)?),
        "linear_svc" => predict(&from_json::<LinearSvmModel>(json)?),
        "gaussian_nb" => predict(&from_json::<GaussianNBModel>(json)?),
        other => return Err(invalid_argument(format!("{other:?} does not predict"))),
    };
    result.py()
}

/// Predictions of a fitted model (JSON) for the rows of `x`.
#[pyfunction]
pub(crate) fn predict<'py>(
    py: Python<'py>,
    kind: &str,
    model: &str,
    x: PyReadonlyArray2<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let x = x.as_array();
    let out: Array1<f64> = with_model(kind, model, |m| m.predict(x))?;
    Ok(out.into_pyarray(py))
}

/// Class probabilities of a fitted classifier (JSON) for the rows of `x`.
#[pyfunction]
pub(crate) fn predict_proba<'py>(
    py: Python<'py>,
    kind: &str,
    model: &str,
    x: PyReadonlyArray2<'py, f64>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let x = x.as_array();
    let out: Array2<f64> = match kind {
        "logistic_regression" => from_json::<LogisticModel>(model)?.predict_proba(x).py()?,
        "gaussian_nb" => from_json::<GaussianNBModel>(model)?.predict_proba(x).py()?,
        other => return Err(invalid_argument(format!("{other:?} has no predict_proba"))),
    };
    Ok(out.into_pyarray(py))
}

/// Rows transformed by a fitted transformer (JSON); `inverse` undoes a scaler.
#[pyfunction]
#[pyo3(signature = (kind, model, x, inverse=false))]
pub(crate) fn transform<'py>(
    py: Python<'py>,
    kind: &str,
    model: &str,
    x: PyReadonlyArray2<'py, f64>,
    inverse: bool,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let x = x.as_array();
    let out = match (kind, inverse) {
        ("standard_scaler", false) => from_json::<StandardScalerModel>(model)?.transform(x),
        ("standard_scaler", true) => from_json::<StandardScalerModel>(model)?.inverse_transform(x),
        ("minmax_scaler", false) => from_json::<MinMaxScalerModel>(model)?.transform(x),
        ("minmax_scaler", true) => from_json::<MinMaxScalerModel>(model)?.inverse_transform(x),
        (other, _) => return Err(invalid_argument(format!("{other:?} does not transform"))),
    }
    .py()?;
    Ok(out.into_pyarray(py))
}
