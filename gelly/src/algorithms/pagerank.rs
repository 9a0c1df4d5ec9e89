//! PageRank, networkx's convention: ranks start at `1/n`; each power iteration gives every
//! vertex `(1 - d)/n + d * (Σ rank(u)/outdeg(u) over in-edges u -> v + D/n)` where `D` is
//! the rank held by dangling vertices (no out-edges), so ranks always sum to 1. Parallel
//! edges count once each; a self-loop sends rank back to its vertex. Edge values are
//! ignored (unweighted).
//!
//! Four implementations: [`pagerank`], the fast path — a pull over the in-edges, cut into
//! cache-sized segments of sources, after one exchange per iteration in which each worker
//! sends each peer only the contributions its in-edges read (see the `pull` module) — and
//! the same computation in each generic model, [`pagerank_vertex_centric`], [`pagerank_scatter_gather`] and
//! [`pagerank_gsa`] (tested equal to the fast path within 1e-12 per vertex).
//!
//! Sums that cross vertices (dangling mass, the L1 change) are taken per fixed block of
//! vertex indices and then in index order, so ranks do not depend on the parallelism —
//! bit for bit.

use eddy_core::{Control, Data, Iteration, IterationKind, IterationSummary, Sum, SuperstepEngine};

use crate::graph::{EdgeDirection, Graph};
use crate::ids::VertexKey;
use crate::models::gsa::GatherSumApply;
use crate::models::scatter_gather::ScatterGather;
use crate::models::vertex_centric::VertexCentric;
use crate::{Error, Result};

mod pull;

use pull::PullPlan;

/// PageRank parameters. `iterations: Some(k)` runs exactly `k` power iterations; otherwise
/// it iterates until the L1 change of the rank vector is below `tolerance` (at most
/// `max_iterations`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageRank {
    /// Damping factor `d` in `[0, 1]` (networkx's `alpha`); default 0.85.
    pub damping: f64,
    /// Run exactly this many iterations, ignoring `tolerance`.
    pub iterations: Option<u32>,
    /// Stop when `Σ |rank_k(v) - rank_{k-1}(v)| < tolerance`; default 1e-9.
    pub tolerance: f64,
    /// Upper bound on iterations in tolerance mode; default 1000.
    pub max_iterations: u32,
}

impl Default for PageRank {
    fn default() -> Self {
        PageRank { damping: 0.85, iterations: None, tolerance: 1e-9, max_iterations: 1000 }
    }
}

impl PageRank {
    /// Exactly `k` iterations.
    pub fn iterations(k: u32) -> Self {
        PageRank { iterations: Some(k), ..Self::default() }
    }

    /// Until the L1 change is below `tolerance`.
    pub fn tolerance(tolerance: f64) -> Self {
        PageRank { tolerance, ..Self::default() }
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.damping) {
            return Err(Error::InvalidParameter {
                name: "damping",
                reason: format!("{} is not in [0, 1]", self.damping),
            });
        }
        if !(self.tolerance >= 0.0 && self.tolerance.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "tolerance",
                reason: format!("{} is not a finite number >= 0", self.tolerance),
            });
        }
        if self.iterations.is_none() && self.max_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    fn limit(&self) -> (u32, bool) {
        match self.iterations {
            Some(k) => (k, false),
            None => (self.max_iterations, true),
        }
    }
}

/// All workers' block sums added in global index order (on the data plane: a vector of
/// block sums is data, not a control value).
fn global_sum(worker: &eddy_core::Worker, blocks: Vec<f64>) -> Result<f64> {
    Ok(worker.all_gather(blocks)?.iter().flatten().sum())
}

/// PageRank, fast path. Returns the graph with each vertex's rank as its value and the
/// iteration's statistics (the aggregate is the last L1 change; `converged` tells whether
/// the tolerance was reached — always true with a fixed iteration count).
///
/// # Errors
/// Invalid parameters, runtime failures.
pub fn pagerank<'w, K: VertexKey, VV, EV>(
    graph: &Graph<'w, K, VV, EV>,
    params: &PageRank,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<f64>)> {
    params.validate()?;
    let worker = graph.worker;
    let n = graph.ids.len();
    let len = graph.values.len();
    let block = graph.parts.block as usize;
    let (max, check) = params.limit();
    if n == 0 {
        let summary = IterationSummary { supersteps: 0, converged: true, aggregate: None };
        return Ok((graph.with_values(Vec::new()), summary));
    }
    let nf = n as f64;
    let d = params.damping;
    let inv_out: Vec<f64> = (0..len)
        .map(|i| match graph.out.degree(i) {
            0 => 0.0,
            k => 1.0 / k as f64,
        })
        .collect();
    let mut iteration = Iteration::new(max).aggregate::<Sum<f64>>();
    if check {
        let tolerance = params.tolerance;
        iteration = iteration.converge_when(move |change| change.get() < tolerance);
    }
    let plan = PullPlan::build(worker, &graph.parts, &graph.inn)?;
    let lo = graph.lo() as usize;
    let me = worker.index();
    // Every worker's number of blocks (the dangling sums it sends ahead of its values).
    let blocks: Vec<usize> =
        graph.parts.bounds.windows(2).map(|b| ((b[1] - b[0]) as usize).div_ceil(block)).collect();
    let mut rank = vec![1.0 / nf; len];
    let mut engine = SuperstepEngine::start(worker, IterationKind::Kernel, &iteration, false, &mut rank)?;
    // The contributions `rank/outdeg` this worker reads, by global index (its own set
    // from `rank`, first here and then at the end of every iteration; the peers' from
    // what they send), and the in-edge sums.
    let mut values = vec![0.0; n];
    let mut sums = vec![0.0; len];
    let mut dangling = Vec::with_capacity(blocks[me]);
    for start in (0..len).step_by(block) {
        let mut held = 0.0;
        for i in start..(start + block).min(len) {
            values[lo + i] = rank[i] * inv_out[i];
            if inv_out[i] == 0.0 {
                held += rank[i];
            }
        }
        dangling.push(held);
    }
    // Buffers of the exchange, reused across iterations.
    let mut spare: Vec<Vec<f64>> = Vec::new();
    let mut changes = Vec::with_capacity(blocks[me]);
    while engine.next_superstep().is_some() {
        let outgoing = plan
            .sends()
            .iter()
            .map(|wanted| {
                let mut batch = spare.pop().unwrap_or_default();
                batch.clear();
                batch.extend_from_slice(&dangling);
                let mine = &values[lo..lo + len];
                batch.extend(wanted.iter().map(|&i| mine[i as usize]));
                batch
            })
            .collect();
        // One running sum over all blocks in index order (not per worker): P-independent.
        let mut dangling_sum = 0.0;
        for (j, batch) in worker.all_to_all(outgoing)?.into_iter().enumerate() {
            let (held, received) = batch.split_at(blocks[j]);
            dangling_sum = held.iter().fold(dangling_sum, |acc, x| acc + x);
            for (&u, &x) in plan.mirrors(j).iter().zip(received) {
                values[u as usize] = x;
            }
            spare.push(batch);
        }
        let base = (1.0 - d) / nf + d * dangling_sum / nf;
        plan.gather(&values, &mut sums);
        // The new ranks, block by block: their L1 change, the dangling mass and the
        // contributions of the next iteration.
        changes.clear();
        dangling.clear();
        for start in (0..len).step_by(block) {
            let (mut change, mut held) = (0.0, 0.0);
            for i in start..(start + block).min(len) {
                let new = base + d * sums[i];
                sums[i] = 0.0;
                change += (new - rank[i]).abs();
                rank[i] = new;
                values[lo + i] = new * inv_out[i];
                if inv_out[i] == 0.0 {
                    held += new;
                }
            }
            changes.push(change);
            dangling.push(held);
        }
        let change = global_sum(worker, changes.clone())?;
        // The global change enters the aggregate once (from worker 0), so it stays exact.
        let change = Sum(if worker.index() == 0 { change } else { 0.0 });
        let local = Control { active: len as u64, changed: len as u64, aggregate: change };
        if engine.end_superstep(local, &rank)?.done {
            break;
        }
    }
    let mut summary = engine.finish().map(|change| change.get());
    // A fixed number of iterations always reaches its goal.
    summary.converged |= !check;
    Ok((graph.with_values(rank), summary))
}

/// The generic models' aggregate: (the dangling vertices' rank, the L1 change).
type ModelAggregate = (Sum<f64>, Sum<f64>);

/// One power-iteration step of a vertex in the generic models: the teleport plus the
/// damped sum of its in-neighbours' shares and of the spread dangling mass.
fn next_rank(damping: f64, n: f64, sum: f64, dangling: f64) -> f64 {
    (1.0 - damping) / n + damping * (sum + dangling / n)
}

/// The convergence criterion of `params` on a model's aggregate, in tolerance mode.
fn model_criterion(params: &PageRank) -> Option<impl Fn(&ModelAggregate) -> bool + 'static> {
    let tolerance = params.tolerance;
    params.limit().1.then_some(move |(_, delta): &ModelAggregate| delta.get() < tolerance)
}

/// A generic model's summary as PageRank reports it: power iterations (the supersteps
/// less `warm_up`, those that only send), the last L1 change, and whether the tolerance
/// was reached (always, with a fixed number of iterations).
fn model_summary(
    stats: IterationSummary<ModelAggregate>,
    warm_up: u32,
    params: &PageRank,
) -> IterationSummary<f64> {
    let delta = stats.aggregate.map_or(f64::NAN, |a| a.1.get());
    IterationSummary {
        supersteps: stats.supersteps.saturating_sub(warm_up),
        converged: !params.limit().1 || delta < params.tolerance,
        aggregate: Some(delta),
    }
}

/// PageRank in the vertex-centric model: superstep `s` applies power iteration `s - 1`
/// (messages carry `rank/outdeg`, an aggregator carries the dangling mass and the L1
/// change). Same results as [`pagerank`] up to float summation order (≈ 1e-15).
///
/// # Errors
/// Invalid parameters, runtime failures.
pub fn pagerank_vertex_centric<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    params: &PageRank,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<f64>)> {
    params.validate()?;
    let (max, check) = params.limit();
    let nf = graph.number_of_vertices() as f64;
    let d = params.damping;
    let start = graph.map_vertices(|_, _| 1.0 / nf);
    if max == 0 || nf == 0.0 {
        return Ok((start, IterationSummary { supersteps: 0, converged: !check, aggregate: None }));
    }
    // Aggregate: (dangling rank sent this superstep, L1 change applied this superstep).
    let mut config =
        VertexCentric::new(max + 1).combiner(|a: &mut f64, b| *a += b).aggregate::<ModelAggregate>();
    if let Some(criterion) = model_criterion(params) {
        config = config.converge_when(criterion);
    }
    let (result, stats) = start.run_vertex_centric(config, |v, messages| {
        if v.superstep() == 1 {
            // Nothing has changed yet: keep the convergence criterion false.
            v.aggregate(|a| a.1.add(f64::INFINITY));
        } else {
            let dangling = v.previous_aggregate().map_or(0.0, |a| a.0.get());
            let new = next_rank(d, nf, messages.iter().sum(), dangling);
            let change = (new - *v.value()).abs();
            v.aggregate(|a| a.1.add(change));
            v.set_value(new);
        }
        if v.superstep() <= max {
            let rank = *v.value();
            match v.out_degree() {
                0 => v.aggregate(|a| a.0.add(rank)),
                k => {
                    let share = rank / k as f64;
                    v.send_to_neighbors(EdgeDirection::Out, share);
                }
            }
        }
    })?;
    Ok((result, model_summary(stats, 1, params)))
}

/// PageRank in the scatter-gather model: as [`pagerank_vertex_centric`], superstep `s`
/// gathers power iteration `s - 1`; every vertex also sends itself a message so that the
/// vertices without in-edges gather too (the dangling mass reaches them).
///
/// # Errors
/// Invalid parameters, runtime failures.
pub fn pagerank_scatter_gather<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    params: &PageRank,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<f64>)> {
    params.validate()?;
    let (max, check) = params.limit();
    let nf = graph.number_of_vertices() as f64;
    let d = params.damping;
    let start = graph.map_vertices(|_, _| 1.0 / nf);
    if max == 0 || nf == 0.0 {
        return Ok((start, IterationSummary { supersteps: 0, converged: !check, aggregate: None }));
    }
    // Aggregate: (dangling rank scattered this superstep, L1 change gathered this superstep).
    let mut config =
        ScatterGather::new(max + 1).combiner(|a: &mut f64, b| *a += b).aggregate::<ModelAggregate>();
    if let Some(criterion) = model_criterion(params) {
        config = config.converge_when(criterion);
    }
    let (result, stats) = start.run_scatter_gather(
        config,
        |s| {
            if s.superstep() == 1 {
                // Nothing has changed yet: keep the convergence criterion false.
                s.aggregate(|a| a.1.add(f64::INFINITY));
            }
            if s.superstep() <= max {
                let rank = *s.value();
                match s.out_degree() {
                    0 => s.aggregate(|a| a.0.add(rank)),
                    k => s.send_to_all(rank / k as f64),
                }
                s.send_to_self(0.0);
            }
        },
        |vertex, messages| {
            let dangling = vertex.previous_aggregate().map_or(0.0, |a| a.0.get());
            let new = next_rank(d, nf, messages.iter().sum(), dangling);
            let change = (new - *vertex.value()).abs();
            vertex.aggregate(|a| a.1.add(change));
            Some(new)
        },
    )?;
    Ok((result, model_summary(stats, 1, params)))
}

/// PageRank in the gather-sum-apply model: every vertex is active in every superstep
/// ([`GatherSumApply::activate_all`]) and holds its *share* — `rank/out-degree`, or the
/// rank itself for a dangling vertex, which no vertex gathers from — so that a gather reads
/// one `f64` per in-edge; superstep `s` sums the shares over the in-edges, and `apply`
/// adds the teleport and the dangling mass of iteration `s - 1` (the aggregate). The
/// ranks are the shares times the out-degrees (within an ulp or two of [`pagerank`]).
///
/// # Errors
/// Invalid parameters, runtime failures.
pub fn pagerank_gsa<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone>(
    graph: &Graph<'w, K, VV, EV>,
    params: &PageRank,
) -> Result<(Graph<'w, K, f64, EV>, IterationSummary<f64>)> {
    params.validate()?;
    let (max, check) = params.limit();
    let n = graph.number_of_vertices();
    let nf = n as f64;
    let d = params.damping;
    let degrees = graph.local_out_degrees();
    // The share of a rank, as the fast path computes its contributions: rank * (1/k).
    let share = |rank: f64, k: usize| if k == 0 { rank } else { rank * (1.0 / k as f64) };
    let rank_of = |share: f64, k: usize| if k == 0 { share } else { share * k as f64 };
    let start: Graph<'w, K, f64, EV> =
        graph.with_values(degrees.iter().map(|&k| share(1.0 / nf, k as usize)).collect());
    if max == 0 || n == 0 {
        let ranks = degrees.iter().map(|_| 1.0 / nf).collect();
        return Ok((
            start.with_values(ranks),
            IterationSummary { supersteps: 0, converged: !check, aggregate: None },
        ));
    }
    let dangling_vertices = degrees.iter().filter(|&&k| k == 0).count() as u64;
    let initial_dangling = graph.worker.all_reduce(dangling_vertices, |a, b| a + b)? as f64 / nf;
    // Aggregate: (the rank dangling vertices hold after this superstep, the L1 change).
    let mut config = GatherSumApply::new(max).activate_all().aggregate::<ModelAggregate>();
    if let Some(criterion) = model_criterion(params) {
        config = config.converge_when(criterion);
    }
    let (result, stats) = start.run_gather_sum_apply(
        config,
        |&share: &f64, _| share,
        |a, b| a + b,
        |vertex, &old, sum| {
            let k = vertex.out_degree();
            let dangling = vertex.previous_aggregate().map_or(initial_dangling, |a| a.0.get());
            let new = next_rank(d, nf, sum.unwrap_or(0.0), dangling);
            vertex.aggregate(|a| {
                a.1.add((new - rank_of(old, k)).abs());
                if k == 0 {
                    a.0.add(new);
                }
            });
            Some(share(new, k))
        },
    )?;
    let ranks = result.local_values().iter().zip(&degrees).map(|(&v, &k)| rank_of(v, k as usize)).collect();
    Ok((result.with_values(ranks), model_summary(stats, 0, params)))
}
