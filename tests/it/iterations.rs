//! Bulk and delta iterations against sequential references: connected components (delta
//! == bulk == union-find), transitive closure (== a reference closure), convergence by
//! aggregator, and per-superstep metrics.

#[path = "../../runtime/examples/connected_components.rs"]
#[allow(unreachable_pub)]
pub(crate) mod cc;
#[path = "../../runtime/examples/transitive_closure.rs"]
#[allow(unreachable_pub)]
mod tc;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use eddy::core::{Count, IterationKind, Max, MetricsRecorder, Result, Sum, Worker};
use eddy::core::{DataSet, Iteration};
use eddy::runtime::LocalRuntime;
use proptest::prelude::*;

fn run<R: Send>(parallelism: usize, job: impl Fn(&Worker) -> Result<R> + Sync) -> R {
    LocalRuntime::with_parallelism(parallelism).unwrap().execute(job).unwrap().swap_remove(0)
}

/// Union-find reference: `vertex -> smallest vertex id of its component`.
fn components_reference(edges: &[(u64, u64)]) -> BTreeMap<u64, u64> {
    let mut parent: BTreeMap<u64, u64> = BTreeMap::new();
    fn find(parent: &mut BTreeMap<u64, u64>, v: u64) -> u64 {
        let p = parent[&v];
        if p == v {
            return v;
        }
        let root = find(parent, p);
        parent.insert(v, root);
        root
    }
    for &(a, b) in edges {
        parent.entry(a).or_insert(a);
        parent.entry(b).or_insert(b);
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        // Keep the smaller id as root, so the root is the component's label.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent.insert(hi, lo);
    }
    let vertices: Vec<u64> = parent.keys().copied().collect();
    vertices.into_iter().map(|v| (v, find(&mut parent, v))).collect()
}

/// Reference closure by repeated extension until nothing changes.
fn closure_reference(edges: &[(u64, u64)]) -> BTreeSet<(u64, u64)> {
    let mut closure: BTreeSet<(u64, u64)> = edges.iter().copied().collect();
    loop {
        let extended: Vec<(u64, u64)> = closure
            .iter()
            .flat_map(|&(a, b)| edges.iter().filter(move |e| e.0 == b).map(move |e| (a, e.1)))
            .collect();
        let before = closure.len();
        closure.extend(extended);
        if closure.len() == before {
            return closure;
        }
    }
}

fn graph() -> impl Strategy<Value = Vec<(u64, u64)>> {
    // Vertex ids with gaps (×3) so that ids are not dense.
    prop::collection::vec((0u64..40, 0u64..40), 0..60)
        .prop_map(|edges| edges.into_iter().map(|(a, b)| (a * 3, b * 3)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn components_delta_equals_bulk_equals_union_find(edges in graph()) {
        let expected = components_reference(&edges);
        for p in [1, 2, 4] {
            let delta: BTreeMap<u64, u64> =
                run(p, |w| cc::components_delta(w, &edges, 1000)?.collect()).into_iter().collect();
            let bulk: BTreeMap<u64, u64> =
                run(p, |w| cc::components_bulk(w, &edges, 1000)?.collect()).into_iter().collect();
            prop_assert_eq!(&delta, &expected, "delta iteration, P = {}", p);
            prop_assert_eq!(&bulk, &expected, "bulk iteration, P = {}", p);
        }
    }

    #[test]
    fn transitive_closure_equals_reference(edges in prop::collection::vec((0u64..12, 0u64..12), 0..25)) {
        let expected = closure_reference(&edges);
        for p in [1, 2, 3] {
            let (closure, _) = run(p, |w| {
                let (closure, supersteps) = tc::transitive_closure(w, &edges, 100)?;
                Ok((closure.collect()?, supersteps))
            });
            let closure: BTreeSet<(u64, u64)> = closure.into_iter().collect();
            prop_assert_eq!(&closure, &expected, "P = {}", p);
        }
    }
}

#[test]
fn transitive_closure_of_a_path_takes_the_predicted_supersteps() {
    // A path of 9 edges: superstep s finds the paths of length ≤ s + 1, so all 45 pairs
    // exist after superstep 8 and superstep 9 is the first that adds none.
    let edges: Vec<(u64, u64)> = (0..9).map(|i| (i, i + 1)).collect();
    for p in [1, 3] {
        let (closure, supersteps) = run(p, |w| {
            let (closure, supersteps) = tc::transitive_closure(w, &edges, 100)?;
            Ok((closure.count()?, supersteps))
        });
        assert_eq!(closure, 45);
        assert_eq!(supersteps, 9);
    }
}

#[test]
fn bulk_iteration_stops_at_the_superstep_the_criterion_predicts() {
    // Values start at 1000 and halve each superstep; the criterion "max < 1" first holds
    // after superstep 10 (1000 / 2^10 ≈ 0.98), well before max_iterations = 100.
    let recorder = Arc::new(MetricsRecorder::new());
    let runtime = LocalRuntime::with_parallelism(3).unwrap().with_listener(Arc::clone(&recorder) as _);
    let results = runtime
        .execute(|w| {
            let iteration =
                Iteration::new(100).aggregate::<Max<f64>>().converge_when(|m| m.get().unwrap_or(0.0) < 1.0);
            let mut seen = Vec::new();
            let (values, summary) =
                iteration.bulk(w.generate(30, |i| 1000.0 - i as f64), |step, values| {
                    seen.push((step.number(), step.previous().and_then(Max::get)));
                    let max = step.aggregator();
                    Ok(values.map(move |v| {
                        let half = v / 2.0;
                        max.update(|m| m.add(half));
                        half
                    }))
                })?;
            Ok((values.collect()?, summary, seen))
        })
        .unwrap();
    let (values, summary, seen) = &results[0];
    assert_eq!(summary.supersteps, 10);
    assert!(summary.converged);
    assert_eq!(summary.aggregate.as_ref().and_then(Max::get), Some(1000.0 / 1024.0));
    assert_eq!(values.len(), 30);
    assert!(values.iter().all(|&v| v < 1.0));
    // The step saw the superstep number and the previous superstep's global maximum.
    assert_eq!(seen[0], (1, None));
    assert_eq!(seen[1], (2, Some(500.0)));
    assert_eq!(seen[9], (10, Some(1000.0 / 512.0)));
    // Every worker stopped at the same superstep.
    assert!(results.iter().all(|(_, s, _)| s == summary));
    let metrics = recorder.supersteps();
    assert_eq!(metrics.len(), 10);
    assert_eq!(metrics.iter().map(|m| m.superstep).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    assert!(metrics.iter().all(|m| m.kind == IterationKind::Bulk && m.workset_size == 30));
    assert_eq!(metrics[0].aggregates, vec![500.0]);
    assert!(metrics[9].converged && !metrics[8].converged);
}

#[test]
fn bulk_iteration_without_criterion_runs_max_iterations() {
    let total: u64 = run(2, |w| {
        w.generate(10, |i| i).iterate(7, |_, d| Ok(d.map(|x| x + 1)))?.aggregate(
            0,
            |a, x| a + x,
            |a, b| a + b,
        )
    });
    assert_eq!(total, 45 + 70);
}

#[test]
fn tuple_aggregators_and_counts_are_global() {
    let per_worker = LocalRuntime::with_parallelism(4)
        .unwrap()
        .execute(|w| {
            let iteration = Iteration::new(1).aggregate::<(Sum<u64>, Count)>();
            let (_, summary) = iteration.bulk(w.generate(100, |i| i), |step, d| {
                let agg = step.aggregator();
                Ok(d.inspect(move |&x| {
                    agg.update(|(s, c)| {
                        s.add(x);
                        c.increment();
                    })
                }))
            })?;
            Ok(summary.aggregate)
        })
        .unwrap();
    for aggregate in per_worker {
        assert_eq!(aggregate, Some((Sum(4950), Count(100))));
    }
}

#[test]
fn delta_iteration_updates_the_solution_set_and_stops_on_an_empty_workset() {
    // Solution: (k, v) for k in 0..50, v = 0. Workset: (k, steps) meaning "k still has
    // `steps` increments to do". Each superstep increments v for every workset key and
    // keeps the key in the workset while steps remain; key k needs k % 5 increments.
    let recorder = Arc::new(MetricsRecorder::new());
    let runtime = LocalRuntime::with_parallelism(2).unwrap().with_listener(Arc::clone(&recorder) as _);
    let (solution, summary) = runtime
        .execute(|w| {
            let solution = w.generate(50, |k| (k, 0u64));
            let workset = w.generate(50, |k| (k, k % 5)).filter(|&(_, n)| n > 0);
            let (result, summary) = Iteration::new(100).delta(
                solution,
                |s| s.0,
                workset,
                |step, workset| {
                    let ws = workset.join_solution_set(step.solution_set(), |w| w.0)?;
                    let (delta, next) = ws.map(|((k, n), (_, v))| ((k, v + 1), (k, n - 1))).duplicate();
                    Ok((delta.map(|(d, _)| d), next.map(|(_, w)| w).filter(|&(_, n)| n > 0)))
                },
            )?;
            Ok((result.collect()?, summary))
        })
        .unwrap()
        .swap_remove(0);
    let solution: BTreeMap<u64, u64> = solution.into_iter().collect();
    assert_eq!(solution, (0..50).map(|k| (k, k % 5)).collect());
    assert_eq!(summary.supersteps, 4);
    assert!(summary.converged);
    let metrics = recorder.supersteps();
    // Keys with k % 5 = 1..=4 are 10 each: 40, 30, 20, 10 updates; next worksets 30, 20, 10, 0.
    let sizes: Vec<(u64, Option<u64>)> = metrics.iter().map(|m| (m.workset_size, m.delta_size)).collect();
    assert_eq!(sizes, vec![(30, Some(40)), (20, Some(30)), (10, Some(20)), (0, Some(10))]);
    assert!(metrics.iter().all(|m| m.kind == IterationKind::Delta));
}

#[test]
fn delta_iteration_with_an_empty_workset_runs_no_superstep() {
    let (count, supersteps) = run(3, |w| {
        let (result, summary) = Iteration::new(10).delta(
            w.generate(7, |k| (k, k)),
            |s| s.0,
            w.generate(0, |k| k),
            |_, ws: DataSet<'_, u64>| Ok((ws.map(|k| (k, k)), ws_empty(w))),
        )?;
        Ok((result.count()?, summary.supersteps))
    });
    assert_eq!((count, supersteps), (7, 0));
}

fn ws_empty(w: &Worker) -> DataSet<'_, u64> {
    w.generate(0, |k| k)
}

#[test]
fn serialized_exchanges_give_the_same_results() {
    // Every batch goes through the wire format, as in cluster mode.
    let edges = eddy::datasets::graphs::components_demo();
    let expected = components_reference(&edges);
    for p in [2, 3] {
        let config =
            eddy::runtime::RuntimeConfig::default().with_parallelism(p).with_serialized_exchanges(true);
        let runtime = LocalRuntime::new(config).unwrap();
        let delta: BTreeMap<u64, u64> =
            runtime.execute(|w| cc::components_delta(w, &edges, 100)?.collect()).unwrap()[0]
                .iter()
                .copied()
                .collect();
        let bulk: BTreeMap<u64, u64> =
            runtime.execute(|w| cc::components_bulk(w, &edges, 100)?.collect()).unwrap()[0]
                .iter()
                .copied()
                .collect();
        assert_eq!(delta, expected);
        assert_eq!(bulk, expected);
        let words = runtime
            .execute(|w| {
                let mut counts = w
                    .from_slice(&["a b", "b c", "c a b"])
                    .flat_map(|line| line.split(' ').map(|s| (s.to_string(), 1u32)).collect::<Vec<_>>())
                    .reduce_by_key(|p| p.0.clone(), |a, b| (a.0, a.1 + b.1))?
                    .collect()?;
                counts.sort();
                Ok(counts)
            })
            .unwrap();
        assert_eq!(words[1], vec![("a".to_string(), 2), ("b".to_string(), 3), ("c".to_string(), 2)]);
    }
}
