//! eddy-datasets: small data bundled with Eddy, readers, writers and generators.
//!
//! Entrypoints: [`graphs`] — small built-in graphs used as default inputs and in
//! examples; [`edgelist`] — `src dst [weight]` files; [`generators`] — seeded R-MAT,
//! Erdős–Rényi and grid/path/cycle/star/complete graphs, from `rmat:20`-style specs;
//! [`features`] — ML data: CSV tables, libsvm rows, rating triples and the built-in iris
//! set; [`ml_generators`] — seeded blobs, classification, regression and low-rank ratings,
//! from `blobs:1000:2:3`-style specs.

pub mod edgelist;
pub mod error;
pub mod features;
mod files;
pub mod generators;
pub mod graphs;
pub mod ml_generators;

pub use error::{Error, Result};
