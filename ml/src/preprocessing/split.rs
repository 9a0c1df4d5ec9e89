//! Seeded train/test splits of row indices, plain and stratified.

use ndarray::{Array, ArrayView, ArrayView1, Axis, RemoveAxis};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use crate::metrics::encode_labels;
use crate::{Error, Result};

/// Splits the rows `0..n_rows` at random into a train and a test set, as scikit-learn's
/// `train_test_split` / `ShuffleSplit`: the test set has `ceil(test_fraction · n_rows)`
/// rows, the train set the others. The rows are shuffled by a Fisher–Yates shuffle driven
/// by `Xoshiro256PlusPlus::seed_from_u64(seed)`; the first rows of the permutation are the
/// test set. The same seed gives the same split on every platform (not scikit-learn's
/// split: the generators differ).
///
/// # Returns
/// `(train, test)`: row indices, each list sorted.
///
/// # Errors
/// [`Error::InvalidParameter`] unless `0 < test_fraction < 1`; [`Error::InvalidInput`]
/// when the train or the test set would be empty.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// use eddy_ml::preprocessing::train_test_split;
/// # fn main() -> eddy_ml::Result<()> {
/// let (train, test) = train_test_split(10, 0.25, 42)?;
/// assert_eq!((train.len(), test.len()), (7, 3));
/// assert_eq!(train_test_split(10, 0.25, 42)?, (train, test));
/// # Ok(()) }
/// ```
pub fn train_test_split(n_rows: usize, test_fraction: f64, seed: u64) -> Result<(Vec<usize>, Vec<usize>)> {
    let test_rows = test_size(n_rows, test_fraction)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut permutation: Vec<usize> = (0..n_rows).collect();
    shuffle(&mut permutation, &mut rng);
    let (test, train) = permutation.split_at_mut(test_rows);
    test.sort_unstable();
    train.sort_unstable();
    Ok((train.to_vec(), test.to_vec()))
}

/// Splits rows at random into a train and a test set that keep the class proportions of
/// `labels`, as scikit-learn's `StratifiedShuffleSplit`: the test set has
/// `ceil(test_fraction · n)` rows; the train rows are allotted to the classes in
/// proportion to their sizes, rounded down, the rows left over going to the classes with
/// the largest remainders (ties to the smaller label, where scikit-learn draws at random);
/// every other row of a class is a test row. Within each class, in label order, a
/// Fisher–Yates shuffle (seeded as in [`train_test_split`]) picks the train rows first.
///
/// # Returns
/// `(train, test)`: row indices, each list sorted.
///
/// # Errors
/// [`Error::InvalidParameter`] unless `0 < test_fraction < 1`; [`Error::InvalidInput`]
/// for a non-finite label, a class with a single row, or a train or test set smaller than
/// the number of classes.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// use eddy_ml::preprocessing::stratified_split;
/// # fn main() -> eddy_ml::Result<()> {
/// let labels = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
/// let (train, test) = stratified_split(&labels, 0.5, 7)?;
/// assert_eq!(test.iter().filter(|&&i| labels[i] == 1.0).count(), 2);
/// assert_eq!(train.len() + test.len(), 10);
/// # Ok(()) }
/// ```
pub fn stratified_split<'a>(
    labels: impl Into<ArrayView1<'a, f64>>,
    test_fraction: f64,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let labels = labels.into();
    if let Some(i) = labels.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidInput(format!("label {i} is not a finite number")));
    }
    let n = labels.len();
    let test_rows = test_size(n, test_fraction)?;
    let (classes, codes) = encode_labels(labels);
    let mut members = vec![Vec::new(); classes.len()];
    codes.iter().enumerate().for_each(|(row, &c)| members[c].push(row));
    if let Some(c) = members.iter().position(|m| m.len() < 2) {
        return Err(Error::InvalidInput(format!(
            "class {} has a single row; stratification needs two",
            classes[c]
        )));
    }
    let train_rows = n - test_rows;
    if test_rows < classes.len() || train_rows < classes.len() {
        return Err(Error::InvalidInput(format!(
            "{train_rows} train and {test_rows} test rows cannot hold all {} classes",
            classes.len()
        )));
    }
    // Largest remainders, with exact integer arithmetic: class c gets ⌊size·train/n⌋ rows,
    // the rest go by decreasing (size·train mod n).
    let mut train_counts: Vec<usize> = members.iter().map(|m| m.len() * train_rows / n).collect();
    let mut by_remainder: Vec<usize> = (0..classes.len()).collect();
    by_remainder.sort_by_key(|&c| std::cmp::Reverse(members[c].len() * train_rows % n));
    let left = train_rows - train_counts.iter().sum::<usize>();
    by_remainder.iter().take(left).for_each(|&c| train_counts[c] += 1);

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::with_capacity(train_rows), Vec::with_capacity(test_rows));
    for (mut rows, take) in members.into_iter().zip(train_counts) {
        shuffle(&mut rows, &mut rng);
        train.extend_from_slice(&rows[..take]);
        test.extend_from_slice(&rows[take..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((train, test))
}

/// The rows (the entries along axis 0) of `x` with the given indices, in that order: the
/// rows of a split of a matrix (`ArrayView2`) or of its targets (`ArrayView1`).
///
/// # Errors
/// [`Error::InvalidInput`] for an index past the last row.
///
/// # Example
/// ```
/// use eddy_ml::preprocessing::select_rows;
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// assert_eq!(select_rows(x.view(), &[2, 0])?, array![[5.0, 6.0], [1.0, 2.0]]);
/// assert_eq!(select_rows(array![7.0, 8.0].view(), &[1])?, array![8.0]);
/// # Ok(()) }
/// ```
pub fn select_rows<D: RemoveAxis>(x: ArrayView<'_, f64, D>, indices: &[usize]) -> Result<Array<f64, D>> {
    let rows = x.len_of(Axis(0));
    if let Some(i) = indices.iter().find(|&&i| i >= rows) {
        return Err(Error::InvalidInput(format!("row {i} selected from {rows} rows")));
    }
    Ok(x.select(Axis(0), indices))
}

/// The test set size `ceil(test_fraction · n)`, checked to leave both sets non-empty.
fn test_size(n: usize, test_fraction: f64) -> Result<usize> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::InvalidParameter {
            name: "test_fraction",
            reason: format!("{test_fraction} is not strictly between 0 and 1"),
        });
    }
    let test = (test_fraction * n as f64).ceil() as usize;
    if test == 0 || test >= n {
        return Err(Error::InvalidInput(format!(
            "a test fraction of {test_fraction} of {n} rows leaves the train or the test set empty"
        )));
    }
    Ok(test)
}

/// Fisher–Yates: every permutation of `items` equally likely.
fn shuffle<T>(items: &mut [T], rng: &mut impl Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, uniform_below(rng, i as u64 + 1) as usize);
    }
}

/// A uniform integer in `0..bound` (`bound > 0`), by Lemire's multiply-and-reject method.
fn uniform_below(rng: &mut impl Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(bound);
        if product as u64 >= threshold {
            return (product >> 64) as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn plain_split_partitions_the_rows() -> Result<()> {
        let (train, test) = train_test_split(101, 0.2, 3)?;
        assert_eq!(test.len(), 21, "ceil(0.2 · 101)");
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..101).collect::<Vec<_>>());
        assert!(train.is_sorted() && test.is_sorted());
        assert_ne!(train_test_split(101, 0.2, 4)?, (train, test), "another seed, another split");
        Ok(())
    }

    #[test]
    fn split_errors() {
        for fraction in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(matches!(train_test_split(10, fraction, 0), Err(Error::InvalidParameter { .. })));
        }
        assert!(matches!(train_test_split(0, 0.5, 0), Err(Error::InvalidInput(_))));
        assert!(matches!(train_test_split(1, 0.5, 0), Err(Error::InvalidInput(_))));
        assert!(matches!(stratified_split(&[0.0, 0.0, 1.0], 0.5, 0), Err(Error::InvalidInput(_))));
        assert!(matches!(
            stratified_split(&[0.0, 0.0, 1.0, 1.0, 2.0, 2.0], 0.2, 0),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn stratified_split_keeps_proportions() -> Result<()> {
        // Sizes 10, 6, 4 (n = 20); 0.3 → 6 test, 14 train: train shares 7, 4.2, 2.8 →
        // floors 7, 4, 2 and the one row left goes to the largest remainder (class 2).
        let labels: Vec<f64> =
            (0..20).map(|i| [0.0, 1.0, 2.0][usize::from(i >= 10) + usize::from(i >= 16)]).collect();
        let (train, test) = stratified_split(&labels, 0.3, 9)?;
        let count = |rows: &[usize], class: f64| rows.iter().filter(|&&i| labels[i] == class).count();
        assert_eq!([count(&train, 0.0), count(&train, 1.0), count(&train, 2.0)], [7, 4, 3]);
        assert_eq!([count(&test, 0.0), count(&test, 1.0), count(&test, 2.0)], [3, 2, 1]);
        assert_eq!(stratified_split(&labels, 0.3, 9)?, (train, test));
        Ok(())
    }

    #[test]
    fn select_rows_checks_bounds() {
        let x = array![[1.0], [2.0]];
        assert_eq!(select_rows(x.view(), &[1, 1]).ok(), Some(array![[2.0], [2.0]]));
        assert!(matches!(select_rows(x.view(), &[2]), Err(Error::InvalidInput(_))));
    }

    #[test]
    fn uniform_below_covers_its_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut seen = [0usize; 3];
        (0..3000).for_each(|_| seen[uniform_below(&mut rng, 3) as usize] += 1);
        assert!(seen.iter().all(|&s| (900..1100).contains(&s)), "{seen:?}");
    }
}
