//! Transitive closure by bulk iteration, as Flink's `TransitiveClosureNaive`.
//!
//! Run with `cargo run --example transitive_closure [-- PARALLELISM]`.
//!
//! Each superstep extends every known path `(a, b)` by the edges `(b, c)` leaving its
//! end, unions the result with the known paths and removes duplicates. An aggregator sums
//! the growth of the path set; the iteration converges at the first superstep that adds
//! no path.

use eddy::core::{DataSet, Iteration, Result, Sum, Worker};
use eddy::runtime::LocalRuntime;

/// Every pair `(a, c)` such that a directed path of one or more edges leads from `a` to
/// `c`, and the number of supersteps run.
pub fn transitive_closure<'w>(
    worker: &'w Worker,
    edges: &'w [(u64, u64)],
    max_iterations: u32,
) -> Result<(DataSet<'w, (u64, u64)>, u32)> {
    // Loop-invariant: the edges indexed by their source, once.
    let by_source = worker.from_slice(edges).index_by(|e| e.0)?;
    let paths = worker.from_slice(edges).distinct()?;
    let iteration =
        Iteration::new(max_iterations).aggregate::<Sum<i64>>().converge_when(|growth| growth.get() == 0);
    let (closure, summary) = iteration.bulk(paths, |step, paths| {
        let (known, extend) = paths.duplicate();
        // `duplicate` materialised the partition, so its length is known.
        let known_count = known.exact_local_len().unwrap_or_default() as i64;
        let longer = extend.join_index(&by_source, |p| p.1)?.map(|(p, e)| (p.0, e.1));
        let next = known.union(longer).distinct()?.cache();
        let growth = next.records().len() as i64 - known_count;
        step.aggregate(|g| g.add(growth));
        Ok(next.dataset())
    })?;
    Ok((closure, summary.supersteps))
}

#[allow(dead_code)] // the tests include this file as a module
fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let parallelism = std::env::args().nth(1).map(|p| p.parse()).transpose()?.unwrap_or(2);
    // A chain 1 → 2 → … → 6 with a shortcut and a separate cycle 7 → 8 → 9 → 7.
    let edges: Vec<(u64, u64)> = vec![(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (2, 5), (7, 8), (8, 9), (9, 7)];
    let runtime = LocalRuntime::with_parallelism(parallelism)?;
    let (mut closure, supersteps) = runtime
        .execute(|worker| {
            let (closure, supersteps) = transitive_closure(worker, &edges, 100)?;
            Ok((closure.collect()?, supersteps))
        })?
        .swap_remove(0);
    closure.sort_unstable();
    println!(
        "{} edges → {} reachable pairs in {supersteps} supersteps on {parallelism} workers",
        edges.len(),
        closure.len()
    );
    for (a, c) in &closure {
        println!("{a} -> {c}");
    }
    Ok(())
}
