//! eddy-datasets: small data bundled with Eddy, readers, writers and generators.
//!
//! Entrypoints: [`graphs`] — small built-in graphs used as default inputs and in
//! examples; [`edgelist`] — `src dst [weight]` files; [`generators`] — seeded R-MAT,
//! Erdős–Rényi and grid/path/cycle/star/complete graphs, from `rmat:20`-style specs.

pub mod edgelist;
pub mod error;
pub mod generators;
pub mod graphs;

pub use error::{Error, Result};
