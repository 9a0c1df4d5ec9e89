//! Standardisation: zero mean and unit variance per column.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::statistics::ColumnMoments;
use super::{handle_zeros_in_scale, map_columns};
use crate::{Estimator, Result, RowPartition, Transformer};

/// Standardises columns: `(x − mean) / scale` with the column mean and population
/// standard deviation of the training data (scikit-learn's `StandardScaler`).
///
/// # Example
/// ```
/// use eddy_ml::{Estimator, preprocessing::StandardScaler};
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let scaler = StandardScaler::new().fit(array![[1.0], [3.0]].view(), None)?;
/// assert_eq!((scaler.mean[0], scaler.var[0], scaler.scale[0]), (2.0, 1.0, 1.0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardScaler {
    with_mean: bool,
    with_std: bool,
    parallelism: Option<usize>,
}

impl Default for StandardScaler {
    fn default() -> Self {
        Self::new()
    }
}

impl StandardScaler {
    /// A scaler that centres and scales, trained on one worker per core.
    pub fn new() -> Self {
        StandardScaler { with_mean: true, with_std: true, parallelism: None }
    }

    /// Whether `transform` subtracts the mean (default `true`).
    pub fn with_mean(mut self, with_mean: bool) -> Self {
        self.with_mean = with_mean;
        self
    }

    /// Whether `transform` divides by the standard deviation (default `true`).
    pub fn with_std(mut self, with_std: bool) -> Self {
        self.with_std = with_std;
        self
    }

    /// The number of workers `fit` runs on (default: one per core, or `EDDY_PARALLELISM`).
    pub fn parallelism(mut self, workers: usize) -> Self {
        self.parallelism = Some(workers);
        self
    }
}

impl Estimator for StandardScaler {
    type Fitted = StandardScalerModel;

    /// Fits the column statistics; `y` is ignored.
    fn fit(&self, x: ArrayView2<'_, f64>, _y: Option<ArrayView1<'_, f64>>) -> Result<StandardScalerModel> {
        crate::exec::fit_rows(self.parallelism, x, None, |worker, part| fit_partition(worker, part, self))
    }
}

/// The SPMD trainer of [`StandardScaler`]: column moments per block, merged in block
/// order (Chan et al.); every worker returns the same model.
///
/// A column is constant — scale 1 — when its variance is within the error bound of the
/// two-pass algorithm, `var ≤ n·ε·var + (n·mean·ε)²` (scikit-learn's
/// `_is_constant_feature`).
///
/// # Errors
/// [`crate::Error::InvalidInput`] for a matrix without rows; a failed peer.
///
/// # Complexity
/// O(n·d / P) per worker, then O(blocks·d) for the reduction.
pub fn fit_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &StandardScaler,
) -> Result<StandardScalerModel> {
    let moments = part.fold_blocks(worker, |x, _| ColumnMoments::of_block(x), ColumnMoments::merge)?;
    let var = moments.variance();
    let n = moments.count as f64;
    let scale = var
        .iter()
        .zip(&moments.mean)
        .map(|(&v, &m)| {
            let constant = v <= n * f64::EPSILON * v + (n * m * f64::EPSILON).powi(2);
            handle_zeros_in_scale(v.sqrt(), constant)
        })
        .collect();
    Ok(StandardScalerModel {
        mean: Array1::from(moments.mean),
        var,
        scale,
        n_samples_seen: moments.count,
        with_mean: params.with_mean,
        with_std: params.with_std,
    })
}

/// A fitted [`StandardScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerModel {
    /// Column means of the training data (`mean_`); subtracted if `with_mean`.
    pub mean: Array1<f64>,
    /// Column population variances (`var_`).
    pub var: Array1<f64>,
    /// Column standard deviations, 1 for constant columns (`scale_`); divided by if
    /// `with_std`.
    pub scale: Array1<f64>,
    /// Training rows (`n_samples_seen_`).
    pub n_samples_seen: u64,
    /// Whether the mean is subtracted.
    pub with_mean: bool,
    /// Whether the values are divided by the scale.
    pub with_std: bool,
}

impl StandardScalerModel {
    /// Maps standardised rows back to the original units: `x·scale + mean`.
    ///
    /// # Errors
    /// [`crate::Error::FeatureMismatch`] for a different number of columns than fitted.
    pub fn inverse_transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        map_columns(x, self.mean.len(), |j, v| {
            let v = if self.with_std { v * self.scale[j] } else { v };
            if self.with_mean { v + self.mean[j] } else { v }
        })
    }
}

impl Transformer for StandardScalerModel {
    /// `(x − mean) / scale`, each step only if enabled.
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        map_columns(x, self.mean.len(), |j, v| {
            let v = if self.with_mean { v - self.mean[j] } else { v };
            if self.with_std { v / self.scale[j] } else { v }
        })
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    use super::*;
    use crate::preprocessing::tests::{generated, round_trips};
    use crate::{Error, load_model, save_model};

    #[test]
    fn three_by_two_by_hand() -> Result<()> {
        // Column 0: mean 2, var ((1 + 0 + 1) / 3) = 2/3; column 1 constant: scale 1.
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let model = StandardScaler::new().parallelism(1).fit(x.view(), None)?;
        assert_eq!(model.mean, array![2.0, 5.0]);
        assert_abs_diff_eq!(model.var[0], 2.0 / 3.0, epsilon = 1e-15);
        assert_eq!(model.var[1], 0.0);
        assert_eq!(model.scale[1], 1.0);
        let s = (2.0_f64 / 3.0).sqrt();
        let expected = array![[-1.0 / s, 0.0], [0.0, 0.0], [1.0 / s, 0.0]];
        // One rounding in the scale, one in the division.
        assert_abs_diff_eq!(model.transform(x.view())?, expected, epsilon = 1e-15);
        Ok(())
    }

    #[test]
    fn options_disable_steps() -> Result<()> {
        let x = array![[1.0], [3.0]];
        let centred = StandardScaler::new().with_std(false).fit(x.view(), None)?;
        assert_eq!(centred.transform(x.view())?, array![[-1.0], [1.0]]);
        let scaled = StandardScaler::new().with_mean(false).fit(array![[0.0], [4.0]].view(), None)?;
        assert_eq!(scaled.transform(array![[4.0]].view())?, array![[2.0]]);
        assert_eq!(scaled.inverse_transform(array![[2.0]].view())?, array![[4.0]]);
        Ok(())
    }

    #[test]
    fn identical_for_any_parallelism() -> Result<()> {
        let x = generated(5000, 3, 11);
        let reference = StandardScaler::new().parallelism(1).fit(x.view(), None)?;
        for p in 2..=4 {
            assert_eq!(StandardScaler::new().parallelism(p).fit(x.view(), None)?, reference, "P = {p}");
        }
        round_trips(&reference, x.view(), |m, t| m.inverse_transform(t));
        Ok(())
    }

    #[test]
    fn errors() {
        let scaler = StandardScaler::new().parallelism(2);
        let empty = Array2::<f64>::zeros((0, 2));
        assert!(matches!(scaler.fit(empty.view(), None), Err(Error::InvalidInput(_))));
        assert!(matches!(scaler.fit(array![[f64::NAN]].view(), None), Err(Error::InvalidInput(_))));
        let model = scaler.fit(array![[1.0, 2.0]].view(), None).expect("one row fits");
        assert!(matches!(
            model.transform(array![[1.0]].view()),
            Err(Error::FeatureMismatch { expected: 2, got: 1 })
        ));
    }

    #[test]
    fn save_and_load() -> Result<()> {
        let x = generated(300, 2, 5);
        let model = StandardScaler::new().fit(x.view(), None)?;
        let path = std::env::temp_dir().join(format!("eddy-ml-standard-scaler-{}.json", std::process::id()));
        save_model(&model, &path)?;
        let loaded: StandardScalerModel = load_model(&path)?;
        std::fs::remove_file(&path).ok();
        assert_eq!(loaded, model);
        assert_eq!(loaded.transform(x.view())?, model.transform(x.view())?);
        Ok(())
    }
}
