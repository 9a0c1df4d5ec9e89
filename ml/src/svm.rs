//! Linear support vector machines: hinge or squared-hinge loss with an L2 penalty.
//!
//! The objective is scikit-learn `LinearSVC(C, loss)`'s divided by `C·n`:
//! `(1/n) Σᵢ Σₖ ℓ(tᵢₖ (wₖ·xᵢ + bₖ)) + 1/(2Cn) ‖W‖²` with `ℓ(m) = max(0, 1 − m)` (hinge)
//! or `max(0, 1 − m)²` (squared hinge), `tᵢₖ = ±1`. Two classes use one weight vector
//! (the second class, in sorted order, is `+1`); more classes are one-vs-rest, one
//! weight vector per class, trained together (the objective separates by class). Unlike
//! liblinear, the intercepts are not penalised.
//!
//! Solvers ([`crate::optim`]): L-BFGS for the squared hinge, whose gradient is
//! continuous (the default, like `LinearSVC`'s default loss); mini-batch SGD for either
//! loss — the hinge's subgradient is what SGD needs. Both give the same model for every
//! parallelism.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::classifier::{Classes, scores, train};
use crate::error::check;
use crate::estimator::check_features;
use crate::optim::{Loss, Settings, SgdSettings, Solver, minimise, sgd};
use crate::partition::RowPartition;
use crate::{Error, Estimator, Model, Result, exec};

/// The loss of a linear SVM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SvmLoss {
    /// `max(0, 1 − m)`: the classic SVM; SGD only.
    Hinge,
    /// `max(0, 1 − m)²`: differentiable; scikit-learn `LinearSVC`'s default.
    SquaredHinge,
}

/// How a linear SVM is trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SvmSolver {
    /// Full-batch L-BFGS (squared hinge only).
    Lbfgs,
    /// Mini-batch SGD with step `η₀ / √epoch`.
    Sgd {
        /// Rows per batch.
        batch_size: usize,
        /// `η₀`.
        learning_rate: f64,
    },
}

/// The linear SVM classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinearSvc {
    /// Inverse regularisation strength (`C`); default 1.
    pub c: f64,
    /// The loss; default squared hinge.
    pub loss: SvmLoss,
    /// The solver; default L-BFGS.
    pub solver: SvmSolver,
    /// Iterations (SGD: epochs) at most; default 1000.
    pub max_iterations: u32,
    /// L-BFGS: stop when the gradient's max-norm is at most this; SGD: when an epoch
    /// changes the objective by at most this fraction (0: run every epoch). Default 1e-8.
    pub tolerance: f64,
    /// Seed of SGD's row order.
    pub seed: u64,
    /// Workers; `None` = one per core.
    pub parallelism: Option<usize>,
}

impl Default for LinearSvc {
    fn default() -> Self {
        LinearSvc {
            c: 1.0,
            loss: SvmLoss::SquaredHinge,
            solver: SvmSolver::Lbfgs,
            max_iterations: 1000,
            tolerance: 1e-8,
            seed: 0,
            parallelism: None,
        }
    }
}

impl LinearSvc {
    /// Squared hinge, L-BFGS, `C = 1`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `C`.
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Sets the loss.
    pub fn loss(mut self, loss: SvmLoss) -> Self {
        self.loss = loss;
        self
    }

    /// Sets the solver.
    pub fn solver(mut self, solver: SvmSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Sets the maximum number of iterations (epochs).
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
    /// [`Error::InvalidParameter`] naming the parameter; the hinge loss with L-BFGS.
    pub fn validate(&self) -> Result<()> {
        check::positive("c", self.c)?;
        check::non_negative("tolerance", self.tolerance)?;
        check::at_least_one("max_iterations", u64::from(self.max_iterations))?;
        check::parallelism(self.parallelism)?;
        match self.solver {
            SvmSolver::Lbfgs if self.loss == SvmLoss::Hinge => Err(Error::InvalidParameter {
                name: "solver",
                reason: "the hinge loss is not differentiable: train it with SGD".into(),
            }),
            SvmSolver::Sgd { batch_size, learning_rate } => {
                check::at_least_one("batch_size", batch_size as u64)?;
                check::positive("learning_rate", learning_rate)
            }
            SvmSolver::Lbfgs => Ok(()),
        }
    }
}

impl Estimator for LinearSvc {
    type Fitted = LinearSvmModel;

    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<LinearSvmModel> {
        self.validate()?;
        exec::fit_supervised("a linear SVM", self.parallelism, x, y, |worker, part| {
            fit_partition(worker, part, self)
        })
    }
}

/// A fitted linear SVM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearSvmModel {
    /// The class labels, sorted.
    pub classes: Vec<f64>,
    /// One row of weights per class — a single row (for `classes[1]`) with two classes.
    pub coef: Array2<f64>,
    /// One intercept per row of `coef`.
    pub intercept: Array1<f64>,
    /// Iterations (epochs) run.
    pub iterations: u32,
    /// False if it stopped at `max_iterations`.
    pub converged: bool,
}

impl LinearSvmModel {
    /// `x·wₖ + bₖ` for every row and weight vector (`rows × coef rows`).
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`].
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_features(&x, self.coef.ncols())?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }
}

impl Model for LinearSvmModel {
    /// Two classes: `classes[1]` where the decision value is positive; more: the class
    /// with the largest decision value (ties: the first).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let scores = self.decision_function(x)?;
        Ok(scores
            .outer_iter()
            .map(|row| {
                let best = if row.len() == 1 {
                    usize::from(row[0] > 0.0)
                } else {
                    (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b })
                };
                self.classes[best]
            })
            .collect())
    }
}

/// The (squared) hinge loss of one-vs-rest targets; θ = (W row-major, b).
struct Margin {
    classes: Classes,
    squared: bool,
}

impl Margin {
    /// `±1` for output `k` of a row labelled `label`.
    fn target(&self, label: f64, k: usize) -> f64 {
        let class = self.classes.index_of(label);
        let positive = if self.classes.outputs() == 1 { class == 1 } else { class == k };
        if positive { 1.0 } else { -1.0 }
    }
}

impl Loss for Margin {
    fn block(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        theta: &[f64],
        gradient: &mut [f64],
    ) -> f64 {
        let (d, k) = (x.ncols(), self.classes.outputs());
        // Scores become d loss / d score.
        let mut scores = scores(x, theta, k);
        let mut loss = 0.0;
        for (mut row, &label) in scores.outer_iter_mut().zip(&y) {
            for (j, z) in row.iter_mut().enumerate() {
                let t = self.target(label, j);
                let slack = (1.0 - t * *z).max(0.0);
                if self.squared {
                    loss += slack * slack;
                    *z = -2.0 * t * slack;
                } else {
                    loss += slack;
                    *z = if slack > 0.0 { -t } else { 0.0 };
                }
            }
        }
        let gw = scores.t().dot(&x);
        gradient[..k * d].iter_mut().zip(gw.iter()).for_each(|(g, v)| *g += v);
        gradient[k * d..].iter_mut().zip(scores.sum_axis(Axis(0))).for_each(|(g, v)| *g += v);
        loss
    }

    fn row(&self, x: ArrayView1<'_, f64>, y: f64, theta: &[f64], gradient: &mut [f64]) -> f64 {
        self.block(x.insert_axis(Axis(0)), ArrayView1::from(std::slice::from_ref(&y)), theta, gradient)
    }
}

/// A linear SVM on one worker (SPMD).
///
/// # Errors
/// Invalid parameters, missing labels, fewer than two classes, a failed peer.
pub fn fit_partition(worker: &Worker, part: &RowPartition<'_>, params: &LinearSvc) -> Result<LinearSvmModel> {
    params.validate()?;
    let classes = Classes::of(worker, part, "a linear SVM")?;
    let loss = Margin { classes, squared: params.loss == SvmLoss::SquaredHinge };
    let fitted = train(part, loss.classes.outputs(), params.c, |penalised, theta, l2| match params.solver {
        SvmSolver::Lbfgs => {
            let settings = Settings {
                solver: Solver::Lbfgs,
                max_iterations: params.max_iterations,
                tolerance: params.tolerance,
                l2,
            };
            minimise(worker, part, &loss, penalised, theta, &settings)
        }
        SvmSolver::Sgd { batch_size, learning_rate } => {
            let settings = SgdSettings {
                batch_size,
                learning_rate,
                epochs: params.max_iterations,
                tolerance: params.tolerance,
                l2,
                seed: params.seed,
            };
            sgd(worker, part, &loss, penalised, theta, &settings)
        }
    })?;
    Ok(LinearSvmModel {
        classes: loss.classes.0,
        coef: fitted.coef,
        intercept: fitted.intercept,
        iterations: fitted.iterations,
        converged: fitted.converged,
    })
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn two_groups() -> (Array2<f64>, Array1<f64>) {
        let x = array![
            [0.0, 0.0],
            [0.5, 0.2],
            [3.0, 3.0],
            [3.5, 2.8],
            [0.2, 0.4],
            [2.9, 3.3],
            [1.0, 0.8],
            [2.4, 2.6]
        ];
        (x, array![0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    }

    #[test]
    fn separable_classes_get_a_margin() {
        let (x, y) = two_groups();
        for trainer in [
            LinearSvc::new().c(100.0),
            LinearSvc::new()
                .c(100.0)
                .loss(SvmLoss::Hinge)
                .solver(SvmSolver::Sgd { batch_size: 2, learning_rate: 0.5 }),
        ] {
            let model = trainer.clone().fit(x.view(), Some(y.view())).unwrap();
            assert_eq!(model.predict(x.view()).unwrap(), y, "{trainer:?}");
            // Every training row is on its side of the boundary, the support vectors
            // near the margin |score| ≈ 1.
            let scores = model.decision_function(x.view()).unwrap();
            for (s, label) in scores.column(0).iter().zip(&y) {
                assert!(
                    if *label == 1.0 { *s > 0.5 } else { *s < -0.5 },
                    "{trainer:?}: score {s} for {label}"
                );
            }
        }
    }

    #[test]
    fn the_squared_hinge_optimum_has_a_zero_gradient_and_sgd_gets_close() {
        // Overlapping one-dimensional classes: the optimum is unique; SGD approaches it.
        let x = array![[0.0], [1.0], [2.0], [3.0], [1.5], [2.5], [0.5], [2.2]];
        let y = array![0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0];
        let exact = LinearSvc::new().tolerance(1e-12).fit(x.view(), Some(y.view())).unwrap();
        assert!(exact.converged);
        let sgd = LinearSvc::new()
            .solver(SvmSolver::Sgd { batch_size: 4, learning_rate: 0.5 })
            .max_iterations(3000)
            .tolerance(0.0)
            .fit(x.view(), Some(y.view()))
            .unwrap();
        assert!((sgd.coef[[0, 0]] - exact.coef[[0, 0]]).abs() < 0.02, "{sgd:?} vs {exact:?}");
        assert!((sgd.intercept[0] - exact.intercept[0]).abs() < 0.05, "{sgd:?} vs {exact:?}");
    }

    #[test]
    fn three_classes_one_vs_rest_and_any_parallelism() {
        let x = array![
            [0.0, 0.0],
            [0.3, 0.1],
            [5.0, 0.0],
            [5.2, 0.3],
            [0.0, 5.0],
            [0.2, 5.1],
            [0.1, 0.2],
            [4.9, 0.1],
            [0.3, 4.8]
        ];
        let y = array![7.0, 7.0, 8.0, 8.0, 9.0, 9.0, 7.0, 8.0, 9.0];
        let fit = |p| LinearSvc::new().c(10.0).parallelism(p).fit(x.view(), Some(y.view())).unwrap();
        let one = fit(1);
        assert_eq!(one.coef.dim(), (3, 2));
        assert_eq!(one.predict(x.view()).unwrap(), y);
        for p in [2, 3] {
            assert_eq!(fit(p), one);
        }
    }

    #[test]
    fn bad_parameters_are_reported() {
        let (x, y) = two_groups();
        let hinge = LinearSvc::new().loss(SvmLoss::Hinge).fit(x.view(), Some(y.view())).unwrap_err();
        assert!(hinge.to_string().contains("train it with SGD"), "{hinge}");
        assert!(LinearSvc::new().c(-1.0).validate().is_err());
        let one_class = LinearSvc::new().fit(x.view(), Some(Array1::zeros(8).view())).unwrap_err();
        assert!(one_class.to_string().contains("at least two classes"), "{one_class}");
    }
}
