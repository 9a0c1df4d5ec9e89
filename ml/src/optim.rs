//! Optimisation of an objective over a partitioned matrix, as bulk iterations:
//! full-batch gradient descent with backtracking and L-BFGS, and mini-batch SGD.
//!
//! The objective is `f(θ) = (1/n) Σᵢ ℓ(θ; xᵢ, yᵢ) + (λ/2)‖θ_w‖²`, where the
//! the `Loss` gives `ℓ` and its gradient for a block of rows and `θ_w` are the
//! penalised parameters (weights, not intercepts). One evaluation is one pass: each
//! worker computes per-block loss and gradient sums, reduced in block order, so every
//! worker holds the same `f` and `∇f` bit for bit and takes the same step; the
//! parameters are replicated, never exchanged. One superstep is one optimiser iteration
//! (its line search included); its metrics carry the objective and the gradient's
//! max-norm, and the iteration stops when that norm is at most the tolerance.
//!
//! `sgd` runs one epoch per superstep: the rows in a seeded random order (the same on
//! every worker), in batches; each batch's gradient is summed per block and the blocks'
//! sums are added in block order, so the result does not depend on the parallelism
//! either. The step size decays as `η₀ / √epoch`; the metrics carry the objective after
//! the epoch and its relative decrease, and the iteration stops when that changes by at
//! most the tolerance (up or down; a tolerance of 0 runs every epoch).

use std::collections::{BTreeMap, VecDeque};

use eddy_core::{Iteration, Sum, Worker};
use ndarray::{ArrayView1, ArrayView2};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::partition::RowPartition;
use crate::{Error, Result};

/// A per-row loss: its sum and gradient over a block of rows, or for one row.
pub(crate) trait Loss: Sync {
    /// Returns the summed loss of the rows of `x` (targets `y`) at `theta` and adds
    /// their gradient to `gradient`.
    fn block(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        theta: &[f64],
        gradient: &mut [f64],
    ) -> f64;

    /// The same for one row (mini-batch SGD).
    fn row(&self, x: ArrayView1<'_, f64>, y: f64, theta: &[f64], gradient: &mut [f64]) -> f64;
}

/// The optimiser.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Solver {
    /// Limited-memory BFGS (10 correction pairs) with a backtracking Armijo line search.
    Lbfgs,
    /// Gradient descent; the step starts at `learning_rate`, is halved until the
    /// objective decreases enough (Armijo), and may double again after a success.
    GradientDescent {
        /// The first step size.
        learning_rate: f64,
    },
}

/// Settings of a run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) solver: Solver,
    pub(crate) max_iterations: u32,
    /// Stop when `max |∇f| ≤ tolerance`.
    pub(crate) tolerance: f64,
    /// `λ` of the L2 term.
    pub(crate) l2: f64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) theta: Vec<f64>,
    pub(crate) objective: f64,
    pub(crate) iterations: u32,
    pub(crate) converged: bool,
}

const HISTORY: usize = 10;
const ARMIJO: f64 = 1e-4;
const MAX_HALVINGS: u32 = 60;

/// The objective, shared by the workers.
struct Problem<'p, 'a, L> {
    worker: &'p Worker,
    part: &'p RowPartition<'a>,
    loss: &'p L,
    /// `penalised[j]`: θ_j is in the L2 term.
    penalised: &'p [bool],
    l2: f64,
}

impl<L: Loss> Problem<'_, '_, L> {
    /// `f(θ)` and `∇f(θ)`, identical on every worker.
    fn evaluate(&self, theta: &[f64]) -> Result<(f64, Vec<f64>)> {
        let y = self.part.y().ok_or_else(|| Error::InvalidInput("this trainer needs targets (y)".into()))?;
        let local: Vec<(f64, Vec<f64>)> = self
            .part
            .local_blocks()
            .map(|(_, rows)| {
                let mut gradient = vec![0.0; theta.len()];
                let loss = self.loss.block(
                    self.part.rows_of_block(&rows),
                    y.slice_move(ndarray::s![rows]),
                    theta,
                    &mut gradient,
                );
                (loss, gradient)
            })
            .collect();
        let (loss, mut gradient) = self
            .part
            .reduce_blocks(self.worker, local, |a, b| {
                a.0 += b.0;
                a.1.iter_mut().zip(&b.1).for_each(|(x, y)| *x += y);
            })?
            .ok_or_else(|| Error::InvalidInput("no rows to train on".into()))?;
        let n = self.part.total_rows() as f64;
        let mut objective = loss / n;
        for ((g, t), &p) in gradient.iter_mut().zip(theta).zip(self.penalised) {
            *g /= n;
            if p {
                *g += self.l2 * t;
                objective += 0.5 * self.l2 * t * t;
            }
        }
        Ok((objective, gradient))
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Optimiser state carried between supersteps (the same on every worker); the
/// iteration's checkpoints save it.
#[derive(serde::Serialize, serde::Deserialize)]
struct State {
    theta: Vec<f64>,
    objective: f64,
    gradient: Vec<f64>,
    /// L-BFGS correction pairs (s, y, 1/yᵀs).
    pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    step: f64,
    /// The line search found no decrease: the point is optimal to machine precision.
    stalled: bool,
}

eddy_core::serde_iteration_state!(State);

/// Minimises the objective from `theta` (SPMD: every worker calls it alike).
///
/// # Errors
/// A failed peer, missing targets, or a line search that cannot decrease the objective
/// from a point whose gradient is above the tolerance (reported as not converged, not an
/// error).
pub(crate) fn minimise<L: Loss>(
    worker: &Worker,
    part: &RowPartition<'_>,
    loss: &L,
    penalised: &[bool],
    theta: Vec<f64>,
    settings: &Settings,
) -> Result<Outcome> {
    let problem = Problem { worker, part, loss, penalised, l2: settings.l2 };
    let (objective, gradient) = problem.evaluate(&theta)?;
    if max_norm(&gradient) <= settings.tolerance {
        return Ok(Outcome { theta, objective, iterations: 0, converged: true });
    }
    let first_step = match settings.solver {
        Solver::Lbfgs => 1.0,
        Solver::GradientDescent { learning_rate } => learning_rate,
    };
    let state =
        State { theta, objective, gradient, pairs: VecDeque::new(), step: first_step, stalled: false };
    let tolerance = settings.tolerance;
    type Aggregate = (Sum<f64>, Sum<f64>);
    let iteration = Iteration::new(settings.max_iterations)
        .aggregate::<Aggregate>()
        .converge_when(move |(_, norm)| norm.get() <= tolerance);
    let start = worker.from_partition(Vec::<()>::new());
    let (_, state, summary) = iteration.bulk_with_state(start, state, |step, state, nothing| {
        if !state.stalled {
            state.stalled = !advance(&problem, settings.solver, state)?;
        }
        let norm = if state.stalled { 0.0 } else { max_norm(&state.gradient) };
        let global = if worker.index() == 0 { (state.objective, norm) } else { (0.0, 0.0) };
        step.aggregate(|(o, g): &mut Aggregate| {
            o.add(global.0);
            g.add(global.1);
        });
        Ok(nothing)
    })?;
    let converged = max_norm(&state.gradient) <= tolerance || (summary.converged && !state.stalled);
    Ok(Outcome { theta: state.theta, objective: state.objective, iterations: summary.supersteps, converged })
}

/// One optimiser iteration; false when the line search found no decrease (the point is
/// optimal to machine precision).
fn advance<L: Loss>(problem: &Problem<'_, '_, L>, solver: Solver, state: &mut State) -> Result<bool> {
    let direction: Vec<f64> = match solver {
        Solver::Lbfgs => lbfgs_direction(&state.gradient, &state.pairs),
        Solver::GradientDescent { .. } => state.gradient.iter().map(|g| -g).collect(),
    };
    let mut slope = dot(&direction, &state.gradient);
    let direction = if slope < 0.0 {
        direction
    } else {
        // Not a descent direction (curvature information went stale): steepest descent.
        state.pairs.clear();
        slope = -dot(&state.gradient, &state.gradient);
        state.gradient.iter().map(|g| -g).collect()
    };
    let mut step = match solver {
        Solver::Lbfgs if state.pairs.is_empty() => (1.0 / max_norm(&state.gradient)).min(1.0),
        Solver::Lbfgs => 1.0,
        Solver::GradientDescent { .. } => state.step,
    };
    for _ in 0..MAX_HALVINGS {
        let candidate: Vec<f64> = state.theta.iter().zip(&direction).map(|(t, d)| t + step * d).collect();
        let (objective, gradient) = problem.evaluate(&candidate)?;
        if objective.is_finite() && objective <= state.objective + ARMIJO * step * slope {
            let s: Vec<f64> = candidate.iter().zip(&state.theta).map(|(a, b)| a - b).collect();
            let y: Vec<f64> = gradient.iter().zip(&state.gradient).map(|(a, b)| a - b).collect();
            let ys = dot(&y, &s);
            if ys > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
                if state.pairs.len() == HISTORY {
                    state.pairs.pop_front();
                }
                state.pairs.push_back((s, y, 1.0 / ys));
            }
            state.theta = candidate;
            state.objective = objective;
            state.gradient = gradient;
            state.step = step * 2.0;
            return Ok(true);
        }
        step *= 0.5;
    }
    Ok(false)
}

/// The L-BFGS two-loop recursion: `−H ∇f` with the stored pairs.
fn lbfgs_direction(gradient: &[f64], pairs: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q: Vec<f64> = gradient.iter().map(|g| -g).collect();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let alpha = rho * dot(s, &q);
        q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= alpha * yi);
        alphas.push(alpha);
    }
    if let Some((s, y, _)) = pairs.back() {
        let gamma = dot(s, y) / dot(y, y);
        q.iter_mut().for_each(|qi| *qi *= gamma);
    }
    for ((s, y, rho), alpha) in pairs.iter().zip(alphas.iter().rev()) {
        let beta = rho * dot(y, &q);
        q.iter_mut().zip(s).for_each(|(qi, si)| *qi += (alpha - beta) * si);
    }
    q
}

/// Settings of a mini-batch SGD run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SgdSettings {
    pub(crate) batch_size: usize,
    /// `η₀`.
    pub(crate) learning_rate: f64,
    /// Epochs at most.
    pub(crate) epochs: u32,
    /// Stop when an epoch changes the objective by at most this fraction (0: never).
    pub(crate) tolerance: f64,
    pub(crate) l2: f64,
    pub(crate) seed: u64,
}

/// Mini-batch SGD from `theta` (see the module doc; SPMD).
///
/// # Errors
/// A failed peer or missing targets.
pub(crate) fn sgd<L: Loss>(
    worker: &Worker,
    part: &RowPartition<'_>,
    loss: &L,
    penalised: &[bool],
    theta: Vec<f64>,
    settings: &SgdSettings,
) -> Result<Outcome> {
    let problem = Problem { worker, part, loss, penalised, l2: settings.l2 };
    let y = part.y().ok_or_else(|| Error::InvalidInput("this trainer needs targets (y)".into()))?;
    let (x, layout, n) = (part.x(), part.layout(), part.total_rows());
    let local_rows = part.first_row()..part.first_row() + x.nrows();
    let state = SgdState {
        theta,
        order: (0..n).collect(),
        rng: Xoshiro256PlusPlus::seed_from_u64(settings.seed),
        previous: f64::INFINITY,
    };
    let tolerance = settings.tolerance;
    type Aggregate = (Sum<f64>, Sum<f64>);
    let iteration = Iteration::new(settings.epochs)
        .aggregate::<Aggregate>()
        .converge_when(move |(_, change)| tolerance > 0.0 && change.get().abs() <= tolerance);
    let start = worker.from_partition(Vec::<()>::new());
    let (_, state, summary) = iteration.bulk_with_state(start, state, |step, state, nothing| {
        let SgdState { theta, order, rng, previous } = state;
        for i in (1..n).rev() {
            let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
            order.swap(i, j);
        }
        let eta = settings.learning_rate / f64::from(step.number()).sqrt();
        for batch in order.chunks(settings.batch_size) {
            let mut per_block: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
            for &i in batch.iter().filter(|i| local_rows.contains(i)) {
                let gradient = per_block.entry(layout.block_of(i)).or_insert_with(|| vec![0.0; theta.len()]);
                let local = i - local_rows.start;
                loss.row(x.row(local), y[local], theta, gradient);
            }
            let mut blocks: Vec<(usize, Vec<f64>)> =
                worker.all_gather(per_block.into_iter().collect::<Vec<_>>())?.into_iter().flatten().collect();
            blocks.sort_unstable_by_key(|(b, _)| *b);
            let mut gradient = vec![0.0; theta.len()];
            for (_, g) in blocks {
                gradient.iter_mut().zip(g).for_each(|(a, b)| *a += b);
            }
            let m = batch.len() as f64;
            for ((t, g), &p) in theta.iter_mut().zip(&gradient).zip(penalised) {
                let penalty = if p { settings.l2 * *t } else { 0.0 };
                *t -= eta * (g / m + penalty);
            }
        }
        let (objective, _) = problem.evaluate(theta)?;
        let change = if previous.is_finite() {
            (*previous - objective) / previous.max(f64::MIN_POSITIVE)
        } else {
            f64::INFINITY
        };
        *previous = objective;
        let global = if worker.index() == 0 { (objective, change) } else { (0.0, 0.0) };
        step.aggregate(|(o, d): &mut Aggregate| {
            o.add(global.0);
            d.add(global.1);
        });
        Ok(nothing)
    })?;
    let SgdState { theta, previous, .. } = state;
    Ok(Outcome { theta, objective: previous, iterations: summary.supersteps, converged: summary.converged })
}

/// SGD's state between epochs (the same on every worker); the iteration's checkpoints
/// save it.
#[derive(serde::Serialize, serde::Deserialize)]
struct SgdState {
    theta: Vec<f64>,
    /// The row order of the last epoch (each epoch shuffles it further).
    order: Vec<usize>,
    rng: Xoshiro256PlusPlus,
    /// The objective after the last epoch.
    previous: f64,
}

eddy_core::serde_iteration_state!(SgdState);
