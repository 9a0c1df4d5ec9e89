//! k-means clustering: Lloyd's algorithm as a bulk iteration, with `random`, `k-means++`
//! and `k-means||` initialisation or given centroids.
//!
//! Each superstep assigns every row to its nearest centroid — distances blockwise, as a
//! matrix product `‖c‖² − 2 x·cᵀ` over chunks of rows, like scikit-learn — and sums the
//! rows of each cluster per block; the block sums are reduced in block order and divided
//! by the counts into the next centroids, which every worker holds. The result is bit for
//! bit the same for every parallelism.
//!
//! Semantics follow scikit-learn's `KMeans(algorithm="lloyd")`:
//! - **Convergence**: the iteration stops after the superstep in which no row changed its
//!   cluster, or when the sum over centroids of the squared centroid shift is at most
//!   `tolerance × mean(var(X, axis=0))` (`tolerance` is relative to the data's variance;
//!   `0` means "until no centroid moves"), or after `max_iterations` supersteps.
//! - **Result**: the centroids after the last update; `inertia` is the sum of squared
//!   distances of the rows to their nearest final centroid, and the labels are the
//!   assignment to the final centroids.
//! - **Empty clusters**: a cluster that receives no row is moved to the row farthest
//!   from its assigned (old) centroid — the farthest rows go to the empty clusters in
//!   cluster order, ties broken by the smaller row index — and that row is removed from
//!   its old cluster's mean, as scikit-learn does.

mod init;
mod kernel;

use std::str::FromStr;

use eddy_core::{Count, Iteration, Sum, Worker};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::check;
use crate::estimator::check_features;
use crate::partition::RowPartition;
use crate::preprocessing::statistics::ColumnMoments;
use crate::{Error, Estimator, Model, Result, Transformer, exec};
use kernel::Centers;

/// How the initial centroids are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Init {
    /// `k` distinct rows drawn uniformly.
    #[serde(rename = "random")]
    Random,
    /// Greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's variant with
    /// `2 + ⌊ln k⌋` candidates per centroid): each next centroid is the best of a few
    /// rows sampled with probability proportional to the squared distance to the
    /// centroids chosen so far.
    #[serde(rename = "k-means++")]
    KMeansPlusPlus,
    /// Scalable k-means++ (Bahmani et al., "k-means||"): a few rounds that each sample
    /// about `2k` rows at once with probability proportional to their squared distance,
    /// then weighted k-means++ on the sampled candidates. One pass per round instead of
    /// one per centroid.
    #[serde(rename = "k-means||")]
    KMeansParallel,
    /// These centroids (`k` rows).
    #[serde(rename = "centroids")]
    Centroids(Array2<f64>),
}

/// `random`, `k-means++`, `k-means||` or `centroids` (the names `FromStr` parses).
impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Init::Random => "random",
            Init::KMeansPlusPlus => "k-means++",
            Init::KMeansParallel => "k-means||",
            Init::Centroids(_) => "centroids",
        })
    }
}

impl FromStr for Init {
    type Err = Error;

    /// Parses `random`, `k-means++` or `k-means||` (also `kmeans++`, `kmeans||`).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "random" => Ok(Init::Random),
            "k-means++" | "kmeans++" => Ok(Init::KMeansPlusPlus),
            "k-means||" | "kmeans||" => Ok(Init::KMeansParallel),
            other => Err(Error::InvalidParameter {
                name: "init",
                reason: format!("{other:?} is not one of random, k-means++, k-means||"),
            }),
        }
    }
}

/// The k-means estimator (its parameters; [`Estimator::fit`] trains).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KMeans {
    /// The number of clusters.
    pub k: usize,
    /// How the initial centroids are chosen (default k-means++).
    pub init: Init,
    /// The maximum number of Lloyd iterations (default 300).
    pub max_iterations: u32,
    /// Convergence threshold on the squared centroid shift, relative to the mean feature
    /// variance (default 1e-4, as scikit-learn).
    pub tolerance: f64,
    /// Seed of the initialisation (default 0).
    pub seed: u64,
    /// k-means|| rounds (default 5).
    pub init_rounds: u32,
    /// Initialisations tried (seeds `seed`, `seed + 1`, …); the run with the lowest
    /// inertia wins (ties: the first). Given centroids run once. Default 1.
    pub n_init: u32,
    /// Workers; `None` = one per core (or `EDDY_PARALLELISM`).
    pub parallelism: Option<usize>,
}

/// scikit-learn's defaults: 8 clusters, k-means++, 300 iterations, tolerance 1e-4.
impl Default for KMeans {
    fn default() -> Self {
        KMeans::new(8)
    }
}

impl KMeans {
    /// k-means with `k` clusters and the defaults.
    pub fn new(k: usize) -> Self {
        KMeans {
            k,
            init: Init::KMeansPlusPlus,
            max_iterations: 300,
            tolerance: 1e-4,
            seed: 0,
            init_rounds: 5,
            n_init: 1,
            parallelism: None,
        }
    }

    /// Sets the initialisation.
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Starts from these centroids (one per row).
    pub fn init_centroids(mut self, centroids: Array2<f64>) -> Self {
        self.k = centroids.nrows();
        self.init = Init::Centroids(centroids);
        self
    }

    /// Sets the number of initialisations to try.
    pub fn n_init(mut self, n: u32) -> Self {
        self.n_init = n;
        self
    }

    /// Sets the maximum number of iterations.
    pub fn max_iterations(mut self, n: u32) -> Self {
        self.max_iterations = n;
        self
    }

    /// Sets the relative tolerance (0 = until no centroid moves).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of workers.
    pub fn parallelism(mut self, parallelism: usize) -> Self {
        self.parallelism = Some(parallelism);
        self
    }

    /// Checks the parameters against data of `rows × features`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] / [`Error::InvalidInput`] naming the problem.
    pub fn validate(&self, rows: usize, features: usize) -> Result<()> {
        check::at_least_one("k", self.k as u64)?;
        check::at_least_one("max_iterations", u64::from(self.max_iterations))?;
        check::non_negative("tolerance", self.tolerance)?;
        check::at_least_one("init_rounds", u64::from(self.init_rounds))?;
        check::at_least_one("n_init", u64::from(self.n_init))?;
        check::parallelism(self.parallelism)?;
        if features == 0 {
            return Err(Error::InvalidInput("the data has no feature columns".into()));
        }
        if self.k > rows {
            return Err(Error::InvalidInput(format!("k = {} exceeds the number of points ({rows})", self.k)));
        }
        if let Init::Centroids(c) = &self.init {
            if c.dim() != (self.k, features) {
                return Err(Error::InvalidInput(format!(
                    "the initial centroids are {}×{}, expected k×features = {}×{features}",
                    c.nrows(),
                    c.ncols(),
                    self.k
                )));
            }
            if c.iter().any(|v| !v.is_finite()) {
                return Err(Error::InvalidInput(
                    "the initial centroids contain a NaN or infinite value".into(),
                ));
            }
        }
        Ok(())
    }

    /// Fits and also returns the label (cluster index) of every row.
    ///
    /// # Errors
    /// As [`Estimator::fit`].
    pub fn fit_labels(&self, x: ArrayView2<'_, f64>) -> Result<(KMeansModel, Vec<u32>)> {
        self.validate(x.nrows(), x.ncols())?;
        let fits =
            exec::fit_rows_all(self.parallelism, x, None, |worker, part| fit_partition(worker, part, self))?;
        let model = fits[0].model.clone();
        Ok((model, fits.into_iter().flat_map(|f| f.labels).collect()))
    }
}

impl Estimator for KMeans {
    type Fitted = KMeansModel;

    fn fit(&self, x: ArrayView2<'_, f64>, _y: Option<ArrayView1<'_, f64>>) -> Result<KMeansModel> {
        self.fit_labels(x).map(|(model, _)| model)
    }
}

/// A fitted k-means model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansModel {
    /// One centroid per row.
    pub centroids: Array2<f64>,
    /// Sum of squared distances of the training rows to their nearest centroid.
    pub inertia: f64,
    /// Lloyd iterations run.
    pub iterations: u32,
    /// True if it stopped before `max_iterations` (labels stable or shift ≤ tolerance).
    pub converged: bool,
}

impl KMeansModel {
    /// The index of the nearest centroid of every row (ties: the smaller index).
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`].
    pub fn predict_labels(&self, x: ArrayView2<'_, f64>) -> Result<Vec<u32>> {
        check_features(&x, self.centroids.ncols())?;
        let centers = Centers::new(self.centroids.clone());
        let x = x.as_standard_layout();
        let mut labels = vec![u32::MAX; x.nrows()];
        kernel::assign(x.view(), &centers, &mut labels, None, None);
        Ok(labels)
    }
}

impl Model for KMeansModel {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        Ok(self.predict_labels(x)?.into_iter().map(f64::from).collect())
    }
}

impl Transformer for KMeansModel {
    /// The Euclidean distance of every row to every centroid (`rows × k`).
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_features(&x, self.centroids.ncols())?;
        let mut out = Array2::zeros((x.nrows(), self.centroids.nrows()));
        for (row, mut distances) in x.outer_iter().zip(out.outer_iter_mut()) {
            for (c, d) in self.centroids.outer_iter().zip(distances.iter_mut()) {
                *d = kernel::squared_distance(row, c).sqrt();
            }
        }
        Ok(out)
    }
}

/// What [`fit_partition`] returns on each worker.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    /// The model (the same on every worker).
    pub model: KMeansModel,
    /// The cluster of each of this worker's rows, in row order.
    pub labels: Vec<u32>,
}

/// The k-means job on one worker (SPMD: every worker calls it with its partition).
///
/// The per-superstep metrics carry three aggregates: the inertia with respect to the
/// centroids the superstep started from, the total squared centroid shift, and the number
/// of rows that changed cluster.
///
/// # Errors
/// Invalid parameters (see [`KMeans::validate`]) or a failed peer.
pub fn fit_partition(worker: &Worker, part: &RowPartition<'_>, params: &KMeans) -> Result<KMeansFit> {
    params.validate(part.total_rows(), part.features())?;
    let tolerance =
        if params.tolerance > 0.0 { params.tolerance * mean_variance(worker, part)? } else { 0.0 };
    let row_norms: Vec<f64> = part.x().outer_iter().map(|r| r.dot(&r)).collect();
    let runs = if matches!(params.init, Init::Centroids(_)) { 1 } else { params.n_init };
    let mut best: Option<KMeansFit> = None;
    for run in 0..runs {
        let seed = params.seed.wrapping_add(u64::from(run));
        let initial = init::initial_centroids(worker, part, &KMeans { seed, ..params.clone() })?;
        let fit = lloyd(worker, part, params, initial, tolerance, &row_norms)?;
        // The inertia is global, so every worker keeps the same run.
        if best.as_ref().is_none_or(|b| fit.model.inertia < b.model.inertia) {
            best = Some(fit);
        }
    }
    best.ok_or_else(|| Error::InvalidParameter { name: "n_init", reason: "must be at least 1".into() })
}

/// Lloyd's iterations from `initial`.
fn lloyd(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &KMeans,
    initial: Array2<f64>,
    tolerance: f64,
    row_norms: &[f64],
) -> Result<KMeansFit> {
    let labels = vec![u32::MAX; part.x().nrows()];
    type Aggregate = (Sum<f64>, Sum<f64>, Count);
    let iteration = Iteration::new(params.max_iterations)
        .aggregate::<Aggregate>()
        .converge_when(move |(_, shift, changed)| changed.get() == 0 || shift.get() <= tolerance);
    let start = worker.from_partition(vec![initial.into_raw_vec_and_offset().0]);
    // The labels are state: a superstep counts the rows whose label changed.
    let (result, mut labels, summary) =
        iteration.bulk_with_state(start, labels, |step, labels, centroids| {
            let old = to_centroids(centroids.collect_partition(), part.features())?;
            let (next, inertia, changed) = lloyd_step(worker, part, old.clone(), labels, row_norms)?;
            let shift = (&next - &old).mapv(|v| v * v).sum();
            // Global values enter the aggregate once (from worker 0) and stay exact.
            let global = if worker.index() == 0 { (inertia, shift) } else { (0.0, 0.0) };
            step.aggregate(|(i, s, c): &mut Aggregate| {
                i.add(global.0);
                s.add(global.1);
                c.add(changed);
            });
            Ok(worker.from_partition(vec![next.into_raw_vec_and_offset().0]))
        })?;
    let centroids = to_centroids(result.collect_partition(), part.features())?;
    // The labels and the exact inertia of the final centroids (after a last update that
    // changed no label, the labels are already theirs; the pass confirms them).
    let centers = Centers::new(centroids.clone());
    let local: Vec<f64> = part
        .local_blocks()
        .map(|(_, rows)| kernel::assign(part.rows_of_block(&rows), &centers, &mut labels[rows], None, None).0)
        .collect();
    let inertia = part.reduce_blocks(worker, local, |a, b| *a += *b)?.unwrap_or(0.0);
    let model =
        KMeansModel { centroids, inertia, iterations: summary.supersteps, converged: summary.converged };
    Ok(KMeansFit { model, labels })
}

fn to_centroids(mut records: Vec<Vec<f64>>, features: usize) -> Result<Array2<f64>> {
    let flat =
        records.pop().ok_or_else(|| Error::Runtime(eddy_core::Error::Internal("lost centroids".into())))?;
    let k = flat.len() / features;
    Array2::from_shape_vec((k, features), flat)
        .map_err(|e| Error::Runtime(eddy_core::Error::Internal(e.to_string())))
}

/// Per-block partial of a Lloyd step.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Partial {
    sums: Vec<f64>,
    counts: Vec<u64>,
    inertia: f64,
}

impl Partial {
    fn merge(&mut self, other: &Partial) {
        self.sums.iter_mut().zip(&other.sums).for_each(|(a, b)| *a += b);
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a += b);
        self.inertia += other.inertia;
    }
}

/// One Lloyd step: assign to `old`, average. Returns the new centroids, the inertia with
/// respect to `old` (expanded form, for metrics), and how many of this worker's rows changed cluster.
fn lloyd_step(
    worker: &Worker,
    part: &RowPartition<'_>,
    old: Array2<f64>,
    labels: &mut [u32],
    row_norms: &[f64],
) -> Result<(Array2<f64>, f64, u64)> {
    let (k, d) = old.dim();
    let centers = Centers::new(old);
    let mut changed = 0;
    let local: Vec<Partial> = part
        .local_blocks()
        .map(|(_, rows)| {
            let mut partial = Partial { sums: vec![0.0; k * d], counts: vec![0; k], inertia: 0.0 };
            let block = part.rows_of_block(&rows);
            let (inertia, moved) = kernel::assign(
                block,
                &centers,
                &mut labels[rows.clone()],
                Some(&row_norms[rows]),
                Some(&mut partial),
            );
            partial.inertia = inertia;
            changed += moved;
            partial
        })
        .collect();
    let mut total = part
        .reduce_blocks(worker, local, Partial::merge)?
        .ok_or_else(|| Error::InvalidInput("k-means needs at least one row".into()))?;
    if total.counts.contains(&0) {
        relocate_empty(worker, part, &centers, labels, &mut total)?;
    }
    let mut next = Array2::from_shape_vec((k, d), total.sums)
        .map_err(|e| Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
    for (mut row, &count) in next.outer_iter_mut().zip(&total.counts) {
        let count = count as f64;
        row.mapv_inplace(|v| v / count);
    }
    Ok((next, total.inertia, changed))
}

/// Moves each empty cluster to one of the rows farthest from their assigned centroid (see
/// the module doc), adjusting the sums and counts of `total`.
fn relocate_empty(
    worker: &Worker,
    part: &RowPartition<'_>,
    centers: &Centers,
    labels: &[u32],
    total: &mut Partial,
) -> Result<()> {
    let empty: Vec<usize> = (0..total.counts.len()).filter(|&j| total.counts[j] == 0).collect();
    let x = part.x();
    let mut local: Vec<(f64, usize, u32)> = x
        .outer_iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (row, &label))| {
            (kernel::squared_distance(row, centers.row(label as usize)), part.first_row() + i, label)
        })
        .collect();
    let farthest_first =
        |a: &(f64, usize, u32), b: &(f64, usize, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    local.sort_unstable_by(farthest_first);
    local.truncate(empty.len());
    let mine: Vec<(f64, usize, u32, Vec<f64>)> = local
        .into_iter()
        .map(|(dist, i, label)| (dist, i, label, x.row(i - part.first_row()).to_vec()))
        .collect();
    let mut candidates: Vec<_> = worker.all_gather(mine)?.into_iter().flatten().collect();
    candidates.sort_unstable_by(|a, b| farthest_first(&(a.0, a.1, a.2), &(b.0, b.1, b.2)));
    let d = x.ncols();
    for (&cluster, (_, _, old, row)) in empty.iter().zip(candidates) {
        let old = old as usize;
        for (f, v) in row.iter().enumerate() {
            total.sums[old * d + f] -= v;
            total.sums[cluster * d + f] = *v;
        }
        total.counts[old] -= 1;
        total.counts[cluster] = 1;
    }
    Ok(())
}

/// `mean(var(X, axis=0))` (population variances), one pass of per-block moments merged
/// in block order.
fn mean_variance(worker: &Worker, part: &RowPartition<'_>) -> Result<f64> {
    let moments = part.fold_blocks(worker, |x, _| ColumnMoments::of_block(x), ColumnMoments::merge)?;
    Ok(moments.variance().mean().unwrap_or(0.0))
}

#[cfg(test)]
mod tests;
