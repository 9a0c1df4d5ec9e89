//! `eddy kmeans`, `eddy logreg`, `eddy linreg` and `eddy als`: train an eddy-ml model as
//! a named job ([`crate::jobs`]) on a [`eddy_runtime::LocalRuntime`], then write the outputs and report.
//!
//! How a run goes: check the parameters and the output destinations; run the job, whose
//! preparation loads the data (a CSV file, generated data or the built-in iris set;
//! timed as *load*, with splitting) and whose workers each take their contiguous share
//! of the rows ([`eddy_ml::RowPartition`]) and call the trainer's `fit_partition`, which
//! all-reduces per-block partial results in block order, so every worker ends with the
//! same model, bit for bit the same for every parallelism (timed as *compute*, on worker
//! 0's clock); the progress line follows the iteration's aggregates. Then every output is
//! staged to a temporary file and only when all are written are they renamed into place,
//! so a failing run leaves none of them.
//!
//! This module holds what the trainers share: the label column a file gets by default,
//! the runtime with its progress listener (on the target `--cluster` names,
//! [`crate::args::ClusterArgs::target`]), and the [`Report`]. The table input ([`TableSource`](crate::input::table::TableSource),
//! [`load_table`](crate::input::table::load_table)) is [`crate::input::table`]'s, since
//! the jobs load it too. One module per family: [`kmeans`](mod@kmeans), [`supervised`] (logistic
//! and linear regression), [`als`](mod@als).
//!
//! **Note**: `LocalRuntime::execute` takes jobs that fail with `eddy_core::Error`; an
//! eddy-ml error raised inside the job (k larger than the number of points, a single
//! class) travels through it boxed as `eddy_core::Error::Job` — the other workers are told
//! and stop — and prints with its own message.

mod als;
mod kmeans;
mod supervised;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use eddy_datasets::features::LabelColumn;
use serde_json::{Map, Value};

pub(crate) use als::run as als;
pub(crate) use kmeans::run as kmeans;
pub(crate) use supervised::{run_linreg as linreg, run_logreg as logreg};

use crate::args::MlRunArgs;
use crate::jobs::Target;
use crate::output;
use crate::progress::{Line, Progress, significant};

/// The label column a supervised file gets without `--label`: the column named `label`
/// if the first line (neither blank nor a comment) has one, else the last column —
/// counted with the CSV reader's delimiter rule (the first of `,`, tab and `;` in the
/// line, else runs of whitespace). A `.gz` or unreadable file gets `label`, and the
/// reader reports what is wrong.
pub(crate) fn default_label(path: &Path) -> LabelColumn {
    let by_name = LabelColumn::Name("label".to_owned());
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        return by_name;
    }
    let Ok(file) = std::fs::File::open(path) else { return by_name };
    let first = std::io::BufReader::new(file).lines().map_while(Result::ok).find_map(|line| {
        let line = line.trim_start_matches('\u{feff}').trim().to_owned();
        (!line.is_empty() && !line.starts_with('#')).then_some(line)
    });
    let Some(first) = first else { return by_name };
    let fields: Vec<&str> = match [',', '\t', ';'].into_iter().find(|&c| first.contains(c)) {
        Some(c) => first.split(c).map(str::trim).collect(),
        None => first.split_ascii_whitespace().collect(),
    };
    let unquoted = |f: &str| f.strip_prefix('"').and_then(|f| f.strip_suffix('"')).unwrap_or(f).to_owned();
    if fields.iter().any(|f| unquoted(f) == "label") {
        by_name
    } else {
        LabelColumn::Index(fields.len().saturating_sub(1))
    }
}

/// Fails early when two output options name the same file or a destination cannot be
/// written.
///
/// # Errors
/// Says which.
pub(crate) fn check_destinations(outputs: &[(&str, Option<&PathBuf>)]) -> Result<()> {
    let given: Vec<(&str, &PathBuf)> = outputs.iter().filter_map(|(flag, p)| p.map(|p| (*flag, p))).collect();
    for (i, (flag, path)) in given.iter().enumerate() {
        output::check_destination(path)?;
        if let Some((other, _)) = given[..i].iter().find(|(_, p)| p == path) {
            bail!("{other} and {flag} name the same file {}", path.display());
        }
    }
    Ok(())
}

/// Where the trainer runs (this machine or `--cluster`), with the requested parallelism
/// and a superstep listener that draws `line` on `progress` (if it is drawn).
///
/// # Errors
/// A parallelism of 0, a bad `EDDY_PARALLELISM`, or an unreachable cluster.
pub(crate) fn target(run: &MlRunArgs, progress: &Progress, line: Line) -> Result<Target> {
    run.cluster.target(run.parallelism, progress.listener_showing(line))
}

/// Worker 0's result: the model every worker holds.
///
/// # Errors
/// Only if the job ran on no worker, which is a bug.
pub(crate) fn first<T>(results: Vec<T>) -> Result<T> {
    results.into_iter().next().context("internal error: the job ran on no worker")
}

/// What an ML run reports: one JSON object with `--json`, otherwise a heading, aligned
/// `key  value` lines and free-form sections (tables) as text.
#[derive(Debug)]
pub(crate) struct Report {
    /// The subcommand, e.g. "kmeans".
    algorithm: &'static str,
    /// What was loaded, for people.
    input: String,
    /// Facts in print order: (JSON key, value, where it appears).
    fields: Vec<(&'static str, Value, In)>,
    /// Text blocks printed after the summary lines.
    sections: Vec<String>,
}

impl Report {
    /// An empty report of `algorithm` on `input`.
    pub(crate) fn new(algorithm: &'static str, input: String) -> Self {
        Report { algorithm, input, fields: Vec::new(), sections: Vec::new() }
    }

    /// A fact in the JSON object and the text summary (arrays as comma-separated lists,
    /// floats to six significant digits).
    pub(crate) fn field(&mut self, key: &'static str, value: impl Into<Value>) -> &mut Self {
        self.fields.push((key, value.into(), In::Both));
        self
    }

    /// A fact in the JSON object only (too long for the summary, or shown in a section).
    pub(crate) fn json_field(&mut self, key: &'static str, value: impl Into<Value>) -> &mut Self {
        self.fields.push((key, value.into(), In::Json));
        self
    }

    /// A text block after the summary.
    pub(crate) fn section(&mut self, text: String) -> &mut Self {
        self.sections.push(text);
        self
    }

    /// The timings, the parallelism and the output files (null when not written) — the
    /// facts every ML report ends with.
    pub(crate) fn finish(
        &mut self,
        load: Duration,
        compute: Duration,
        parallelism: usize,
        outputs: &[(&'static str, Option<&PathBuf>)],
    ) -> &mut Self {
        self.json_field("load_seconds", load.as_secs_f64());
        self.json_field("compute_seconds", compute.as_secs_f64());
        self.fields.push(("load", format!("{:.3} s", load.as_secs_f64()).into(), In::Text));
        self.fields.push(("compute", format!("{:.3} s", compute.as_secs_f64()).into(), In::Text));
        self.field("parallelism", parallelism);
        for (key, path) in outputs {
            let value = path.map_or(Value::Null, |p| p.display().to_string().into());
            self.fields.push((key, value, if path.is_some() { In::Both } else { In::Json }));
        }
        self
    }

    /// The report as one JSON object.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("algorithm".into(), self.algorithm.into());
        object.insert("input".into(), self.input.clone().into());
        for (key, value, _) in self.fields.iter().filter(|f| f.2 != In::Text) {
            object.insert((*key).into(), value.clone());
        }
        Value::Object(object)
    }

    /// The report as text.
    pub(crate) fn to_text(&self) -> String {
        let mut text = format!("{} on {}\n\n", self.algorithm, self.input);
        let lines: Vec<(String, String)> = self
            .fields
            .iter()
            .filter(|f| f.2 != In::Json)
            .map(|(key, value, _)| (key.replace('_', " "), human(value)))
            .collect();
        text.push_str(&output::aligned(&lines));
        for section in &self.sections {
            text.push('\n');
            text.push_str(section);
        }
        text
    }

    /// Prints the report as JSON or text.
    ///
    /// # Errors
    /// Writing to stdout fails.
    pub(crate) fn print(&self, json: bool) -> Result<()> {
        let text = if json { format!("{}\n", self.to_json()) } else { self.to_text() };
        output::emit(&text)
    }
}

/// Where a fact of a [`Report`] appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum In {
    Both,
    Json,
    Text,
}

/// A JSON value for people: floats to six significant digits, arrays comma-separated,
/// strings unquoted, `null` as `-`.
fn human(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_f64() => n.as_f64().map_or_else(|| n.to_string(), significant),
        Value::Array(items) => items.iter().map(human).collect::<Vec<_>>().join(", "),
        other => output::plain(other),
    }
}

/// A table of named rows of values under right-aligned column names.
pub(crate) fn table<S: AsRef<str>>(columns: &[&str], rows: &[(S, Vec<Value>)]) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|(_, values)| values.iter().map(human).collect()).collect();
    let first = rows.iter().map(|(name, _)| name.as_ref().len()).max().unwrap_or(0);
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(j, c)| cells.iter().map(|r| r.get(j).map_or(0, String::len)).max().unwrap_or(0).max(c.len()))
        .collect();
    let mut text = format!("{:first$}", "");
    for (c, w) in columns.iter().zip(&widths) {
        text.push_str(&format!("  {c:>w$}"));
    }
    text.push('\n');
    for ((name, _), row) in rows.iter().zip(&cells) {
        text.push_str(&format!("{:first$}", name.as_ref()));
        for (cell, w) in row.iter().zip(&widths) {
            text.push_str(&format!("  {cell:>w$}"));
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_report_aligns_fields_and_hides_json_only_ones() {
        let mut report = Report::new("kmeans", "x.csv".into());
        report.field("k", 3).field("inertia", 78.85144142614602).json_field("centroids", vec![1.0, 2.0]);
        report.field("cluster_sizes", vec![50, 62, 38]).finish(
            Duration::ZERO,
            Duration::ZERO,
            2,
            &[("output", None)],
        );
        let text = report.to_text();
        assert!(text.starts_with("kmeans on x.csv\n\nk              3\ninertia        78.8514\n"), "{text}");
        assert!(text.contains("cluster sizes  50, 62, 38\n"), "{text}");
        assert!(!text.contains("centroids") && !text.contains("output"), "{text}");
        let json = report.to_json();
        assert_eq!(json["inertia"], 78.85144142614602);
        assert_eq!(json["output"], Value::Null);
        assert_eq!(json["load_seconds"], 0.0);
        assert!(json.get("load").is_none());
    }

    #[test]
    fn the_default_label_is_the_label_column_or_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("a.csv");
        std::fs::write(&named, "# c\nlabel,x\n1,2\n").unwrap();
        assert_eq!(default_label(&named), LabelColumn::Name("label".into()));
        let last = dir.path().join("b.tsv");
        std::fs::write(&last, "\n1\t2\t3\n").unwrap();
        assert_eq!(default_label(&last), LabelColumn::Index(2));
    }

    #[test]
    fn tables_align_right() {
        let text = table(
            &["train", "test"],
            &[("accuracy", vec![1.0.into(), 0.5.into()]), ("f1", vec![0.25.into(), 0.125.into()])],
        );
        assert_eq!(text, "          train   test\naccuracy      1    0.5\nf1         0.25  0.125\n");
    }
}
