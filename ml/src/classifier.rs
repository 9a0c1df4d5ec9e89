//! What the linear classifiers (logistic regression, linear SVM) share: the classes found
//! in the labels, the parameter layout `θ = (W row-major, b)` with one weight row for two
//! classes and one per class otherwise, the scores `X Wᵀ + b`, and the L2 setup of
//! scikit-learn's `C`.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};

use crate::optim::Outcome;
use crate::partition::RowPartition;
use crate::{Error, Result};

/// The sorted distinct labels of a classification problem (at least two).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Classes(pub(crate) Vec<f64>);

impl Classes {
    /// The distinct target values of the whole matrix, sorted, on every worker.
    ///
    /// # Errors
    /// Missing targets or fewer than two classes (naming `trainer`); a failed peer.
    pub(crate) fn of(worker: &Worker, part: &RowPartition<'_>, trainer: &str) -> Result<Self> {
        let y = part.y().ok_or_else(|| Error::InvalidInput(format!("{trainer} needs class labels (y)")))?;
        let mut local: Vec<f64> = y.to_vec();
        local.sort_unstable_by(f64::total_cmp);
        local.dedup();
        let mut all: Vec<f64> = worker.all_gather(local)?.into_iter().flatten().collect();
        all.sort_unstable_by(f64::total_cmp);
        all.dedup();
        if all.len() < 2 {
            return Err(Error::InvalidInput(format!(
                "{trainer} needs at least two classes, the labels hold {}",
                all.len()
            )));
        }
        Ok(Classes(all))
    }

    /// Rows of weights: 1 for two classes, one per class otherwise.
    pub(crate) fn outputs(&self) -> usize {
        if self.0.len() == 2 { 1 } else { self.0.len() }
    }

    /// The index of `label` among the classes.
    pub(crate) fn index_of(&self, label: f64) -> usize {
        self.0.partition_point(|c| *c < label)
    }
}

/// `X Wᵀ + b` for parameters `theta` with `k` weight rows.
pub(crate) fn scores(x: ArrayView2<'_, f64>, theta: &[f64], k: usize) -> Array2<f64> {
    let d = x.ncols();
    let w = ArrayView2::from_shape((k, d), &theta[..k * d]).expect("θ holds k·d weights");
    x.dot(&w.t()) + ArrayView1::from(&theta[k * d..])
}

/// A fitted linear classifier's parameters.
pub(crate) struct Fitted {
    pub(crate) coef: Array2<f64>,
    pub(crate) intercept: Array1<f64>,
    pub(crate) iterations: u32,
    pub(crate) converged: bool,
}

/// Trains `k` weight rows over `part`'s features with scikit-learn's `C`: `solve` gets
/// which parameters the L2 term covers (weights, not intercepts), the zero start and `λ
/// = 1/(C·n)`, and returns the optimiser's outcome, split here into weights and
/// intercepts.
///
/// # Errors
/// What `solve` returns.
pub(crate) fn train(
    part: &RowPartition<'_>,
    k: usize,
    c: f64,
    solve: impl FnOnce(&[bool], Vec<f64>, f64) -> Result<Outcome>,
) -> Result<Fitted> {
    let d = part.features();
    let penalised: Vec<bool> = (0..k * (d + 1)).map(|j| j < k * d).collect();
    let l2 = 1.0 / (c * part.total_rows() as f64);
    let outcome = solve(&penalised, vec![0.0; k * (d + 1)], l2)?;
    let theta = Array1::from(outcome.theta);
    let coef = theta
        .slice(s![..k * d])
        .to_owned()
        .into_shape_with_order((k, d))
        .map_err(|e| Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
    Ok(Fitted {
        coef,
        intercept: theta.slice(s![k * d..]).to_owned(),
        iterations: outcome.iterations,
        converged: outcome.converged,
    })
}
