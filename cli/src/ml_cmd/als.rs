//! `eddy als`: ALS matrix factorisation of `user item rating` triples from a file or
//! generated from a low-rank model, reporting the training RMSE of every iteration and the
//! final training and test RMSE.
//!
//! **Note**: the test RMSE is computed once, for the final model — the library reports
//! the training RMSE per iteration only. Test ratings of a user or an item that has no
//! training rating cannot be predicted; they are counted (`test_skipped`) and left out of
//! the test RMSE.

use anyhow::{Context, Result};
use eddy_ml::als::Als;
use serde_json::Value;

use super::{Report, check_destinations, first, table, target};
use crate::args::AlsArgs;
use crate::jobs;
use crate::jobs::als::{AlsJob, AlsResult, LowRank, RatingsSource, prepare_als};
use crate::progress::{Line, Progress};

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
    let source = match (&args.train, &args.generate) {
        (Some(path), _) => RatingsSource::File(path.clone()),
        (None, Some(text)) => RatingsSource::Generated(text.parse::<LowRank>()?),
        (None, None) => RatingsSource::Generated(LowRank::DEFAULT),
    };
    check_destinations(&[("--output", args.output.as_ref())])?;
    let job = AlsJob {
        source,
        test: args.test.clone(),
        test_fraction: args.test_fraction,
        seed: args.seed,
        params,
    };

    let progress = Progress::new("als", args.run.quiet, None);
    progress.stage("loading");
    let target = target(&args.run, &progress, Line::ALS)?;
    let parts = jobs::run(&target, "als", job, prepare_als, || progress.stage("shuffling the ratings"))?;
    let fit = first(parts)?;
    let AlsResult { model, test_rmse, test_skipped: skipped } =
        fit.result.context("internal error: worker 0 returned no model")?;
    if let Some(path) = &args.output {
        eddy_ml::save_model(&model, path).context("cannot save the model")?;
    }
    drop(progress);

    let finite = |v: f64| if v.is_finite() { Value::from(v) } else { Value::Null };
    let mut report = Report::new("als", fit.description);
    report
        .field("users", model.users.len())
        .field("items", model.items.len())
        .json_field("train_ratings", fit.train_ratings)
        .json_field("test_ratings", fit.test_ratings)
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
    report.finish(fit.load, fit.compute, target.parallelism(), &[("output", args.output.as_ref())]);
    report.print(args.run.json)
}
