//! The trainers' entry points (k-means, ALS, k-NN); the scikit-learn-style classes are in
//! `eddy/ml.py`.

use eddy_ml::als::Als;
use eddy_ml::kmeans::{Init, KMeans, KMeansModel};
use eddy_ml::knn::{KNeighborsClassifier, KNeighborsClassifierModel};
use eddy_ml::{Estimator, Model};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2, ToPyArray};
use pyo3::prelude::*;

use crate::error::{IntoPyResult, interruptible, invalid_argument};
use crate::graph::vertex_ids;

/// What `kmeans_fit` returns: centroids, inertia, iterations, labels.
type KMeansResult<'py> = (Bound<'py, PyArray2<f64>>, f64, u32, Bound<'py, PyArray1<i64>>);

/// k-means on the rows of `x` (float64, any order): `init` is `"k-means++"`,
/// `"k-means||"`, `"random"`, or `init_centroids` (k × features) when given.
#[pyfunction]
#[pyo3(signature = (x, k, *, init="k-means++", init_centroids=None, max_iter=300, tol=1e-4, seed=0, n_init=1, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn kmeans_fit<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    k: usize,
    init: &str,
    init_centroids: Option<PyReadonlyArray2<'py, f64>>,
    max_iter: u32,
    tol: f64,
    seed: u64,
    n_init: u32,
    parallelism: Option<usize>,
) -> PyResult<KMeansResult<'py>> {
    let init = match init_centroids {
        Some(c) => Init::Centroids(c.as_array().to_owned()),
        None => init.parse::<Init>().py()?,
    };
    let mut trainer =
        KMeans::new(k).init(init).max_iterations(max_iter).tolerance(tol).seed(seed).n_init(n_init);
    trainer.parallelism = parallelism;
    let view = x.as_array();
    let (model, labels) = interruptible(py, || trainer.fit_labels(view))?;
    let labels: Vec<i64> = labels.into_iter().map(i64::from).collect();
    Ok((model.centroids.into_pyarray(py), model.inertia, model.iterations, labels.into_pyarray(py)))
}

/// The index of the nearest of `centroids` for every row of `x`.
#[pyfunction]
pub(crate) fn kmeans_predict<'py>(
    py: Python<'py>,
    centroids: PyReadonlyArray2<'py, f64>,
    x: PyReadonlyArray2<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let model = KMeansModel {
        centroids: centroids.as_array().to_owned(),
        inertia: 0.0,
        iterations: 0,
        converged: true,
    };
    let view = x.as_array();
    let labels = interruptible(py, || model.predict_labels(view))?;
    Ok(labels.into_iter().map(i64::from).collect::<Vec<_>>().into_pyarray(py))
}

/// A fitted ALS model: the factors of the users and items seen in training.
#[pyclass(module = "eddy._eddy", name = "AlsModel", frozen)]
pub(crate) struct AlsModel {
    model: eddy_ml::als::AlsModel,
    /// Training RMSE after each iteration.
    #[pyo3(get)]
    rmse_history: Vec<f64>,
    /// Iterations run.
    #[pyo3(get)]
    iterations: u32,
    /// True if it stopped on the tolerance before the iteration bound.
    #[pyo3(get)]
    converged: bool,
}

#[pymethods]
impl AlsModel {
    /// User ids, ascending (`uint64`), one per row of `user_factors`.
    #[getter]
    fn users<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_slice(py, &self.model.users)
    }

    /// One row of `rank` factors per user.
    #[getter]
    fn user_factors<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.model.user_factors.to_pyarray(py)
    }

    /// Item ids, ascending (`uint64`), one per row of `item_factors`.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        PyArray1::from_slice(py, &self.model.items)
    }

    /// One row of `rank` factors per item.
    #[getter]
    fn item_factors<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        self.model.item_factors.to_pyarray(py)
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
        let predictions: Vec<f64> =
            users.iter().zip(&items).map(|(&u, &i)| self.model.predict(u, i).unwrap_or(f64::NAN)).collect();
        Ok(predictions.into_pyarray(py))
    }
}

/// ALS (explicit feedback, ALS-WR) on the ratings `ratings[i]` of `users[i]` for
/// `items[i]` (ids: any integer dtype, non-negative).
#[pyfunction]
#[pyo3(signature = (users, items, ratings, *, rank=10, regularization=0.1, max_iter=10, tol=0.0, seed=0, parallelism=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn als_fit(
    py: Python<'_>,
    users: &Bound<'_, PyAny>,
    items: &Bound<'_, PyAny>,
    ratings: PyReadonlyArray1<'_, f64>,
    rank: usize,
    regularization: f64,
    max_iter: u32,
    tol: f64,
    seed: u64,
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
    let trainer = Als { rank, regularization, max_iterations: max_iter, tolerance: tol, seed, parallelism };
    let fit = interruptible(py, || trainer.fit_ratings(&triples))?;
    Ok(AlsModel {
        model: fit.model,
        rmse_history: fit.rmse_history,
        iterations: fit.iterations,
        converged: fit.converged,
    })
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
}

/// Stores the training rows `x` and labels `y` of a k-NN classifier with `k` neighbours.
#[pyfunction]
#[pyo3(signature = (x, y, k, *, parallelism=None))]
pub(crate) fn knn_fit(
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    k: usize,
    parallelism: Option<usize>,
) -> PyResult<KnnModel> {
    let mut trainer = KNeighborsClassifier::new().k(k);
    if let Some(p) = parallelism {
        trainer = trainer.parallelism(p);
    }
    Ok(KnnModel(trainer.fit(x.as_array(), Some(y.as_array())).py()?))
}
