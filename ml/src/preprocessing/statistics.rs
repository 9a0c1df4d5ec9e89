//! Per-block column statistics, shared by the scalers, Gaussian naive Bayes and k-means'
//! tolerance (reduced in block order by [`crate::RowPartition::fold_blocks`]); and the
//! finiteness check of rows applied locally (predictions).
//!
//! Each block's moments are computed with a corrected two-pass algorithm (the block is
//! small and in cache) and blocks are merged with Chan, Golub and LeVeque's pairwise
//! update, which keeps the variance accurate where the textbook `Σx² − n·x̄²` cancels.

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Count, mean and sum of squared deviations (M2) of every column of a set of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ColumnMoments {
    /// Rows summarised.
    pub(crate) count: u64,
    /// Column means.
    pub(crate) mean: Vec<f64>,
    /// Column sums of squared deviations from the mean.
    pub(crate) m2: Vec<f64>,
}

impl ColumnMoments {
    /// The moments of `rows` (at least one), two-pass with the rounding correction of the
    /// mean (`M2 = Σd² − (Σd)²/n`, as numpy-based scikit-learn does).
    pub(crate) fn of_rows<'r>(
        rows: impl Iterator<Item = ArrayView1<'r, f64>> + Clone,
        features: usize,
    ) -> Self {
        let mut count = 0u64;
        let mut sum = vec![0.0; features];
        for row in rows.clone() {
            count += 1;
            sum.iter_mut().zip(&row).for_each(|(s, v)| *s += v);
        }
        let n = count as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let (mut deviation, mut m2) = (vec![0.0; features], vec![0.0; features]);
        for row in rows {
            for ((v, m), (d, q)) in row.iter().zip(&mean).zip(deviation.iter_mut().zip(m2.iter_mut())) {
                *d += v - m;
                *q += (v - m) * (v - m);
            }
        }
        m2.iter_mut().zip(&deviation).for_each(|(q, d)| *q -= d * d / n);
        ColumnMoments { count, mean, m2 }
    }

    /// The moments of every row of a block.
    pub(crate) fn of_block(x: ArrayView2<'_, f64>) -> Self {
        Self::of_rows(x.axis_iter(Axis(0)), x.ncols())
    }

    /// Adds the rows summarised by `other` (Chan et al.'s pairwise update).
    pub(crate) fn merge(&mut self, other: &ColumnMoments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            self.clone_from(other);
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        for j in 0..self.mean.len() {
            let delta = other.mean[j] - self.mean[j];
            self.mean[j] += delta * nb / n;
            self.m2[j] += other.m2[j] + delta * delta * na * nb / n;
        }
        self.count += other.count;
    }

    /// Population variances `M2 / n`.
    pub(crate) fn variance(&self) -> Array1<f64> {
        self.m2.iter().map(|q| q / self.count as f64).collect()
    }
}

/// Fails on the first non-finite value of `x`, naming its row (as `what` and index) and
/// column.
pub(crate) fn check_finite(x: ArrayView2<'_, f64>, what: &str) -> Result<()> {
    match x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((i, j), v)) => {
            Err(Error::InvalidInput(format!("feature {j} of {what} {i} is {v} (features must be finite)")))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::{array, s};

    use super::*;

    #[test]
    fn merged_moments_equal_the_moments_of_all_rows() {
        let x = array![[1.0, 1e9], [2.0, 1e9 + 1.0], [4.0, 1e9 + 2.0], [8.0, 1e9 + 5.0], [16.0, 1e9]];
        let whole = ColumnMoments::of_block(x.view());
        let mut merged = ColumnMoments::of_block(x.slice(s![..2, ..]));
        merged.merge(&ColumnMoments::of_block(x.slice(s![2.., ..])));
        assert_eq!(merged.count, 5);
        // Block means of values near 1e9 are rounded to ulp(1e9) ≈ 1.2e-7, which the merge
        // carries into the M2 of the whole: agreement to 1e-6, not to the last bit.
        for j in 0..2 {
            assert_abs_diff_eq!(merged.mean[j], whole.mean[j], epsilon = 1e-6);
            assert_abs_diff_eq!(merged.m2[j], whole.m2[j], epsilon = 1e-6);
        }
        assert_eq!(whole.mean[0], 6.2);
        // Variance of the offset column without cancellation: values 0, 1, 2, 5, 0.
        assert_abs_diff_eq!(whole.variance()[1], 3.44, epsilon = 1e-9);
        assert_abs_diff_eq!(merged.variance()[1], 3.44, epsilon = 1e-6);
    }
}
