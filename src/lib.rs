//! Eddy: iterative processing of partitioned data — graphs and ML trainers on one
//! dataflow runtime.
//!
//! This facade re-exports the member crates: [`core`] (datasets, operators, iterations),
//! [`runtime`] (executors), [`datasets`] (bundled data, readers, generators) and
//! [`gelly`] (the graph library) and [`ml`] (estimators trained as bulk iterations).
//!
//! The README follows; its code blocks run as doc tests.
#![doc = include_str!("../README.md")]

pub use eddy_core as core;
pub use eddy_datasets as datasets;
pub use eddy_gelly as gelly;
pub use eddy_ml as ml;
pub use eddy_runtime as runtime;
