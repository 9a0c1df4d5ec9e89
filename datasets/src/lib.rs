//! eddy-datasets: small data bundled with Eddy (readers, writers and generators arrive
//! with the graph and ML issues).
//!
//! Entrypoint: [`graphs`] — small built-in graphs used as default inputs and in examples.

pub mod graphs;
