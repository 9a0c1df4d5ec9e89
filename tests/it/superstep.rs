//! The one superstep engine: every loop family reports each superstep once to the job's
//! listener, stops at the superstep during which it was cancelled, and resumes from a
//! checkpoint saved at superstep k to the bit-identical result of an uninterrupted run.

use std::sync::Arc;

use eddy::core::{
    CancelToken, Error, IterationKind, MemoryCheckpoints, MetricsRecorder, Result, SuperstepListener,
    SuperstepMetrics, Worker,
};
use eddy::datasets::ml_generators::{
    make_blobs, make_classification, make_low_rank_ratings, make_regression,
};
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{
    PageRank, bfs, pagerank, sssp, sssp_vertex_centric, wcc_gsa, wcc_scatter_gather, wcc_vertex_centric,
};
use eddy::ml::RowPartition;
use eddy::ml::als::Als;
use eddy::ml::kmeans::{KMeans, fit_partition};
use eddy::ml::linear::{LinearRegression, LinearSolver};
use eddy::ml::logistic::LogisticRegression;
use eddy::runtime::LocalRuntime;
use ndarray::Array2;
use proptest::prelude::*;

use crate::iterations::cc;

/// What a job gives back to compare runs: its values with floats as bits, sorted.
type Outcome = Vec<(u64, u64)>;

/// A path `0 - 1 - … - (n-1)` plus a few chords: components and distances need many
/// supersteps.
fn path_edges(n: u64) -> Vec<(u64, u64)> {
    let mut edges: Vec<(u64, u64)> = (1..n).map(|v| (v - 1, v)).collect();
    edges.extend([(0, n / 2), (n / 3, n - 1)]);
    edges
}

fn graph<'w>(worker: &'w Worker, edges: &[(u64, u64)]) -> eddy::gelly::Result<Graph<'w, u64, (), f64>> {
    let weighted = edges.iter().map(|&(a, b)| (a, b, 1.0 + ((a * 7 + b * 3) % 5) as f64));
    Graph::from_edges(worker, weighted)
}

fn bits<K: Copy + Into<u64>>(keys: &[K], values: impl IntoIterator<Item = f64>) -> Outcome {
    keys.iter().map(|k| (*k).into()).zip(values.into_iter().map(f64::to_bits)).collect()
}

/// The loop families, each as a job on a fixed input and the kind of iteration it runs.
type Job = fn(&Worker) -> Result<Outcome>;

fn bulk_cc(worker: &Worker) -> Result<Outcome> {
    let edges = path_edges(40);
    Ok(cc::components_bulk(worker, &edges, 100)?.collect_partition())
}

fn delta_cc(worker: &Worker) -> Result<Outcome> {
    let edges = path_edges(40);
    Ok(cc::components_delta(worker, &edges, 100)?.collect_partition())
}

fn vertex_centric_cc(worker: &Worker) -> Result<Outcome> {
    let (result, _) = wcc_vertex_centric(&graph(worker, &path_edges(40))?, 100)?;
    Ok(result.local_keys().iter().copied().zip(result.local_values().iter().copied()).collect())
}

fn scatter_gather_cc(worker: &Worker) -> Result<Outcome> {
    let (result, _) = wcc_scatter_gather(&graph(worker, &path_edges(40))?, 100)?;
    Ok(result.local_keys().iter().copied().zip(result.local_values().iter().copied()).collect())
}

fn gsa_cc(worker: &Worker) -> Result<Outcome> {
    let (result, _) = wcc_gsa(&graph(worker, &path_edges(40))?, 100)?;
    Ok(result.local_keys().iter().copied().zip(result.local_values().iter().copied()).collect())
}

fn fast_pagerank(worker: &Worker) -> Result<Outcome> {
    let edges: Vec<(u64, u64)> =
        (0..60u64).flat_map(|v| [(v, (v * 7 + 1) % 60), (v, (v * v + 3) % 61)]).collect();
    let (result, _) = pagerank(&graph(worker, &edges)?, &PageRank::tolerance(1e-12))?;
    Ok(bits(result.local_keys(), result.local_values().iter().copied()))
}

fn fast_sssp(worker: &Worker) -> Result<Outcome> {
    let (result, _) = sssp(&graph(worker, &path_edges(40))?, &0)?;
    Ok(bits(result.local_keys(), result.local_values().iter().copied()))
}

fn fast_bfs(worker: &Worker) -> Result<Outcome> {
    let (result, _) = bfs(&graph(worker, &path_edges(40))?, &0)?;
    Ok(bits(result.local_keys(), result.local_values().iter().copied()))
}

fn vertex_centric_sssp(worker: &Worker) -> Result<Outcome> {
    let (result, _) = sssp_vertex_centric(&graph(worker, &path_edges(40))?, &0, 100)?;
    Ok(bits(result.local_keys(), result.local_values().iter().copied()))
}

fn blobs() -> Array2<f64> {
    // Wide, overlapping clusters: Lloyd's iterations take a while to settle.
    make_blobs(400, 2, 6, 3, 4.0).unwrap().0
}

fn kmeans(worker: &Worker) -> Result<Outcome> {
    let x = blobs();
    let part = RowPartition::new(worker, x.view(), None)?;
    let fit = fit_partition(worker, &part, &KMeans::new(6).tolerance(0.0).max_iterations(100))?;
    let mut outcome: Outcome = fit.labels.iter().map(|&l| (u64::from(l), 0)).collect();
    outcome.extend(fit.model.centroids.iter().map(|c| (0, c.to_bits())));
    outcome.push((u64::from(fit.model.iterations), fit.model.inertia.to_bits()));
    Ok(outcome)
}

/// A model's numbers, as bits, in order (a model is the same on every worker: keep
/// worker 0's).
fn model_bits(worker: &Worker, values: impl IntoIterator<Item = f64>, iterations: u32) -> Outcome {
    if worker.index() != 0 {
        return Vec::new();
    }
    let mut outcome: Outcome = values.into_iter().enumerate().map(|(i, v)| (i as u64, v.to_bits())).collect();
    outcome.push((u64::MAX, u64::from(iterations)));
    outcome
}

fn logistic_lbfgs(worker: &Worker) -> Result<Outcome> {
    let (x, y) = make_classification(300, 4, 3, 5).unwrap();
    let part = RowPartition::new(worker, x.view(), Some(y.view()))?;
    let params = LogisticRegression::default().max_iterations(200);
    let model = eddy::ml::logistic::fit_partition(worker, &part, &params)?;
    Ok(model_bits(worker, model.coef.iter().chain(&model.intercept).copied(), model.iterations))
}

fn linear_sgd(worker: &Worker) -> Result<Outcome> {
    let (x, y, _, _) = make_regression(300, 3, 1.0, 2).unwrap();
    let part = RowPartition::new(worker, x.view(), Some(y.view()))?;
    let solver = LinearSolver::Sgd { batch_size: 16, learning_rate: 0.01 };
    let params = LinearRegression::default().solver(solver).max_iterations(12).tolerance(0.0);
    let model = eddy::ml::linear::fit_partition(worker, &part, &params)?;
    Ok(model_bits(worker, model.coef.iter().copied().chain([model.intercept]), model.iterations))
}

fn als(worker: &Worker) -> Result<Outcome> {
    let ratings = make_low_rank_ratings(40, 30, 2, 0.5, 0.01, 3).unwrap();
    let share = ratings[worker.share(ratings.len())].to_vec();
    let fit = eddy::ml::als::fit_partition(
        worker,
        share,
        &Als::default().rank(2).max_iterations(8).tolerance(0.0),
    )?;
    let factors = fit.model.user_factors.iter().chain(&fit.model.item_factors).chain(&fit.rmse_history);
    Ok(model_bits(worker, factors.copied(), fit.iterations))
}

const FAMILIES: [(&str, Job, IterationKind); 13] = [
    ("bulk", bulk_cc, IterationKind::Bulk),
    ("delta", delta_cc, IterationKind::Delta),
    ("vertex-centric", vertex_centric_cc, IterationKind::VertexCentric),
    ("scatter-gather", scatter_gather_cc, IterationKind::VertexCentric),
    ("gather-sum-apply", gsa_cc, IterationKind::GatherSumApply),
    ("fast pagerank", fast_pagerank, IterationKind::Kernel),
    ("fast sssp", fast_sssp, IterationKind::Kernel),
    ("fast bfs", fast_bfs, IterationKind::Kernel),
    ("vertex-centric sssp", vertex_centric_sssp, IterationKind::VertexCentric),
    ("k-means", kmeans, IterationKind::Bulk),
    ("logistic regression (L-BFGS)", logistic_lbfgs, IterationKind::Bulk),
    ("linear regression (SGD)", linear_sgd, IterationKind::Bulk),
    ("ALS", als, IterationKind::Bulk),
];

/// Records every superstep and cancels `token` when superstep `cancel_at` is reported.
struct Observer {
    recorder: MetricsRecorder,
    cancel_at: Option<u32>,
    token: CancelToken,
}

impl SuperstepListener for Observer {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        self.recorder.on_superstep(metrics);
        if Some(metrics.superstep) == self.cancel_at {
            self.token.cancel("the test asked");
        }
    }
}

/// Runs `job` on `p` workers, optionally cancelled at a superstep and with a checkpoint
/// store; returns every worker's outcome (sorted, concatenated) and the supersteps seen.
fn observe(
    p: usize,
    job: Job,
    cancel_at: Option<u32>,
    store: Option<Arc<MemoryCheckpoints>>,
) -> (Result<Outcome>, Vec<SuperstepMetrics>) {
    let token = CancelToken::new();
    let observer = Arc::new(Observer { recorder: MetricsRecorder::new(), cancel_at, token: token.clone() });
    let mut runtime = LocalRuntime::with_parallelism(p)
        .unwrap()
        .with_listener(Arc::clone(&observer) as Arc<dyn SuperstepListener>)
        .with_cancel_token(token);
    if let Some(store) = store {
        runtime = runtime.with_checkpoints(store);
    }
    let outcome = runtime.execute(job).map(|parts| {
        let mut all: Outcome = parts.into_iter().flatten().collect();
        all.sort_unstable();
        all
    });
    (outcome, observer.recorder.supersteps())
}

/// The supersteps of the job's last iteration of `kind` (a job may run several).
fn last_iteration(metrics: &[SuperstepMetrics], kind: IterationKind) -> Vec<u32> {
    let numbers: Vec<u32> = metrics.iter().filter(|m| m.kind == kind).map(|m| m.superstep).collect();
    let start = numbers.iter().rposition(|&n| n == 1).unwrap_or(0);
    numbers[start..].to_vec()
}

#[test]
fn every_loop_family_reports_each_superstep_once_and_stops_where_it_was_cancelled() {
    for p in [1, 2, 3] {
        for (name, job, kind) in FAMILIES {
            let (outcome, metrics) = observe(p, job, None, None);
            outcome.unwrap_or_else(|e| panic!("{name} at P = {p}: {e}"));
            let numbers = last_iteration(&metrics, kind);
            let s = numbers.len() as u32;
            // Fast SSSP runs one superstep per crossing of partitions: one at P = 1.
            let least = if name == "fast sssp" { 1 } else { 3 };
            assert!(s >= least, "{name} at P = {p} ran {s} supersteps: pick an input that needs more");
            assert_eq!(numbers, (1..=s).collect::<Vec<_>>(), "{name} at P = {p}");
            assert!(metrics.last().unwrap().converged || kind == IterationKind::Bulk, "{name} at P = {p}");

            let k = (s / 2).max(1);
            let (outcome, metrics) = observe(p, job, Some(k), None);
            match outcome {
                Err(Error::Cancelled { reason }) => assert_eq!(reason, "the test asked", "{name}"),
                other => panic!("{name} at P = {p} cancelled at {k} of {s} gave {other:?}"),
            }
            assert_eq!(metrics.last().map(|m| m.superstep), Some(k), "{name} at P = {p}");
            assert_eq!(last_iteration(&metrics, kind), (1..=k).collect::<Vec<_>>(), "{name} at P = {p}");
        }
    }
}

/// Saves at superstep `k` of a run cancelled in the superstep after it (every worker has
/// saved once superstep `k + 1`'s barrier is passed), resumes in a fresh runtime from
/// that checkpoint, and compares with an uninterrupted run.
fn check_resume(
    p: usize,
    job: Job,
    kind: IterationKind,
    fraction: f64,
) -> std::result::Result<(), TestCaseError> {
    let (full, metrics) = observe(p, job, None, None);
    let full = full.unwrap();
    let s = last_iteration(&metrics, kind).len() as u32;
    prop_assert!(s >= 2);
    let k = 1 + ((fraction * f64::from(s - 1)) as u32).min(s - 2);
    let saving = Arc::new(MemoryCheckpoints::at(k));
    let (interrupted, seen) = observe(p, job, Some(k + 1), Some(Arc::clone(&saving)));
    prop_assert!(matches!(interrupted, Err(Error::Cancelled { .. })), "{:?}", interrupted);
    prop_assert_eq!(seen.last().map(|m| m.superstep), Some(k + 1));
    let saved = saving.saved();
    prop_assert_eq!(saved.len(), p, "one checkpoint per worker");
    prop_assert!(saved.iter().all(|c| c.superstep == k && c.parallelism == p));

    let resuming = Arc::new(MemoryCheckpoints::none());
    resuming.insert(saved);
    let (resumed, after) = observe(p, job, None, Some(resuming));
    let numbers = last_iteration(&after, kind);
    prop_assert_eq!(resumed.unwrap(), full, "resumed at {} of {} at P = {}", k, s, p);
    // The resumed iteration reports only the supersteps after k.
    let resumed_steps: Vec<u32> = after.iter().filter(|m| m.kind == kind).map(|m| m.superstep).collect();
    prop_assert_eq!(resumed_steps.first().copied(), Some(k + 1), "{:?}", numbers);
    prop_assert_eq!(resumed_steps.last().copied(), Some(s));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn pagerank_resumes_bit_identically(p in 1usize..4, fraction in 0.0f64..1.0) {
        check_resume(p, fast_pagerank, IterationKind::Kernel, fraction)?;
    }

    #[test]
    fn delta_components_resume_bit_identically(p in 1usize..4, fraction in 0.0f64..1.0) {
        check_resume(p, delta_cc, IterationKind::Delta, fraction)?;
    }

    #[test]
    fn vertex_centric_sssp_resumes_bit_identically(p in 1usize..4, fraction in 0.0f64..1.0) {
        check_resume(p, vertex_centric_sssp, IterationKind::VertexCentric, fraction)?;
    }

    #[test]
    fn kmeans_resumes_bit_identically(p in 1usize..4, fraction in 0.0f64..1.0) {
        check_resume(p, kmeans, IterationKind::Bulk, fraction)?;
    }

    #[test]
    fn trainers_with_optimiser_state_resume_bit_identically(p in 1usize..4, fraction in 0.0f64..1.0) {
        check_resume(p, logistic_lbfgs, IterationKind::Bulk, fraction)?;
        check_resume(p, linear_sgd, IterationKind::Bulk, fraction)?;
        check_resume(p, als, IterationKind::Bulk, fraction)?;
    }
}

#[test]
fn a_checkpoint_resumes_only_at_its_parallelism() {
    let saving = Arc::new(MemoryCheckpoints::at(2));
    let (interrupted, _) = observe(2, delta_cc, Some(3), Some(Arc::clone(&saving)));
    assert!(matches!(interrupted, Err(Error::Cancelled { .. })));
    let saved = saving.saved();
    assert_eq!(saved.len(), 2);

    // Three workers, each with a checkpoint of a two-worker run: refused, naming both.
    let mut third = saved[1].clone();
    third.worker = 2;
    let resuming = Arc::new(MemoryCheckpoints::none());
    resuming.insert(saved.iter().cloned().chain([third]));
    let (outcome, _) = observe(3, delta_cc, None, Some(resuming));
    let message = outcome.unwrap_err().to_string();
    assert!(message.contains("saved with 2 workers, resumed with 3"), "{message}");

    // Three workers of which only one finds a checkpoint: refused too.
    let resuming = Arc::new(MemoryCheckpoints::none());
    resuming.insert(saved.into_iter().filter(|c| c.worker == 0));
    let (outcome, _) = observe(3, delta_cc, None, Some(resuming));
    let message = outcome.unwrap_err().to_string();
    assert!(message.contains("checkpoints of iteration 0 are at different supersteps"), "{message}");
}
