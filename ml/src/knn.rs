//! k-nearest-neighbours classification by brute force over the partitioned training rows.
//!
//! `fit` only stores the training rows and labels. `predict` broadcasts the query rows:
//! every worker takes its share of the training rows, finds for every query its `k`
//! nearest local rows, and the workers' candidate lists are all-gathered and merged into
//! the global `k` nearest, on which the neighbours vote. Distances are squared Euclidean
//! distances computed from the differences (`Σ (q_j − t_j)²`, not the faster
//! `‖q‖² − 2 q·t + ‖t‖²`), so equal distances are exactly equal and ties are decided by
//! the rule below, identically for any parallelism. Definitions follow scikit-learn's
//! `KNeighborsClassifier` with uniform weights and brute-force search.
//!
//! ```
//! use eddy_ml::{Estimator, Model, knn::KNeighborsClassifier};
//! use ndarray::array;
//! # fn main() -> eddy_ml::Result<()> {
//! let x = array![[0.0], [1.0], [3.0], [4.0], [10.0]];
//! let y = array![1.0, 1.0, 2.0, 2.0, 3.0];
//! let model = KNeighborsClassifier::new().k(3).parallelism(2).fit(x.view(), Some(y.view()))?;
//! assert_eq!(model.predict(array![[0.5], [4.5], [9.0]].view())?, array![1.0, 2.0, 2.0]);
//! # Ok(()) }
//! ```
//!
//! **Note**: ties are broken deterministically: among training rows at the same distance
//! the one with the smaller row index is nearer, and a vote tie goes to the smallest
//! label. scikit-learn's brute-force search does not promise an order for equal
//! distances (it uses an unstable partition), but in practice returns the same
//! neighbours; its vote (argmax of the class probabilities) takes the smallest label too.

use eddy_core::Worker;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::check;
use crate::estimator::check_features;
use crate::metrics::encode_labels;
use crate::preprocessing::statistics::check_finite;
use crate::{Error, Estimator, Model, Result, RowPartition};

/// A neighbour of a query: (global training row index, squared Euclidean distance).
pub type Neighbor = (usize, f64);

/// k-nearest-neighbours classifier (scikit-learn's `KNeighborsClassifier` with uniform
/// weights, Euclidean distance and brute-force search).
///
/// # Example
/// ```
/// use eddy_ml::{Estimator, knn::KNeighborsClassifier};
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[0.0, 0.0], [3.0, 4.0]];
/// let model = KNeighborsClassifier::new().k(1).fit(x.view(), Some(array![0.0, 1.0].view()))?;
/// let (distances, indices) = model.kneighbors(array![[3.0, 0.0]].view())?;
/// assert_eq!((distances[[0, 0]], indices[[0, 0]]), (3.0, 0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KNeighborsClassifier {
    k: usize,
    parallelism: Option<usize>,
}

impl Default for KNeighborsClassifier {
    fn default() -> Self {
        Self::new()
    }
}

impl KNeighborsClassifier {
    /// A classifier voting among the 5 nearest neighbours, predicting on one worker per
    /// core.
    pub fn new() -> Self {
        KNeighborsClassifier { k: 5, parallelism: None }
    }

    /// The number of neighbours that vote (`n_neighbors`, default 5).
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// The number of workers `predict` runs on (default: one per core, or
    /// `EDDY_PARALLELISM`).
    pub fn parallelism(mut self, workers: usize) -> Self {
        self.parallelism = Some(workers);
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`.
    pub fn validate(&self) -> Result<()> {
        check::at_least_one("k", self.k as u64)
    }
}

impl Estimator for KNeighborsClassifier {
    type Fitted = KNeighborsClassifierModel;

    /// Stores copies of the training rows `x` and labels `y`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`; [`Error::InvalidInput`] for a missing or
    /// mis-sized `y`, non-finite values, or fewer than `k` rows.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: Option<ArrayView1<'_, f64>>,
    ) -> Result<KNeighborsClassifierModel> {
        self.validate()?;
        let y =
            y.ok_or_else(|| Error::InvalidInput("KNeighborsClassifier needs the class labels y".into()))?;
        if y.len() != x.nrows() {
            return Err(Error::InvalidInput(format!("{} targets for {} rows", y.len(), x.nrows())));
        }
        check_finite(x, "training row")?;
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::InvalidInput(format!(
                "the target of row {i} is {} (targets must be finite)",
                y[i]
            )));
        }
        if x.nrows() < self.k {
            return Err(Error::InvalidInput(format!(
                "{} training rows for k = {} neighbours",
                x.nrows(),
                self.k
            )));
        }
        let y = y.mapv(|v| v + 0.0);
        let (classes, _) = encode_labels(y.view());
        Ok(KNeighborsClassifierModel {
            k: self.k,
            x: x.to_owned(),
            y,
            classes: Array1::from(classes),
            parallelism: self.parallelism,
        })
    }
}

/// Orders neighbours: nearer first, then smaller row index.
fn nearer(a: &Neighbor, b: &Neighbor) -> std::cmp::Ordering {
    a.1.total_cmp(&b.1).then(a.0.cmp(&b.0))
}

/// Keeps the `k` nearest of `candidates`, sorted nearest first.
fn keep_nearest(candidates: &mut Vec<Neighbor>, k: usize) {
    if candidates.len() > k {
        candidates.select_nth_unstable_by(k - 1, nearer);
        candidates.truncate(k);
    }
    candidates.sort_unstable_by(nearer);
}

/// The SPMD neighbour search: for every row of `queries` (every worker passes all of
/// them), the `k` training rows of `part` nearest to it, over all workers — the local `k`
/// nearest of each worker's rows, all-gathered and merged. Every worker returns the same
/// lists.
///
/// # Returns
/// One list per query of [`Neighbor`]s (global row index, squared distance), nearest first,
/// equal distances by row index; shorter than `k` only when there are fewer training rows.
///
/// # Errors
/// [`Error::FeatureMismatch`] when `queries` and the training rows differ in width; a
/// failed peer.
///
/// # Complexity
/// O(m·(n/P)·d) per worker for m queries, plus O(m·P·k·log(P·k)) for the merge; the
/// exchange carries m·k neighbours per worker.
pub fn kneighbors_partition(
    worker: &Worker,
    part: &RowPartition<'_>,
    queries: ArrayView2<'_, f64>,
    k: usize,
) -> Result<Vec<Vec<Neighbor>>> {
    check_features(&queries, part.features())?;
    let train = part.x();
    let mut buffer = Vec::with_capacity(train.nrows());
    let local: Vec<Vec<Neighbor>> = queries
        .outer_iter()
        .map(|q| {
            buffer.clear();
            buffer.extend(train.outer_iter().enumerate().map(|(i, t)| {
                let distance = q.iter().zip(&t).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
                (part.first_row() + i, distance)
            }));
            keep_nearest(&mut buffer, k);
            buffer.clone()
        })
        .collect();
    let mut merged = vec![Vec::new(); queries.nrows()];
    for lists in worker.all_gather(local)? {
        merged.iter_mut().zip(lists).for_each(|(all, list)| all.extend(list));
    }
    merged.iter_mut().for_each(|all| keep_nearest(all, k));
    Ok(merged)
}

/// A fitted [`KNeighborsClassifier`]: the training data itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KNeighborsClassifierModel {
    /// The number of neighbours that vote (`n_neighbors`).
    pub k: usize,
    /// The training rows (`_fit_X`).
    pub x: Array2<f64>,
    /// The training labels.
    pub y: Array1<f64>,
    /// The distinct labels, sorted (`classes_`).
    pub classes: Array1<f64>,
    /// The number of workers prediction runs on (`None`: one per core).
    pub parallelism: Option<usize>,
}

impl KNeighborsClassifierModel {
    /// The `k` nearest training rows of every query (scikit-learn's `kneighbors`), run on
    /// the local runtime.
    ///
    /// # Returns
    /// `(distances, indices)`, both `queries × k`, nearest first: Euclidean distances and
    /// training row indices; equal distances in row index order.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] for a different number of columns than fitted;
    /// [`Error::InvalidInput`] for a non-finite query value or an inconsistent model (`k`
    /// not in `1..=rows`, labels not one per row or not among `classes`); a runtime failure.
    pub fn kneighbors(&self, queries: ArrayView2<'_, f64>) -> Result<(Array2<f64>, Array2<usize>)> {
        let neighbors = self.search(queries)?;
        let distances = Array2::from_shape_fn((neighbors.len(), self.k), |(q, i)| neighbors[q][i].1.sqrt());
        let indices = Array2::from_shape_fn((neighbors.len(), self.k), |(q, i)| neighbors[q][i].0);
        Ok((distances, indices))
    }

    /// The fraction of the `k` neighbours of each query in each class, `queries ×
    /// classes` (columns in the order of `classes`; scikit-learn's `predict_proba`).
    ///
    /// # Errors
    /// As [`KNeighborsClassifierModel::kneighbors`].
    pub fn predict_proba(&self, queries: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(self.votes(queries)?.mapv_into(|v| v / self.k as f64))
    }

    /// The number of neighbours of each query in each class, `queries × classes`.
    fn votes(&self, queries: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let neighbors = self.search(queries)?;
        let classes = self.classes.to_vec();
        let class_of = |i: usize| {
            let label = self.y[i];
            classes.binary_search_by(|c| c.total_cmp(&label)).map_err(|_| {
                Error::InvalidInput(format!(
                    "the label {label} of training row {i} is not one of the model's classes"
                ))
            })
        };
        let mut votes = Array2::zeros((neighbors.len(), classes.len()));
        for (mut row, list) in votes.outer_iter_mut().zip(&neighbors) {
            for &(i, _) in list {
                row[class_of(i)?] += 1.0;
            }
        }
        Ok(votes)
    }

    /// Runs [`kneighbors_partition`] over the training rows.
    fn search(&self, queries: ArrayView2<'_, f64>) -> Result<Vec<Vec<Neighbor>>> {
        check_features(&queries, self.x.ncols())?;
        check_finite(queries, "query")?;
        let rows = self.x.nrows();
        if self.k == 0 || self.k > rows || self.y.len() != rows {
            return Err(Error::InvalidInput(format!(
                "a model of {rows} rows and {} labels cannot find k = {} neighbours",
                self.y.len(),
                self.k
            )));
        }
        crate::exec::run(self.parallelism, |worker| {
            let part = RowPartition::new(worker, self.x.view(), None)?;
            kneighbors_partition(worker, &part, queries, self.k)
        })
    }
}

impl Model for KNeighborsClassifierModel {
    /// The majority label among the `k` nearest training rows; on a tie, the smallest
    /// label.
    fn predict(&self, queries: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let votes = self.votes(queries)?;
        Ok(votes
            .outer_iter()
            .map(|row| {
                let best =
                    row.iter().enumerate().fold(0, |best, (c, &v)| if v > row[best] { c } else { best });
                self.classes[best]
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Axis, array};

    use super::*;
    use crate::preprocessing::tests::generated;
    use crate::{load_model, save_model};

    fn line() -> KNeighborsClassifierModel {
        let x = array![[0.0], [1.0], [3.0], [4.0], [10.0]];
        let y = array![1.0, 1.0, 2.0, 2.0, 3.0];
        KNeighborsClassifier::new().k(3).parallelism(2).fit(x.view(), Some(y.view())).expect("valid")
    }

    #[test]
    fn small_example_by_hand() -> Result<()> {
        let model = line();
        // Query 2: rows 1 and 2 at distance 1, then rows 0 and 3 tie at 2 → row 0 (smaller
        // index): labels 1, 2, 1. Query 4.5: rows 3, 2, 1 → 2, 2, 1. Query 9: rows 4, 3, 2.
        let queries = array![[2.0], [4.5], [9.0]];
        let (distances, indices) = model.kneighbors(queries.view())?;
        assert_eq!(indices, array![[1, 2, 0], [3, 2, 1], [4, 3, 2]]);
        assert_eq!(distances, array![[1.0, 1.0, 2.0], [0.5, 1.5, 3.5], [1.0, 5.0, 6.0]]);
        assert_eq!(model.predict(queries.view())?, array![1.0, 2.0, 2.0]);
        assert_eq!(model.predict_proba(array![[9.0]].view())?, array![[0.0, 2.0 / 3.0, 1.0 / 3.0]]);
        Ok(())
    }

    #[test]
    fn vote_ties_go_to_the_smallest_label() -> Result<()> {
        let mut model = line();
        model.k = 2;
        assert_eq!(model.predict(array![[2.0]].view())?, array![1.0]);
        model.k = 4;
        assert_eq!(model.predict(array![[2.0]].view())?, array![1.0]);
        Ok(())
    }

    #[test]
    fn errors() {
        let x = array![[0.0], [1.0]];
        let y = array![0.0, 1.0];
        let fit =
            |k: usize, y: Option<ArrayView1<'_, f64>>| KNeighborsClassifier::new().k(k).fit(x.view(), y);
        assert!(matches!(fit(0, Some(y.view())), Err(Error::InvalidParameter { name: "k", .. })));
        assert!(matches!(fit(3, Some(y.view())), Err(Error::InvalidInput(_))));
        assert!(matches!(fit(1, None), Err(Error::InvalidInput(_))));
        assert!(matches!(fit(1, Some(array![0.0].view())), Err(Error::InvalidInput(_))));
        let model = fit(1, Some(y.view())).expect("valid");
        assert!(matches!(model.predict(array![[0.0, 1.0]].view()), Err(Error::FeatureMismatch { .. })));
        assert!(matches!(model.predict(array![[f64::NAN]].view()), Err(Error::InvalidInput(_))));
    }

    /// The k nearest rows of one query by sorting all of them.
    fn reference(x: ArrayView2<'_, f64>, q: ArrayView1<'_, f64>, k: usize) -> Vec<usize> {
        let mut all: Vec<Neighbor> =
            x.outer_iter().enumerate().map(|(i, t)| (i, (&q - &t).mapv(|d| d * d).sum())).collect();
        all.sort_by(nearer);
        all.into_iter().take(k).map(|(i, _)| i).collect()
    }

    #[test]
    fn oracle_for_any_parallelism_with_many_ties() -> Result<()> {
        // Coarse grid values: thousands of exactly equal distances across worker borders.
        let x = generated(3000, 2, 8).mapv(|v| (v / 4.0).round());
        let y = x.map_axis(Axis(1), |row| (row.sum() as i64).rem_euclid(3) as f64);
        let queries = generated(40, 2, 9).mapv(|v| (v / 4.0).round());
        let mut expected = None;
        for p in 1..=4 {
            let model = KNeighborsClassifier::new().k(7).parallelism(p).fit(x.view(), Some(y.view()))?;
            let (_, indices) = model.kneighbors(queries.view())?;
            for (q, row) in queries.outer_iter().zip(indices.outer_iter()) {
                assert_eq!(row.to_vec(), reference(x.view(), q, 7), "P = {p}");
            }
            let predicted = model.predict(queries.view())?;
            assert_eq!(expected.get_or_insert_with(|| predicted.clone()), &predicted, "P = {p}");
        }
        Ok(())
    }

    #[test]
    fn save_and_load() -> Result<()> {
        let x = generated(200, 3, 2);
        let y = x.column(0).mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
        let model = KNeighborsClassifier::new().parallelism(2).fit(x.view(), Some(y.view()))?;
        let path = std::env::temp_dir().join(format!("eddy-ml-knn-{}.json", std::process::id()));
        save_model(&model, &path)?;
        let loaded: KNeighborsClassifierModel = load_model(&path)?;
        std::fs::remove_file(&path).ok();
        assert_eq!(loaded, model);
        let queries = generated(30, 3, 3);
        assert_eq!(loaded.predict(queries.view())?, model.predict(queries.view())?);
        Ok(())
    }
}
