//! Deterministic generators of ML data: Gaussian blobs ([`make_blobs`]), a
//! classification problem ([`make_classification`]), linear regression
//! ([`make_regression`]) and low-rank ratings for matrix factorisation
//! ([`make_low_rank_ratings`]), plus [`FeatureSpec`], the `blobs:1000:2:3`-style text form
//! the command line uses.
//!
//! Every generator draws from one `Xoshiro256PlusPlus::seed_from_u64(seed)` stream, in the
//! order its documentation gives; normals come from Marsaglia's polar method with a
//! logarithm computed from basic arithmetic, so the output is bit-identical for a given
//! seed on every platform with IEEE 754 `f64` (all Rust tier-1 targets) — not equal to
//! scikit-learn's, whose generators these imitate.
//!
//! | spec | function | table |
//! | --- | --- | --- |
//! | `blobs:N:D:K[:SEED]` | [`make_blobs`] with `cluster_std` 1 | `N × D`, labels `0..K` |
//! | `classification:N:D:C[:SEED]` | [`make_classification`] | `N × D`, labels `0..C` |
//! | `regression:N:D[:NOISE[:SEED]]` | [`make_regression`] | `N × D`, labels = targets |
//!
//! **Note**: no generator makes more than [`MAX_VALUES`] values (`n · d`, or the expected
//! number of ratings): a larger request is an [`Error::InvalidParameter`], not an
//! out-of-memory abort. Labels are `f64` class ids, as
//! [`Table::labels`](crate::features::Table::labels) holds them.
//!
//! # Example
//! ```
//! use eddy_datasets::ml_generators::{make_blobs, FeatureSpec};
//!
//! let (x, y) = make_blobs(100, 2, 3, 7, 0.5)?;
//! assert_eq!(x.dim(), (100, 2));
//! assert_eq!(y.iter().filter(|&&label| label == 0.0).count(), 34); // 100 = 34 + 33 + 33
//!
//! let table = "blobs:100:2:3:7".parse::<FeatureSpec>()?.generate()?;
//! assert_eq!(table.features, make_blobs(100, 2, 3, 7, 1.0)?.0);
//! # Ok::<(), eddy_datasets::Error>(())
//! ```

use ndarray::{Array1, Array2};

use crate::error::{Error, Result};

mod sampler;
mod spec;

use sampler::{Sampler, ln};
pub use spec::{DEFAULT_SEED, FeatureSpec};

/// The most values a generator produces: 2^31 (16 GiB of `f64`).
pub const MAX_VALUES: usize = 1 << 31;

/// The mean rating of [`make_low_rank_ratings`].
pub const RATING_OFFSET: f64 = 3.0;

/// Generates isotropic Gaussian blobs, like scikit-learn's `make_blobs`.
///
/// Draws, in order: the `k × d` centres, uniform in `[-10, 10)` per coordinate (row by
/// row); a shuffle (Fisher–Yates) of the labels, `n / k` per cluster and one more for the
/// first `n % k` clusters; then for each row, in row order, `d` normals: the point is its
/// centre plus `cluster_std` times them.
///
/// # Arguments
/// - `n`: rows, at least `k`. `d`: columns, at least 1. `k`: clusters, at least 1.
/// - `seed`: any value. `cluster_std`: finite, non-negative.
///
/// # Returns
/// `(x, labels)`: `n × d` points and their cluster ids `0..k` as `f64`.
///
/// # Errors
/// [`Error::InvalidParameter`] if a size is out of range or `n · d` exceeds
/// [`MAX_VALUES`].
///
/// # Complexity
/// O(n · d).
pub fn make_blobs(
    n: usize,
    d: usize,
    k: usize,
    seed: u64,
    cluster_std: f64,
) -> Result<(Array2<f64>, Array1<f64>)> {
    blobs(n, d, k, seed, cluster_std).map(|(x, labels, _)| (x, labels))
}

/// [`make_blobs`], also returning the centres.
fn blobs(
    n: usize,
    d: usize,
    k: usize,
    seed: u64,
    cluster_std: f64,
) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>)> {
    check_blobs(n, d, k, cluster_std).map_err(|reason| invalid("make_blobs", reason))?;
    let mut sampler = Sampler::new(seed);
    let centres: Vec<f64> = (0..k * d).map(|_| sampler.uniform_in(-10.0, 10.0)).collect();
    let classes = balanced_labels(&mut sampler, n, k);
    let mut x = Vec::with_capacity(n * d);
    for &class in &classes {
        let centre = &centres[class * d..(class + 1) * d];
        x.extend(centre.iter().map(|c| c + cluster_std * sampler.normal()));
    }
    Ok((matrix(n, d, x), labels(&classes), matrix(k, d, centres)))
}

fn check_blobs(n: usize, d: usize, k: usize, cluster_std: f64) -> std::result::Result<(), String> {
    check_classes(n, d, k, "k", "clusters")?;
    if !(cluster_std.is_finite() && cluster_std >= 0.0) {
        return Err(format!("cluster_std must be finite and non-negative, got {cluster_std}"));
    }
    Ok(())
}

/// The number of informative coordinates of [`make_classification`] with `d` columns
/// and `classes` classes: `min(d, max(5, classes))`.
pub fn informative_features(d: usize, classes: usize) -> usize {
    d.min(classes.max(5))
}

/// Generates a classification problem with `classes` Gaussian classes.
///
/// The model: class `c` has a mean vector with `N(0, 2²)` coordinates on the first
/// `m = `[`informative_features`]`(d, classes)` columns and 0 on the others; a row of
/// class `c` is its mean plus unit-variance normal noise in every column (so the last
/// `d − m` columns are pure noise). Labels are balanced (`n / classes` each, one more for
/// the first `n % classes`) and shuffled. With 5 or more informative columns the class
/// means are typically ≈ 6 noise standard deviations apart, so a linear model (or even
/// nearest-class-mean) classifies well above 80 % of rows correctly; with `d < 5`
/// classes overlap more.
///
/// Draws, in order: the `classes × m` mean coordinates (row by row), the label shuffle
/// (Fisher–Yates), then `d` normals per row, in row order.
///
/// # Errors
/// [`Error::InvalidParameter`] if `d` or `classes` is 0, `n < classes`, or `n · d`
/// exceeds [`MAX_VALUES`].
///
/// # Complexity
/// O(n · d).
///
/// # Example
/// ```
/// let (x, y) = eddy_datasets::ml_generators::make_classification(10, 8, 2, 1)?;
/// assert_eq!(x.dim(), (10, 8));
/// assert_eq!(y.iter().filter(|&&label| label == 1.0).count(), 5);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn make_classification(
    n: usize,
    d: usize,
    classes: usize,
    seed: u64,
) -> Result<(Array2<f64>, Array1<f64>)> {
    check_classes(n, d, classes, "classes", "classes")
        .map_err(|reason| invalid("make_classification", reason))?;
    let m = informative_features(d, classes);
    let mut sampler = Sampler::new(seed);
    let means: Vec<f64> = (0..classes * m).map(|_| 2.0 * sampler.normal()).collect();
    let classes_of_rows = balanced_labels(&mut sampler, n, classes);
    let mut x = Vec::with_capacity(n * d);
    for &class in &classes_of_rows {
        let mean = &means[class * m..(class + 1) * m];
        x.extend((0..d).map(|j| mean.get(j).copied().unwrap_or(0.0) + sampler.normal()));
    }
    Ok((matrix(n, d, x), labels(&classes_of_rows)))
}

/// Checks the sizes shared by blobs and classification.
fn check_classes(n: usize, d: usize, k: usize, name: &str, what: &str) -> std::result::Result<(), String> {
    if k == 0 {
        return Err(format!("{name} must be at least 1"));
    }
    if n < k {
        return Err(format!("n = {n} rows cannot fill {k} {what}; n must be at least {name}"));
    }
    check_size(n, d)
}

/// Checks `n ≥ 1`, `d ≥ 1` and `n · d ≤ MAX_VALUES`.
fn check_size(n: usize, d: usize) -> std::result::Result<(), String> {
    if n == 0 {
        return Err("n must be at least 1".to_owned());
    }
    if d == 0 {
        return Err("d must be at least 1".to_owned());
    }
    match n.checked_mul(d) {
        Some(values) if values <= MAX_VALUES => Ok(()),
        _ => Err(format!("n · d = {n} · {d} values exceeds the limit MAX_VALUES = {MAX_VALUES}")),
    }
}

/// What [`make_regression`] returns: `(x, y, coef, intercept)`.
pub type RegressionData = (Array2<f64>, Array1<f64>, Array1<f64>, f64);

/// Generates a linear regression problem: `y = x · coef + intercept + noise · ε`.
///
/// Draws, in order: `coef`, `d` values uniform in `[-10, 10)`; `intercept`, uniform in
/// `[-5, 5)`; then per row, in row order, `d` standard normals for `x` and one more for
/// `ε` (drawn even when `noise` is 0, so `noise` only scales it: the same seed gives the
/// same `x` for every `noise`).
///
/// # Returns
/// `(x, y, coef, intercept)` with `x` of shape `n × d`.
///
/// # Errors
/// [`Error::InvalidParameter`] if `n` or `d` is 0, `n · d` exceeds [`MAX_VALUES`], or
/// `noise` is negative or not finite.
///
/// # Complexity
/// O(n · d).
///
/// # Example
/// ```
/// let (x, y, coef, intercept) = eddy_datasets::ml_generators::make_regression(5, 3, 0.0, 9)?;
/// let exact = x.dot(&coef) + intercept;
/// assert!(y.iter().zip(&exact).all(|(a, b)| (a - b).abs() < 1e-12));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn make_regression(n: usize, d: usize, noise: f64, seed: u64) -> Result<RegressionData> {
    check_regression(n, d, noise).map_err(|reason| invalid("make_regression", reason))?;
    let mut sampler = Sampler::new(seed);
    let coef: Vec<f64> = (0..d).map(|_| sampler.uniform_in(-10.0, 10.0)).collect();
    let intercept = sampler.uniform_in(-5.0, 5.0);
    let mut x = Vec::with_capacity(n * d);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let start = x.len();
        x.extend((0..d).map(|_| sampler.normal()));
        let dot: f64 = x[start..].iter().zip(&coef).map(|(a, b)| a * b).sum();
        y.push(dot + intercept + noise * sampler.normal());
    }
    Ok((matrix(n, d, x), Array1::from_vec(y), Array1::from_vec(coef), intercept))
}

fn check_regression(n: usize, d: usize, noise: f64) -> std::result::Result<(), String> {
    check_size(n, d)?;
    if !(noise.is_finite() && noise >= 0.0) {
        return Err(format!("noise must be finite and non-negative, got {noise}"));
    }
    Ok(())
}

/// Generates ratings from a low-rank model, for matrix factorisation (ALS) tests.
///
/// The model: user factors `U` (`users × rank`) and item factors `V` (`items × rank`)
/// with `N(0, 1/√rank)` entries (variance `1/√rank`, so `u · v` has unit variance); the
/// rating of a pair is `U[u] · V[i] + `[`RATING_OFFSET`]` + noise · ε`. Each of the
/// `users · items` pairs is rated with probability `density` (independently, sampled by
/// geometric skips); then every user without a rating gets one random item and every item
/// still without one a random user, so all of `0..users` and `0..items` occur.
///
/// Draws, in order: `U` then `V` (row by row), the skips, the added items then users,
/// then one `ε` per rating in output order.
///
/// # Returns
/// `(user, item, rating)` triples, sorted by `(user, item)`, each pair once.
///
/// # Errors
/// [`Error::InvalidParameter`] if `users`, `items` or `rank` is 0, `density` is not in
/// `(0, 1]`, `noise` is negative or not finite, or the factors or the expected number of
/// ratings exceed [`MAX_VALUES`].
///
/// # Complexity
/// O((users + items) · rank + ratings · (rank + log ratings)).
///
/// # Example
/// ```
/// let ratings = eddy_datasets::ml_generators::make_low_rank_ratings(20, 30, 2, 0.1, 0.0, 5)?;
/// assert!((1..=20).all(|u| ratings.iter().any(|r| r.0 == u - 1)));
/// assert!((0..30).all(|i| ratings.iter().any(|r| r.1 == i)));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn make_low_rank_ratings(
    users: usize,
    items: usize,
    rank: usize,
    density: f64,
    noise: f64,
    seed: u64,
) -> Result<Vec<(u64, u64, f64)>> {
    check_ratings(users, items, rank, density, noise)
        .map_err(|reason| invalid("make_low_rank_ratings", reason))?;
    let mut sampler = Sampler::new(seed);
    let scale = 1.0 / (rank as f64).sqrt().sqrt();
    let user_factors: Vec<f64> = (0..users * rank).map(|_| scale * sampler.normal()).collect();
    let item_factors: Vec<f64> = (0..items * rank).map(|_| scale * sampler.normal()).collect();

    let total = users as u64 * items as u64;
    let mut pairs: Vec<(u64, u64)> = Vec::with_capacity((density * total as f64) as usize + users + items);
    let log_miss = if density < 1.0 { ln(1.0 - density) } else { 0.0 };
    let mut at: u64 = 0;
    loop {
        // The gap before the next rated pair is geometric: ⌊ln U / ln(1 − density)⌋.
        let gap = if density >= 1.0 {
            0.0
        } else if log_miss == 0.0 {
            f64::INFINITY
        } else {
            (ln(1.0 - sampler.uniform()) / log_miss).floor()
        };
        if gap >= (total - at) as f64 {
            break;
        }
        at += gap as u64;
        pairs.push((at / items as u64, at % items as u64));
        at += 1;
        if at == total {
            break;
        }
    }
    let mut user_rated = vec![false; users];
    let mut item_rated = vec![false; items];
    for &(u, i) in &pairs {
        user_rated[u as usize] = true;
        item_rated[i as usize] = true;
    }
    for u in (0..users).filter(|&u| !user_rated[u]) {
        let i = sampler.below(items as u64);
        item_rated[i as usize] = true;
        pairs.push((u as u64, i));
    }
    for i in (0..items).filter(|&i| !item_rated[i]) {
        pairs.push((sampler.below(users as u64), i as u64));
    }
    pairs.sort_unstable();

    let ratings = pairs
        .into_iter()
        .map(|(u, i)| {
            let (u_row, i_row) = (u as usize * rank, i as usize * rank);
            let dot: f64 = user_factors[u_row..u_row + rank]
                .iter()
                .zip(&item_factors[i_row..i_row + rank])
                .map(|(a, b)| a * b)
                .sum();
            (u, i, dot + RATING_OFFSET + noise * sampler.normal())
        })
        .collect();
    Ok(ratings)
}

fn check_ratings(
    users: usize,
    items: usize,
    rank: usize,
    density: f64,
    noise: f64,
) -> std::result::Result<(), String> {
    for (name, value) in [("users", users), ("items", items), ("rank", rank)] {
        if value == 0 {
            return Err(format!("{name} must be at least 1"));
        }
    }
    if !(density > 0.0 && density <= 1.0) {
        return Err(format!("density must be in (0, 1], got {density}"));
    }
    if !(noise.is_finite() && noise >= 0.0) {
        return Err(format!("noise must be finite and non-negative, got {noise}"));
    }
    let factors = (users as u128 + items as u128) * rank as u128;
    let expected = density * (users as f64 * items as f64) + (users + items) as f64;
    if factors > MAX_VALUES as u128 || expected > MAX_VALUES as f64 {
        return Err(format!(
            "{users} users × {items} items at density {density} with rank {rank} exceeds the limit \
             MAX_VALUES = {MAX_VALUES}"
        ));
    }
    Ok(())
}

/// `n` class ids `0..k`, `n / k` each and one more for the first `n % k`, shuffled.
fn balanced_labels(sampler: &mut Sampler, n: usize, k: usize) -> Vec<usize> {
    let mut labels: Vec<usize> =
        (0..k).flat_map(|c| std::iter::repeat_n(c, n / k + usize::from(c < n % k))).collect();
    sampler.shuffle(&mut labels);
    labels
}

fn labels(classes: &[usize]) -> Array1<f64> {
    classes.iter().map(|&c| c as f64).collect()
}

fn matrix(rows: usize, cols: usize, values: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((rows, cols), values).expect("rows · cols values")
}

fn invalid(generator: &'static str, reason: String) -> Error {
    Error::InvalidParameter { generator, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(labels: &Array1<f64>, k: usize) -> Vec<usize> {
        (0..k).map(|c| labels.iter().filter(|&&l| l == c as f64).count()).collect()
    }

    fn distance2(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
        a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum()
    }

    #[test]
    fn blobs_are_seeded_balanced_and_near_their_centres() {
        let (x, y, centres) = blobs(101, 3, 4, 5, 0.1).unwrap();
        assert_eq!((x.dim(), y.len(), centres.dim()), ((101, 3), 101, (4, 3)));
        assert_eq!(counts(&y, 4), [26, 25, 25, 25]);
        assert!(centres.iter().all(|c| (-10.0..10.0).contains(c)));
        for (row, &label) in x.rows().into_iter().zip(&y) {
            let own = distance2(row, centres.row(label as usize));
            assert!(own < 1.0, "std 0.1 in 3-d: squared distance {own}");
            for other in (0..4).filter(|&c| c != label as usize) {
                assert!(own < distance2(row, centres.row(other)));
            }
        }
        assert!(y.iter().take(30).any(|&l| l != y[0]), "rows are shuffled");
        assert_eq!(make_blobs(101, 3, 4, 5, 0.1).unwrap(), (x.clone(), y.clone()));
        let (other, _) = make_blobs(101, 3, 4, 6, 0.1).unwrap();
        assert_ne!(other, x);
        // cluster_std 0 puts every point on its centre.
        let (x, y, centres) = blobs(6, 2, 3, 1, 0.0).unwrap();
        for (row, &label) in x.rows().into_iter().zip(&y) {
            assert_eq!(row, centres.row(label as usize));
        }
    }

    #[test]
    fn classification_is_learnable_by_nearest_class_mean() {
        for (d, classes, seed) in [(10, 3, 1), (5, 2, 2), (20, 4, 3), (8, 2, 4), (6, 5, 5)] {
            let n = 600;
            let (x, y) = make_classification(n, d, classes, seed).unwrap();
            assert_eq!(x.dim(), (n, d));
            let sizes = counts(&y, classes);
            assert!(sizes.iter().all(|&c| c == n / classes || c == n / classes + 1), "{sizes:?}");
            let means: Vec<Array1<f64>> = (0..classes)
                .map(|c| {
                    let rows: Vec<usize> = (0..n).filter(|&r| y[r] == c as f64).collect();
                    x.select(ndarray::Axis(0), &rows).mean_axis(ndarray::Axis(0)).unwrap()
                })
                .collect();
            let correct = (0..n)
                .filter(|&r| {
                    let nearest = (0..classes)
                        .min_by(|&a, &b| {
                            distance2(x.row(r), means[a].view())
                                .total_cmp(&distance2(x.row(r), means[b].view()))
                        })
                        .unwrap();
                    nearest as f64 == y[r]
                })
                .count();
            assert!(correct as f64 > 0.8 * n as f64, "d {d}, classes {classes}, seed {seed}: {correct}/{n}");
        }
        let (x, y) = make_classification(50, 3, 2, 7).unwrap();
        assert_eq!(make_classification(50, 3, 2, 7).unwrap(), (x.clone(), y));
        assert_ne!(make_classification(50, 3, 2, 8).unwrap().0, x);
        // Beyond the informative columns, pure noise: mean ≈ 0 in every class.
        let (x, _) = make_classification(4000, 12, 2, 9).unwrap();
        let means = x.mean_axis(ndarray::Axis(0)).unwrap();
        assert!(means.iter().skip(5).all(|m| m.abs() < 0.1), "{means}");
    }

    #[test]
    fn regression_follows_its_coefficients() {
        let (x, y, coef, intercept) = make_regression(500, 4, 0.5, 3).unwrap();
        assert_eq!((x.dim(), y.len(), coef.len()), ((500, 4), 500, 4));
        assert!(coef.iter().all(|c| (-10.0..10.0).contains(c)));
        assert!((-5.0..5.0).contains(&intercept));
        let residuals = &y - &(x.dot(&coef) + intercept);
        let std = (residuals.mapv(|r| r * r).sum() / 500.0).sqrt();
        // The residuals are 0.5 · N(0, 1): sample std within 10 % (standard error ≈ 3 %).
        assert!((std - 0.5).abs() < 0.05, "{std}");
        let (x0, y0, coef0, intercept0) = make_regression(500, 4, 0.0, 3).unwrap();
        assert_eq!((&x0, &coef0, intercept0), (&x, &coef, intercept), "noise only scales ε");
        let exact = x0.dot(&coef0) + intercept0;
        assert!(y0.iter().zip(&exact).all(|(a, b)| (a - b).abs() < 1e-12));
        assert_ne!(make_regression(500, 4, 0.5, 4).unwrap().0, x);
    }

    #[test]
    fn ratings_cover_every_user_and_item() {
        let ratings = make_low_rank_ratings(50, 80, 3, 0.1, 0.1, 2).unwrap();
        assert!(ratings.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)), "sorted and distinct");
        assert!((0..50).all(|u| ratings.iter().any(|r| r.0 == u)));
        assert!((0..80).all(|i| ratings.iter().any(|r| r.1 == i)));
        // About 400 sampled pairs (binomial standard deviation ≈ 19) plus a few added.
        assert!((320..480).contains(&ratings.len()), "{}", ratings.len());
        let mean = ratings.iter().map(|r| r.2).sum::<f64>() / ratings.len() as f64;
        assert!((mean - RATING_OFFSET).abs() < 0.3, "{mean}");
        assert_eq!(make_low_rank_ratings(50, 80, 3, 0.1, 0.1, 2).unwrap(), ratings);
        assert_ne!(make_low_rank_ratings(50, 80, 3, 0.1, 0.1, 3).unwrap(), ratings);
        let full = make_low_rank_ratings(4, 5, 2, 1.0, 0.0, 1).unwrap();
        assert_eq!(full.len(), 20);
        // Tiny density: only the added pairs, one per user, then items still missing.
        let sparse = make_low_rank_ratings(3, 10, 1, 1e-300, 0.0, 1).unwrap();
        assert!((10..=13).contains(&sparse.len()), "{}", sparse.len());
    }

    #[test]
    fn invalid_parameters_are_refused() {
        let cases = [
            (make_blobs(10, 2, 0, 1, 1.0).map(drop), "invalid make_blobs parameters: k must be at least 1"),
            (
                make_blobs(2, 2, 3, 1, 1.0).map(drop),
                "invalid make_blobs parameters: n = 2 rows cannot fill 3 clusters; n must be at least k",
            ),
            (make_blobs(10, 0, 2, 1, 1.0).map(drop), "invalid make_blobs parameters: d must be at least 1"),
            (
                make_blobs(10, 2, 2, 1, -1.0).map(drop),
                "invalid make_blobs parameters: cluster_std must be finite and non-negative, got -1",
            ),
            (
                make_blobs(1 << 20, 1 << 12, 2, 1, 1.0).map(drop),
                "invalid make_blobs parameters: n · d = 1048576 · 4096 values exceeds the limit MAX_VALUES = 2147483648",
            ),
            (
                make_blobs(usize::MAX, 2, 2, 1, 1.0).map(drop),
                &format!(
                    "invalid make_blobs parameters: n · d = {} · 2 values exceeds the limit MAX_VALUES = 2147483648",
                    usize::MAX
                ),
            ),
            (
                make_classification(10, 2, 0, 1).map(drop),
                "invalid make_classification parameters: classes must be at least 1",
            ),
            (
                make_regression(0, 2, 1.0, 1).map(drop),
                "invalid make_regression parameters: n must be at least 1",
            ),
            (
                make_regression(5, 2, f64::NAN, 1).map(drop),
                "invalid make_regression parameters: noise must be finite and non-negative, got NaN",
            ),
            (
                make_low_rank_ratings(5, 5, 1, 0.0, 0.0, 1).map(drop),
                "invalid make_low_rank_ratings parameters: density must be in (0, 1], got 0",
            ),
            (
                make_low_rank_ratings(5, 5, 1, 1.5, 0.0, 1).map(drop),
                "invalid make_low_rank_ratings parameters: density must be in (0, 1], got 1.5",
            ),
            (
                make_low_rank_ratings(5, 5, 0, 0.5, 0.0, 1).map(drop),
                "invalid make_low_rank_ratings parameters: rank must be at least 1",
            ),
            (
                make_low_rank_ratings(1 << 20, 1 << 20, 1, 0.5, 0.0, 1).map(drop),
                "invalid make_low_rank_ratings parameters: 1048576 users × 1048576 items at density 0.5 with rank 1 \
                 exceeds the limit MAX_VALUES = 2147483648",
            ),
        ];
        for (result, expected) in cases {
            match result {
                Err(e @ Error::InvalidParameter { .. }) => assert_eq!(e.to_string(), expected),
                other => panic!("expected InvalidParameter {expected:?}, got {other:?}"),
            }
        }
    }
}
