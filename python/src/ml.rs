//! k-means, ALS and k-NN: a `*_fit` function each and one class per fitted model,
//! wrapping the eddy-ml model (the scikit-learn-style classes in `eddy/ml.py` keep it). A
//! fit starts from the estimator's `Default` and overrides what Python passes (`None`
//! keeps the default); keywords are the Rust field names, as `defaults(name)` lists them.

use eddy_ml::als::Als;
use eddy_ml::kmeans::{Init, KMeans};
use eddy_ml::knn::{KNeighborsClassifier, KNeighborsClassifierModel};
use eddy_ml::{Estimator, Model, Transformer};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2, ToPyArray};
use pyo3::prelude::*;
use serde::{Deserialize, Serialize};

use crate::defaults::given;
use crate::error::{IntoPyResult, interruptible, invalid_argument};
use crate::graph::vertex_ids;
use crate::persist::{Reduced, from_json, reduce, to_json};

/// What `kmeans_fit` returns: the model and the cluster of every training row.
type KMeansFit<'py> = (KMeansModel, Bound<'py, PyArray1<i64>>);

/// Cluster indices as numpy `int64`.
fn labels_array(py: Python<'_>, labels: Vec<u32>) -> Bound<'_, PyArray1<i64>> {
    labels.into_iter().map(i64::from).collect::<Vec<_>>().into_pyarray(py)
}

/// A fitted k-means model: the centroids.
#[pyclass(module = "eddy._eddy", name = "KMeansModel", frozen)]
pub(crate) struct KMeansModel(eddy_ml::kmeans::KMeansModel);

#[pymethods]
impl KMeansModel {
    /// One centroid per row (k × features).
    #[getter]
    fn centroids<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.centroids.to_pyarray(py)
    }

    /// The sum of squared distances of the training rows to their nearest centroid.
    #[getter]
    fn inertia(&self) -> f64 {
        self.0.inertia
    }

    /// Lloyd iterations run.
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// True if it stopped before `max_iterations` (labels stable or shift ≤ tolerance).
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    /// The index of the nearest centroid of every row of `x` (ties: the smaller index).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let x = x.as_array();
        let labels = interruptible(py, || self.0.predict_labels(x))?;
        Ok(labels_array(py, labels))
    }

    /// The Euclidean distance of every row of `x` to every centroid (rows × k).
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let x = x.as_array();
        Ok(interruptible(py, || self.0.transform(x))?.into_pyarray(py))
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

/// k-means on the rows of `x` (float64, any order), from `KMeans::default()` with what
/// is given: `init` is `"k-means++"`, `"k-means||"` or `"random"`, or `init_centroids`
/// (k × features) when given. Returns the model and the training rows' clusters.
#[pyfunction]
#[pyo3(signature = (x, *, k=None, init=None, init_centroids=None, max_iterations=None, tolerance=None, seed=None, n_init=None, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn kmeans_fit<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    k: Option<usize>,
    init: Option<&str>,
    init_centroids: Option<PyReadonlyArray2<'py, f64>>,
    max_iterations: Option<u32>,
    tolerance: Option<f64>,
    seed: Option<u64>,
    n_init: Option<u32>,
    parallelism: Option<usize>,
) -> PyResult<KMeansFit<'py>> {
    let mut trainer = KMeans::default();
    given(&mut trainer.k, k);
    given(&mut trainer.init, init.map(str::parse::<Init>).transpose().py()?);
    given(&mut trainer.init, init_centroids.map(|c| Init::Centroids(c.as_array().to_owned())));
    given(&mut trainer.max_iterations, max_iterations);
    given(&mut trainer.tolerance, tolerance);
    given(&mut trainer.seed, seed);
    given(&mut trainer.n_init, n_init);
    given(&mut trainer.parallelism, parallelism.map(Some));
    let view = x.as_array();
    let (model, labels) = interruptible(py, || trainer.fit_labels(view))?;
    Ok((KMeansModel(model), labels_array(py, labels)))
}

/// A fitted ALS model and how its training went (what `AlsModel` pickles).
#[derive(Serialize, Deserialize)]
struct AlsState {
    /// The factors.
    model: eddy_ml::als::AlsModel,
    /// Training RMSE after each iteration.
    rmse_history: Vec<f64>,
    /// Iterations run.
    iterations: u32,
    /// True if it stopped on the tolerance before the iteration bound.
    converged: bool,
}

/// A fitted ALS model: the factors of the users and items seen in training.
#[pyclass(module = "eddy._eddy", name = "AlsModel", frozen)]
pub(crate) struct AlsModel(AlsState);

#[pymethods]
impl AlsModel {
    /// User ids, ascending (`uint64`), one per row of `user_factors`.
    #[getter]
    fn users<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_slice(py, &self.0.model.users)
    }

    /// One row of `rank` factors per user.
    #[getter]
    fn user_factors<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.model.user_factors.to_pyarray(py)
    }

    /// Item ids, ascending (`uint64`), one per row of `item_factors`.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_slice(py, &self.0.model.items)
    }

    /// One row of `rank` factors per item.
    #[getter]
    fn item_factors<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.0.model.item_factors.to_pyarray(py)
    }

    /// Training RMSE after each iteration.
    #[getter]
    fn rmse_history(&self) -> Vec<f64> {
        self.0.rmse_history.clone()
    }

    /// Iterations run.
    #[getter]
    fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// True if it stopped on the tolerance before the iteration bound.
    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    /// Predicted ratings of `(users[i], items[i])`; NaN where the user or item is unknown.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        users: &Bound<'py, PyAny>,
        items: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (users, items) = (vertex_ids("users", users)?, vertex_ids("items", items)?);
        if users.len() != items.len() {
            return Err(invalid_argument(format!("{} users but {} items", users.len(), items.len())));
        }
        let model = &self.0.model;
        let predictions: Vec<f64> = py.detach(|| {
            users.iter().zip(&items).map(|(&u, &i)| model.predict(u, i).unwrap_or(f64::NAN)).collect()
        });
        Ok(predictions.into_pyarray(py))
    }

    /// The model and its training history as JSON (floats exact), for saving.
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

/// ALS (explicit feedback, ALS-WR) on the ratings `ratings[i]` of `users[i]` for
/// `items[i]` (ids: any integer dtype, non-negative), from `Als::default()` with what
/// is given.
#[pyfunction]
#[pyo3(signature = (users, items, ratings, *, rank=None, regularization=None, max_iterations=None, tolerance=None, seed=None, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn als_fit(
    py: Python<'_>,
    users: &Bound<'_, PyAny>,
    items: &Bound<'_, PyAny>,
    ratings: PyReadonlyArray1<'_, f64>,
    rank: Option<usize>,
    regularization: Option<f64>,
    max_iterations: Option<u32>,
    tolerance: Option<f64>,
    seed: Option<u64>,
    parallelism: Option<usize>,
) -> PyResult<AlsModel> {
    let (users, items) = (vertex_ids("users", users)?, vertex_ids("items", items)?);
    let ratings = ratings.as_array();
    if users.len() != items.len() || users.len() != ratings.len() {
        return Err(invalid_argument(format!(
            "{} users, {} items and {} ratings: one of each per rating",
            users.len(),
            items.len(),
            ratings.len()
        )));
    }
    let triples: Vec<(u64, u64, f64)> =
        users.into_iter().zip(items).zip(ratings.iter()).map(|((u, i), &r)| (u, i, r)).collect();
    let mut trainer = Als::default();
    given(&mut trainer.rank, rank);
    given(&mut trainer.regularization, regularization);
    given(&mut trainer.max_iterations, max_iterations);
    given(&mut trainer.tolerance, tolerance);
    given(&mut trainer.seed, seed);
    given(&mut trainer.parallelism, parallelism.map(Some));
    let fit = interruptible(py, || trainer.fit_ratings(&triples))?;
    Ok(AlsModel(AlsState {
        model: fit.model,
        rmse_history: fit.rmse_history,
        iterations: fit.iterations,
        converged: fit.converged,
    }))
}

/// What `kneighbors` returns: distances and training row indices, queries × k.
type Neighbors<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<i64>>);

/// A fitted k-nearest-neighbours classifier (it holds the training rows).
#[pyclass(module = "eddy._eddy", name = "KnnModel", frozen)]
pub(crate) struct KnnModel(KNeighborsClassifierModel);

#[pymethods]
impl KnnModel {
    /// The distinct labels, ascending.
    #[getter]
    fn classes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.classes.to_pyarray(py)
    }

    /// The majority label of the `k` nearest training rows of each row of `x`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = x.as_array();
        Ok(interruptible(py, || Model::predict(&self.0, x))?.into_pyarray(py))
    }

    /// The fraction of the `k` neighbours in each class (columns in `classes` order).
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let x = x.as_array();
        Ok(interruptible(py, || self.0.predict_proba(x))?.into_pyarray(py))
    }

    /// `(distances, indices)` of the `k` nearest training rows of each row of `x`.
    fn kneighbors<'py>(&self, py: Python<'py>, x: PyReadonlyArray2<'py, f64>) -> PyResult<Neighbors<'py>> {
        let x = x.as_array();
        let (distances, indices) = interruptible(py, || self.0.kneighbors(x))?;
        let indices = indices.mapv(|i| i64::try_from(i).unwrap_or(i64::MAX));
        Ok((distances.into_pyarray(py), indices.into_pyarray(py)))
    }

    /// The model (with its training rows) as JSON, floats exact, for saving.
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

/// Stores the training rows `x` and labels `y` of a k-NN classifier voting among `k`
/// neighbours (default: `KNeighborsClassifier::default()`'s).
#[pyfunction]
#[pyo3(signature = (x, y, *, k=None, parallelism=None))]
pub(crate) fn knn_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    k: Option<usize>,
    parallelism: Option<usize>,
) -> PyResult<KnnModel> {
    let mut trainer = KNeighborsClassifier::default();
    if let Some(k) = k {
        trainer = trainer.k(k);
    }
    if let Some(parallelism) = parallelism {
        trainer = trainer.parallelism(parallelism);
    }
    let (x, y) = (x.as_array(), y.as_array());
    Ok(KnnModel(interruptible(py, || trainer.fit(x, Some(y)))?))
}
