//! The `eddy._eddy` extension module: conversions between numpy and the engine, and
//! calls into the Rust crates — no algorithm logic here. The Python package `eddy`
//! (`python/eddy/`) wraps it with input checks, networkx conversion and
//! scikit-learn-style estimator classes.

mod error;
mod estimators;
mod graph;
mod ml;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _eddy(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<graph::Graph>()?;
    m.add_class::<graph::VertexValues>()?;
    m.add_function(wrap_pyfunction!(ml::kmeans_fit, m)?)?;
    m.add_function(wrap_pyfunction!(ml::kmeans_predict, m)?)?;
    m.add_class::<ml::AlsModel>()?;
    m.add_function(wrap_pyfunction!(ml::als_fit, m)?)?;
    m.add_class::<ml::KnnModel>()?;
    m.add_function(wrap_pyfunction!(ml::knn_fit, m)?)?;
    m.add_function(wrap_pyfunction!(estimators::fit, m)?)?;
    m.add_function(wrap_pyfunction!(estimators::predict, m)?)?;
    m.add_function(wrap_pyfunction!(estimators::predict_proba, m)?)?;
    m.add_function(wrap_pyfunction!(estimators::transform, m)?)?;
    Ok(())
}
