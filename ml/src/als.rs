//! Alternating least squares (ALS) matrix factorisation of explicit `(user, item, rating)`
//! feedback, as a bulk iteration over ratings partitioned by user and by item.
//!
//! **What.** ALS finds a `rank`-dimensional factor `x_u` per user and `y_i` per item that
//! minimise the ALS-WR objective of Zhou et al. (2008), the weighting Spark MLlib uses:
//!
//! ```text
//! Σ_(u,i) (r_ui − x_u·y_i)²  +  λ (Σ_u n_u ‖x_u‖² + Σ_i n_i ‖y_i‖²)
//! ```
//!
//! where `n_u` / `n_i` count the ratings of user `u` / item `i`, so that λ does not need
//! re-tuning when the data grows. It alternates: with the item factors fixed, each user's
//! factor is the solution of the `rank × rank` normal equations
//! `(Σ_i y_i y_iᵀ + λ n_u I) x_u = Σ_i r_ui y_i`, solved by Cholesky; then the same for
//! items with the new user factors. Each half-step can only lower the objective.
//!
//! **Partitioning.** User `u`'s factor lives on worker `partition_of(u, P)`, item `i`'s on
//! `partition_of(i, P)` ([`eddy_core::hash::partition_of`]). Before the iteration the
//! ratings are shuffled once into two copies — by user onto the user's owner, sorted by
//! `(user, item, rating)`, and by item onto the item's owner, sorted by `(item, user,
//! rating)` — and each worker learns, in one more exchange, which of its item (user)
//! factors every other worker needs: the in- and out-blocks of Spark's blocked ALS.
//!
//! **One superstep** (one bulk-iteration superstep per ALS iteration) exchanges:
//! 1. item factors, item owner → user owner: each factor once to every worker that owns
//!    a user who rated the item (`rank` floats each, no ids);
//! 2. after the user solves, user factors, user owner → item owner, likewise;
//! 3. after the item solves, one squared-error sum per item to worker 0 (id + float),
//!    which adds them in item-id order: the training RMSE after the iteration, reported
//!    as the superstep's aggregate (its `values()` are `[rmse]`, what progress bars show);
//! 4. the superstep barrier.
//!
//! Every sum runs over one id's ratings in sorted order on the id's owner, and the initial
//! item factors are a hash of `(seed, id, k)` (uniform in `[0, 1/√rank)`), so the model,
//! the RMSE history and the stopping superstep are bit for bit the same for every
//! parallelism. At the end every worker gathers all factors: [`fit_partition`] returns
//! the whole model on every worker (fine for models that fit in one process).
//!
//! **Note**: explicit feedback only — there is no implicit-feedback (confidence-weighted,
//! Hu–Koren–Volinsky) mode; missing pairs are unknown, not zero. A model knows only the
//! users and items seen in training: predictions for other ids are `None` (NaN through
//! [`Model`]). With `λ = 0` a user with fewer ratings than `rank` has a singular system;
//! the solve then adds a tiny ridge (`1e-10 ×` the mean diagonal) rather than fail.

mod block;
mod cholesky;

use eddy_core::hash::partition_of;
use eddy_core::{Aggregator, Iteration, Worker};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::check;
use crate::estimator::check_features;
use crate::{Error, Estimator, Model, Result, exec};
use block::{Block, link};

/// The ALS estimator (its parameters): explicit-feedback matrix factorisation.
///
/// Train with [`Als::fit_ratings`] on `(user, item, rating)` triples, or through
/// [`Estimator::fit`] with an `n × 2` id matrix; inside a job, call [`fit_partition`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Als {
    /// The number of latent factors per user and item (default 10).
    pub rank: usize,
    /// The regularisation λ, multiplied by each id's number of ratings (ALS-WR; default 0.1).
    pub regularization: f64,
    /// The maximum number of iterations; one iteration updates users, then items (default 10).
    pub max_iterations: u32,
    /// Stop when the training RMSE improves by less than this between two iterations
    /// (default 0: run `max_iterations`).
    pub tolerance: f64,
    /// Seed of the initial item factors (default 0).
    pub seed: u64,
    /// Workers; `None` = one per core (or `EDDY_PARALLELISM`).
    pub parallelism: Option<usize>,
}

impl Default for Als {
    fn default() -> Self {
        Als { rank: 10, regularization: 0.1, max_iterations: 10, tolerance: 0.0, seed: 0, parallelism: None }
    }
}

impl Als {
    /// ALS with the defaults (rank 10, λ = 0.1, 10 iterations).
    pub fn new() -> Self {
        Als::default()
    }

    /// Sets the rank (factors per user and item).
    pub fn rank(mut self, rank: usize) -> Self {
        self.rank = rank;
        self
    }

    /// Sets the regularisation λ.
    pub fn regularization(mut self, lambda: f64) -> Self {
        self.regularization = lambda;
        self
    }

    /// Sets the maximum number of iterations.
    pub fn max_iterations(mut self, n: u32) -> Self {
        self.max_iterations = n;
        self
    }

    /// Sets the RMSE-improvement tolerance (0 = run all iterations).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the seed of the initial factors.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of workers.
    pub fn parallelism(mut self, parallelism: usize) -> Self {
        self.parallelism = Some(parallelism);
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the parameter: `rank` 0, `regularization`
    /// negative or not finite, `max_iterations` 0, `tolerance` negative or not finite,
    /// `parallelism` 0.
    pub fn validate(&self) -> Result<()> {
        check::at_least_one("rank", self.rank as u64)?;
        check::non_negative("regularization", self.regularization)?;
        check::at_least_one("max_iterations", u64::from(self.max_iterations))?;
        check::non_negative("tolerance", self.tolerance)?;
        check::parallelism(self.parallelism)
    }

    /// Factorises `(user, item, rating)` triples on the local runtime; each worker takes a
    /// contiguous share of the slice and runs [`fit_partition`].
    ///
    /// # Arguments
    /// - `ratings`: explicit ratings; a repeated `(user, item)` pair counts as two ratings.
    ///
    /// # Returns
    /// The whole model, the training RMSE after each iteration and the iteration count.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (see [`Als::validate`]); [`Error::InvalidInput`] when
    /// `ratings` is empty or holds a NaN or infinite rating; a runtime failure.
    ///
    /// # Complexity
    /// Per iteration `O(nnz · rank² + (users + items) · rank³)` work, spread over the
    /// workers by owner, and `O(rank)` floats per (factor, worker that needs it) sent.
    ///
    /// # Example
    /// A fully observed rank-1 matrix `r_ui = a_u · b_i` is recovered exactly by one
    /// unregularised iteration:
    /// ```
    /// use eddy_ml::als::Als;
    /// # fn main() -> eddy_ml::Result<()> {
    /// let (a, b) = ([1.0, 2.0, 3.0], [1.0, 2.0, 1.0]);
    /// let ratings: Vec<(u64, u64, f64)> =
    ///     (0..3).flat_map(|u| (0..3).map(move |i| (u, i, a[u as usize] * b[i as usize]))).collect();
    /// let fit = Als::new().rank(1).regularization(0.0).max_iterations(1).parallelism(2).fit_ratings(&ratings)?;
    /// assert!((fit.model.predict(2, 1).unwrap() - 6.0).abs() < 1e-9);
    /// assert!(fit.rmse_history[0] < 1e-9);
    /// assert_eq!(fit.model.predict(7, 1), None); // unknown user
    /// # Ok(()) }
    /// ```
    pub fn fit_ratings(&self, ratings: &[(u64, u64, f64)]) -> Result<AlsFit> {
        self.validate()?;
        if ratings.is_empty() {
            return Err(no_ratings());
        }
        exec::run(self.parallelism, |worker| {
            fit_partition(worker, ratings[worker.share(ratings.len())].to_vec(), self)
        })
    }
}

/// ALS through the matrix interface: `x` is `n × 2`, row `(user id, item id)` as floats
/// (non-negative integers up to 2⁵³), `y` the `n` ratings. Prefer [`Als::fit_ratings`]
/// when the ids are at hand as integers.
impl Estimator for Als {
    type Fitted = AlsModel;

    /// # Errors
    /// As [`Als::fit_ratings`]; also [`Error::FeatureMismatch`] when `x` does not have 2
    /// columns and [`Error::InvalidInput`] when `y` is missing or of the wrong length or an
    /// id is not a non-negative integer.
    fn fit(&self, x: ArrayView2<'_, f64>, y: Option<ArrayView1<'_, f64>>) -> Result<AlsModel> {
        self.validate()?;
        check_features(&x, 2)?;
        let y = y.ok_or_else(|| Error::InvalidInput("ALS needs the ratings as y".into()))?;
        if y.len() != x.nrows() {
            return Err(Error::InvalidInput(format!(
                "{} ratings for {} (user, item) rows",
                y.len(),
                x.nrows()
            )));
        }
        let ratings = x
            .outer_iter()
            .zip(y)
            .enumerate()
            .map(|(row, (ids, &rating))| {
                let id = |column: usize, what: &str| {
                    to_id(ids[column]).ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "row {row}: the {what} id {} is not a non-negative integer ≤ 2^53",
                            ids[column]
                        ))
                    })
                };
                Ok((id(0, "user")?, id(1, "item")?, rating))
            })
            .collect::<Result<Vec<_>>>()?;
        self.fit_ratings(&ratings).map(|fit| fit.model)
    }
}

/// A fitted ALS model: the factors of every user and item seen in training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlsModel {
    /// Factors per user and item.
    pub rank: usize,
    /// The user ids, ascending; row `k` of `user_factors` belongs to `users[k]`.
    pub users: Vec<u64>,
    /// One row of `rank` factors per user.
    pub user_factors: Array2<f64>,
    /// The item ids, ascending; row `k` of `item_factors` belongs to `items[k]`.
    pub items: Vec<u64>,
    /// One row of `rank` factors per item.
    pub item_factors: Array2<f64>,
}

impl AlsModel {
    /// The factor of `user`, if it was seen in training.
    pub fn user_factor(&self, user: u64) -> Option<ArrayView1<'_, f64>> {
        self.users.binary_search(&user).ok().map(|k| self.user_factors.row(k))
    }

    /// The factor of `item`, if it was seen in training.
    pub fn item_factor(&self, item: u64) -> Option<ArrayView1<'_, f64>> {
        self.items.binary_search(&item).ok().map(|k| self.item_factors.row(k))
    }

    /// The predicted rating `x_user · y_item`; `None` if the user or the item is unknown.
    ///
    /// # Complexity
    /// `O(log users + log items + rank)`.
    pub fn predict(&self, user: u64, item: u64) -> Option<f64> {
        Some(self.user_factor(user)?.dot(&self.item_factor(item)?))
    }

    /// [`AlsModel::predict`] for each `(user, item)` pair.
    pub fn predict_many(&self, pairs: &[(u64, u64)]) -> Vec<Option<f64>> {
        pairs.iter().map(|&(user, item)| self.predict(user, item)).collect()
    }

    /// The root-mean-square error on `(user, item, rating)` triples.
    ///
    /// # Returns
    /// The RMSE over the pairs whose user and item are known (NaN if there is none) and
    /// the number of pairs skipped because the user or the item is unknown.
    pub fn rmse(&self, ratings: &[(u64, u64, f64)]) -> (f64, usize) {
        let (mut sum, mut known, mut skipped) = (0.0, 0usize, 0usize);
        for &(user, item, rating) in ratings {
            match self.predict(user, item) {
                Some(prediction) => {
                    sum += (rating - prediction) * (rating - prediction);
                    known += 1;
                }
                None => skipped += 1,
            }
        }
        let rmse = if known == 0 { f64::NAN } else { (sum / known as f64).sqrt() };
        (rmse, skipped)
    }
}

/// Predicts the rating of each `(user id, item id)` row of an `n × 2` matrix (ids as
/// floats, as for [`Estimator::fit`] of [`Als`]); NaN where an id is unknown or not a
/// non-negative integer. The inherent [`AlsModel::predict`] shadows this method on a
/// model value: call it as `Model::predict(&model, x)`.
impl Model for AlsModel {
    /// # Errors
    /// [`Error::FeatureMismatch`] when `x` does not have 2 columns.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_features(&x, 2)?;
        Ok(x.outer_iter()
            .map(|ids| match (to_id(ids[0]), to_id(ids[1])) {
                (Some(user), Some(item)) => AlsModel::predict(self, user, item).unwrap_or(f64::NAN),
                _ => f64::NAN,
            })
            .collect())
    }
}

/// What [`fit_partition`] returns (the same on every worker).
#[derive(Debug, Clone, PartialEq)]
pub struct AlsFit {
    /// The whole model.
    pub model: AlsModel,
    /// The training RMSE after each iteration (after its item update).
    pub rmse_history: Vec<f64>,
    /// Iterations run.
    pub iterations: u32,
    /// True if it stopped before `max_iterations` because the RMSE improved by less than
    /// the tolerance.
    pub converged: bool,
}

/// The ALS job on one worker (SPMD: every worker calls it with its share of the ratings).
///
/// Runs the iteration of the module doc: shuffles the ratings by user and by item, links
/// the blocks, then one bulk-iteration superstep per ALS iteration, whose aggregate is
/// the training RMSE (reported to the runtime's superstep listener as `[rmse]`).
///
/// # Arguments
/// - `ratings`: this worker's share of the input, any split (together the workers hold
///   each rating once).
/// - `params`: the parameters; `params.parallelism` is ignored (the job's parallelism
///   counts).
///
/// # Returns
/// The whole model (gathered on every worker), identical for every parallelism.
///
/// # Errors
/// [`Error::InvalidParameter`] (see [`Als::validate`]); [`Error::InvalidInput`] when there
/// is no rating at all, a rating is NaN or infinite, or ratings are so large that the
/// factors overflow; a failed peer.
pub fn fit_partition(worker: &Worker, ratings: Vec<(u64, u64, f64)>, params: &Als) -> Result<AlsFit> {
    params.validate()?;
    if let Some(&(user, item, rating)) = ratings.iter().find(|t| !t.2.is_finite()) {
        return Err(Error::InvalidInput(format!(
            "the rating of user {user} for item {item} is {rating}, not a finite number"
        )));
    }
    if worker.all_reduce(ratings.len() as u64, |a, b| a + b)? == 0 {
        return Err(no_ratings());
    }
    let peers = worker.parallelism();
    let (mut by_user, mut by_item) = (vec![Vec::new(); peers], vec![Vec::new(); peers]);
    for (user, item, rating) in ratings {
        by_user[partition_of(&user, peers)].push((user, item, rating));
        by_item[partition_of(&item, peers)].push((item, user, rating));
    }
    let sorted = |batches: Vec<Vec<(u64, u64, f64)>>| {
        let mut triples = batches.concat();
        triples.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        triples
    };
    let (mut users, items_of_users) = Block::new("user", &sorted(worker.all_to_all(by_user)?));
    let (mut items, users_of_items) = Block::new("item", &sorted(worker.all_to_all(by_item)?));
    link(worker, &mut users, &items_of_users, &mut items)?;
    link(worker, &mut items, &users_of_items, &mut users)?;
    drop((items_of_users, users_of_items));

    let (rank, lambda, tolerance) = (params.rank, params.regularization, params.tolerance);
    let mut iteration = Iteration::new(params.max_iterations).aggregate::<TrainingError>();
    if tolerance > 0.0 {
        iteration = iteration
            .converge_when(move |error: &TrainingError| error.previous_rmse - error.rmse() < tolerance);
    }
    let initial: Vec<Vec<f64>> = items.ids.iter().map(|&id| initial_factor(params.seed, id, rank)).collect();
    // State beyond the item factors: the RMSE history and this worker's user factors.
    let state: (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let (result, state, summary) =
        iteration.bulk_with_state(worker.from_partition(initial), state, |step, state, current| {
            let (rmse_history, user_factors) = state;
            let previous_rmse = step.previous().map_or(f64::INFINITY, TrainingError::rmse);
            if step.previous().is_some() {
                rmse_history.push(previous_rmse);
            }
            let item_factors = current.collect_partition().concat();
            let received = items.send_factors(worker, &item_factors, rank, &users)?;
            users.solve(&received, rank, lambda, user_factors)?;
            let received = users.send_factors(worker, user_factors, rank, &items)?;
            let mut next = Vec::new();
            items.solve(&received, rank, lambda, &mut next)?;
            let squared_error =
                sum_in_id_order(worker, &items.ids, items.squared_errors(&received, &next, rank))?;
            let count = items.len() as u64;
            // The previous RMSE enters once (from worker 0), for the convergence criterion.
            let previous_rmse = if worker.index() == 0 { previous_rmse } else { 0.0 };
            step.aggregate(|error: &mut TrainingError| {
                error.squared_error += squared_error;
                error.count += count;
                error.previous_rmse += previous_rmse;
            });
            Ok(worker.from_partition(next.chunks_exact(rank).map(<[f64]>::to_vec).collect()))
        })?;
    let (mut rmse_history, user_factors) = state;
    rmse_history.extend(summary.aggregate.as_ref().map(TrainingError::rmse));
    let item_factors = result.collect_partition().concat();
    let (user_ids, user_factors) = gather_factors(worker, &users.ids, &user_factors, rank)?;
    let (item_ids, item_factors) = gather_factors(worker, &items.ids, &item_factors, rank)?;
    let model = AlsModel { rank, users: user_ids, user_factors, items: item_ids, item_factors };
    Ok(AlsFit { model, rmse_history, iterations: summary.supersteps, converged: summary.converged })
}

/// The superstep aggregate: the training squared error (contributed whole by worker 0,
/// so that it is exact), the number of ratings and the previous superstep's RMSE
/// (infinite in the first); its metric value is the RMSE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct TrainingError {
    squared_error: f64,
    count: u64,
    previous_rmse: f64,
}

impl TrainingError {
    fn rmse(&self) -> f64 {
        let count = self.count as f64;
        (self.squared_error / count).sqrt()
    }
}

impl Aggregator for TrainingError {
    fn merge(&mut self, other: &Self) {
        self.squared_error += other.squared_error;
        self.count += other.count;
        self.previous_rmse += other.previous_rmse;
    }

    fn values(&self) -> Vec<f64> {
        vec![self.rmse()]
    }
}

/// Sends one value per owned id to worker 0, which sums all of them in id order (so the
/// sum is the same for every parallelism); 0 on the other workers.
fn sum_in_id_order(worker: &Worker, ids: &[u64], values: Vec<f64>) -> Result<f64> {
    let mut outgoing = vec![Vec::new(); worker.parallelism()];
    outgoing[0] = ids.iter().copied().zip(values).collect::<Vec<(u64, f64)>>();
    let received = worker.all_to_all(outgoing)?;
    if worker.index() != 0 {
        return Ok(0.0);
    }
    let mut all = received.concat();
    all.sort_unstable_by_key(|&(id, _)| id);
    Ok(all.iter().map(|&(_, value)| value).sum())
}

/// Gathers every worker's `(ids, factor rows)` and returns all ids ascending with their
/// factors.
fn gather_factors(
    worker: &Worker,
    ids: &[u64],
    factors: &[f64],
    rank: usize,
) -> Result<(Vec<u64>, Array2<f64>)> {
    let parts = worker.all_gather((ids.to_vec(), factors.to_vec()))?;
    let mut rows: Vec<(u64, &[f64])> =
        parts.iter().flat_map(|(ids, factors)| ids.iter().copied().zip(factors.chunks_exact(rank))).collect();
    rows.sort_unstable_by_key(|&(id, _)| id);
    let flat: Vec<f64> = rows.iter().flat_map(|&(_, row)| row.iter().copied()).collect();
    let matrix = Array2::from_shape_vec((rows.len(), rank), flat)
        .map_err(|e| Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
    Ok((rows.into_iter().map(|(id, _)| id).collect(), matrix))
}

/// The initial factor of `id`: `rank` values uniform in `[0, 1/√rank)`, a hash of
/// `(seed, id, k)` — independent of the partitioning.
fn initial_factor(seed: u64, id: u64, rank: usize) -> Vec<f64> {
    let scale = 1.0 / (rank as f64).sqrt() / (1u64 << 53) as f64;
    let base = splitmix64(splitmix64(seed) ^ id);
    (0..rank as u64)
        .map(|k| {
            let bits = (splitmix64(base.wrapping_add(k.wrapping_mul(GOLDEN_GAMMA))) >> 11) as f64;
            bits * scale
        })
        .collect()
}

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function (Steele, Lea & Flood 2014).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(GOLDEN_GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `v` as an id if it is a non-negative integer ≤ 2⁵³ (where floats are still exact).
fn to_id(v: f64) -> Option<u64> {
    ((0.0..=9_007_199_254_740_992.0).contains(&v) && v.fract() == 0.0).then_some(v as u64)
}

fn no_ratings() -> Error {
    Error::InvalidInput("ALS needs at least one rating".into())
}

#[cfg(test)]
mod tests;
