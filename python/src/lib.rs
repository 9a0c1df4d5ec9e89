//! The `eddy._eddy` extension module: conversions between numpy and the engine, and
//! calls into the Rust crates — no algorithm logic here. The Python package `eddy`
//! (`python/eddy/`) wraps it with input checks, networkx conversion and
//! scikit-learn-style estimator classes.

mod defaults;
mod error;
mod estimators;
mod graph;
mod ml;
mod persist;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _eddy(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<graph::Graph>()?;
    m.add_class::<graph::VertexValues>()?;
    m.add_function(wrap_pyfunction!(defaults::defaults, m)?)?;
    m.add_class::<ml::KMeansModel>()?;
    m.add_function(wrap_pyfunction!(ml::kmeans_fit, m)?)?;
    m.add_class::<ml::AlsModel>()?;
    m.add_function(wrap_pyfunction!(ml::als_fit, m)?)?;
    m.add_class::<ml::KnnModel>()?;
    m.add_function(wrap_pyfunction!(ml::knn_fit, m)?)?;
    m.add_class::<estimators::LinearModel>()?;
    m.add_function(wrap_pyfunction!(estimators::linear_regression_fit, m)?)?;
    m.add_class::<estimators::LogisticModel>()?;
    m.add_function(wrap_pyfunction!(estimators::logistic_regression_fit, m)?)?;
    m.add_class::<estimators::LinearSvmModel>()?;
    m.add_function(wrap_pyfunction!(estimators::linear_svc_fit, m)?)?;
    m.add_class::<estimators::GaussianNBModel>()?;
    m.add_function(wrap_pyfunction!(estimators::gaussian_nb_fit, m)?)?;
    m.add_class::<estimators::StandardScalerModel>()?;
    m.add_function(wrap_pyfunction!(estimators::standard_scaler_fit, m)?)?;
    m.add_class::<estimators::MinMaxScalerModel>()?;
    m.add_function(wrap_pyfunction!(estimators::minmax_scaler_fit, m)?)?;
    Ok(())
}
