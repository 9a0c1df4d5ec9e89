//! Small dense linear algebra for model-sized systems (d × d, d up to a few thousand).

use ndarray::{Array1, Array2};

use crate::{Error, Result};

/// Solves `a x = b` for a symmetric positive definite `a` by Cholesky factorisation
/// (`a` is consumed as scratch).
///
/// # Errors
/// [`Error::InvalidInput`] when `a` is not positive definite (e.g. collinear features
/// without regularisation), naming the failing pivot.
pub fn cholesky_solve(mut a: Array2<f64>, b: &Array1<f64>) -> Result<Array1<f64>> {
    let n = a.nrows();
    let diagonal: Vec<f64> = (0..n).map(|j| a[[j, j]]).collect();
    for j in 0..n {
        let mut pivot = a[[j, j]];
        for k in 0..j {
            pivot -= a[[j, k]] * a[[j, k]];
        }
        // Relative to the column's own scale: what rounding leaves of a dependent column.
        if pivot.is_nan() || pivot <= 1e-10 * diagonal[j] || !pivot.is_finite() {
            return Err(Error::InvalidInput(format!(
                "the normal equations are singular at column {j} (collinear or constant features?); add L2 regularisation"
            )));
        }
        let pivot = pivot.sqrt();
        a[[j, j]] = pivot;
        for i in j + 1..n {
            let mut v = a[[i, j]];
            for k in 0..j {
                v -= a[[i, k]] * a[[j, k]];
            }
            a[[i, j]] = v / pivot;
        }
    }
    let mut x = b.clone();
    for i in 0..n {
        let mut v = x[i];
        for k in 0..i {
            v -= a[[i, k]] * x[k];
        }
        x[i] = v / a[[i, i]];
    }
    for i in (0..n).rev() {
        let mut v = x[i];
        for k in i + 1..n {
            v -= a[[k, i]] * x[k];
        }
        x[i] = v / a[[i, i]];
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn solves_a_hand_made_system() {
        // a = [[4, 2], [2, 3]], x = [1, -1] → b = [2, -1].
        let x = cholesky_solve(array![[4.0, 2.0], [2.0, 3.0]], &array![2.0, -1.0]).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] + 1.0).abs() < 1e-15, "{x}");
        let singular = cholesky_solve(array![[1.0, 1.0], [1.0, 1.0]], &array![1.0, 1.0]);
        assert!(singular.unwrap_err().to_string().contains("singular at column 1"));
    }
}
