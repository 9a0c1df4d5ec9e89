//! The normal equations of one ALS least-squares problem and their Cholesky solve.
//!
//! For one user (or item) with ratings `r_j` of items with factors `v_j`, ALS solves
//! `(Σ v_j v_jᵀ + ridge·I) x = Σ r_j v_j`, a symmetric positive (semi-)definite
//! `rank × rank` system. [`NormalEquation`] accumulates the lower triangle of `Σ v vᵀ`
//! and the right-hand side in the order the ratings are added (so the result does not
//! depend on anything but that order), then factors `A = L Lᵀ` and substitutes twice.
//!
//! **Note**: with `ridge = 0` (λ = 0) the system is singular when an id has fewer ratings
//! than `rank` or collinear factors; the solve then adds a tiny ridge — `1e-10 ×` the mean
//! diagonal, growing ×1000 per retry — instead of failing, which picks a (near)
//! minimum-norm solution.

/// `Σ v vᵀ` (lower triangle, row-major `rank × rank`) and `Σ r v` of one id's ratings.
#[derive(Debug, Clone)]
pub(super) struct NormalEquation {
    rank: usize,
    ata: Vec<f64>,
    atb: Vec<f64>,
    /// Scratch for the Cholesky factor `L` (lower triangle).
    factor: Vec<f64>,
}

/// How many times a singular system is retried with a larger ridge before giving up.
const RETRIES: usize = 8;

impl NormalEquation {
    /// Empty equations for factors of length `rank`.
    pub(super) fn new(rank: usize) -> Self {
        NormalEquation {
            rank,
            ata: vec![0.0; rank * rank],
            atb: vec![0.0; rank],
            factor: vec![0.0; rank * rank],
        }
    }

    /// Forgets every rating added so far.
    pub(super) fn reset(&mut self) {
        self.ata.fill(0.0);
        self.atb.fill(0.0);
    }

    /// Adds one rating `r` of a counterpart with factor `v`.
    pub(super) fn add(&mut self, v: &[f64], r: f64) {
        let k = self.rank;
        for (i, &vi) in v.iter().enumerate() {
            self.atb[i] += r * vi;
            let row = &mut self.ata[i * k..i * k + i + 1];
            for (a, &vj) in row.iter_mut().zip(v) {
                *a += vi * vj;
            }
        }
    }

    /// Solves `(Σ v vᵀ + ridge·I) x = Σ r v` into `x` (length `rank`).
    ///
    /// Returns false if the system could not be factored even with the extra ridge of the
    /// module doc (non-finite entries: ratings or factors overflowed).
    pub(super) fn solve(&mut self, ridge: f64, x: &mut [f64]) -> bool {
        let k = self.rank;
        let mean_diagonal = (0..k).map(|i| self.ata[i * k + i]).sum::<f64>() / k as f64;
        let mut extra = 0.0;
        for _ in 0..=RETRIES {
            if self.factorise(ridge + extra) {
                self.substitute(x);
                return x.iter().all(|v| v.is_finite());
            }
            extra = if extra == 0.0 { (1e-10 * mean_diagonal).max(f64::MIN_POSITIVE) } else { extra * 1e3 };
        }
        false
    }

    /// Cholesky factorisation of `ata + ridge·I` into `self.factor`; false if a pivot is
    /// not positive (or not a number).
    fn factorise(&mut self, ridge: f64) -> bool {
        let k = self.rank;
        let (a, l) = (&self.ata, &mut self.factor);
        for j in 0..k {
            let mut pivot = a[j * k + j] + ridge;
            for p in 0..j {
                pivot -= l[j * k + p] * l[j * k + p];
            }
            if !pivot.is_finite() || pivot <= 0.0 {
                return false;
            }
            let diagonal = pivot.sqrt();
            l[j * k + j] = diagonal;
            for i in j + 1..k {
                let mut s = a[i * k + j];
                for p in 0..j {
                    s -= l[i * k + p] * l[j * k + p];
                }
                l[i * k + j] = s / diagonal;
            }
        }
        true
    }

    /// Solves `L Lᵀ x = atb` with the factor computed by [`Self::factorise`].
    fn substitute(&self, x: &mut [f64]) {
        let k = self.rank;
        let l = &self.factor;
        for i in 0..k {
            let mut s = self.atb[i];
            for p in 0..i {
                s -= l[i * k + p] * x[p];
            }
            x[i] = s / l[i * k + i];
        }
        for i in (0..k).rev() {
            let mut s = x[i];
            for p in i + 1..k {
                s -= l[p * k + i] * x[p];
            }
            x[i] = s / l[i * k + i];
        }
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    #[test]
    fn solves_a_small_system() {
        // Rows v = (1, 0), (1, 1), (0, 2) with ratings 1, 3, 4: AᵀA = [[2, 1], [1, 5]],
        // Aᵀb = (4, 11); with ridge 1: [[3, 1], [1, 6]] x = (4, 11) → x = (13/17, 29/17).
        let mut eq = NormalEquation::new(2);
        for (v, r) in [([1.0, 0.0], 1.0), ([1.0, 1.0], 3.0), ([0.0, 2.0], 4.0)] {
            eq.add(&v, r);
        }
        let mut x = [0.0; 2];
        assert!(eq.solve(1.0, &mut x));
        // Two substitutions of a 2×2 system: a few ulps.
        assert_relative_eq!(x[0], 13.0 / 17.0, max_relative = 1e-14);
        assert_relative_eq!(x[1], 29.0 / 17.0, max_relative = 1e-14);
        eq.reset();
        eq.add(&[2.0, 0.0], 4.0);
        eq.add(&[0.0, 1.0], 3.0);
        assert!(eq.solve(0.0, &mut x));
        assert_eq!(x, [2.0, 3.0]);
    }

    #[test]
    fn a_singular_system_gets_a_tiny_ridge() {
        // One rating, rank 2, no regularisation: x ≈ the minimum-norm solution (1, 1)·r/2.
        let mut eq = NormalEquation::new(2);
        eq.add(&[1.0, 1.0], 4.0);
        let mut x = [0.0; 2];
        assert!(eq.solve(0.0, &mut x));
        assert_relative_eq!(x[0], 2.0, max_relative = 1e-6);
        assert_relative_eq!(x[1], 2.0, max_relative = 1e-6);
        eq.reset();
        eq.add(&[f64::INFINITY, 1.0], 1.0);
        assert!(!eq.solve(0.1, &mut x));
    }
}
