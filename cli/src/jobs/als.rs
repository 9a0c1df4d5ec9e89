//! The `als` job: parameters, per-process preparation and each worker's part; and
//! [`LowRank`], the `lowrank:…` ratings generator spec.
//!
//! Preparation generates or reads the ratings, and the test ratings from a file or a
//! seeded split; in the body every worker takes its share of the training ratings and
//! runs [`als::fit_partition`], which gathers the whole model on every worker, the same
//! for every parallelism; worker 0 returns it with the test RMSE.
//!
//! **Note**: the model (every user's and item's factors) is returned by worker 0 only —
//! it can be large, and every worker holds the same.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use eddy_core::Worker;
use eddy_datasets::features::read_ratings;
use eddy_datasets::ml_generators::{DEFAULT_SEED, make_low_rank_ratings};
use eddy_ml::als::{self, Als, AlsModel};
use eddy_ml::preprocessing::train_test_split;
use serde::{Deserialize, Serialize};

use super::prepare_error;

/// Where the ratings come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum RatingsSource {
    /// Generated from a low-rank model.
    Generated(LowRank),
    /// A file of `user item rating` lines.
    File(PathBuf),
}

/// The parameters of job `als`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AlsJob {
    /// The (training) ratings.
    pub(crate) source: RatingsSource,
    /// A file of test ratings; without one the ratings are split.
    pub(crate) test: Option<PathBuf>,
    /// The share of ratings held out for testing when they are split.
    pub(crate) test_fraction: f64,
    /// The seed of the split.
    pub(crate) seed: u64,
    /// The trainer's parameters.
    pub(crate) params: Als,
}

/// Worker 0's results of job `als`: the model and its test error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AlsResult {
    /// The whole model.
    pub(crate) model: AlsModel,
    /// The test RMSE (NaN without a predictable test rating).
    pub(crate) test_rmse: f64,
    /// Test ratings of a user or an item without training ratings, left out.
    pub(crate) test_skipped: usize,
}

/// One worker's part of the `als` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AlsPart {
    /// Worker 0: the model and its test error.
    pub(crate) result: Option<AlsResult>,
    /// The training RMSE after each iteration.
    pub(crate) rmse_history: Vec<f64>,
    /// Iterations run.
    pub(crate) iterations: u32,
    /// Whether the RMSE stopped improving before the iteration limit.
    pub(crate) converged: bool,
    /// Training ratings.
    pub(crate) train_ratings: usize,
    /// Test ratings.
    pub(crate) test_ratings: usize,
    /// The ratings and their split, for people.
    pub(crate) description: String,
    /// Generating or reading, and splitting, in the preparation.
    pub(crate) load: Duration,
    /// Training, on this worker's clock.
    pub(crate) compute: Duration,
}

/// Prepares job `als` in this process: generates or reads the ratings and splits them.
///
/// # Errors
/// An invalid spec, unreadable or malformed ratings, an invalid test fraction. The body
/// fails on invalid parameters, non-finite ratings or a runtime failure.
pub(crate) fn prepare_als(
    job: AlsJob,
) -> eddy_core::Result<impl Fn(&Worker) -> eddy_core::Result<AlsPart> + Send + Sync + 'static> {
    let started = Instant::now();
    let (train, test, description) = load(&job).map_err(prepare_error)?;
    let load = started.elapsed();
    let params = job.params;
    Ok(move |worker: &Worker| {
        let started = Instant::now();
        let fit = als::fit_partition(worker, train[worker.share(train.len())].to_vec(), &params)?;
        let compute = started.elapsed();
        let result = (worker.index() == 0).then(|| {
            let (test_rmse, test_skipped) = fit.model.rmse(&test);
            AlsResult { model: fit.model, test_rmse, test_skipped }
        });
        Ok(AlsPart {
            result,
            rmse_history: fit.rmse_history,
            iterations: fit.iterations,
            converged: fit.converged,
            train_ratings: train.len(),
            test_ratings: test.len(),
            description: description.clone(),
            load,
            compute,
        })
    })
}

type Ratings = Vec<(u64, u64, f64)>;

/// The training and test ratings, and what they are.
fn load(job: &AlsJob) -> Result<(Ratings, Ratings, String)> {
    let (ratings, name) = match &job.source {
        RatingsSource::Generated(spec) => (
            make_low_rank_ratings(spec.users, spec.items, spec.rank, spec.density, spec.noise, spec.seed)?,
            format!("generated {spec}"),
        ),
        RatingsSource::File(path) => {
            (read_ratings(path).context("cannot read the ratings")?, path.display().to_string())
        }
    };
    Ok(match &job.test {
        Some(path) => {
            let test = read_ratings(path).context("cannot read the test ratings")?;
            let description = format!(
                "{name} ({} ratings); test {} ({} ratings)",
                ratings.len(),
                path.display(),
                test.len()
            );
            (ratings, test, description)
        }
        None => {
            let (train_rows, test_rows) = train_test_split(ratings.len(), job.test_fraction, job.seed)?;
            let pick = |rows: &[usize]| rows.iter().map(|&i| ratings[i]).collect::<Vec<_>>();
            let description = format!(
                "{name} ({} ratings), split {} train / {} test (seed {})",
                ratings.len(),
                train_rows.len(),
                test_rows.len(),
                job.seed
            );
            (pick(&train_rows), pick(&test_rows), description)
        }
    })
}

/// The syntax of [`LowRank`].
const SYNTAX: &str = "lowrank:USERS:ITEMS:RANK[:DENSITY[:NOISE[:SEED]]]";

/// Low-rank synthetic ratings ([`make_low_rank_ratings`]), `lowrank:…` as text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct LowRank {
    users: usize,
    items: usize,
    rank: usize,
    density: f64,
    noise: f64,
    seed: u64,
}

impl LowRank {
    /// The ratings without `--train` and `--generate`.
    pub(crate) const DEFAULT: LowRank =
        LowRank { users: 500, items: 500, rank: 5, density: 0.1, noise: 0.1, seed: DEFAULT_SEED };
}

impl FromStr for LowRank {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let fail =
            |reason: String| anyhow::anyhow!("invalid generator spec {text:?}: {reason} (syntax: {SYNTAX})");
        let Some(rest) = text.strip_prefix("lowrank:") else {
            return Err(fail("the only ratings generator is lowrank".into()));
        };
        let fields: Vec<&str> = rest.split(':').collect();
        if !(3..=6).contains(&fields.len()) {
            return Err(fail(format!("expected 3 to 6 fields after the name, got {}", fields.len())));
        }
        fn field<T: FromStr>(
            fields: &[&str],
            i: usize,
            name: &str,
            default: T,
        ) -> std::result::Result<T, String> {
            fields.get(i).map_or(Ok(default), |f| f.parse().map_err(|_| format!("{name} {f:?} is not valid")))
        }
        let d = Self::DEFAULT;
        Ok(LowRank {
            users: field(&fields, 0, "USERS", 0).map_err(fail)?,
            items: field(&fields, 1, "ITEMS", 0).map_err(fail)?,
            rank: field(&fields, 2, "RANK", 0).map_err(fail)?,
            density: field(&fields, 3, "DENSITY", d.density).map_err(fail)?,
            noise: field(&fields, 4, "NOISE", d.noise).map_err(fail)?,
            seed: field(&fields, 5, "SEED", d.seed).map_err(fail)?,
        })
    }
}

impl fmt::Display for LowRank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LowRank { users, items, rank, density, noise, seed } = self;
        write!(f, "lowrank:{users}:{items}:{rank}:{density}:{noise}:{seed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowrank_specs_parse_with_defaults_and_name_errors() {
        let spec: LowRank = "lowrank:20:30:2".parse().unwrap();
        assert_eq!(spec, LowRank { users: 20, items: 30, rank: 2, ..LowRank::DEFAULT });
        assert_eq!(spec.to_string(), "lowrank:20:30:2:0.1:0.1:42");
        assert_eq!("lowrank:1:2:3:0.5:0:7".parse::<LowRank>().unwrap().seed, 7);
        let err = "lowrank:20:x:2".parse::<LowRank>().unwrap_err().to_string();
        assert!(err.contains("ITEMS \"x\" is not valid") && err.contains(SYNTAX), "{err}");
        assert!("blobs:1:2:3".parse::<LowRank>().is_err());
        assert!("lowrank:1:2".parse::<LowRank>().is_err());
    }
}
