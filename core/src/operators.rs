//! Operators on [`crate::DataSet`], one family per file, as inherent methods.
//!
//! - [`exchange`]: `partition_by_hash`, `rebalance`, `broadcast`, `collect`.
//! - [`keyed`]: `reduce_by_key` / `combine_by_key` (with a combiner before the exchange),
//!   `distinct`, `group_by(key).reduce_group`.
//! - [`join`]: `join` (build side by size, or broadcast by hint), `left_outer_join`,
//!   `co_group`, `cross` with a broadcast side, and [`join::Index`] for loop-invariant
//!   lookups.
//! - [`global`]: `count`, `reduce`, `aggregate` (all-reduces).
//!
//! **Note**: every operator here except the local ones is a collective: it consumes the
//! dataset, exchanges with every worker and therefore returns a `Result`.

pub mod exchange;
pub mod global;
pub mod join;
pub mod keyed;
