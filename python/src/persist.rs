//! Saving fitted models: every model class has `to_json()`, a static `from_json(text)`
//! and `__reduce__` (so that `pickle` and `joblib` work) through the model's serde form.
//! This is the only place where a fitted model crosses the FFI as JSON; fitting and
//! predicting pass the Rust model itself.

use pyo3::PyTypeInfo;
use pyo3::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::IntoPyResult;

/// What `__reduce__` returns: the class's `from_json` and its argument.
pub(crate) type Reduced<'py> = (Bound<'py, PyAny>, (String,));

/// `model` as JSON text (floats round-trip exactly).
pub(crate) fn to_json<M: Serialize>(model: &M) -> PyResult<String> {
    eddy_ml::model_to_json(model).py()
}

/// A model from the text `to_json` wrote.
pub(crate) fn from_json<M: DeserializeOwned>(json: &str) -> PyResult<M> {
    eddy_ml::model_from_json(json).py()
}

/// `__reduce__` of the Python class `C` wrapping `model`: `C.from_json(model as JSON)`.
pub(crate) fn reduce<'py, C: PyTypeInfo, M: Serialize>(py: Python<'py>, model: &M) -> PyResult<Reduced<'py>> {
    Ok((py.get_type::<C>().getattr("from_json")?, (to_json(model)?,)))
}
