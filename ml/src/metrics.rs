//! Evaluation metrics with scikit-learn's definitions: classification
//! ([`accuracy`], [`precision`], [`recall`], [`f1`], [`precision_recall_f1`],
//! [`roc_auc`]), regression ([`mse`], [`rmse`], [`r2`]) and clustering
//! ([`adjusted_rand_index`], [`inertia`]).
//!
//! Metrics are plain local functions: they take anything that views as a 1-d array of
//! `f64` (`&[f64]`, `&Vec<f64>`, `&Array1<f64>`, an `ArrayView1`), so the output of
//! [`crate::Model::predict`] can be scored directly. Labels are numbers; two labels are
//! the same class when they are equal as `f64` (`-0.0` and `0.0` are one class).
//!
//! ```
//! use eddy_ml::metrics::{accuracy, roc_auc};
//! # fn main() -> eddy_ml::Result<()> {
//! assert_eq!(accuracy(&[1.0, 0.0, 1.0, 1.0], &[1.0, 1.0, 1.0, 1.0])?, 0.75);
//! assert_eq!(roc_auc(&[0.0, 0.0, 1.0, 1.0], &[0.1, 0.4, 0.35, 0.8])?, 0.75);
//! # Ok(()) }
//! ```
//!
//! **Note**: where scikit-learn warns and returns a number for an undefined ratio
//! (`zero_division`), these functions return 0 as scikit-learn's default does; where it
//! raises or returns NaN (empty input, R² of one sample, ROC AUC with one class) they
//! return [`Error::InvalidInput`].

mod classification;
mod clustering;
mod regression;

use ndarray::ArrayView1;

pub use classification::{
    Average, PrecisionRecallF1, accuracy, f1, precision, precision_recall_f1, recall, roc_auc,
};
pub use clustering::{adjusted_rand_index, inertia};
pub use regression::{mse, r2, rmse};

use crate::{Error, Result};

/// Views two equally long, non-empty, finite 1-d inputs (`what` names them in errors).
fn paired<'a, 'b>(
    what: &str,
    a: impl Into<ArrayView1<'a, f64>>,
    b: impl Into<ArrayView1<'b, f64>>,
) -> Result<(ArrayView1<'a, f64>, ArrayView1<'b, f64>)> {
    let (a, b) = (a.into(), b.into());
    if a.len() != b.len() {
        return Err(Error::InvalidInput(format!(
            "{what}: inputs of different lengths ({} and {})",
            a.len(),
            b.len()
        )));
    }
    if a.is_empty() {
        return Err(Error::InvalidInput(format!("{what}: empty input")));
    }
    if let Some(i) = a.iter().chain(b.iter()).position(|v| !v.is_finite()) {
        let (side, i) = if i < a.len() { ("first", i) } else { ("second", i - a.len()) };
        return Err(Error::InvalidInput(format!(
            "{what}: element {i} of the {side} input is not a finite number"
        )));
    }
    Ok((a, b))
}

/// The sorted distinct values of `values` (`-0.0` folded into `0.0`), and for each value
/// its index in that list.
pub(crate) fn encode_labels(values: ArrayView1<'_, f64>) -> (Vec<f64>, Vec<usize>) {
    let mut classes: Vec<f64> = values.iter().map(|v| v + 0.0).collect();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    let codes = values
        .iter()
        .map(|v| classes.binary_search_by(|c| c.total_cmp(&(v + 0.0))).expect("every value is a class"))
        .collect();
    (classes, codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_rejects_bad_inputs() {
        assert!(matches!(paired("t", &[1.0], &[1.0, 2.0]), Err(Error::InvalidInput(_))));
        assert!(matches!(paired("t", &[] as &[f64], &[] as &[f64]), Err(Error::InvalidInput(_))));
        let err = paired("t", &[1.0, 2.0], &[1.0, f64::NAN]).unwrap_err();
        assert!(err.to_string().contains("element 1 of the second"), "{err}");
    }

    #[test]
    fn labels_are_encoded_in_sorted_order() {
        let (classes, codes) = encode_labels(ArrayView1::from(&[3.0, -0.0, 0.0, -1.5, 3.0]));
        assert_eq!(classes, vec![-1.5, 0.0, 3.0]);
        assert_eq!(codes, vec![2, 1, 1, 0, 2]);
    }
}
