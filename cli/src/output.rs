//! What a run leaves behind: output files (the graph commands' per-vertex `--output`; the
//! ML commands write theirs through [`Staged`] too), and the report on stdout — for the
//! graph commands a top-10 table and a summary as text, or one JSON object with `--json`.
//!
//! An output file is written to a hidden temporary file in the destination's directory
//! and renamed when complete, so the requested name holds either nothing or the whole
//! result, never a partial one.
//!
//! **Note**: values are printed with Rust's `{}` formatting — the shortest text that
//! parses back to the same `f64` (never an exponent), `inf` for an unreachable vertex — so
//! equal values give byte-identical files (for every parallelism where the algorithm's
//! values do not depend on it: components, shortest paths).

use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// Fails early when `path` cannot be an output file: a directory, or in a directory
/// that does not exist.
///
/// # Errors
/// Says which.
pub(crate) fn check_destination(path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!("cannot write the output {}: it is a directory", path.display());
    }
    let directory = parent(path);
    if !directory.is_dir() {
        bail!(
            "cannot write the output {}: the directory {} does not exist",
            path.display(),
            directory.display()
        );
    }
    Ok(())
}

/// The directory a file goes into (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes one `vertex<TAB>value` line per vertex (or `vertex,COLUMN` under a header when
/// `path` ends in `.csv`; `column` names the value), in the order given — the callers
/// pass vertices sorted by id.
///
/// # Errors
/// The file cannot be created, written or renamed; nothing is left behind then.
pub(crate) fn write_vertex_values<V: Display>(
    path: &Path,
    column: &str,
    keys: &[u64],
    values: &[V],
) -> Result<()> {
    debug_assert_eq!(keys.len(), values.len());
    write_table(path, &["vertex", column], |out, separator| {
        for (key, value) in keys.iter().zip(values) {
            writeln!(out, "{key}{separator}{value}")?;
        }
        Ok(())
    })
}

/// Writes a table: `rows` writes its lines with the separator given (a tab, or a comma
/// under a header of `columns` when `path` ends in `.csv`).
///
/// # Errors
/// The file cannot be created, written or renamed; nothing is left behind then.
pub(crate) fn write_table(
    path: &Path,
    columns: &[&str],
    rows: impl FnOnce(&mut dyn Write, char) -> std::io::Result<()>,
) -> Result<()> {
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let staged = Staged::write(path, |out| {
        if csv {
            writeln!(out, "{}", columns.join(","))?;
        }
        rows(out, if csv { ',' } else { '\t' })
    })?;
    staged.commit()
}

/// An output file written completely under a hidden temporary name beside its
/// destination, waiting to be renamed into place by [`Staged::commit`]; dropped
/// uncommitted, the temporary is removed. Staging every output of a run before committing
/// any keeps a failure from leaving some of them behind.
#[derive(Debug)]
pub(crate) struct Staged {
    temporary: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes the temporary file through `write` (buffered) and syncs it.
    ///
    /// # Errors
    /// The file cannot be created or written; nothing is left behind then.
    pub(crate) fn write(
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<Self> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = parent(path).join(format!(".{name}.{}.tmp", std::process::id()));
        let staged = Staged { temporary, path: path.to_path_buf(), committed: false };
        let written = (|| -> std::io::Result<()> {
            let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&staged.temporary)?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            let file = out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
            file.sync_all()
        })();
        // On an error `staged` is dropped here, which removes the temporary.
        written.with_context(|| format!("cannot write the output {}", path.display()))?;
        Ok(staged)
    }

    /// Renames the temporary file to its destination.
    ///
    /// # Errors
    /// The rename fails; the temporary is removed then.
    pub(crate) fn commit(mut self) -> Result<()> {
        std::fs::rename(&self.temporary, &self.path)
            .with_context(|| format!("cannot write the output {}", self.path.display()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Writes `text` to stdout and flushes it (a closed pipe is an error the caller may
/// ignore, see `main`).
///
/// # Errors
/// Writing fails.
pub(crate) fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// `key  value` lines, the values aligned in one column.
pub(crate) fn aligned(lines: &[(String, String)]) -> String {
    let width = lines.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    lines.iter().map(|(key, value)| format!("{key:<width$}  {value}\n")).collect()
}

/// Indices of the `k` largest values (by `order`, ties to the smaller id), largest first,
/// among those `keep` accepts.
pub(crate) fn top_k<V>(
    keys: &[u64],
    values: &[V],
    k: usize,
    keep: impl Fn(&V) -> bool,
    order: impl Fn(&V, &V) -> std::cmp::Ordering,
) -> Vec<usize> {
    let by = |a: &usize, b: &usize| order(&values[*b], &values[*a]).then(keys[*a].cmp(&keys[*b]));
    let mut chosen: Vec<usize> = (0..values.len()).filter(|&i| keep(&values[i])).collect();
    if k == 0 {
        return Vec::new();
    }
    if chosen.len() > k {
        chosen.select_nth_unstable_by(k - 1, by);
        chosen.truncate(k);
    }
    chosen.sort_unstable_by(by);
    chosen
}

/// The top table of a report.
#[derive(Debug)]
pub(crate) struct Top {
    /// What the rows are, e.g. "vertices by rank".
    pub(crate) title: &'static str,
    /// The two column names, also the JSON keys of a row.
    pub(crate) columns: [&'static str; 2],
    /// The rows, best first.
    pub(crate) rows: Vec<(u64, Value)>,
}

/// Everything a run reports.
#[derive(Debug)]
pub(crate) struct Report {
    /// The subcommand, e.g. "pagerank".
    pub(crate) algorithm: &'static str,
    /// What was loaded, for people.
    pub(crate) input: String,
    /// Vertices of the graph.
    pub(crate) vertices: u64,
    /// Directed edges of the graph as loaded (both directions counted when undirected).
    pub(crate) edges: u64,
    /// Supersteps the algorithm ran.
    pub(crate) supersteps: u32,
    /// Whether it converged.
    pub(crate) converged: bool,
    /// Reading or generating the input plus building the graph.
    pub(crate) load: Duration,
    /// The algorithm alone (worker 0's clock).
    pub(crate) compute: Duration,
    /// Worker threads.
    pub(crate) parallelism: usize,
    /// The `--output` file written, if any.
    pub(crate) output: Option<PathBuf>,
    /// What it holds: how many rows of what ("vertices", "triangles").
    pub(crate) written: (u64, &'static str),
    /// Algorithm-specific facts, in print order: (JSON key, value).
    pub(crate) details: Vec<(&'static str, Value)>,
    /// The best vertices or components.
    pub(crate) top: Top,
}

impl Report {
    /// The report as one JSON object.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("algorithm".into(), self.algorithm.into());
        object.insert("input".into(), self.input.clone().into());
        object.insert("vertices".into(), self.vertices.into());
        object.insert("edges".into(), self.edges.into());
        object.insert("supersteps".into(), self.supersteps.into());
        object.insert("converged".into(), self.converged.into());
        object.insert("load_seconds".into(), self.load.as_secs_f64().into());
        object.insert("compute_seconds".into(), self.compute.as_secs_f64().into());
        object.insert("parallelism".into(), self.parallelism.into());
        if let Some(path) = &self.output {
            object.insert("output".into(), path.display().to_string().into());
        }
        for (key, value) in &self.details {
            object.insert((*key).into(), value.clone());
        }
        let [id, value] = self.top.columns;
        let rows = self.top.rows.iter().map(|(k, v)| {
            let mut row = Map::new();
            row.insert(id.into(), (*k).into());
            row.insert(value.into(), v.clone());
            Value::Object(row)
        });
        object.insert("top".into(), Value::Array(rows.collect()));
        Value::Object(object)
    }

    /// The report as text: the top table (unless an output file was written), then the
    /// summary.
    pub(crate) fn to_text(&self) -> String {
        let mut text = format!("{} on {}\n\n", self.algorithm, self.input);
        match &self.output {
            Some(path) => {
                let (rows, what) = self.written;
                text.push_str(&format!("wrote {rows} {what} to {}\n\n", path.display()));
            }
            None if self.top.rows.is_empty() => text.push_str("(no vertices)\n\n"),
            None => {
                let [id, value] = self.top.columns;
                text.push_str(&format!("{} (top {}):\n", self.top.title, self.top.rows.len()));
                let width = self.top.rows.iter().map(|(k, _)| k.to_string().len()).max().unwrap_or(0);
                let width = width.max(id.len());
                text.push_str(&format!("{:>4}  {id:>width$}  {value}\n", "#"));
                for (place, (key, v)) in self.top.rows.iter().enumerate() {
                    text.push_str(&format!("{:>4}  {key:>width$}  {}\n", place + 1, plain(v)));
                }
                text.push('\n');
            }
        }
        let mut lines: Vec<(String, String)> = vec![
            ("vertices".into(), self.vertices.to_string()),
            ("edges".into(), self.edges.to_string()),
            ("supersteps".into(), self.supersteps.to_string()),
            ("converged".into(), self.converged.to_string()),
        ];
        lines.extend(self.details.iter().map(|(k, v)| (k.replace('_', " "), plain(v))));
        lines.push(("load".into(), format!("{:.3} s", self.load.as_secs_f64())));
        lines.push(("compute".into(), format!("{:.3} s", self.compute.as_secs_f64())));
        lines.push(("parallelism".into(), self.parallelism.to_string()));
        text.push_str(&aligned(&lines));
        text
    }
}

/// A JSON value as text for people: strings unquoted, `null` as `-`.
pub(crate) fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("eddy-cli-unit-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn top_k_orders_by_value_then_id_and_filters() {
        let keys = [10, 11, 12, 13, 14];
        let values = [1.0, 3.0, f64::INFINITY, 3.0, 2.0];
        let top = top_k(&keys, &values, 3, |v| v.is_finite(), f64::total_cmp);
        assert_eq!(top, vec![1, 3, 4]);
        assert_eq!(top_k(&keys, &values, 10, |v| v.is_finite(), f64::total_cmp), vec![1, 3, 4, 0]);
        assert!(top_k(&keys, &values, 0, |_| true, f64::total_cmp).is_empty());
    }

    #[test]
    fn vertex_values_are_written_as_tsv_or_csv_without_leftovers() {
        let dir = scratch("write");
        let tsv = dir.join("x.tsv");
        write_vertex_values(&tsv, "value", &[1, 2, 3], &[0.1, f64::INFINITY, 2.0]).unwrap();
        assert_eq!(std::fs::read_to_string(&tsv).unwrap(), "1\t0.1\n2\tinf\n3\t2\n");
        let csv = dir.join("x.csv");
        write_vertex_values(&csv, "value", &[7], &[7u64]).unwrap();
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), "vertex,value\n7,7\n");
        let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["x.csv", "x.tsv"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_caught_before_the_run() {
        let dir = scratch("missing");
        let err = check_destination(&dir.join("nope").join("x.tsv")).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        assert!(check_destination(&dir).unwrap_err().to_string().contains("is a directory"));
        assert!(check_destination(Path::new("bare.tsv")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
