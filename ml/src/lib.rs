//! eddy-ml: Eddy's machine learning library — estimators trained as bulk iterations over a
//! partitioned feature matrix.
//!
//! Every trainer has two faces:
//! - an SPMD function such as [`kmeans::fit_partition`] that runs inside a job on every
//!   worker: each superstep computes one partial result per block of rows (centroid
//!   sums, a gradient), all-reduces the partials in block order and updates a small model
//!   that every worker holds — so a model is bit for bit the same for any parallelism;
//! - an [`Estimator`] (`KMeans`, `StandardScaler`, …) with scikit-learn's conventions:
//!   `fit(x, y)` on an `ndarray` matrix returns a fitted [`Model`] / [`Transformer`]
//!   that predicts or transforms, serialises with serde ([`save_model`], [`load_model`])
//!   and chains in a [`Pipeline`].
//!
//! ```
//! use eddy_ml::{Estimator, Model, kmeans::KMeans};
//! use ndarray::array;
//! # fn main() -> eddy_ml::Result<()> {
//! let x = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.0, 5.1]];
//! let model = KMeans::new(2).init_centroids(array![[0.0, 0.0], [5.0, 5.0]]).fit(x.view(), None)?;
//! assert_eq!(model.predict(x.view())?.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
//! assert!((model.inertia - 0.01).abs() < 1e-12);
//! # Ok(()) }
//! ```

pub mod als;
mod classifier;
pub mod error;
pub mod estimator;
mod exec;
pub mod kmeans;
pub mod knn;
pub mod linalg;
pub mod linear;
pub mod logistic;
pub mod metrics;
pub mod naive_bayes;
pub mod optim;
pub mod partition;
pub mod preprocessing;
pub mod svm;

pub use error::{Error, Result};
pub use estimator::{
    Estimator, Model, Pipeline, PipelineModel, Transformer, load_model, model_from_json, model_to_json,
    save_model,
};
pub use partition::{Layout, RowPartition};
