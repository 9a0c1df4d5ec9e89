//! Linear and logistic regression, the linear SVM, Gaussian naive Bayes and the scalers:
//! one `*_fit` function per estimator and one class per fitted model, wrapping the
//! eddy-ml model (the scikit-learn-style classes in `eddy/ml.py` keep it). A fit starts
//! from the estimator's `Default` and overrides what Python passes (`None` keeps the
//! default); keywords are the Rust field names, as `defaults(name)` lists them.

use eddy_ml::linear::{LinearRegression, LinearSolver};
use eddy_ml::logistic::LogisticRegression;
use eddy_ml::naive_bayes::GaussianNB;
use eddy_ml::optim::Solver;
use eddy_ml::preprocessing::{MinMaxScaler, StandardScaler};
use eddy_ml::svm::{LinearSvc, SvmLoss, SvmSolver};
use eddy_ml::{Estimator, Model, Transformer};
use ndarray::ArrayView2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2, ToPyArray};
use pyo3::prelude::*;

use crate::defaults::given;
use crate::error::{interruptible, invalid_argument};
use crate::persist::{Reduced, from_json, reduce, to_json};

/// The first step of gradient descent when no `learning_rate` is given (eddy-ml's solver
/// enums have no default for their parameters).
const GD_LEARNING_RATE: f64 = 1.0;
/// Rows per mini-batch of SGD when no `batch_size` is given.
const SGD_BATCH_SIZE: usize = 32;
/// The initial step of linear regression's SGD when no `learning_rate` is given.
const LINEAR_SGD_LEARNING_RATE: f64 = 0.01;
/// The initial step of the hinge-loss SVM's SGD when no `learning_rate` is given.
const SVM_SGD_LEARNING_RATE: f64 = 0.1;

/// Runs `f` on the rows `x` with the GIL released (Ctrl-C cancels it).
fn on_rows<T: Send>(
    py: Python<'_>,
    x: &PyReadonlyArray2<'_, f64>,
    f: impl FnOnce(ArrayView2<'_, f64>) -> eddy_ml::Result<T> + Send,
) -> PyResult<T> {
    let x = x.as_array();
    interruptible(py, || f(x))
}

/// Fits `trainer` on `x` (and `y`) with the GIL released.
fn fit_with<E: Estimator + Sync>(
    py: Python<'_>,
    trainer: &E,
    x: &PyReadonlyArray2<'_, f64>,
    y: Option<&PyReadonlyArray1<'_, f64>>,
) -> PyResult<E::Fitted>
where
    E::Fitted: Send,
{
    let y = y.map(|y| y.as_array());
    on_rows(py, x, |x| trainer.fit(x, y))
}

/// A fitted linear regression (`linear_regression_fit`).
#[pyclass(module = "eddy._eddy", name = "LinearModel", frozen)]
pub(crate) struct LinearModel(eddy_ml::linear::LinearModel);

#[pymethods]
impl LinearModel {
    /// The weights, one per feature.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.coef.to_pyarray(py)
    }

    /// The intercept (0 without `fit_intercept`).
    #[getter]
    fn intercept(&self) -> f64 {
        self.0.intercept
    }

    /// Iterations (SGD: epochs) run; 0 for the normal equations.
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// False if an iterative solver stopped at `max_iterations`.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    /// `x · coef + intercept` for every row of `x`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// The solver of linear regression named `name` (`normal`, `lbfgs`, `gd` or `sgd`).
fn linear_solver(
    name: &str,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
) -> PyResult<LinearSolver> {
    Ok(match name {
        "normal" => LinearSolver::NormalEquations,
        "lbfgs" => LinearSolver::Lbfgs,
        "gd" => LinearSolver::GradientDescent { learning_rate: learning_rate.unwrap_or(GD_LEARNING_RATE) },
        "sgd" => LinearSolver::Sgd {
            batch_size: batch_size.unwrap_or(SGD_BATCH_SIZE),
            learning_rate: learning_rate.unwrap_or(LINEAR_SGD_LEARNING_RATE),
        },
        other => return Err(invalid_argument(format!("solver {other:?} is not normal, lbfgs, gd or sgd"))),
    })
}

/// Least squares (ridge with `alpha`) on the rows `x` and targets `y`; `solver` is
/// `"normal"`, `"lbfgs"`, `"gd"` (first step `learning_rate`, 1) or `"sgd"`
/// (`batch_size` 32, `learning_rate` 0.01).
#[pyfunction]
#[pyo3(signature = (x, y, *, alpha=None, solver=None, learning_rate=None, batch_size=None, fit_intercept=None, max_iterations=None, tolerance=None, seed=None, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn linear_regression_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    alpha: Option<f64>,
    solver: Option<&str>,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
    fit_intercept: Option<bool>,
    max_iterations: Option<u32>,
    tolerance: Option<f64>,
    seed: Option<u64>,
    parallelism: Option<usize>,
) -> PyResult<LinearModel> {
    let mut trainer = LinearRegression::default();
    given(&mut trainer.alpha, alpha);
    given(&mut trainer.solver, solver.map(|s| linear_solver(s, learning_rate, batch_size)).transpose()?);
    given(&mut trainer.fit_intercept, fit_intercept);
    given(&mut trainer.max_iterations, max_iterations);
    given(&mut trainer.tolerance, tolerance);
    given(&mut trainer.seed, seed);
    given(&mut trainer.parallelism, parallelism.map(Some));
    fit_with(py, &trainer, &x, Some(&y)).map(LinearModel)
}

/// A fitted logistic regression (`logistic_regression_fit`).
#[pyclass(module = "eddy._eddy", name = "LogisticModel", frozen)]
pub(crate) struct LogisticModel(eddy_ml::logistic::LogisticModel);

#[pymethods]
impl LogisticModel {
    /// The class labels, ascending.
    #[getter]
    fn classes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, &self.0.classes)
    }

    /// One row of weights per class; a single row (for `classes[1]`) with two classes.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.coef.to_pyarray(py)
    }

    /// One intercept per row of `coef`.
    #[getter]
    fn intercept<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.intercept.to_pyarray(py)
    }

    /// Optimiser iterations run.
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// False if it stopped at `max_iterations`.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    /// The most probable class of every row of `x`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict(x))?.into_pyarray(py))
    }

    /// The probability of every class (columns in `classes` order) for every row of `x`.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict_proba(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// Logistic regression (binary or multinomial, L2 with `c`) on the rows `x` and labels
/// `y`; `solver` is `"lbfgs"` or `"gd"` (first step `learning_rate`, 1).
#[pyfunction]
#[pyo3(signature = (x, y, *, c=None, solver=None, learning_rate=None, max_iterations=None, tolerance=None, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn logistic_regression_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    c: Option<f64>,
    solver: Option<&str>,
    learning_rate: Option<f64>,
    max_iterations: Option<u32>,
    tolerance: Option<f64>,
    parallelism: Option<usize>,
) -> PyResult<LogisticModel> {
    let solver = match solver {
        None => None,
        Some("lbfgs") => Some(Solver::Lbfgs),
        Some("gd") => {
            Some(Solver::GradientDescent { learning_rate: learning_rate.unwrap_or(GD_LEARNING_RATE) })
        }
        Some(other) => return Err(invalid_argument(format!("solver {other:?} is not lbfgs or gd"))),
    };
    let mut trainer = LogisticRegression::default();
    given(&mut trainer.c, c);
    given(&mut trainer.solver, solver);
    given(&mut trainer.max_iterations, max_iterations);
    given(&mut trainer.tolerance, tolerance);
    given(&mut trainer.parallelism, parallelism.map(Some));
    fit_with(py, &trainer, &x, Some(&y)).map(LogisticModel)
}

/// A fitted linear SVM (`linear_svc_fit`).
#[pyclass(module = "eddy._eddy", name = "LinearSvmModel", frozen)]
pub(crate) struct LinearSvmModel(eddy_ml::svm::LinearSvmModel);

#[pymethods]
impl LinearSvmModel {
    /// The class labels, ascending.
    #[getter]
    fn classes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, &self.0.classes)
    }

    /// One row of weights per class (one-vs-rest); a single row with two classes.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.coef.to_pyarray(py)
    }

    /// One intercept per row of `coef`.
    #[getter]
    fn intercept<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.intercept.to_pyarray(py)
    }

    /// Iterations (SGD: epochs) run.
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// False if it stopped at `max_iterations`.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    /// The class of every row of `x` (two classes: `classes[1]` where the decision value
    /// is positive; more: the largest decision value).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict(x))?.into_pyarray(py))
    }

    /// `x · coefᵀ + intercept`: rows × rows of `coef`.
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.decision_function(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// A linear SVM, one-vs-rest, on the rows `x` and labels `y`: `loss` `"squared_hinge"`
/// (L-BFGS) or `"hinge"` (mini-batch SGD: `batch_size` 32, `learning_rate` 0.1).
#[pyfunction]
#[pyo3(signature = (x, y, *, c=None, loss=None, learning_rate=None, batch_size=None, max_iterations=None, tolerance=None, seed=None, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn linear_svc_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    c: Option<f64>,
    loss: Option<&str>,
    learning_rate: Option<f64>,
    batch_size: Option<usize>,
    max_iterations: Option<u32>,
    tolerance: Option<f64>,
    seed: Option<u64>,
    parallelism: Option<usize>,
) -> PyResult<LinearSvmModel> {
    let mut trainer = LinearSvc::default();
    match loss {
        None => {}
        Some("squared_hinge") => (trainer.loss, trainer.solver) = (SvmLoss::SquaredHinge, SvmSolver::Lbfgs),
        Some("hinge") => {
            trainer.loss = SvmLoss::Hinge;
            trainer.solver = SvmSolver::Sgd {
                batch_size: batch_size.unwrap_or(SGD_BATCH_SIZE),
                learning_rate: learning_rate.unwrap_or(SVM_SGD_LEARNING_RATE),
            };
        }
        Some(other) => return Err(invalid_argument(format!("loss {other:?} is not hinge or squared_hinge"))),
    }
    given(&mut trainer.c, c);
    given(&mut trainer.max_iterations, max_iterations);
    given(&mut trainer.tolerance, tolerance);
    given(&mut trainer.seed, seed);
    given(&mut trainer.parallelism, parallelism.map(Some));
    fit_with(py, &trainer, &x, Some(&y)).map(LinearSvmModel)
}

/// A fitted Gaussian naive Bayes classifier (`gaussian_nb_fit`).
#[pyclass(module = "eddy._eddy", name = "GaussianNBModel", frozen)]
pub(crate) struct GaussianNBModel(eddy_ml::naive_bayes::GaussianNBModel);

#[pymethods]
impl GaussianNBModel {
    /// The class labels, ascending.
    #[getter]
    fn classes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.classes.to_pyarray(py)
    }

    /// Training rows per class.
    #[getter]
    fn class_count<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.class_count.to_pyarray(py)
    }

    /// The prior probability of each class.
    #[getter]
    fn class_prior<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.class_prior.to_pyarray(py)
    }

    /// Feature means per class (classes × features).
    #[getter]
    fn theta<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.theta.to_pyarray(py)
    }

    /// Feature variances per class plus `epsilon` (classes × features).
    #[getter]
    fn var<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.var.to_pyarray(py)
    }

    /// The smoothing added to every variance.
    #[getter]
    fn epsilon(&self) -> f64 {
        self.0.epsilon
    }

    /// The most likely class of every row of `x` (ties: the smaller label).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict(x))?.into_pyarray(py))
    }

    /// The probability of every class (columns in `classes` order) for every row of `x`.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict_proba(x))?.into_pyarray(py))
    }

    /// The log of `predict_proba`, computed without underflow.
    fn predict_log_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.predict_log_proba(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// Gaussian naive Bayes (scikit-learn's `var_smoothing`) on the rows `x` and labels `y`.
#[pyfunction]
#[pyo3(signature = (x, y, *, var_smoothing=None, parallelism=None))]
pub(crate) fn gaussian_nb_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    var_smoothing: Option<f64>,
    parallelism: Option<usize>,
) -> PyResult<GaussianNBModel> {
    let mut trainer = GaussianNB::default();
    if let Some(var_smoothing) = var_smoothing {
        trainer = trainer.var_smoothing(var_smoothing);
    }
    if let Some(parallelism) = parallelism {
        trainer = trainer.parallelism(parallelism);
    }
    fit_with(py, &trainer, &x, Some(&y)).map(GaussianNBModel)
}

/// A fitted standard scaler (`standard_scaler_fit`).
#[pyclass(module = "eddy._eddy", name = "StandardScalerModel", frozen)]
pub(crate) struct StandardScalerModel(eddy_ml::preprocessing::StandardScalerModel);

#[pymethods]
impl StandardScalerModel {
    /// The mean of every column.
    #[getter]
    fn mean<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.mean.to_pyarray(py)
    }

    /// The population variance of every column.
    #[getter]
    fn var<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.var.to_pyarray(py)
    }

    /// What every column is divided by: its standard deviation, 1 where that is 0.
    #[getter]
    fn scale<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.scale.to_pyarray(py)
    }

    /// The number of rows fitted on.
    #[getter]
    fn n_samples_seen(&self) -> u64 {
        self.0.n_samples_seen
    }

    /// True if `transform` subtracts the mean.
    #[getter]
    fn with_mean(&self) -> bool {
        self.0.with_mean
    }

    /// True if `transform` divides by `scale`.
    #[getter]
    fn with_std(&self) -> bool {
        self.0.with_std
    }

    /// The rows of `x`, centred and scaled.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.transform(x))?.into_pyarray(py))
    }

    /// Undoes `transform`.
    fn inverse_transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.inverse_transform(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// Fits a standard scaler (mean and population standard deviation per column) on `x`.
#[pyfunction]
#[pyo3(signature = (x, *, with_mean=None, with_std=None, parallelism=None))]
pub(crate) fn standard_scaler_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    with_mean: Option<bool>,
    with_std: Option<bool>,
    parallelism: Option<usize>,
) -> PyResult<StandardScalerModel> {
    let mut trainer = StandardScaler::default();
    if let Some(with_mean) = with_mean {
        trainer = trainer.with_mean(with_mean);
    }
    if let Some(with_std) = with_std {
        trainer = trainer.with_std(with_std);
    }
    if let Some(parallelism) = parallelism {
        trainer = trainer.parallelism(parallelism);
    }
    fit_with(py, &trainer, &x, None).map(StandardScalerModel)
}

/// A fitted min-max scaler (`minmax_scaler_fit`).
#[pyclass(module = "eddy._eddy", name = "MinMaxScalerModel", frozen)]
pub(crate) struct MinMaxScalerModel(eddy_ml::preprocessing::MinMaxScalerModel);

#[pymethods]
impl MinMaxScalerModel {
    /// The `(min, max)` every column is mapped onto.
    #[getter]
    fn feature_range(&self) -> (f64, f64) {
        self.0.feature_range
    }

    /// The minimum of every column.
    #[getter]
    fn data_min<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.data_min.to_pyarray(py)
    }

    /// The maximum of every column.
    #[getter]
    fn data_max<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.data_max.to_pyarray(py)
    }

    /// `data_max - data_min`.
    #[getter]
    fn data_range<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.data_range.to_pyarray(py)
    }

    /// The factor of every column (`transform` is `x * scale + min`).
    #[getter]
    fn scale<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.scale.to_pyarray(py)
    }

    /// The offset of every column (`transform` is `x * scale + min`).
    #[getter]
    fn min<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.min.to_pyarray(py)
    }

    /// The number of rows fitted on.
    #[getter]
    fn n_samples_seen(&self) -> u64 {
        self.0.n_samples_seen
    }

    /// The rows of `x` mapped onto `feature_range`.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.transform(x))?.into_pyarray(py))
    }

    /// Undoes `transform`.
    fn inverse_transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(on_rows(py, &x, |x| self.0.inverse_transform(x))?.into_pyarray(py))
    }

    /// The model as JSON (its serde form, floats exact), for saving.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.0)
    }

    /// The model `to_json` wrote.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        from_json(json).map(Self)
    }

    /// Pickles through `to_json`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        reduce::<Self, _>(py, &self.0)
    }
}

/// Fits a min-max scaler onto `feature_range` `(min, max)` on `x`.
#[pyfunction]
#[pyo3(signature = (x, *, feature_range=None, parallelism=None))]
pub(crate) fn minmax_scaler_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    feature_range: Option<(f64, f64)>,
    parallelism: Option<usize>,
) -> PyResult<MinMaxScalerModel> {
    let mut trainer = MinMaxScaler::default();
    if let Some((min, max)) = feature_range {
        trainer = trainer.feature_range(min, max);
    }
    if let Some(parallelism) = parallelism {
        trainer = trainer.parallelism(parallelism);
    }
    fit_with(py, &trainer, &x, None).map(MinMaxScalerModel)
}
