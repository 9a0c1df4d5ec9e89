//! `eddy kmeans`: k-means clustering of a CSV file, generated blobs or the built-in iris
//! set, reporting inertia, cluster sizes and (against a known label) the adjusted Rand
//! index, and writing the centroids and each row's cluster.
//!
//! **Note**: `--init` is a method name or a file of initial centroids; a file fixes `k`
//! (its row count), so a `--k` that disagrees is an error rather than silently ignored.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use eddy_datasets::features::{self, CsvOptions};
use eddy_ml::kmeans::{Init, KMeans};
use eddy_ml::metrics::adjusted_rand_index;
use ndarray::Array2;
use serde_json::Value;

use super::{Report, check_destinations, first, table, target};
use crate::args::KmeansArgs;
use crate::input::table::TableSource;
use crate::jobs;
use crate::jobs::kmeans::{KMeansJob, KMeansPart, prepare_kmeans};
use crate::output::Staged;
use crate::progress::{Line, Progress};

/// The text report lists the centroids when they are at most this many numbers.
const SHOWN_CENTROID_VALUES: usize = 64;

/// Clusters as the arguments say, writes the outputs and prints the report.
///
/// # Errors
/// Invalid parameters, an unreadable or malformed input or centroid file, `k` larger than
/// the number of points, a runtime failure, or an output that cannot be written (then no
/// output file exists).
pub(crate) fn run(args: &KmeansArgs) -> Result<()> {
    let source = TableSource::from_args(
        args.input.as_deref(),
        args.label.as_deref(),
        args.generate.as_deref(),
        TableSource::Iris,
    )?;
    check_destinations(&[("--output", args.output.as_ref()), ("--assignments", args.assignments.as_ref())])?;
    let (k, init) = initialisation(args)?;
    let init_description = describe_init(&args.init, &init);
    let params = KMeans::new(k)
        .init(init)
        .max_iterations(args.iterations)
        .tolerance(args.tolerance)
        .seed(args.seed)
        .n_init(args.n_init);
    let job = KMeansJob { source, params, init_flag: args.init.clone() };

    let progress = Progress::new("kmeans", args.run.quiet, None);
    progress.stage("loading");
    let target = target(&args.run, &progress, Line::KMEANS)?;
    let parts = jobs::run(&target, "kmeans", job, prepare_kmeans, || progress.stage("clustering"))?;
    // Workers hold contiguous row ranges in worker order: their labels are in row order.
    let labels: Vec<u32> = parts.iter().flat_map(|p| p.labels.iter().copied()).collect();
    let truth: Option<Vec<f64>> =
        parts.iter().map(|p| p.truth.as_deref()).collect::<Option<Vec<&[f64]>>>().map(|t| t.concat());
    let KMeansPart { model, table: data, load, compute, .. } = first(parts)?;

    let staged = [
        args.output.as_deref().map(|path| Staged::write(path, |out| write_centroids(out, &model.centroids))),
        args.assignments.as_deref().map(|path| Staged::write(path, |out| write_assignments(out, &labels))),
    ];
    for file in staged.into_iter().flatten().collect::<Result<Vec<_>>>()? {
        file.commit()?;
    }
    drop(progress);

    let mut sizes = vec![0u64; model.centroids.nrows()];
    labels.iter().for_each(|&l| sizes[l as usize] += 1);
    let ari = match &truth {
        Some(truth) => {
            let predicted: Vec<f64> = labels.iter().map(|&l| f64::from(l)).collect();
            Value::from(adjusted_rand_index(truth, &predicted)?)
        }
        None => Value::Null,
    };
    let centroids: Vec<Vec<f64>> = model.centroids.outer_iter().map(|c| c.to_vec()).collect();
    let mut report = Report::new("kmeans", data.description);
    report
        .field("k", model.centroids.nrows())
        .field("init", init_description)
        .json_field("seed", args.seed)
        .json_field("n_init", args.n_init)
        .json_field("tolerance", args.tolerance)
        .json_field("max_iterations", args.iterations)
        .json_field("rows", data.rows)
        .json_field("features", data.features)
        .field("iterations", model.iterations)
        .field("converged", model.converged)
        .field("inertia", model.inertia)
        .field("cluster_sizes", sizes)
        .json_field("label", data.label_name.clone());
    if !ari.is_null() {
        report.field("adjusted_rand_index", ari);
    } else {
        report.json_field("adjusted_rand_index", ari);
    }
    if model.centroids.len() <= SHOWN_CENTROID_VALUES {
        let rows: Vec<(String, Vec<Value>)> = centroids
            .iter()
            .enumerate()
            .map(|(j, c)| (j.to_string(), c.iter().map(|&v| v.into()).collect()))
            .collect();
        let columns: Vec<&str> = data.columns.iter().map(String::as_str).collect();
        report.section(format!("centroids:\n{}", table(&columns, &rows)));
    }
    report.json_field("centroids", centroids).finish(
        load,
        compute,
        target.parallelism(),
        &[("output", args.output.as_ref()), ("assignments", args.assignments.as_ref())],
    );
    report.print(args.run.json)
}

/// `k` and the initialisation: a method name, or the centroids of a file.
fn initialisation(args: &KmeansArgs) -> Result<(usize, Init)> {
    if let Ok(init) = args.init.parse::<Init>() {
        return Ok((args.k.unwrap_or(KMeans::default().k), init));
    }
    let path = Path::new(&args.init);
    if !path.is_file() {
        bail!("--init {}: not random, k-means++, k-means|| or a readable centroid file", args.init);
    }
    let table =
        features::read_csv(path, &CsvOptions::default()).context("cannot read the initial centroids")?;
    let k = table.rows();
    if let Some(given) = args.k
        && given != k
    {
        bail!("--k {given} conflicts with --init {}, which has {k} centroids", args.init);
    }
    Ok((k, Init::Centroids(table.features)))
}

/// The initialisation for the report: the method, or `file NAME`.
fn describe_init(text: &str, init: &Init) -> String {
    match init {
        Init::Centroids(_) => format!("file {text}"),
        method => method.to_string(),
    }
}

/// Values comma-separated in Rust's shortest round-trip form.
fn join(values: &[f64]) -> String {
    values.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
}

/// One centroid per line, comma-separated.
fn write_centroids(out: &mut dyn Write, centroids: &Array2<f64>) -> std::io::Result<()> {
    for row in centroids.outer_iter() {
        writeln!(out, "{}", join(&row.to_vec()))?;
    }
    Ok(())
}

/// One cluster index per line.
fn write_assignments(out: &mut dyn Write, labels: &[u32]) -> std::io::Result<()> {
    labels.iter().try_for_each(|l| writeln!(out, "{l}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centroids_print_in_shortest_round_trip_form() {
        let c = ndarray::array![[0.1, 1e-7, 2.0], [-1.0 / 3.0, 1e21, 5e-324]];
        let mut out = Vec::new();
        write_centroids(&mut out, &c).unwrap();
        let text = String::from_utf8(out).unwrap();
        let back: Vec<f64> = text.lines().flat_map(|l| l.split(',')).map(|v| v.parse().unwrap()).collect();
        assert_eq!(
            back.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        assert!(text.starts_with("0.1,0.0000001,2\n"), "{text}");
    }
}
