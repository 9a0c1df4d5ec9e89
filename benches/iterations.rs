//! Iteration benchmarks: per-superstep overhead and delta-iteration connected components.
//!
//! - `superstep_overhead`: an empty bulk iteration (no records, the step returns its input)
//!   and an empty delta iteration (one workset record per worker, no delta) at P = 1 and
//!   P = 2. `per_superstep_*` reports the time of one superstep directly (the job runs as
//!   many supersteps as criterion asks for, timed inside the workers around the iteration,
//!   slowest worker); `bulk_1000_supersteps_*` times a whole job of 1000 supersteps, thread
//!   start included.
//! - `cc_delta`: `components_delta` (the `connected_components` example) at P = 2 on a
//!   1 M-vertex random graph (4 M seeded random edges, run to convergence) and on 1 M-vertex
//!   path graphs, capped by `max_iterations`: with ids in path order (the label of every
//!   vertex beyond the front drops by one each superstep, so the workset stays ≈ 1 M for
//!   ≈ 1 M supersteps) and with randomly permuted ids (the workset shrinks like 1 M / k).
//!   Before the timings, one run of each prints a per-superstep table from a
//!   `MetricsRecorder`: superstep, input workset, output workset, delta size, elapsed µs
//!   and ns per input workset record (a superstep's work follows its input workset).
//!
//! Run with `cargo bench --bench iterations`; `cargo test --benches` runs each once on
//! 1/1000 of the data.

#[path = "../runtime/examples/connected_components.rs"]
#[allow(dead_code, unreachable_pub)]
mod cc;
mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bench_mode, path_graph, permuted_path_graph, random_graph, scaled};
use criterion::{Criterion, SamplingMode};
use eddy::core::{DataSet, Iteration, MetricsRecorder, SuperstepListener, SuperstepMetrics};
use eddy::runtime::LocalRuntime;

fn runtime(parallelism: usize) -> LocalRuntime {
    LocalRuntime::with_parallelism(parallelism).expect("runtime")
}

// ---- (c) per-superstep overhead --------------------------------------------------------

/// Runs an empty bulk iteration of `supersteps` supersteps; returns the slowest worker's
/// time for the iteration alone.
fn empty_bulk(rt: &LocalRuntime, supersteps: u32) -> Duration {
    let times = rt
        .execute(|worker| {
            let started = Instant::now();
            let (result, summary) =
                Iteration::new(supersteps).bulk(worker.generate(0, |i| i), |_, records| Ok(records))?;
            let elapsed = started.elapsed();
            assert_eq!(summary.supersteps, supersteps);
            assert!(result.collect_partition().is_empty());
            Ok(elapsed)
        })
        .expect("bulk job");
    times.into_iter().max().unwrap_or_default()
}

/// Runs a delta iteration whose workset holds one record per worker forever and whose delta
/// is empty, for `supersteps` supersteps; returns the slowest worker's time.
fn empty_delta(rt: &LocalRuntime, supersteps: u32) -> Duration {
    let times = rt
        .execute(|worker| {
            let solution = worker.generate(0, |i| (i, i));
            let workset = worker.generate(worker.parallelism() as u64, |i| i);
            let started = Instant::now();
            let (_, summary) = Iteration::new(supersteps).delta(
                solution,
                |s: &(u64, u64)| s.0,
                workset,
                |_, records| {
                    let none: DataSet<'_, (u64, u64)> = DataSet::from_iter(worker, std::iter::empty());
                    Ok((none, records))
                },
            )?;
            let elapsed = started.elapsed();
            assert_eq!(summary.supersteps, supersteps);
            Ok(elapsed)
        })
        .expect("delta job");
    times.into_iter().max().unwrap_or_default()
}

/// `iters` supersteps in jobs of at most 100 000, timed inside the jobs.
fn supersteps_timed(rt: &LocalRuntime, iters: u64, run: fn(&LocalRuntime, u32) -> Duration) -> Duration {
    let mut left = iters;
    let mut total = Duration::ZERO;
    while left > 0 {
        let n = left.min(100_000);
        total += run(rt, n as u32);
        left -= n;
    }
    total
}

fn bench_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("superstep_overhead");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    for p in [1, 2] {
        let rt = runtime(p);
        group.bench_function(format!("per_superstep_bulk_p{p}"), |b| {
            b.iter_custom(|iters| supersteps_timed(&rt, iters, empty_bulk))
        });
        group.bench_function(format!("per_superstep_delta_p{p}"), |b| {
            b.iter_custom(|iters| supersteps_timed(&rt, iters, empty_delta))
        });
        group.bench_function(format!("bulk_1000_supersteps_p{p}"), |b| {
            b.iter(|| {
                rt.execute(|worker| {
                    let (result, _) = Iteration::new(black_box(1000))
                        .bulk(worker.generate(0, |i| i), |_, records| Ok(records))?;
                    Ok(result.collect_partition().len())
                })
                .expect("bulk job")
            })
        });
    }
    group.finish();
}

// ---- (d') superstep cost vs solution-set size at a fixed workset -----------------------

/// A delta iteration over a solution set of `solution_size` records `(key, counter)` whose
/// workset is the same `workset_size` keys every superstep: each superstep looks them up
/// in the solution set and upserts them incremented. Returns the summed per-superstep
/// times reported to the metrics listener — building the solution set before the first
/// superstep and handing it back after the last are O(solution set) once, not per
/// superstep, and are left out.
fn fixed_workset(solution_size: u64, workset_size: u64, supersteps: u32) -> Duration {
    let recorder = Arc::new(MetricsRecorder::new());
    let rt = runtime(2).with_listener(Arc::clone(&recorder) as Arc<dyn SuperstepListener>);
    rt.execute(|worker| {
        let solution = worker.generate(solution_size, |k| (k, 0u64));
        let stride = solution_size / workset_size;
        // Partitioned by key, so that every key is looked up on the worker that owns it.
        let workset = worker.generate(workset_size, move |i| i * stride).partition_by_hash(|k| *k)?;
        let (_, summary) = Iteration::new(supersteps).delta(
            solution,
            |s: &(u64, u64)| s.0,
            workset,
            |step, keys| {
                let set = step.solution_set().clone();
                let delta = keys.flat_map(move |k| set.get(&k)).map(|(k, n)| (k, n + 1)).cache();
                let next = delta.dataset().map(|s| s.0);
                Ok((delta.dataset(), next))
            },
        )?;
        assert_eq!(summary.supersteps, supersteps);
        Ok(())
    })
    .expect("delta job");
    recorder.supersteps().iter().map(|m| m.elapsed).sum()
}

fn bench_solution_set_size(c: &mut Criterion) {
    let mut group = c.benchmark_group("delta_superstep_vs_solution_set");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    let supersteps = 200;
    for solution_size in [scaled(10_000), scaled(1_000_000), scaled(10_000_000)] {
        group.bench_function(format!("solution_{solution_size}_workset_1000_per_superstep_p2"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += fixed_workset(black_box(solution_size), 1000.min(solution_size), supersteps);
                }
                total / supersteps
            })
        });
    }
    group.finish();
}

// ---- (d) connected components by delta iteration ---------------------------------------

/// (vertices in the solution set, vertices labelled with their own id — the number of
/// components once converged).
fn components(rt: &LocalRuntime, edges: &[(u64, u64)], max_iterations: u32) -> (u64, u64) {
    let results = rt
        .execute(|worker| {
            cc::components_delta(worker, edges, max_iterations)?.aggregate(
                (0u64, 0u64),
                |(n, roots), (v, label)| (n + 1, roots + u64::from(v == label)),
                |a, b| (a.0 + b.0, a.1 + b.1),
            )
        })
        .expect("components job");
    results[0]
}

struct Graph {
    name: &'static str,
    edges: Vec<(u64, u64)>,
    max_iterations: u32,
    /// Whether to print every superstep or a logarithmic selection of them.
    every_row: bool,
}

fn graphs() -> Vec<Graph> {
    let n = scaled(1_000_000);
    vec![
        Graph {
            name: "random_1M_vertices_4M_edges",
            edges: random_graph(n, 4 * n, 42),
            max_iterations: u32::MAX,
            every_row: true,
        },
        Graph {
            name: "path_1M_permuted_ids_cap2000",
            edges: permuted_path_graph(n, 42),
            max_iterations: 2000,
            every_row: false,
        },
        Graph { name: "path_1M_cap10", edges: path_graph(n), max_iterations: 10, every_row: true },
    ]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn print_table(graph: &Graph, p: usize, metrics: &[SuperstepMetrics], result: (u64, u64), wall: Duration) {
    let last = metrics.last().map_or(0, |m| m.superstep);
    println!(
        "\n== cc_delta {} (P = {p}, {} edges, max_iterations {}): {} vertices, {} roots, {last} supersteps, \
         converged {}, job wall {:.0} ms",
        graph.name,
        graph.edges.len(),
        graph.max_iterations,
        result.0,
        result.1,
        metrics.last().is_some_and(|m| m.converged),
        wall.as_secs_f64() * 1e3,
    );
    // A superstep's work follows its *input* workset: the previous row's output workset (all
    // vertices for superstep 1).
    println!(
        "{:>9} {:>10} {:>10} {:>10} {:>12} {:>13}",
        "superstep", "in_workset", "workset", "delta", "elapsed_us", "ns/in_record"
    );
    let shown =
        |s: u32| graph.every_row || s <= 10 || s == last || s.is_power_of_two() || s.is_multiple_of(250);
    let mut input = result.0;
    for m in metrics {
        if shown(m.superstep) {
            let per_record = if input == 0 {
                String::from("-")
            } else {
                format!("{:.0}", micros(m.elapsed) * 1e3 / input as f64)
            };
            println!(
                "{:>9} {:>10} {:>10} {:>10} {:>12.0} {:>13}",
                m.superstep,
                input,
                m.workset_size,
                m.delta_size.unwrap_or(0),
                micros(m.elapsed),
                per_record
            );
        }
        input = m.workset_size;
    }
    let mean = |ms: &[SuperstepMetrics]| {
        let n = ms.len().max(1) as f64;
        let us = ms.iter().map(|m| micros(m.elapsed)).sum::<f64>() / n;
        let workset = ms.iter().map(|m| m.workset_size as f64).sum::<f64>() / n;
        (us, workset)
    };
    let (all_us, all_ws) = mean(metrics);
    println!("mean over all {} supersteps: {all_us:.0} µs/superstep, workset {all_ws:.0}", metrics.len());
    if metrics.len() >= 1000 {
        let tail = &metrics[metrics.len() - 1000..];
        let (us, ws) = mean(tail);
        println!("mean over the last 1000 supersteps: {us:.1} µs/superstep, workset {ws:.0}");
    }
}

fn print_tables(graphs: &[Graph], p: usize) {
    for graph in graphs {
        let recorder = Arc::new(MetricsRecorder::new());
        let listener: Arc<dyn SuperstepListener> = Arc::clone(&recorder) as Arc<dyn SuperstepListener>;
        let rt = runtime(p).with_listener(listener);
        let started = Instant::now();
        let result = components(&rt, &graph.edges, graph.max_iterations);
        let wall = started.elapsed();
        print_table(graph, p, &recorder.supersteps(), result, wall);
    }
    println!();
}

fn bench_components(c: &mut Criterion, graphs: &[Graph], p: usize) {
    let mut group = c.benchmark_group("cc_delta");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(20));
    let rt = runtime(p);
    for graph in graphs {
        group.bench_function(format!("{}_p{p}", graph.name), |b| {
            b.iter(|| components(&rt, black_box(&graph.edges), graph.max_iterations))
        });
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_overhead(&mut c);
    bench_solution_set_size(&mut c);
    let graphs = graphs();
    if bench_mode() {
        print_tables(&graphs, 2);
    }
    bench_components(&mut c, &graphs, 2);
    c.final_summary();
}
