//! Classification metrics: accuracy, precision / recall / F1 with scikit-learn's
//! averages, and the area under the ROC curve.

use ndarray::ArrayView1;

use super::{encode_labels, paired};
use crate::{Error, Result};

/// The positive label of the binary metrics.
const POSITIVE: f64 = 1.0;

/// The fraction of rows whose predicted label equals the true label
/// (scikit-learn's `accuracy_score`).
///
/// # Errors
/// [`Error::InvalidInput`] for inputs of different lengths, empty inputs or a non-finite
/// label.
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::accuracy(&[1.0, 2.0, 3.0, 3.0], &[1.0, 2.0, 3.0, 1.0])?, 0.75);
/// # Ok(()) }
/// ```
pub fn accuracy<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    let (y_true, y_pred) = paired("accuracy", y_true, y_pred)?;
    let correct = y_true.iter().zip(&y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

/// How the per-class scores of [`precision_recall_f1`] are combined (scikit-learn's
/// `average` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// The scores of the positive class, label `1.0`, only. The labels must be binary:
    /// at most two distinct values in `y_true` and `y_pred` together, one of them `1.0`
    /// if there are two.
    Binary,
    /// The unweighted mean of the per-class scores, over every label of `y_true` or
    /// `y_pred`.
    Macro,
    /// The mean of the per-class scores weighted by each class's number of true rows
    /// (its support).
    Weighted,
    /// The scores of the summed counts: true positives, predicted and true rows summed
    /// over the classes (for single-label data, precision = recall = F1 = accuracy).
    Micro,
}

/// Precision, recall and F1 score of one average.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionRecallF1 {
    /// True positives over predicted positives.
    pub precision: f64,
    /// True positives over actual positives.
    pub recall: f64,
    /// The harmonic mean of precision and recall, computed from counts as
    /// `2 tp / (2 tp + fp + fn)`.
    pub f1: f64,
}

/// Precision, recall and F1 score, combined over the classes as `average` says
/// (scikit-learn's `precision_recall_fscore_support` with `beta = 1` and
/// `zero_division = 0`: a ratio whose denominator is zero counts as 0).
///
/// The per-class scores are `tp / (tp + fp)`, `tp / (tp + fn)` and
/// `2 tp / (2 tp + fp + fn)`; the classes are the distinct labels of `y_true` and
/// `y_pred` together.
///
/// # Errors
/// [`Error::InvalidInput`] for inputs of different lengths, empty inputs, a non-finite
/// label, or — with [`Average::Binary`] — more than two labels or two labels neither of
/// which is `1.0`.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// use eddy_ml::metrics::{Average, precision_recall_f1};
/// # fn main() -> eddy_ml::Result<()> {
/// let (y_true, y_pred) = ([0.0, 1.0, 2.0, 0.0, 1.0, 2.0], [0.0, 2.0, 1.0, 0.0, 0.0, 1.0]);
/// let macro_ = precision_recall_f1(&y_true, &y_pred, Average::Macro)?;
/// assert!((macro_.precision - 2.0 / 9.0).abs() < 1e-15);
/// assert!((macro_.recall - 1.0 / 3.0).abs() < 1e-15);
/// assert!((macro_.f1 - 4.0 / 15.0).abs() < 1e-15);
/// # Ok(()) }
/// ```
pub fn precision_recall_f1<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
    average: Average,
) -> Result<PrecisionRecallF1> {
    let (y_true, y_pred) = paired("precision_recall_f1", y_true, y_pred)?;
    let (classes, counts) = class_counts(y_true, y_pred);
    let scores = match average {
        Average::Binary => {
            if classes.len() > 2 || (classes.len() == 2 && !classes.contains(&POSITIVE)) {
                return Err(Error::InvalidInput(format!(
                    "binary metrics need the labels {POSITIVE} and at most one other, got {classes:?} \
                     (use a multiclass average)"
                )));
            }
            classes.iter().position(|&c| c == POSITIVE).map_or(Counts::default(), |i| counts[i]).scores()
        }
        Average::Micro => counts.iter().fold(Counts::default(), |sum, c| sum.add(c)).scores(),
        Average::Macro => weighted_mean(counts.iter().map(|c| (1.0, c.scores()))),
        Average::Weighted => weighted_mean(counts.iter().map(|c| (c.actual as f64, c.scores()))),
    };
    Ok(scores)
}

/// Precision of the positive class `1.0`: `tp / (tp + fp)`, 0 when nothing is predicted
/// positive (scikit-learn's `precision_score` with its defaults).
///
/// # Errors
/// As [`precision_recall_f1`] with [`Average::Binary`].
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::precision(&[1.0, 0.0, 1.0, 0.0], &[1.0, 1.0, 0.0, 0.0])?, 0.5);
/// # Ok(()) }
/// ```
pub fn precision<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    Ok(precision_recall_f1(y_true, y_pred, Average::Binary)?.precision)
}

/// Recall of the positive class `1.0`: `tp / (tp + fn)`, 0 when there is no positive row
/// (scikit-learn's `recall_score` with its defaults).
///
/// # Errors
/// As [`precision_recall_f1`] with [`Average::Binary`].
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::recall(&[1.0, 1.0, 1.0, 0.0], &[1.0, 0.0, 0.0, 1.0])?, 1.0 / 3.0);
/// # Ok(()) }
/// ```
pub fn recall<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    Ok(precision_recall_f1(y_true, y_pred, Average::Binary)?.recall)
}

/// F1 score of the positive class `1.0`: `2 tp / (2 tp + fp + fn)`, 0 when that is 0/0
/// (scikit-learn's `f1_score` with its defaults).
///
/// # Errors
/// As [`precision_recall_f1`] with [`Average::Binary`].
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::f1(&[1.0, 1.0, 1.0, 0.0], &[1.0, 0.0, 0.0, 1.0])?, 0.4);
/// # Ok(()) }
/// ```
pub fn f1<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    Ok(precision_recall_f1(y_true, y_pred, Average::Binary)?.f1)
}

/// Area under the ROC curve of a binary classifier (scikit-learn's `roc_auc_score` for
/// binary `y_true`): the probability that a random positive row scores higher than a
/// random negative row, a tie counting one half — the trapezoidal area of the ROC curve,
/// equal to the Mann–Whitney statistic with midranks. Computed exactly from integer pair
/// counts, then divided once.
///
/// # Arguments
/// - `y_true`: labels `0`/`1` or `-1`/`1`, both present; `1.0` is positive.
/// - `scores`: higher means more likely positive (a probability, a decision value).
///
/// # Errors
/// [`Error::InvalidInput`] for inputs of different lengths, empty inputs, non-finite
/// values, labels other than `{0, 1}` / `{-1, 1}`, or only one class in `y_true`.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// // The positive scored 0.5 ties with one negative: (1 + 0.5) / 2.
/// assert_eq!(eddy_ml::metrics::roc_auc(&[0.0, 0.0, 1.0], &[0.1, 0.5, 0.5])?, 0.75);
/// # Ok(()) }
/// ```
pub fn roc_auc<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    scores: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    let (y_true, scores) = paired("roc_auc", y_true, scores)?;
    let (classes, _) = encode_labels(y_true);
    if classes.len() != 2 || classes[1] != POSITIVE || !(classes[0] == 0.0 || classes[0] == -1.0) {
        return Err(Error::InvalidInput(format!(
            "roc_auc needs binary labels {{0, 1}} or {{-1, 1}} with both classes present, got {classes:?}"
        )));
    }
    let mut rows: Vec<(f64, bool)> = scores.iter().zip(&y_true).map(|(&s, &t)| (s, t == POSITIVE)).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Twice the number of (negative, positive) pairs ordered correctly, ties counting one.
    let (mut twice_correct, mut negatives_below, mut positives) = (0u128, 0u128, 0u128);
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let group_positives = group.iter().filter(|r| r.1).count() as u128;
        let group_negatives = group.len() as u128 - group_positives;
        twice_correct += group_positives * (2 * negatives_below + group_negatives);
        negatives_below += group_negatives;
        positives += group_positives;
    }
    Ok(twice_correct as f64 / (2 * positives * negatives_below) as f64)
}

/// Per-class confusion counts.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Rows of the class predicted as the class.
    true_positives: u64,
    /// Rows predicted as the class.
    predicted: u64,
    /// Rows of the class.
    actual: u64,
}

impl Counts {
    fn add(self, other: &Counts) -> Counts {
        Counts {
            true_positives: self.true_positives + other.true_positives,
            predicted: self.predicted + other.predicted,
            actual: self.actual + other.actual,
        }
    }

    fn scores(&self) -> PrecisionRecallF1 {
        let ratio = |num: u64, den: u64| if den == 0 { 0.0 } else { num as f64 / den as f64 };
        PrecisionRecallF1 {
            precision: ratio(self.true_positives, self.predicted),
            recall: ratio(self.true_positives, self.actual),
            f1: ratio(2 * self.true_positives, self.predicted + self.actual),
        }
    }
}

/// The labels of `y_true` and `y_pred` together, sorted, with their confusion counts.
fn class_counts(y_true: ArrayView1<'_, f64>, y_pred: ArrayView1<'_, f64>) -> (Vec<f64>, Vec<Counts>) {
    let both: Vec<f64> = y_true.iter().chain(&y_pred).copied().collect();
    let (classes, codes) = encode_labels(ArrayView1::from(&both));
    let (true_codes, pred_codes) = codes.split_at(y_true.len());
    let mut counts = vec![Counts::default(); classes.len()];
    for (&t, &p) in true_codes.iter().zip(pred_codes) {
        counts[t].actual += 1;
        counts[p].predicted += 1;
        counts[t].true_positives += u64::from(t == p);
    }
    (classes, counts)
}

/// `Σ w·s / Σ w` for each score (numpy's `average`); 0 if the weights sum to 0.
fn weighted_mean(scores: impl Iterator<Item = (f64, PrecisionRecallF1)>) -> PrecisionRecallF1 {
    let (mut total, mut sum) = (0.0, PrecisionRecallF1 { precision: 0.0, recall: 0.0, f1: 0.0 });
    for (w, s) in scores {
        total += w;
        sum.precision += w * s.precision;
        sum.recall += w * s.recall;
        sum.f1 += w * s.f1;
    }
    if total == 0.0 {
        return sum;
    }
    PrecisionRecallF1 { precision: sum.precision / total, recall: sum.recall / total, f1: sum.f1 / total }
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    /// Hand-computed ratios of small integers: only the last bit or two may differ.
    const EPS: f64 = 1e-15;

    #[test]
    fn binary_scores_by_hand() -> Result<()> {
        // tp = 2 (rows 0, 4), fp = 1 (row 2), fn = 2 (rows 1, 5), tn = 1 (row 3).
        let y_true = [1.0, 1.0, 0.0, 0.0, 1.0, 1.0];
        let y_pred = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        assert_eq!(accuracy(&y_true, &y_pred)?, 0.5);
        assert_abs_diff_eq!(precision(&y_true, &y_pred)?, 2.0 / 3.0, epsilon = EPS);
        assert_eq!(recall(&y_true, &y_pred)?, 0.5);
        assert_abs_diff_eq!(f1(&y_true, &y_pred)?, 4.0 / 7.0, epsilon = EPS);
        Ok(())
    }

    #[test]
    fn zero_division_counts_as_zero() -> Result<()> {
        // Nothing predicted positive, no positive row at all: every ratio is 0/0.
        assert_eq!(precision(&[0.0, 0.0], &[0.0, 0.0])?, 0.0);
        assert_eq!(recall(&[0.0, 0.0], &[0.0, 0.0])?, 0.0);
        assert_eq!(f1(&[0.0, 0.0], &[0.0, 0.0])?, 0.0);
        // A single label other than 1 is binary too (scikit-learn accepts it).
        assert_eq!(precision(&[5.0, 5.0], &[5.0, 5.0])?, 0.0);
        Ok(())
    }

    #[test]
    fn binary_rejects_multiclass_and_missing_positive() {
        assert!(matches!(precision(&[0.0, 1.0, 2.0], &[0.0, 1.0, 2.0]), Err(Error::InvalidInput(_))));
        assert!(matches!(recall(&[0.0, 2.0], &[0.0, 2.0]), Err(Error::InvalidInput(_))));
    }

    #[test]
    fn multiclass_averages_by_hand() -> Result<()> {
        // Per class (tp, predicted, actual): 0 → (2, 3, 2), 1 → (0, 2, 2), 2 → (0, 1, 2).
        // precision 2/3, 0, 0; recall 1, 0, 0; f1 4/5, 0, 0.
        let (y_true, y_pred) = ([0.0, 1.0, 2.0, 0.0, 1.0, 2.0], [0.0, 2.0, 1.0, 0.0, 0.0, 1.0]);
        let macro_ = precision_recall_f1(&y_true, &y_pred, Average::Macro)?;
        assert_abs_diff_eq!(macro_.precision, 2.0 / 9.0, epsilon = EPS);
        assert_abs_diff_eq!(macro_.recall, 1.0 / 3.0, epsilon = EPS);
        assert_abs_diff_eq!(macro_.f1, 4.0 / 15.0, epsilon = EPS);
        // Equal supports: weighted = macro.
        assert_eq!(precision_recall_f1(&y_true, &y_pred, Average::Weighted)?, macro_);
        let micro = precision_recall_f1(&y_true, &y_pred, Average::Micro)?;
        let accuracy = accuracy(&y_true, &y_pred)?;
        assert_eq!((micro.precision, micro.recall, micro.f1), (accuracy, accuracy, accuracy));
        assert_abs_diff_eq!(accuracy, 1.0 / 3.0, epsilon = EPS);
        Ok(())
    }

    #[test]
    fn weighted_uses_supports() -> Result<()> {
        // Second case, (tp, predicted, actual) per class: 0 → (3, 3, 3), scores 1; 1 →
        // (0, 0, 1) and 7 → (0, 1, 0), scores 0. Weighted by the supports 3, 1, 0: 3/4;
        // label 7, predicted only, lowers the macro mean but has weight 0.
        let (y_true, y_pred) = ([0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(precision_recall_f1(&y_true, &y_pred, Average::Weighted)?.f1, 1.0);
        let (y_true, y_pred) = ([0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 7.0]);
        let weighted = precision_recall_f1(&y_true, &y_pred, Average::Weighted)?;
        assert_eq!((weighted.precision, weighted.recall, weighted.f1), (0.75, 0.75, 0.75));
        let macro_ = precision_recall_f1(&y_true, &y_pred, Average::Macro)?;
        assert_abs_diff_eq!(macro_.precision, 1.0 / 3.0, epsilon = EPS);
        Ok(())
    }

    #[test]
    fn roc_auc_by_hand() -> Result<()> {
        // scikit-learn's documented example: 0.75.
        assert_eq!(roc_auc(&[0.0, 0.0, 1.0, 1.0], &[0.1, 0.4, 0.35, 0.8])?, 0.75);
        // Ties: positives {0.5, 0.9}, negatives {0.5, 0.1, 0.5}; pairs ordered correctly:
        // 0.9 beats all 3, 0.5 beats 0.1 and ties twice → (3 + 1 + 2·½) / 6.
        assert_abs_diff_eq!(
            roc_auc(&[1.0, 1.0, 0.0, 0.0, 0.0], &[0.5, 0.9, 0.5, 0.1, 0.5])?,
            5.0 / 6.0,
            epsilon = EPS
        );
        // All tied: ½; perfectly reversed: 0; labels -1/1.
        assert_eq!(roc_auc(&[1.0, 0.0, 1.0], &[2.0, 2.0, 2.0])?, 0.5);
        assert_eq!(roc_auc(&[-1.0, 1.0], &[1.0, 0.0])?, 0.0);
        Ok(())
    }

    #[test]
    fn roc_auc_rejects_one_class_and_other_labels() {
        assert!(matches!(roc_auc(&[1.0, 1.0], &[0.1, 0.2]), Err(Error::InvalidInput(_))));
        assert!(matches!(roc_auc(&[0.0, 2.0], &[0.1, 0.2]), Err(Error::InvalidInput(_))));
        assert!(matches!(roc_auc(&[0.0, 1.0], &[0.1, f64::INFINITY]), Err(Error::InvalidInput(_))));
    }
}
