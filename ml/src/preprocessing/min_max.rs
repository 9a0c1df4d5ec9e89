//! Min-max scaling: each column mapped linearly onto a feature range.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{handle_zeros_in_scale, map_columns};
use crate::{Error, Estimator, Result, RowPartition, Transformer};

/// Scales each column linearly so that the training data's minimum maps to
/// `feature_range.0` and its maximum to `feature_range.1` (scikit-learn's
/// `MinMaxScaler`): `x·scale + min` with `scale = (max_f − min_f) / (data_max − data_min)`
/// and `min = min_f − data_min·scale`. A constant column (range below 10 ε) has its range
/// taken as 1, so it maps to `feature_range.0`.
///
/// # Example
/// ```
/// use eddy_ml::{Estimator, Transformer, preprocessing::MinMaxScaler};
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]];
/// let scaler = MinMaxScaler::new().feature_range(-1.0, 1.0).fit(x.view(), None)?;
/// assert_eq!(scaler.transform(x.view())?, array![[-1.0, -1.0], [0.0, -1.0], [1.0, -1.0]]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MinMaxScaler {
    feature_range: (f64, f64),
    parallelism: Option<usize>,
}

impl Default for MinMaxScaler {
    fn default() -> Self {
        Self::new()
    }
}

impl MinMaxScaler {
    /// A scaler onto `[0, 1]`, trained on one worker per core.
    pub fn new() -> Self {
        MinMaxScaler { feature_range: (0.0, 1.0), parallelism: None }
    }

    /// The target range `[min, max]` (default `[0, 1]`); `fit` checks `min < max`.
    pub fn feature_range(mut self, min: f64, max: f64) -> Self {
        self.feature_range = (min, max);
        self
    }

    /// The number of workers `fit` runs on (default: one per core, or `EDDY_PARALLELISM`).
    pub fn parallelism(mut self, workers: usize) -> Self {
        self.parallelism = Some(workers);
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `feature_range` is finite with `min < max`.
    pub fn validate(&self) -> Result<()> {
        let (min, max) = self.feature_range;
        if min.is_finite() && max.is_finite() && min < max {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: "feature_range",
                reason: format!("({min}, {max}) is not a finite range with min < max"),
            })
        }
    }
}

impl Estimator for MinMaxScaler {
    type Fitted = MinMaxScalerModel;

    /// Fits the column ranges; `y` is ignored.
    fn fit(&self, x: ArrayView2<'_, f64>, _y: Option<ArrayView1<'_, f64>>) -> Result<MinMaxScalerModel> {
        self.validate()?;
        crate::exec::fit_rows(self.parallelism, x, None, |worker, part| fit_partition(worker, part, self))
    }
}

/// Row count and per-column extremes of some rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ColumnRange {
    count: u64,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl ColumnRange {
    fn of_block(x: ArrayView2<'_, f64>) -> Self {
        let mut range = ColumnRange {
            count: x.nrows() as u64,
            min: vec![f64::INFINITY; x.ncols()],
            max: vec![f64::NEG_INFINITY; x.ncols()],
        };
        for row in x.rows() {
            range.include(row.iter().copied(), row.iter().copied());
        }
        range
    }

    fn include(&mut self, mins: impl Iterator<Item = f64>, maxs: impl Iterator<Item = f64>) {
        self.min.iter_mut().zip(mins).for_each(|(m, v)| *m = m.min(v));
        self.max.iter_mut().zip(maxs).for_each(|(m, v)| *m = m.max(v));
    }

    fn merge(&mut self, other: &ColumnRange) {
        self.count += other.count;
        self.include(other.min.iter().copied(), other.max.iter().copied());
    }
}

/// The SPMD trainer of [`MinMaxScaler`]: column minima and maxima per block, folded in
/// block order; every worker returns the same model. The parameters are not checked here
/// (see [`MinMaxScaler::validate`]).
///
/// # Errors
/// [`Error::InvalidInput`] for a matrix without rows; a failed peer.
///
/// # Complexity
/// O(n·d / P) per worker, then O(blocks·d) for the reduction.
pub fn fit_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &MinMaxScaler,
) -> Result<MinMaxScalerModel> {
    let feature_range = params.feature_range;
    let range = part.fold_blocks(worker, |x, _| ColumnRange::of_block(x), ColumnRange::merge)?;
    let (data_min, data_max) = (Array1::from(range.min), Array1::from(range.max));
    let data_range = &data_max - &data_min;
    let (low, high) = feature_range;
    let scale: Array1<f64> =
        data_range.mapv(|r| (high - low) / handle_zeros_in_scale(r, r < 10.0 * f64::EPSILON));
    let min = low - &data_min * &scale;
    Ok(MinMaxScalerModel {
        feature_range,
        data_min,
        data_max,
        data_range,
        scale,
        min,
        n_samples_seen: range.count,
    })
}

/// A fitted [`MinMaxScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScalerModel {
    /// The target range.
    pub feature_range: (f64, f64),
    /// Column minima of the training data (`data_min_`).
    pub data_min: Array1<f64>,
    /// Column maxima of the training data (`data_max_`).
    pub data_max: Array1<f64>,
    /// `data_max − data_min` (`data_range_`).
    pub data_range: Array1<f64>,
    /// The factor per column (`scale_`).
    pub scale: Array1<f64>,
    /// The offset per column, added after scaling (`min_`).
    pub min: Array1<f64>,
    /// Training rows (`n_samples_seen_`).
    pub n_samples_seen: u64,
}

impl MinMaxScalerModel {
    /// Maps scaled rows back to the original units: `(x − min) / scale`.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] for a different number of columns than fitted.
    pub fn inverse_transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        map_columns(x, self.scale.len(), |j, v| (v - self.min[j]) / self.scale[j])
    }
}

impl Transformer for MinMaxScalerModel {
    /// `x·scale + min`.
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        map_columns(x, self.scale.len(), |j, v| v * self.scale[j] + self.min[j])
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::preprocessing::tests::{generated, round_trips};

    #[test]
    fn three_by_two_by_hand() -> Result<()> {
        let x = array![[1.0, -2.0], [2.0, 2.0], [5.0, 0.0]];
        let model = MinMaxScaler::new().parallelism(1).fit(x.view(), None)?;
        assert_eq!(model.data_min, array![1.0, -2.0]);
        assert_eq!(model.data_max, array![5.0, 2.0]);
        assert_eq!(model.scale, array![0.25, 0.25]);
        assert_eq!(model.min, array![-0.25, 0.5]);
        assert_eq!(model.transform(x.view())?, array![[0.0, 0.0], [0.25, 1.0], [1.0, 0.5]]);
        assert_eq!(model.inverse_transform(array![[0.5, 0.75]].view())?, array![[3.0, 1.0]]);
        Ok(())
    }

    #[test]
    fn constant_columns_map_to_the_range_minimum() -> Result<()> {
        let model = MinMaxScaler::new().feature_range(2.0, 3.0).fit(array![[4.0], [4.0]].view(), None)?;
        assert_eq!(model.scale, array![1.0]);
        assert_eq!(model.transform(array![[4.0], [5.0]].view())?, array![[2.0], [3.0]]);
        Ok(())
    }

    #[test]
    fn rejects_an_empty_range() {
        let x = array![[1.0]];
        for (low, high) in [(1.0, 1.0), (2.0, 1.0), (0.0, f64::NAN)] {
            let fitted = MinMaxScaler::new().feature_range(low, high).fit(x.view(), None);
            assert!(matches!(fitted, Err(Error::InvalidParameter { name: "feature_range", .. })));
        }
    }

    #[test]
    fn identical_for_any_parallelism() -> Result<()> {
        let x = generated(5000, 3, 12);
        let reference = MinMaxScaler::new().parallelism(1).fit(x.view(), None)?;
        for p in 2..=4 {
            assert_eq!(MinMaxScaler::new().parallelism(p).fit(x.view(), None)?, reference, "P = {p}");
        }
        round_trips(&reference, x.view(), |m, t| m.inverse_transform(t));
        Ok(())
    }
}
