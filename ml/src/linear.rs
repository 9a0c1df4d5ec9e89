//! Linear regression (least squares with an optional L2 penalty — ridge).
//!
//! The objective is scikit-learn `Ridge`'s: `‖y − Xw − b‖² + α‖w‖²`, the intercept `b`
//! unpenalised (`α = 0`: ordinary least squares). Four solvers reach the same minimiser:
//! - [`LinearSolver::NormalEquations`] — two passes: column means, then the centred Gram
//!   matrix `X̃ᵀX̃` and `X̃ᵀỹ` per block (a matrix product), reduced in block order and
//!   solved by Cholesky. Exact; the reference for the others.
//! - [`LinearSolver::Lbfgs`] and [`LinearSolver::GradientDescent`] — full-batch
//!   iterations over the mean squared error (see [`crate::optim`]).
//! - [`LinearSolver::Sgd`] — mini-batch stochastic gradient descent ([`crate::optim`]):
//!   each epoch visits the rows in a seeded random order in batches; the result does not
//!   depend on the parallelism. The step size decays as `η₀ / √epoch`.
//!
//! The iterative solvers work best on standardised features (put a
//! [`crate::preprocessing::StandardScaler`] before them in a [`crate::Pipeline`]).

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};

use crate::error::check;
use crate::estimator::check_features;
use crate::linalg::cholesky_solve;
use crate::optim::{Loss, Settings, SgdSettings, Solver, minimise, sgd};
use crate::partition::RowPartition;
use crate::{Error, Estimator, Model, Result, exec};

/// How [`LinearRegression`] is solved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LinearSolver {
    /// Closed form: Cholesky on the normal equations.
    NormalEquations,
    /// Full-batch L-BFGS.
    Lbfgs,
    /// Full-batch gradient descent with backtracking from `learning_rate`.
    GradientDescent {
        /// The first step size.
        learning_rate: f64,
    },
    /// Mini-batch SGD.
    Sgd {
        /// Rows per batch.
        batch_size: usize,
        /// The initial step size `η₀`.
        learning_rate: f64,
    },
}

/// The linear regression estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinearRegression {
    /// The L2 penalty `α` (scikit-learn `Ridge(alpha)`); default 0.
    pub alpha: f64,
    /// The solver; default normal equations.
    pub solver: LinearSolver,
    /// Fit an intercept (default true); otherwise the model goes through the origin.
    pub fit_intercept: bool,
    /// Iterations (epochs for SGD) at most; default 1000.
    pub max_iterations: u32,
    /// Iterative solvers stop when the gradient's max-norm (SGD: the relative change of
    /// the objective over an epoch; 0 runs every epoch) is at most this; default 1e-10.
    pub tolerance: f64,
    /// Seed of SGD's row order.
    pub seed: u64,
    /// Workers; `None` = one per core.
    pub parallelism: Option<usize>,
}

impl Default for LinearRegression {
    fn default() -> Self {
        LinearRegression {
            alpha: 0.0,
            solver: LinearSolver::NormalEquations,
            fit_intercept: true,
            max_iterations: 1000,
            tolerance: 1e-10,
            seed: 0,
            parallelism: None,
        }
    }
}

impl LinearRegression {
    /// Ordinary least squares with the normal equations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the L2 penalty `α`.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the solver.
    pub fn solver(mut self, solver: LinearSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Sets whether to fit an intercept.
    pub fn fit_intercept(mut self, fit: bool) -> Self {
        self.fit_intercept = fit;
        self
    }

    /// Sets the maximum number of iterations (epochs for SGD).
    pub fn max_iterations(mut self, n: u32) -> Self {
        self.max_iterations = n;
        self
    }

    /// Sets the tolerance.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of workers.
    pub fn parallelism(mut self, parallelism: usize) -> Self {
        self.parallelism = Some(parallelism);
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        check::non_negative("alpha", self.alpha)?;
        check::non_negative("tolerance", self.tolerance)?;
        check::at_least_one("max_iterations", u64::from(self.max_iterations))?;
        check::parallelism(self.parallelism)?;
        match self.solver {
            LinearSolver::GradientDescent { learning_rate } => {
                check::positive("learning_rate", learning_rate)
            }
            LinearSolver::Sgd { batch_size, learning_rate } => {
                check::at_least_one("batch_size", batch_size as u64)?;
                check::positive("learning_rate", learning_rate)
            }
            _ => Ok(()),
        }
    }
}

impl Estimator for LinearRegression {
    type Fitted = LinearModel;

    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<LinearModel> {
        self.validate()?;
        exec::fit_supervised("linear regression", self.parallelism, x, y, |worker, part| {
            fit_partition(worker, part, self)
        })
    }
}

/// A fitted linear model `y = x·coef + intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// One coefficient per feature.
    pub coef: Array1<f64>,
    /// The intercept (0 without `fit_intercept`).
    pub intercept: f64,
    /// Iterations (epochs) run; 0 for the normal equations.
    pub iterations: u32,
    /// False if an iterative solver stopped at `max_iterations`.
    pub converged: bool,
}

impl Model for LinearModel {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_features(&x, self.coef.len())?;
        Ok(x.dot(&self.coef) + self.intercept)
    }
}

/// Linear regression on one worker (SPMD).
///
/// # Errors
/// Invalid parameters, missing targets, singular normal equations, a failed peer.
pub fn fit_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &LinearRegression,
) -> Result<LinearModel> {
    params.validate()?;
    if part.y().is_none() {
        return Err(Error::InvalidInput("linear regression needs targets (y)".into()));
    }
    let d = part.features();
    let n = part.total_rows() as f64;
    let penalised: Vec<bool> = (0..=d).map(|j| j < d).collect();
    let settings = |solver| Settings {
        solver,
        max_iterations: params.max_iterations,
        tolerance: params.tolerance,
        l2: params.alpha / n,
    };
    let loss = SquaredError { fit_intercept: params.fit_intercept };
    let outcome = match params.solver {
        LinearSolver::NormalEquations => return normal_equations(worker, part, params),
        LinearSolver::Lbfgs => {
            minimise(worker, part, &loss, &penalised, vec![0.0; d + 1], &settings(Solver::Lbfgs))?
        }
        LinearSolver::GradientDescent { learning_rate } => minimise(
            worker,
            part,
            &loss,
            &penalised,
            vec![0.0; d + 1],
            &settings(Solver::GradientDescent { learning_rate }),
        )?,
        LinearSolver::Sgd { batch_size, learning_rate } => {
            let settings = SgdSettings {
                batch_size,
                learning_rate,
                epochs: params.max_iterations,
                tolerance: params.tolerance,
                l2: params.alpha / n,
                seed: params.seed,
            };
            sgd(worker, part, &loss, &penalised, vec![0.0; d + 1], &settings)?
        }
    };
    let theta = Array1::from(outcome.theta);
    Ok(LinearModel {
        coef: theta.slice(s![..d]).to_owned(),
        intercept: theta[d],
        iterations: outcome.iterations,
        converged: outcome.converged,
    })
}

/// `½ (x·w + b − y)²` per row; θ = (w, b).
struct SquaredError {
    fit_intercept: bool,
}

impl SquaredError {
    /// The residuals `x·w + b − y` of a block.
    fn residuals(&self, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>, theta: &[f64]) -> Array1<f64> {
        let d = x.ncols();
        let w = ArrayView1::from(&theta[..d]);
        let b = if self.fit_intercept { theta[d] } else { 0.0 };
        x.dot(&w) + b - y
    }
}

impl Loss for SquaredError {
    fn row(&self, x: ArrayView1<'_, f64>, y: f64, theta: &[f64], gradient: &mut [f64]) -> f64 {
        let d = x.len();
        let r = x.dot(&ArrayView1::from(&theta[..d])) + if self.fit_intercept { theta[d] } else { 0.0 } - y;
        gradient[..d].iter_mut().zip(x).for_each(|(g, v)| *g += r * v);
        if self.fit_intercept {
            gradient[d] += r;
        }
        0.5 * r * r
    }

    fn block(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        theta: &[f64],
        gradient: &mut [f64],
    ) -> f64 {
        let d = x.ncols();
        let r = self.residuals(x, y, theta);
        let gw = x.t().dot(&r);
        gradient[..d].iter_mut().zip(&gw).for_each(|(g, v)| *g += v);
        if self.fit_intercept {
            gradient[d] += r.sum();
        }
        0.5 * r.dot(&r)
    }
}

/// The closed-form solution (see the module doc).
fn normal_equations(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &LinearRegression,
) -> Result<LinearModel> {
    let d = part.features();
    let add = |a: &mut Vec<f64>, b: &Vec<f64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    let (x_mean, y_mean) = if params.fit_intercept {
        let column_sums = |x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>| {
            let mut sums = x.sum_axis(Axis(0)).to_vec();
            sums.push(y.map_or(0.0, |y| y.sum()));
            sums
        };
        let sums = part.fold_blocks(worker, column_sums, add)?;
        let n = part.total_rows() as f64;
        (Array1::from_iter(sums[..d].iter().map(|s| s / n)), sums[d] / n)
    } else {
        (Array1::zeros(d), 0.0)
    };
    // Per block: the centred Gram matrix and X̃ᵀỹ, flattened as d·d + d values.
    let gram_and_moment = |x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>| {
        let centred = &x - &x_mean;
        let mut flat = centred.t().dot(&centred).into_raw_vec_and_offset().0;
        if let Some(y) = y {
            flat.extend(centred.t().dot(&(&y - y_mean)));
        }
        flat
    };
    let total = part.fold_blocks(worker, gram_and_moment, add)?;
    let mut gram = Array2::from_shape_vec((d, d), total[..d * d].to_vec())
        .map_err(|e| Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
    for j in 0..d {
        gram[[j, j]] += params.alpha;
    }
    let coef = cholesky_solve(gram, &Array1::from(total[d * d..].to_vec()))?;
    let intercept = if params.fit_intercept { y_mean - x_mean.dot(&coef) } else { 0.0 };
    Ok(LinearModel { coef, intercept, iterations: 0, converged: true })
}

#[cfg(test)]
mod tests;
