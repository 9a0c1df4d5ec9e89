//! Regression metrics: mean squared error, its root, and the coefficient of determination.

use ndarray::ArrayView1;

use super::paired;
use crate::{Error, Result};

/// Mean squared error `Σ (y − ŷ)² / n` (scikit-learn's `mean_squared_error`).
///
/// # Errors
/// [`Error::InvalidInput`] for inputs of different lengths, empty inputs or non-finite
/// values.
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::mse(&[3.0, -0.5, 2.0, 7.0], &[2.5, 0.0, 2.0, 8.0])?, 0.375);
/// # Ok(()) }
/// ```
pub fn mse<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    let (y_true, y_pred) = paired("mse", y_true, y_pred)?;
    Ok(squared_error(y_true, y_pred) / y_true.len() as f64)
}

/// Root mean squared error `√mse` (scikit-learn's `root_mean_squared_error`).
///
/// # Errors
/// As [`mse`].
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// assert_eq!(eddy_ml::metrics::rmse(&[0.0, 0.0], &[3.0, -5.0])?, 17.0_f64.sqrt());
/// # Ok(()) }
/// ```
pub fn rmse<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    mse(y_true, y_pred).map(f64::sqrt)
}

/// The coefficient of determination `R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²` (scikit-learn's
/// `r2_score`): 1 for a perfect prediction, 0 for predicting the mean, negative for
/// worse. For a constant `y_true` (zero denominator) it is 1 if the prediction is perfect
/// and 0 otherwise, as scikit-learn's `force_finite = True`.
///
/// # Errors
/// [`Error::InvalidInput`] for inputs of different lengths, non-finite values or fewer
/// than two rows (where scikit-learn returns NaN: R² is not defined).
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// # fn main() -> eddy_ml::Result<()> {
/// // Σ (y − ŷ)² = 1.5, ȳ = 2.875, Σ (y − ȳ)² = 29.1875.
/// let r2 = eddy_ml::metrics::r2(&[3.0, -0.5, 2.0, 7.0], &[2.5, 0.0, 2.0, 8.0])?;
/// assert!((r2 - (1.0 - 1.5 / 29.1875)).abs() < 1e-15);
/// # Ok(()) }
/// ```
pub fn r2<'a, 'b>(
    y_true: impl Into<ArrayView1<'a, f64>>,
    y_pred: impl Into<ArrayView1<'b, f64>>,
) -> Result<f64> {
    let (y_true, y_pred) = paired("r2", y_true, y_pred)?;
    if y_true.len() < 2 {
        return Err(Error::InvalidInput("r2: R² is not defined for fewer than two rows".into()));
    }
    let residual = squared_error(y_true, y_pred);
    let mean = y_true.sum() / y_true.len() as f64;
    let total: f64 = y_true.iter().map(|y| (y - mean) * (y - mean)).sum();
    Ok(match (residual == 0.0, total == 0.0) {
        (true, _) => 1.0,
        (false, true) => 0.0,
        (false, false) => 1.0 - residual / total,
    })
}

/// `Σ (y − ŷ)²`.
fn squared_error(y_true: ArrayView1<'_, f64>, y_pred: ArrayView1<'_, f64>) -> f64 {
    y_true.iter().zip(&y_pred).map(|(t, p)| (t - p) * (t - p)).sum()
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    #[test]
    fn by_hand() -> Result<()> {
        let (y_true, y_pred) = ([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]);
        assert_abs_diff_eq!(mse(&y_true, &y_pred)?, 4.0 / 3.0, epsilon = 1e-15);
        assert_abs_diff_eq!(rmse(&y_true, &y_pred)?, (4.0_f64 / 3.0).sqrt(), epsilon = 1e-15);
        // Σ (y − ȳ)² = 2: R² = 1 − 4 / 2.
        assert_eq!(r2(&y_true, &y_pred)?, -1.0);
        assert_eq!(r2(&y_true, &[2.0, 2.0, 2.0])?, 0.0);
        assert_eq!(r2(&y_true, &y_true)?, 1.0);
        Ok(())
    }

    #[test]
    fn r2_special_cases() {
        // Constant truth: 1 for a perfect prediction, 0 otherwise (no division by zero).
        assert_eq!(r2(&[4.0, 4.0], &[4.0, 4.0]).ok(), Some(1.0));
        assert_eq!(r2(&[4.0, 4.0], &[4.0, 5.0]).ok(), Some(0.0));
        assert!(matches!(r2(&[1.0], &[1.0]), Err(Error::InvalidInput(_))));
        assert!(matches!(mse(&[1.0], &[1.0, 2.0]), Err(Error::InvalidInput(_))));
    }
}
