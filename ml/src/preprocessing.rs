//! Preprocessing: feature scalers ([`StandardScaler`], [`MinMaxScaler`]), polynomial
//! feature maps ([`PolynomialFeatures`]) and seeded train/test splits
//! ([`train_test_split`], [`stratified_split`], [`select_rows`]).
//!
//! The scalers are trained like every trainer of the crate: each worker summarises its
//! blocks of rows (column moments, column ranges), the summaries are folded in block
//! order, and the fitted scaler is bit for bit the same for any parallelism. Applying a
//! fitted transformer is local and needs no runtime. Definitions follow scikit-learn's
//! `sklearn.preprocessing` and `sklearn.model_selection`, including its handling of
//! constant columns.
//!
//! ```
//! use eddy_ml::{Estimator, Transformer, preprocessing::StandardScaler};
//! use ndarray::array;
//! # fn main() -> eddy_ml::Result<()> {
//! let x = array![[0.0, 10.0], [2.0, 10.0]];
//! let scaler = StandardScaler::new().parallelism(2).fit(x.view(), None)?;
//! assert_eq!(scaler.transform(x.view())?, array![[-1.0, 0.0], [1.0, 0.0]]);
//! assert_eq!(scaler.inverse_transform(array![[-1.0, 0.0]].view())?, array![[0.0, 10.0]]);
//! # Ok(()) }
//! ```
//!
//! **Note**: a scaler divides by its column scales; a column that is constant in the
//! training data has scale 1 (as in scikit-learn), so it is shifted but never blown up
//! to infinity — yet other data may well vary in that column.

pub mod min_max;
mod polynomial;
mod split;
pub mod standard;
pub(crate) mod statistics;

use ndarray::{Array2, ArrayView2};

pub use min_max::{MinMaxScaler, MinMaxScalerModel};
pub use polynomial::{PolynomialFeatures, PolynomialFeaturesModel};
pub use split::{select_rows, stratified_split, train_test_split};
pub use standard::{StandardScaler, StandardScalerModel};

use crate::Result;
use crate::estimator::check_features;

/// `f(column, value)` applied to every value of `x`, which must have `features` columns.
fn map_columns(
    x: ArrayView2<'_, f64>,
    features: usize,
    f: impl Fn(usize, f64) -> f64,
) -> Result<Array2<f64>> {
    check_features(&x, features)?;
    let mut out = x.to_owned();
    for mut row in out.rows_mut() {
        row.iter_mut().enumerate().for_each(|(j, v)| *v = f(j, *v));
    }
    Ok(out)
}

/// scikit-learn's `_handle_zeros_in_scale`: a scale flagged as (near) zero becomes 1.
fn handle_zeros_in_scale(scale: f64, is_zero: bool) -> f64 {
    if is_zero { 1.0 } else { scale }
}

#[cfg(test)]
pub(crate) mod tests {
    use ndarray::{Array2, ArrayView2};
    use proptest::prelude::*;
    use rand_xoshiro::Xoshiro256PlusPlus;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};

    use super::*;
    use crate::{Estimator, Transformer};

    /// `rows × columns` seeded values; column `j` is uniform on `[−1, 1)·10^j + 100·j`, so
    /// columns differ in location and scale.
    pub(crate) fn generated(rows: usize, columns: usize, seed: u64) -> Array2<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        Array2::from_shape_fn((rows, columns), |(_, j)| {
            let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            (2.0 * unit - 1.0) * 10f64.powi(j as i32) + 100.0 * j as f64
        })
    }

    /// Asserts `inverse(transform(x)) ≈ x`, within 1e-9 relative to each column's largest
    /// magnitude: scaling and unscaling cost a few roundings, amplified at most by
    /// range / |value|.
    pub(crate) fn round_trips<M: Transformer>(
        model: &M,
        x: ArrayView2<'_, f64>,
        inverse: impl Fn(&M, ArrayView2<'_, f64>) -> Result<Array2<f64>>,
    ) {
        let transformed = model.transform(x).expect("the model's own width");
        let back = inverse(model, transformed.view()).expect("the model's own width");
        for (j, (column, original)) in back.columns().into_iter().zip(x.columns()).enumerate() {
            let magnitude = original.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
            for (b, o) in column.iter().zip(original) {
                assert!((b - o).abs() <= 1e-9 * magnitude, "column {j}: {b} != {o}");
            }
        }
    }

    fn matrices() -> impl Strategy<Value = Array2<f64>> {
        (1usize..40, 1usize..5).prop_flat_map(|(rows, columns)| {
            proptest::collection::vec(-1e6..1e6_f64, rows * columns).prop_map(move |values| {
                Array2::from_shape_vec((rows, columns), values).expect("rows × columns")
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn standard_scaler_round_trips(x in matrices(), workers in 1usize..4) {
            let model = StandardScaler::new().parallelism(workers).fit(x.view(), None).expect("finite rows");
            round_trips(&model, x.view(), |m, t| m.inverse_transform(t));
        }

        #[test]
        fn min_max_scaler_round_trips(x in matrices(), low in -10.0..0.0_f64, width in 0.5..10.0_f64) {
            let model = MinMaxScaler::new().feature_range(low, low + width).parallelism(2).fit(x.view(), None).expect("finite rows");
            round_trips(&model, x.view(), |m, t| m.inverse_transform(t));
        }
    }
}
