//! The parameter defaults of the Rust estimators, for the Python layer: `defaults(name)`
//! is the serde form of `T::default()` as a Python dict (Rust field names), so that the
//! signatures in `eddy/ml.py` and `eddy/__init__.py` repeat no default value.

use eddy_gelly::algorithms::PageRank;
use eddy_ml::als::Als;
use eddy_ml::kmeans::KMeans;
use eddy_ml::knn::KNeighborsClassifier;
use eddy_ml::linear::LinearRegression;
use eddy_ml::logistic::LogisticRegression;
use eddy_ml::naive_bayes::GaussianNB;
use eddy_ml::svm::LinearSvc;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;

use crate::error::invalid_argument;

/// The names `defaults` knows, and the Rust type each stands for.
const NAMES: &str = "pagerank (eddy_gelly PageRank), kmeans (KMeans), linear_regression (LinearRegression), \
                     logistic_regression (LogisticRegression), linear_svc (LinearSvc), gaussian_nb \
                     (GaussianNB), knn (KNeighborsClassifier), als (Als)";

/// The default parameters of the Rust estimator `name` (`"pagerank"`, `"kmeans"`,
/// `"linear_regression"`, `"logistic_regression"`, `"linear_svc"`, `"gaussian_nb"`,
/// `"knn"`, `"als"`): its `Default` value in its serde form, Rust field names as keys
/// (`None` for an absent option, enum variants by their serde names).
#[pyfunction]
pub(crate) fn defaults<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let value = match name {
        "pagerank" => serde_form(&PageRank::default()),
        "kmeans" => serde_form(&KMeans::default()),
        "linear_regression" => serde_form(&LinearRegression::default()),
        "logistic_regression" => serde_form(&LogisticRegression::default()),
        "linear_svc" => serde_form(&LinearSvc::default()),
        "gaussian_nb" => serde_form(&GaussianNB::default()),
        "knn" => serde_form(&KNeighborsClassifier::default()),
        "als" => serde_form(&Als::default()),
        other => return Err(invalid_argument(format!("no defaults for {other:?}; known: {NAMES}"))),
    }?;
    to_python(py, &value)
}

fn serde_form<T: Serialize>(value: &T) -> PyResult<Value> {
    serde_json::to_value(value).map_err(|e| invalid_argument(format!("parameters to JSON: {e}")))
}

/// A JSON value as the Python object `json.loads` would make of it.
fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.into_bound_py_any(py),
            (None, Some(i), _) => i.into_bound_py_any(py),
            (None, None, f) => f.into_bound_py_any(py),
        },
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(items) => {
            let items = items.iter().map(|item| to_python(py, item)).collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Value::Object(fields) => {
            let dict = PyDict::new(py);
            for (key, field) in fields {
                dict.set_item(key, to_python(py, field)?)?;
            }
            Ok(dict.into_any())
        }
    }
}

/// Overrides the default in `field` with the value Python passed; `None` (not passed, or
/// passed as None) keeps the default.
pub(crate) fn given<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}
