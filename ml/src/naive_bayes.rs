//! Gaussian naive Bayes: per class, independent normal distributions of the features.
//!
//! Training is one pass over the rows: every block summarises its rows per class (count,
//! column means and sums of squared deviations), the summaries are merged in block order
//! with Chan et al.'s update — which also finds the classes, the sorted distinct targets
//! — and the model is bit for bit the same for any parallelism. Definitions follow
//! scikit-learn's `GaussianNB`.
//!
//! ```
//! use eddy_ml::{Estimator, Model, naive_bayes::GaussianNB};
//! use ndarray::array;
//! # fn main() -> eddy_ml::Result<()> {
//! let x = array![[0.0], [2.0], [10.0], [12.0]];
//! let model = GaussianNB::new().fit(x.view(), Some(array![0.0, 0.0, 1.0, 1.0].view()))?;
//! assert_eq!(model.theta, array![[1.0], [11.0]]);
//! assert_eq!(model.predict(array![[4.0], [8.0]].view())?, array![0.0, 1.0]);
//! # Ok(()) }
//! ```
//!
//! **Note**: a feature that is constant within a class has variance 0 there; only the
//! smoothing `epsilon = var_smoothing · (largest feature variance)` keeps the likelihood
//! finite, so do not set `var_smoothing` to 0 on such data.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::check;
use crate::estimator::check_features;
use crate::metrics::encode_labels;
use crate::preprocessing::statistics::{ColumnMoments, check_finite};
use crate::{Error, Estimator, Model, Result, RowPartition};

/// Gaussian naive Bayes classifier (scikit-learn's `GaussianNB`).
///
/// # Example
/// ```
/// use eddy_ml::{Estimator, naive_bayes::GaussianNB};
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[0.0], [2.0], [10.0], [12.0]];
/// let y = array![0.0, 0.0, 1.0, 1.0];
/// let model = GaussianNB::new().priors(vec![0.25, 0.75]).parallelism(2).fit(x.view(), Some(y.view()))?;
/// assert_eq!(model.class_prior, array![0.25, 0.75]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GaussianNB {
    var_smoothing: f64,
    priors: Option<Vec<f64>>,
    parallelism: Option<usize>,
}

impl Default for GaussianNB {
    fn default() -> Self {
        Self::new()
    }
}

impl GaussianNB {
    /// A classifier with `var_smoothing = 1e-9` and priors from the class frequencies,
    /// trained on one worker per core.
    pub fn new() -> Self {
        GaussianNB { var_smoothing: 1e-9, priors: None, parallelism: None }
    }

    /// The fraction of the largest feature variance added to every variance (default
    /// `1e-9`).
    pub fn var_smoothing(mut self, var_smoothing: f64) -> Self {
        self.var_smoothing = var_smoothing;
        self
    }

    /// Fixed class priors, one per class in sorted label order (default: the class
    /// frequencies of the training data).
    pub fn priors(mut self, priors: Vec<f64>) -> Self {
        self.priors = Some(priors);
        self
    }

    /// The number of workers `fit` runs on (default: one per core, or `EDDY_PARALLELISM`).
    pub fn parallelism(mut self, workers: usize) -> Self {
        self.parallelism = Some(workers);
        self
    }

    /// Checks the parameters (the number of priors is checked against the classes by
    /// `fit`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `var_smoothing`, or priors
    /// that are negative or do not sum to 1 (within numpy's `isclose`: 1e-8 + 1e-5).
    pub fn validate(&self) -> Result<()> {
        check::non_negative("var_smoothing", self.var_smoothing)?;
        if let Some(priors) = &self.priors {
            let sum: f64 = priors.iter().sum();
            let valid = priors.iter().all(|p| *p >= 0.0) && (sum - 1.0).abs() <= 1e-8 + 1e-5;
            if !valid {
                return Err(Error::InvalidParameter {
                    name: "priors",
                    reason: format!("{priors:?} are not non-negative numbers summing to 1"),
                });
            }
        }
        Ok(())
    }
}

impl Estimator for GaussianNB {
    type Fitted = GaussianNBModel;

    /// Fits the per-class feature distributions to `x` and the class labels `y`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (see [`GaussianNB::validate`], and priors not one per
    /// class); [`Error::InvalidInput`] for a missing `y`, no rows or non-finite values.
    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<GaussianNBModel> {
        self.validate()?;
        crate::exec::fit_supervised("GaussianNB", self.parallelism, x, y, |worker, part| {
            fit_partition(worker, part, self)
        })
    }
}

/// Moments of the rows of each class, sorted by label.
type ClassMoments = Vec<(f64, ColumnMoments)>;

/// The moments of each class of a block.
fn class_moments(x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> ClassMoments {
    let (classes, codes) = encode_labels(y);
    let mut members = vec![Vec::new(); classes.len()];
    codes.into_iter().enumerate().for_each(|(row, c)| members[c].push(row));
    classes
        .into_iter()
        .zip(members)
        .map(|(label, rows)| (label, ColumnMoments::of_rows(rows.iter().map(|&i| x.row(i)), x.ncols())))
        .collect()
}

/// Merges `other` into `total`, both sorted by label.
fn merge_class_moments(total: &mut ClassMoments, other: &ClassMoments) {
    let mut merged = Vec::with_capacity(total.len().max(other.len()));
    let (mut mine, mut theirs) = (std::mem::take(total).into_iter().peekable(), other.iter().peekable());
    loop {
        let next = match (mine.peek(), theirs.peek()) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                let (label, mut moments) = mine.next().expect("peeked");
                moments.merge(&theirs.next().expect("peeked").1);
                (label, moments)
            }
            (Some(a), Some(b)) if a.0 > b.0 => theirs.next().cloned().expect("peeked"),
            (Some(_), _) => mine.next().expect("peeked"),
            (None, Some(_)) => theirs.next().cloned().expect("peeked"),
            (None, None) => break,
        };
        merged.push(next);
    }
    *total = merged;
}

/// The SPMD trainer of [`GaussianNB`]: per-class moments per block, merged in block order;
/// every worker returns the same model. The parameters are not checked here (see
/// [`GaussianNB::validate`]).
///
/// `theta` and `var` are the per-class means and population variances; `epsilon =
/// var_smoothing · max_j var(x_j)` over all rows is added to every variance; the priors are
/// the class frequencies unless given.
///
/// # Errors
/// [`Error::InvalidInput`] for a partition without targets or rows;
/// [`Error::InvalidParameter`] for priors not one per class; a failed peer.
///
/// # Complexity
/// O(n·d / P) per worker, then O(blocks·classes·d) for the reduction.
pub fn fit_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &GaussianNB,
) -> Result<GaussianNBModel> {
    if part.y().is_none() {
        return Err(Error::InvalidInput("GaussianNB needs the class labels y".into()));
    }
    let per_class =
        part.fold_blocks(worker, |x, y| class_moments(x, y.expect("checked above")), merge_class_moments)?;
    let features = part.features();
    let mut all = ColumnMoments { count: 0, mean: vec![0.0; features], m2: vec![0.0; features] };
    per_class.iter().for_each(|(_, moments)| all.merge(moments));
    let epsilon = params.var_smoothing * all.variance().fold(0.0, |m: f64, &v| m.max(v));

    let n_classes = per_class.len();
    let (mut theta, mut var) = (Array2::zeros((n_classes, features)), Array2::zeros((n_classes, features)));
    for (c, (_, moments)) in per_class.iter().enumerate() {
        theta.row_mut(c).assign(&ArrayView1::from(&moments.mean));
        var.row_mut(c).assign(&(moments.variance() + epsilon));
    }
    let class_count: Array1<f64> = per_class.iter().map(|(_, m)| m.count as f64).collect();
    let class_prior = match &params.priors {
        Some(priors) if priors.len() != n_classes => {
            return Err(Error::InvalidParameter {
                name: "priors",
                reason: format!("{} priors for {n_classes} classes", priors.len()),
            });
        }
        Some(priors) => Array1::from(priors.clone()),
        None => &class_count / class_count.sum(),
    };
    let classes = per_class.iter().map(|(label, _)| *label).collect();
    Ok(GaussianNBModel { classes, class_count, class_prior, theta, var, epsilon })
}

/// A fitted [`GaussianNB`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianNBModel {
    /// The class labels, sorted (`classes_`).
    pub classes: Array1<f64>,
    /// Training rows per class (`class_count_`).
    pub class_count: Array1<f64>,
    /// Prior probability of each class (`class_prior_`).
    pub class_prior: Array1<f64>,
    /// Feature means per class, `classes × features` (`theta_`).
    pub theta: Array2<f64>,
    /// Feature variances per class plus `epsilon`, `classes × features` (`var_`).
    pub var: Array2<f64>,
    /// The smoothing added to every variance (`epsilon_`).
    pub epsilon: f64,
}

impl GaussianNBModel {
    /// The joint log likelihood `ln P(c) + ln P(x | c)` of every row and class,
    /// `rows × classes` (scikit-learn's `predict_joint_log_proba`):
    /// `ln P(c) − ½ Σ_j ln(2π var_cj) − ½ Σ_j (x_j − θ_cj)² / var_cj`.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] for a different number of columns than fitted;
    /// [`Error::InvalidInput`] for a non-finite value.
    pub fn predict_joint_log_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_features(&x, self.theta.ncols())?;
        check_finite(x, "row")?;
        let mut joint = Array2::zeros((x.nrows(), self.classes.len()));
        for (c, (theta, var)) in self.theta.outer_iter().zip(self.var.outer_iter()).enumerate() {
            let prior = self.class_prior[c].ln();
            let normaliser = -0.5 * var.iter().map(|v| (2.0 * std::f64::consts::PI * v).ln()).sum::<f64>();
            for (row, out) in x.outer_iter().zip(joint.column_mut(c)) {
                let distance: f64 =
                    row.iter().zip(&theta).zip(&var).map(|((v, t), s)| (v - t) * (v - t) / s).sum();
                *out = prior + (normaliser - 0.5 * distance);
            }
        }
        Ok(joint)
    }

    /// The log of the class probabilities of every row, `rows × classes`: the joint log
    /// likelihood normalised by its log-sum-exp.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] for a different number of columns than fitted;
    /// [`Error::InvalidInput`] for a non-finite value.
    pub fn predict_log_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut joint = self.predict_joint_log_proba(x)?;
        for mut row in joint.outer_iter_mut() {
            let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let log_sum = row.iter().map(|v| (v - max).exp()).sum::<f64>().ln() + max;
            row.mapv_inplace(|v| v - log_sum);
        }
        Ok(joint)
    }

    /// The class probabilities of every row, `rows × classes` (columns in the order of
    /// `classes`).
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] for a different number of columns than fitted;
    /// [`Error::InvalidInput`] for a non-finite value.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(self.predict_log_proba(x)?.mapv_into(f64::exp))
    }
}

impl Model for GaussianNBModel {
    /// The class of largest joint log likelihood; on a tie, the smaller label.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let joint = self.predict_joint_log_proba(x)?;
        Ok(joint.map_axis(Axis(1), |row| {
            let best = row.iter().enumerate().fold(0, |best, (c, &v)| if v > row[best] { c } else { best });
            self.classes[best]
        }))
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;
    use rand_xoshiro::Xoshiro256PlusPlus;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};

    use super::*;
    use crate::preprocessing::tests::generated;
    use crate::{load_model, save_model};

    fn tiny() -> (Array2<f64>, Array1<f64>) {
        (array![[0.0, 5.0], [2.0, 5.0], [10.0, 1.0], [12.0, 3.0]], array![0.0, 0.0, 1.0, 1.0])
    }

    #[test]
    fn tiny_example_by_hand() -> Result<()> {
        let (x, y) = tiny();
        let model = GaussianNB::new().parallelism(1).fit(x.view(), Some(y.view()))?;
        assert_eq!(model.classes, array![0.0, 1.0]);
        assert_eq!(model.class_count, array![2.0, 2.0]);
        assert_eq!(model.class_prior, array![0.5, 0.5]);
        assert_eq!(model.theta, array![[1.0, 5.0], [11.0, 2.0]]);
        // Column variances over all rows: 26 and 2.75, so epsilon = 26e-9.
        assert_abs_diff_eq!(model.epsilon, 26e-9, epsilon = 1e-22);
        let e = model.epsilon;
        assert_eq!(model.var, array![[1.0 + e, e], [1.0 + e, 1.0 + e]]);
        // Row [6, 5]: equal distances in feature 0; feature 1 exactly at class 0's mean
        // (variance e) but three standard deviations from class 1's: class 0 by
        // ½ ln((1 + e)/e) + 9 / (2 (1 + e)) ≈ 13.2 nats.
        let joint = model.predict_joint_log_proba(array![[6.0, 5.0]].view())?;
        let expected = 0.5 * ((1.0 + e) / e).ln() + 4.5 / (1.0 + e);
        assert_abs_diff_eq!(joint[[0, 0]] - joint[[0, 1]], expected, epsilon = 1e-9);
        assert_eq!(model.predict(array![[6.0, 5.0], [11.0, 2.0]].view())?, array![0.0, 1.0]);
        let proba = model.predict_proba(array![[6.0, 5.0]].view())?;
        assert_abs_diff_eq!(proba[[0, 1]], 1.0 / (1.0 + expected.exp()), epsilon = 1e-15);
        assert_abs_diff_eq!(proba.sum(), 1.0, epsilon = 1e-15);
        Ok(())
    }

    #[test]
    fn ties_go_to_the_first_class_and_priors_break_them() -> Result<()> {
        let x = array![[0.0], [2.0], [10.0], [12.0]];
        let y = array![3.0, 3.0, -1.0, -1.0];
        let fit = |nb: GaussianNB| nb.fit(x.view(), Some(y.view()));
        let midpoint = array![[6.0]];
        assert_eq!(fit(GaussianNB::new())?.classes, array![-1.0, 3.0]);
        assert_eq!(fit(GaussianNB::new())?.predict(midpoint.view())?, array![-1.0]);
        assert_eq!(fit(GaussianNB::new().priors(vec![0.4, 0.6]))?.predict(midpoint.view())?, array![3.0]);
        let proba = fit(GaussianNB::new())?.predict_proba(midpoint.view())?;
        // exp(−ln 2) may be off by an ulp.
        assert_abs_diff_eq!(proba, array![[0.5, 0.5]], epsilon = 1e-15);
        Ok(())
    }

    #[test]
    fn errors() {
        let (x, y) = tiny();
        let fit = |nb: GaussianNB, y: Option<ArrayView1<'_, f64>>| nb.fit(x.view(), y);
        assert!(matches!(fit(GaussianNB::new(), None), Err(Error::InvalidInput(_))));
        assert!(matches!(
            fit(GaussianNB::new().var_smoothing(-1.0), Some(y.view())),
            Err(Error::InvalidParameter { .. })
        ));
        for priors in [vec![0.5, 0.6], vec![1.5, -0.5], vec![1.0]] {
            assert!(matches!(
                fit(GaussianNB::new().priors(priors), Some(y.view())),
                Err(Error::InvalidParameter { name: "priors", .. })
            ));
        }
        let model = fit(GaussianNB::new(), Some(y.view())).expect("valid");
        assert!(matches!(model.predict(array![[1.0]].view()), Err(Error::FeatureMismatch { .. })));
        assert!(matches!(model.predict(array![[f64::NAN, 1.0]].view()), Err(Error::InvalidInput(_))));
    }

    /// Three classes around different centres, labels in scrambled order.
    fn generated_classes(rows: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let labels: Array1<f64> =
            (0..rows).map(|_| [7.0, -2.0, 0.5][(rng.next_u64() % 3) as usize]).collect();
        let mut x = generated(rows, 3, seed);
        x.outer_iter_mut().zip(&labels).for_each(|(mut row, l)| row += *l);
        (x, labels)
    }

    #[test]
    fn identical_for_any_parallelism() -> Result<()> {
        let (x, y) = generated_classes(4000, 21);
        let reference = GaussianNB::new().parallelism(1).fit(x.view(), Some(y.view()))?;
        assert_eq!(reference.classes, array![-2.0, 0.5, 7.0]);
        assert_abs_diff_eq!(reference.class_count.sum(), 4000.0);
        for p in 2..=4 {
            assert_eq!(GaussianNB::new().parallelism(p).fit(x.view(), Some(y.view()))?, reference, "P = {p}");
        }
        Ok(())
    }

    #[test]
    fn save_and_load() -> Result<()> {
        let (x, y) = generated_classes(500, 4);
        let model = GaussianNB::new().fit(x.view(), Some(y.view()))?;
        let path = std::env::temp_dir().join(format!("eddy-ml-gaussian-nb-{}.json", std::process::id()));
        save_model(&model, &path)?;
        let loaded: GaussianNBModel = load_model(&path)?;
        std::fs::remove_file(&path).ok();
        assert_eq!(loaded.predict(x.view())?, model.predict(x.view())?);
        assert_eq!(loaded, model);
        Ok(())
    }
}
