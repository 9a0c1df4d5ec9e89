//! Logistic regression, binary and multinomial, with an L2 penalty.
//!
//! The objective is scikit-learn `LogisticRegression(C)`'s, divided by `C·n`:
//! `(1/n) Σ −log p(yᵢ | xᵢ) + 1/(2Cn) ‖W‖²`, intercepts unpenalised. Two classes use the
//! logistic function on one weight vector (the second class, in sorted order, is the
//! positive one); more classes use the softmax over one weight vector per class. The
//! classes are the distinct target values, sorted. It is trained by full-batch L-BFGS
//! (default) or gradient descent ([`crate::optim`]): one pass per evaluation, per-block
//! sums reduced in block order, so the model is the same for every parallelism.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::classifier::{Classes, scores, train};
use crate::error::check;
use crate::estimator::check_features;
use crate::optim::{Loss, Settings, Solver, minimise};
use crate::partition::RowPartition;
use crate::{Estimator, Model, Result, exec};

/// The logistic regression estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticRegression {
    /// Inverse regularisation strength (scikit-learn's `C`); default 1.
    pub c: f64,
    /// The optimiser; default L-BFGS.
    pub solver: Solver,
    /// Iterations at most; default 1000.
    pub max_iterations: u32,
    /// Stop when the max-norm of the gradient of the (mean) objective is at most this;
    /// default 1e-8.
    pub tolerance: f64,
    /// Workers; `None` = one per core.
    pub parallelism: Option<usize>,
}

impl Default for LogisticRegression {
    fn default() -> Self {
        LogisticRegression {
            c: 1.0,
            solver: Solver::Lbfgs,
            max_iterations: 1000,
            tolerance: 1e-8,
            parallelism: None,
        }
    }
}

impl LogisticRegression {
    /// L-BFGS with `C = 1`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `C`.
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Sets the optimiser.
    pub fn solver(mut self, solver: Solver) -> Self {
        self.solver = solver;
        self
    }

    /// Sets the maximum number of iterations.
    pub fn max_iterations(mut self, n: u32) -> Self {
        self.max_iterations = n;
        self
    }

    /// Sets the tolerance.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
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
    /// [`crate::Error::InvalidParameter`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        check::positive("c", self.c)?;
        check::non_negative("tolerance", self.tolerance)?;
        check::at_least_one("max_iterations", u64::from(self.max_iterations))?;
        check::parallelism(self.parallelism)?;
        match self.solver {
            Solver::GradientDescent { learning_rate } => check::positive("learning_rate", learning_rate),
            Solver::Lbfgs => Ok(()),
        }
    }
}

impl Estimator for LogisticRegression {
    type Fitted = LogisticModel;

    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<LogisticModel> {
        self.validate()?;
        exec::fit_supervised("logistic regression", self.parallelism, x, y, |worker, part| {
            fit_partition(worker, part, self)
        })
    }
}

/// A fitted logistic regression model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// The class labels, sorted.
    pub classes: Vec<f64>,
    /// One row of weights per class — a single row (for `classes[1]`) with two classes.
    pub coef: Array2<f64>,
    /// One intercept per row of `coef`.
    pub intercept: Array1<f64>,
    /// Optimiser iterations run.
    pub iterations: u32,
    /// False if it stopped at `max_iterations`.
    pub converged: bool,
}

impl LogisticModel {
    /// The probability of every class for every row (`rows × classes`).
    ///
    /// # Errors
    /// [`crate::Error::FeatureMismatch`].
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_features(&x, self.coef.ncols())?;
        let scores = x.dot(&self.coef.t()) + &self.intercept;
        Ok(if self.classes.len() == 2 {
            let positive = scores.column(0).mapv(sigmoid);
            let mut p = Array2::zeros((x.nrows(), 2));
            p.column_mut(0).assign(&positive.mapv(|v| 1.0 - v));
            p.column_mut(1).assign(&positive);
            p
        } else {
            let mut p = scores;
            for mut row in p.outer_iter_mut() {
                let lse = log_sum_exp(row.view());
                row.mapv_inplace(|z| (z - lse).exp());
            }
            p
        })
    }
}

impl Model for LogisticModel {
    /// The most probable class of every row (ties: the first class).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let p = self.predict_proba(x)?;
        Ok(p.outer_iter()
            .map(|row| {
                let best = (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b });
                self.classes[best]
            })
            .collect())
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) }
}

/// `log(1 + e^z)`, without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

fn log_sum_exp(z: ArrayView1<'_, f64>) -> f64 {
    let max = z.fold(f64::NEG_INFINITY, |m, v| m.max(*v));
    max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

/// The negative log-likelihood; θ = (W row-major, b).
struct CrossEntropy {
    classes: Classes,
}

impl Loss for CrossEntropy {
    fn row(&self, x: ArrayView1<'_, f64>, y: f64, theta: &[f64], gradient: &mut [f64]) -> f64 {
        self.block(x.insert_axis(Axis(0)), ArrayView1::from(std::slice::from_ref(&y)), theta, gradient)
    }

    fn block(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        theta: &[f64],
        gradient: &mut [f64],
    ) -> f64 {
        let (d, k) = (x.ncols(), self.classes.outputs());
        let mut scores = scores(x, theta, k);
        let mut loss = 0.0;
        // Turn the scores into "probability − indicator", the gradient's residuals.
        if k == 1 {
            for (z, &label) in scores.column_mut(0).iter_mut().zip(&y) {
                let positive = self.classes.index_of(label) == 1;
                loss += softplus(*z) - if positive { *z } else { 0.0 };
                *z = sigmoid(*z) - if positive { 1.0 } else { 0.0 };
            }
        } else {
            for (mut row, &label) in scores.outer_iter_mut().zip(&y) {
                let lse = log_sum_exp(row.view());
                let class = self.classes.index_of(label);
                loss += lse - row[class];
                row.mapv_inplace(|z| (z - lse).exp());
                row[class] -= 1.0;
            }
        }
        let gw = scores.t().dot(&x);
        gradient[..k * d].iter_mut().zip(gw.iter()).for_each(|(g, v)| *g += v);
        gradient[k * d..].iter_mut().zip(scores.sum_axis(Axis(0))).for_each(|(g, v)| *g += v);
        loss
    }
}

/// Logistic regression on one worker (SPMD).
///
/// # Errors
/// Invalid parameters, missing labels, fewer than two classes, a failed peer.
pub fn fit_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &LogisticRegression,
) -> Result<LogisticModel> {
    params.validate()?;
    let loss = CrossEntropy { classes: Classes::of(worker, part, "logistic regression")? };
    let fitted = train(part, loss.classes.outputs(), params.c, |penalised, theta, l2| {
        let settings = Settings {
            solver: params.solver,
            max_iterations: params.max_iterations,
            tolerance: params.tolerance,
            l2,
        };
        minimise(worker, part, &loss, penalised, theta, &settings)
    })?;
    Ok(LogisticModel {
        classes: loss.classes.0,
        coef: fitted.coef,
        intercept: fitted.intercept,
        iterations: fitted.iterations,
        converged: fitted.converged,
    })
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    use super::*;

    #[test]
    fn separable_classes_are_learned() {
        let x = array![[0.0, 0.0], [0.5, 0.2], [3.0, 3.0], [3.5, 2.8], [0.2, 0.4], [2.9, 3.3]];
        let y = array![0.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let model = LogisticRegression::new().fit(x.view(), Some(y.view())).unwrap();
        assert_eq!(model.predict(x.view()).unwrap(), y);
        let p = model.predict_proba(array![[1.75, 1.65]].view()).unwrap();
        assert_abs_diff_eq!(p.sum(), 1.0, epsilon = 1e-12);
        // Three classes with labels that are not 0..k.
        let y3 = array![5.0, 5.0, 9.0, 9.0, 7.0, 9.0];
        let model = LogisticRegression::new().c(100.0).fit(x.view(), Some(y3.view())).unwrap();
        assert_eq!(model.classes, vec![5.0, 7.0, 9.0]);
        assert_eq!(model.coef.dim(), (3, 2));
        assert_eq!(model.predict(array![[3.2, 3.1], [0.1, 0.1]].view()).unwrap(), array![9.0, 5.0]);
    }

    #[test]
    fn the_gradient_vanishes_at_the_optimum() {
        // One feature, no separation: the optimum of the L2-penalised likelihood has a
        // zero gradient, which the tolerance certifies; GD and L-BFGS agree.
        let x = array![[0.0], [1.0], [2.0], [3.0], [1.5], [2.5]];
        let y = array![0.0, 1.0, 0.0, 1.0, 1.0, 0.0];
        let lbfgs = LogisticRegression::new().tolerance(1e-10).fit(x.view(), Some(y.view())).unwrap();
        let gd = LogisticRegression::new()
            .solver(Solver::GradientDescent { learning_rate: 1.0 })
            .tolerance(1e-8)
            .max_iterations(20_000)
            .fit(x.view(), Some(y.view()))
            .unwrap();
        assert!(lbfgs.converged && gd.converged, "{lbfgs:?} {gd:?}");
        assert!(lbfgs.iterations < 50, "L-BFGS took {} iterations", lbfgs.iterations);
        assert_abs_diff_eq!(lbfgs.coef, gd.coef, epsilon = 1e-6);
        assert_abs_diff_eq!(lbfgs.intercept, gd.intercept, epsilon = 1e-6);
    }

    #[test]
    fn bad_input_is_reported() {
        let x = array![[0.0], [1.0]];
        let one_class = LogisticRegression::new().fit(x.view(), Some(array![1.0, 1.0].view())).unwrap_err();
        assert!(one_class.to_string().contains("at least two classes"), "{one_class}");
        assert!(LogisticRegression::new().c(0.0).validate().is_err());
        assert!(LogisticRegression::new().fit(x.view(), None).is_err());
    }
}
