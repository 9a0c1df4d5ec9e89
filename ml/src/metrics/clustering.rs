//! Clustering metrics: the adjusted Rand index of two labellings and the inertia of a
//! clustering.

use ndarray::{ArrayView1, ArrayView2};

use super::{encode_labels, paired};
use crate::estimator::check_features;
use crate::{Error, Result};

/// The adjusted Rand index of two clusterings of the same rows (scikit-learn's
/// `adjusted_rand_score`): the Rand index (the fraction of row pairs on which the
/// clusterings agree — together in both or apart in both) corrected for chance, so that
/// random labellings score about 0 and identical clusterings 1, whatever the label values.
///
/// With the pair counts of the contingency table `n_ij` (rows with label `i` in `a` and
/// `j` in `b`), `tp = Σ n_ij² − n`, `fp = Σ_j b_j² − Σ n_ij²`, `fn = Σ_i a_i² − Σ n_ij²`,
/// `tn = n² − tp − fp − fn − n`:
/// `ARI = 2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`, and 1 when
/// `fn = fp = 0` — scikit-learn's special cases, e.g. both clusterings a single cluster
/// or both all singletons. The counts are exact integers; one division at the end.
///
/// # Arguments
/// - `a`, `b`: one label per row; labels are arbitrary finite numbers, compared for
///   equality only.
///
/// # Errors
/// [`Error::InvalidInput`] for labellings of different lengths, empty ones (where
/// scikit-learn returns 1) or non-finite labels.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// use eddy_ml::metrics::adjusted_rand_index;
/// // A relabelling is a perfect match.
/// assert_eq!(adjusted_rand_index(&[0.0, 0.0, 1.0, 1.0], &[5.0, 5.0, -2.0, -2.0])?, 1.0);
/// assert_eq!(adjusted_rand_index(&[0.0, 0.0, 1.0, 1.0], &[0.0, 1.0, 0.0, 1.0])?, -0.5);
/// # Ok(()) }
/// ```
pub fn adjusted_rand_index<'a, 'b>(
    a: impl Into<ArrayView1<'a, f64>>,
    b: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    let (a, b) = paired("adjusted_rand_index", a, b)?;
    let ((a_classes, a_codes), (b_classes, b_codes)) = (encode_labels(a), encode_labels(b));
    let mut cells: Vec<(usize, usize)> = a_codes.into_iter().zip(b_codes).collect();
    cells.sort_unstable();
    let square = |count: usize| (count as i128) * (count as i128);
    let cell_squares: i128 = cells.chunk_by(|x, y| x == y).map(|cell| square(cell.len())).sum();
    let (mut a_sizes, mut b_sizes) = (vec![0; a_classes.len()], vec![0; b_classes.len()]);
    for &(i, j) in &cells {
        a_sizes[i] += 1;
        b_sizes[j] += 1;
    }
    let a_squares: i128 = a_sizes.into_iter().map(square).sum();
    let b_squares: i128 = b_sizes.into_iter().map(square).sum();
    let n = cells.len() as i128;
    // Ordered pairs of distinct rows (scikit-learn's pair_confusion_matrix).
    let tp = cell_squares - n;
    let fp = b_squares - cell_squares;
    let fn_ = a_squares - cell_squares;
    let tn = n * n - fp - fn_ - cell_squares;
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    let numerator = 2 * (tp * tn - fn_ * fp);
    let denominator = (tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn);
    Ok(numerator as f64 / denominator as f64)
}

/// The inertia of a clustering: the sum over the rows of the squared Euclidean distance
/// to the centre of the row's cluster (scikit-learn's `KMeans.inertia_`).
///
/// # Arguments
/// - `x`: the rows, one per sample.
/// - `centers`: one centre per row, as many columns as `x`.
/// - `labels`: for each row of `x`, the index of its centre (an integral number).
///
/// # Errors
/// [`Error::FeatureMismatch`] when `centers` and `x` have different numbers of columns;
/// [`Error::InvalidInput`] when `labels` is not one per row, or a label is not the index
/// of a centre.
///
/// # Complexity
/// O(n·d).
///
/// # Example
/// ```
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[0.0, 0.0], [0.0, 2.0], [5.0, 5.0]];
/// let centers = array![[0.0, 1.0], [5.0, 5.0]];
/// assert_eq!(eddy_ml::metrics::inertia(x.view(), centers.view(), &[0.0, 0.0, 1.0])?, 2.0);
/// # Ok(()) }
/// ```
pub fn inertia<'a>(
    x: ArrayView2<'_, f64>,
    centers: ArrayView2<'_, f64>,
    labels: impl Into<ArrayView1<'a, f64>>,
) -> Result<f64> {
    let labels = labels.into();
    check_features(&centers, x.ncols())?;
    if labels.len() != x.nrows() {
        return Err(Error::InvalidInput(format!("inertia: {} labels for {} rows", labels.len(), x.nrows())));
    }
    let mut total = 0.0;
    for (i, (row, &label)) in x.outer_iter().zip(&labels).enumerate() {
        if !(label >= 0.0 && label.fract() == 0.0 && label < centers.nrows() as f64) {
            return Err(Error::InvalidInput(format!(
                "inertia: label {label} of row {i} is not the index of one of {} centres",
                centers.nrows()
            )));
        }
        let center = centers.row(label as usize);
        total += row.iter().zip(&center).map(|(v, c)| (v - c) * (v - c)).sum::<f64>();
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    use super::*;

    #[test]
    fn ari_of_a_hand_computed_contingency_table() -> Result<()> {
        // Contingency table (a = rows, b = columns):
        //   [[2, 1, 0],
        //    [0, 2, 1]]     a sizes 3, 3; b sizes 2, 3, 1; n = 6.
        // Unordered pairs: Σ C(n_ij, 2) = 1 + 1 = 2; Σ C(a_i, 2) = 6; Σ C(b_j, 2) = 4;
        // C(6, 2) = 15; expected index = 6·4/15 = 1.6; max index = (6 + 4)/2 = 5.
        // ARI = (2 − 1.6) / (5 − 1.6) = 0.4 / 3.4 = 2/17.
        let a = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let b = [10.0, 10.0, 20.0, 20.0, 20.0, 30.0];
        assert_abs_diff_eq!(adjusted_rand_index(&a, &b)?, 2.0 / 17.0, epsilon = 1e-15);
        // Symmetric.
        assert_abs_diff_eq!(adjusted_rand_index(&b, &a)?, 2.0 / 17.0, epsilon = 1e-15);
        Ok(())
    }

    #[test]
    fn ari_special_cases() -> Result<()> {
        // Both one cluster; both all singletons: 1 (scikit-learn's special cases).
        assert_eq!(adjusted_rand_index(&[3.0, 3.0, 3.0], &[1.0, 1.0, 1.0])?, 1.0);
        assert_eq!(adjusted_rand_index(&[1.0, 2.0, 3.0], &[9.0, 8.0, 7.0])?, 1.0);
        // One cluster against all singletons: no agreement beyond chance.
        assert_eq!(adjusted_rand_index(&[0.0, 0.0, 0.0], &[0.0, 1.0, 2.0])?, 0.0);
        assert_eq!(adjusted_rand_index(&[0.5], &[7.0])?, 1.0);
        assert!(matches!(adjusted_rand_index(&[] as &[f64], &[] as &[f64]), Err(Error::InvalidInput(_))));
        Ok(())
    }

    #[test]
    fn inertia_checks_labels() {
        let x = array![[0.0], [1.0]];
        let centers = array![[0.0]];
        assert_eq!(inertia(x.view(), centers.view(), &[0.0, 0.0]).ok(), Some(1.0));
        for bad in [1.0, -1.0, 0.5] {
            assert!(matches!(inertia(x.view(), centers.view(), &[0.0, bad]), Err(Error::InvalidInput(_))));
        }
        assert!(matches!(
            inertia(x.view(), array![[0.0, 0.0]].view(), &[0.0, 0.0]),
            Err(Error::FeatureMismatch { .. })
        ));
    }
}
