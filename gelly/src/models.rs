//! The three iteration models of Gelly, compiled to delta iterations over the CSR layout.
//!
//! The solution set is the dense vertex-value array of each partition, updated in place;
//! the workset is the set of active vertices (those that have not voted to halt or that
//! received messages, or whose neighbours changed). A superstep does work proportional to
//! the workset. Messages to vertices of this partition go straight into the next inbox;
//! messages to another partition are combined per target vertex (with a combiner) and
//! shipped in one batch per peer per superstep. Every superstep ends in core's
//! [`eddy_core::SuperstepEngine`] (one barrier over the counts and the aggregate, the
//! halting decision, metrics, checkpoints, cancellation), and every run returns core's
//! [`eddy_core::IterationSummary`].
//!
//! - [`vertex_centric`] — Pregel: `compute(vertex, messages)`.
//! - [`scatter_gather`] — scatter along edges from changed vertices, gather at receivers.
//! - [`gsa`] — gather over neighbours, sum, apply.

pub mod gsa;
pub mod scatter_gather;
pub mod vertex_centric;
