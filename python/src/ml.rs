//! The trainers' entry points; the scikit-learn-style classes are in `eddy/ml.py`.

use eddy_ml::kmeans::{Init, KMeans, KMeansModel};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::error::{IntoPyResult, interruptible};

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
