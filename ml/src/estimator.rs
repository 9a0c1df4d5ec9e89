//! The estimator traits and pipelines.
//!
//! An [`Estimator`] holds hyper-parameters and fits a model to data; what it returns is a
//! [`Model`] (predicts one value per row), a [`Transformer`] (maps rows to new rows) or
//! both. Fitted models are plain serde types: [`save_model`] / [`load_model`] write and
//! read them as JSON whose floats round-trip exactly.
//!
//! A [`Pipeline`] chains a transformer-producing estimator with another estimator: `fit`
//! fits the first, transforms the data with it and fits the second on the result; the
//! fitted [`PipelineModel`] applies both. Pipelines nest, so any number of steps chain:
//!
//! ```
//! use eddy_ml::{Estimator, Model, Pipeline, kmeans::KMeans, preprocessing::StandardScaler};
//! use ndarray::array;
//! # fn main() -> eddy_ml::Result<()> {
//! let x = array![[1.0, 200.0], [1.1, 210.0], [5.0, 900.0], [5.2, 905.0]];
//! let pipeline = Pipeline::new(StandardScaler::new(), KMeans::new(2).seed(7).parallelism(2));
//! let model = pipeline.fit(x.view(), None)?;
//! let labels = model.predict(x.view())?;
//! assert_eq!(labels[0], labels[1]);
//! assert_ne!(labels[0], labels[2]);
//! # Ok(()) }
//! ```

use std::path::Path;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{Error, Result};

/// Fits a model to training data.
pub trait Estimator {
    /// What `fit` returns.
    type Fitted;

    /// Fits to `x` (one row per sample) and, for supervised estimators, the targets `y`
    /// (one per row; class labels as numbers).
    ///
    /// # Errors
    /// Invalid parameters or data (NaN features, a missing or mis-sized `y`), or a
    /// runtime failure.
    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<Self::Fitted>;
}

/// A fitted model that predicts one value per row (a class label, a cluster index, a
/// regression value).
pub trait Model {
    /// Predicts one value per row of `x`.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when `x` has a different number of columns than the
    /// training data.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>>;
}

/// A fitted transformation of rows (a scaler, a feature map).
pub trait Transformer {
    /// Transforms every row of `x`.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when `x` has a different number of columns than the
    /// training data.
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>>;
}

/// `first`, then `then`: fits `then` on the rows `first`'s fitted transformer produces.
#[derive(Debug, Clone)]
pub struct Pipeline<A, B> {
    first: A,
    then: B,
}

impl<A, B> Pipeline<A, B> {
    /// A two-step pipeline; use a pipeline as `then` for more steps.
    pub fn new(first: A, then: B) -> Self {
        Pipeline { first, then }
    }
}

impl<A, B> Estimator for Pipeline<A, B>
where
    A: Estimator,
    A::Fitted: Transformer,
    B: Estimator,
{
    type Fitted = PipelineModel<A::Fitted, B::Fitted>;

    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<Self::Fitted> {
        let first = self.first.fit(x, y)?;
        let transformed = first.transform(x)?;
        let then = self.then.fit(transformed.view(), y)?;
        Ok(PipelineModel { first, then })
    }
}

/// A fitted [`Pipeline`]: a transformer followed by a model or another transformer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineModel<A, B> {
    /// The fitted first step.
    pub first: A,
    /// The fitted second step.
    pub then: B,
}

impl<A: Transformer, B: Model> Model for PipelineModel<A, B> {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.then.predict(self.first.transform(x)?.view())
    }
}

impl<A: Transformer, B: Transformer> Transformer for PipelineModel<A, B> {
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.then.transform(self.first.transform(x)?.view())
    }
}

/// Writes a fitted model as JSON (floats round-trip exactly), through a temporary file
/// renamed into place, so that a failed write leaves no partial model behind.
///
/// # Errors
/// [`Error::ModelFile`] when the file cannot be written.
pub fn save_model<M: Serialize>(model: &M, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let fail = |reason: String| Error::ModelFile { path: path.to_path_buf(), reason };
    let json = serde_json::to_vec_pretty(model).map_err(|e| fail(e.to_string()))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| fail("not a file name".into()))?.to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, json).map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail(e.to_string())
    })
}

/// Reads a model written by [`save_model`].
///
/// # Errors
/// [`Error::ModelFile`] when the file is missing or does not hold a model of type `M`.
pub fn load_model<M: DeserializeOwned>(path: impl AsRef<Path>) -> Result<M> {
    let path = path.as_ref();
    let fail = |reason: String| Error::ModelFile { path: path.to_path_buf(), reason };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))
}

/// A fitted model as JSON text (floats round-trip exactly): what [`save_model`] writes,
/// for callers that keep models elsewhere (the Python bindings).
///
/// # Errors
/// [`Error::InvalidInput`] if the model cannot be serialised (it always can for the
/// models of this crate).
pub fn model_to_json<M: Serialize>(model: &M) -> Result<String> {
    serde_json::to_string(model).map_err(|e| Error::InvalidInput(format!("model to JSON: {e}")))
}

/// A model from JSON text written by [`model_to_json`] or [`save_model`].
///
/// # Errors
/// [`Error::InvalidInput`] when the text is not a model of type `M`.
pub fn model_from_json<M: DeserializeOwned>(json: &str) -> Result<M> {
    serde_json::from_str(json).map_err(|e| Error::InvalidInput(format!("not a valid model: {e}")))
}

/// Checks that `x` has `expected` columns.
pub(crate) fn check_features(x: &ArrayView2<'_, f64>, expected: usize) -> Result<()> {
    if x.ncols() == expected { Ok(()) } else { Err(Error::FeatureMismatch { expected, got: x.ncols() }) }
}
