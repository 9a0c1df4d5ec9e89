//! Connected components by delta iteration, as Flink's `ConnectedComponents` example,
//! on a small built-in graph; the same computed by bulk iteration for comparison.
//!
//! Run with `cargo run --example connected_components [-- PARALLELISM]`.
//!
//! Every vertex starts with its own id as label; a vertex whose label dropped sends it
//! to its neighbours, which keep the smallest label they receive. The solution set holds
//! `(vertex, label)`; the workset holds the vertices whose label changed in the last
//! superstep — so late supersteps, when few labels still change, cost little.

use eddy::core::{Count, DataSet, Iteration, Result, Worker};
use eddy::runtime::LocalRuntime;

/// `(vertex, component label)` for every vertex of `edges` (undirected), the label being
/// the smallest vertex id of the component, by delta iteration.
pub fn components_delta<'w>(
    worker: &'w Worker,
    edges: &'w [(u64, u64)],
    max_iterations: u32,
) -> Result<DataSet<'w, (u64, u64)>> {
    // Loop-invariant: both directions of every edge, partitioned and indexed by source once.
    let neighbours = worker.from_slice(edges).flat_map(|(a, b)| [(a, b), (b, a)]).index_by(|e| e.0)?;
    let vertices = worker
        .from_slice(edges)
        .flat_map(|(a, b)| [a, b])
        .distinct()?
        .map(|v| (v, v))
        .partition_by_hash(|s| s.0)?;
    let (solution, workset) = vertices.duplicate();
    solution.iterate_delta(
        |s| s.0,
        workset,
        max_iterations,
        |step, changed| {
            let neighbours = &neighbours;
            let solution = step.solution_set().clone();
            // The workset is partitioned by vertex (it comes out of `combine_by_key` keyed by
            // vertex, or from the partitioned initial set), so neighbours are found locally.
            let candidates = changed
                .flat_map(move |(v, label)| neighbours.get(&v).map(move |e| (e.1, label)))
                .combine_by_key(|c| c.0, |best, c| best.1 = best.1.min(c.1))?;
            // `combine_by_key` leaves each vertex on its owner, which is where the solution
            // set keeps it: compare locally, no exchange.
            let improved = candidates.filter(move |c| solution.with(&c.0, |s| s.is_some_and(|s| c.1 < s.1)));
            Ok(improved.duplicate())
        },
    )
}

/// The same labels by bulk iteration: every superstep recomputes every vertex's label
/// from its neighbours'; it stops when a superstep changes no label.
pub fn components_bulk<'w>(
    worker: &'w Worker,
    edges: &'w [(u64, u64)],
    max_iterations: u32,
) -> Result<DataSet<'w, (u64, u64)>> {
    let neighbours = worker.from_slice(edges).flat_map(|(a, b)| [(a, b), (b, a)]).index_by(|e| e.0)?;
    let labels = worker
        .from_slice(edges)
        .flat_map(|(a, b)| [a, b])
        .distinct()?
        .map(|v| (v, v))
        .partition_by_hash(|s| s.0)?;
    let iteration =
        Iteration::new(max_iterations).aggregate::<Count>().converge_when(|changed| changed.get() == 0);
    let (labels, _) = iteration.bulk(labels, |step, labels| {
        let neighbours = &neighbours;
        // (vertex, best label so far, own previous label); messages carry `u64::MAX` as own.
        let candidates = labels
            .flat_map(move |(v, label)| {
                std::iter::once((v, label, label))
                    .chain(neighbours.get(&v).map(move |e| (e.1, label, u64::MAX)))
            })
            .combine_by_key(
                |c| c.0,
                |best, c| {
                    best.1 = best.1.min(c.1);
                    best.2 = best.2.min(c.2);
                },
            )?;
        let changed = step.aggregator();
        Ok(candidates.map(move |(v, label, previous)| {
            if label < previous {
                changed.update(Count::increment);
            }
            (v, label)
        }))
    })?;
    Ok(labels)
}

#[allow(dead_code)] // the tests and benches include this file as a module
fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let parallelism = std::env::args().nth(1).map(|p| p.parse()).transpose()?.unwrap_or(2);
    let edges = eddy::datasets::graphs::components_demo();
    let runtime = LocalRuntime::with_parallelism(parallelism)?;
    let mut labels =
        runtime.execute(|worker| components_delta(worker, &edges, 100)?.collect())?.swap_remove(0);
    labels.sort_unstable();
    println!("{} vertices, {} edges, {parallelism} workers", labels.len(), edges.len());
    println!("vertex\tcomponent");
    for (vertex, component) in &labels {
        println!("{vertex}\t{component}");
    }
    let mut components: Vec<u64> = labels.iter().map(|l| l.1).collect();
    components.sort_unstable();
    components.dedup();
    println!("{} components: {components:?}", components.len());
    Ok(())
}
