//! eddy-datasets: small data bundled with Eddy, readers and writers (generators arrive
//! with the graph and ML issues).
//!
//! Entrypoints: [`graphs`] — small built-in graphs used as default inputs and in
//! examples; [`edgelist`] — `src dst [weight]` files.

pub mod edgelist;
pub mod error;
pub mod graphs;

pub use error::{Error, Result};
