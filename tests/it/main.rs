//! Integration tests of the eddy workspace: one test binary, one module per area.

mod allocations;
mod config;
mod errors;
mod gelly_api;
mod graphs;
mod iterations;
mod layering;
mod library;
mod load;
mod ml;
mod net;
mod operators;
mod pagerank_fast;
mod superstep;
