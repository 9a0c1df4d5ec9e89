//! Integration tests of the eddy workspace: one test binary, one module per area.

mod allocations;
mod config;
mod errors;
mod iterations;
mod layering;
mod operators;
