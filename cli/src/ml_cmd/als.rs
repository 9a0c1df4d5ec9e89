//! `eddy als`: ALS matrix factorisation of `user item rating` triples from a file or
//! generated from a low-rank model, reporting the training RMSE of every iteration and the
//! final training and test RMSE.
//!
//! **Note**: the test RMSE is computed once, for the final model — the library reports
//! the training RMSE per iteration only. Test ratings of a user or an item that has no
//! training rating cannot be predicted; they are counted (`test_skipped`) and left out of
//! the test RMSE.

use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use eddy_datasets::features::read_ratings;
use eddy_datasets::ml_generators::{DEFAULT_SEED, make_low_rank_ratings};
use eddy_ml::als::{self, Als};
use eddy_ml::preprocessing::train_test_split;
use serde_json::Value;

use super::{Report, check_destinations, execute, first, runtime, table};
use crate::args::AlsArgs;
use crate::progress::{Line, Progress};

/// The syntax of [`LowRank`].
const SYNTAX: &str = "lowrank:USERS:ITEMS:RANK[:DENSITY[:NOISE[:SEED]]]";

/// Low-rank synthetic ratings ([`make_low_rank_ratings`]), `lowrank:…` as text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LowRank {
    users: usize,
    items: usize,
    rank: usize,
    density: f64,
    noise: f64,
    seed: u64,
}

impl LowRank {
    /// The ratings without `--train` and `--generate`.
    const DEFAULT: LowRank =
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

/// Trains ALS as the arguments say and prints the report.
///
/// # Errors
/// Invalid parameters or spec, unreadable or malformed ratings, a runtime failure, or a
/// model file that cannot be written (then none exists).
pub(crate) fn run(args: &AlsArgs) -> Result<()> {
    let params = Als::new()
        .rank(args.rank)
        .regularization(args.regularization)
        .max_iterations(args.iterations)
        .seed(args.seed);
    params.validate()?;
    let spec = match (&args.train, &args.generate) {
        (Some(_), _) => None,
        (None, Some(text)) => Some(text.parse::<LowRank>()?),
        (None, None) => Some(LowRank::DEFAULT),
    };
    check_destinations(&[("--output", args.output.as_ref())])?;

    let progress = Progress::new("als", args.run.quiet, None);
    progress.stage("loading");
    let started = Instant::now();
    let (ratings, name) = match (&spec, &args.train) {
        (Some(spec), _) => (
            make_low_rank_ratings(spec.users, spec.items, spec.rank, spec.density, spec.noise, spec.seed)?,
            format!("generated {spec}"),
        ),
        (None, Some(path)) => {
            (read_ratings(path).context("cannot read the ratings")?, path.display().to_string())
        }
        (None, None) => bail!("internal error: no ratings source"),
    };
    let (train, test, description) = match &args.test {
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
            let (train_rows, test_rows) = train_test_split(ratings.len(), args.test_fraction, args.seed)?;
            let pick = |rows: &[usize]| rows.iter().map(|&i| ratings[i]).collect::<Vec<_>>();
            let description = format!(
                "{name} ({} ratings), split {} train / {} test (seed {})",
                ratings.len(),
                train_rows.len(),
                test_rows.len(),
                args.seed
            );
            (pick(&train_rows), pick(&test_rows), description)
        }
    };
    let load = started.elapsed();

    let runtime = runtime(&args.run, &progress, Line::ALS)?;
    progress.stage("shuffling the ratings");
    let (fits, compute) = execute(&runtime, |worker| {
        als::fit_partition(worker, train[worker.share(train.len())].to_vec(), &params)
    })?;
    let fit = first(fits)?;
    if let Some(path) = &args.output {
        eddy_ml::save_model(&fit.model, path).context("cannot save the model")?;
    }
    drop(progress);

    let (test_rmse, skipped) = fit.model.rmse(&test);
    let finite = |v: f64| if v.is_finite() { Value::from(v) } else { Value::Null };
    let mut report = Report::new("als", description);
    report
        .field("users", fit.model.users.len())
        .field("items", fit.model.items.len())
        .json_field("train_ratings", train.len())
        .json_field("test_ratings", test.len())
        .field("rank", args.rank)
        .field("regularization", args.regularization)
        .json_field("seed", args.seed)
        .field("iterations", fit.iterations)
        .field("converged", fit.converged)
        .field("train_rmse", fit.rmse_history.last().copied().map_or(Value::Null, finite))
        .field("test_rmse", finite(test_rmse))
        .field("test_skipped", skipped)
        .json_field("train_rmse_history", fit.rmse_history.clone());
    let rows: Vec<(String, Vec<Value>)> =
        fit.rmse_history.iter().enumerate().map(|(i, &r)| ((i + 1).to_string(), vec![r.into()])).collect();
    report.section(format!("training RMSE by iteration:\n{}", table(&["train rmse"], &rows)));
    report.finish(load, compute, runtime.parallelism(), &[("output", args.output.as_ref())]);
    report.print(args.run.json)
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
