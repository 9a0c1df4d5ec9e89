//! Feature data for machine learning: dense tables from CSV, sparse rows from
//! libsvm/svmlight files, `user item rating` triples, and the built-in [`iris`] dataset.
//!
//! - [`read_csv`] / [`parse_csv`] give a [`Table`]: a dense `rows × features` matrix of
//!   finite `f64`, the feature column names, and optionally one label column (numeric, or
//!   text mapped to class ids `0, 1, 2, …` in order of first appearance). [`write_csv`]
//!   and [`write_table`] write them back.
//! - [`read_libsvm`] / [`parse_libsvm`] give a [`Sparse`] matrix in CSR form.
//! - [`read_ratings`] / [`parse_ratings`] give `(user, item, rating)` triples (MovieLens
//!   style), for collaborative filtering.
//!
//! Every reader accepts plain text or gzip (a path ending in `.gz`), skips blank lines and
//! lines starting with `#`, accepts `\r\n` line ends and a UTF-8 byte-order mark, and
//! rejects NaN and infinite values. An error names the file, the 1-based line and the
//! line's text, on one line: `data.csv:3: column "b": "x" is not a number: "1,x,3"`.
//!
//! [`iris`] is Fisher's iris data (Fisher 1936, via the UCI Machine Learning Repository),
//! 150 rows × 4 features and 3 species, as distributed with scikit-learn
//! (`sklearn.datasets.load_iris`); it ships as `datasets/data/iris.csv`.
//!
//! **Note**: the CSV reader is a reader for numeric tables, not a general CSV parser:
//! fields are split at every delimiter, and double quotes are only stripped from around a
//! whole field (`"sepal length"`), so a quoted field cannot contain the delimiter, a
//! quote or a line break.
//!
//! # Example
//! ```
//! use eddy_datasets::features::{self, CsvOptions, LabelColumn};
//!
//! let options = CsvOptions { label: Some(LabelColumn::Name("kind".into())), ..Default::default() };
//! let table = features::parse_csv("pets.csv", "weight,kind,age\n4.5,cat,3\n30,dog,7\n5,cat,1\n", &options)?;
//! assert_eq!(table.columns, ["weight", "age"]);
//! assert_eq!(table.features.row(1).to_vec(), [30.0, 7.0]);
//! assert_eq!(table.labels.unwrap().to_vec(), [0.0, 1.0, 0.0]);
//! assert_eq!(table.label_classes.unwrap(), ["cat", "dog"]);
//!
//! let iris = features::iris();
//! assert_eq!(iris.features.dim(), (150, 4));
//! # Ok::<(), eddy_datasets::Error>(())
//! ```

use std::io::Read;
use std::path::Path;

use ndarray::{Array1, Array2};

use crate::error::{Error, Result};
use crate::files::is_gzip;

mod csv;
mod libsvm;
mod ratings;
mod write;

pub use csv::{CsvOptions, Header, LabelColumn, parse_csv, read_csv};
pub use libsvm::{Sparse, parse_libsvm, read_libsvm};
pub use ratings::{parse_ratings, read_ratings};
pub use write::{write_csv, write_table};

/// A dense feature table: `features[[row, j]]` is the value of column `columns[j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The feature column names, in file order, without the label column: the header's
    /// names, or the original 0-based column indices (`"0"`, `"1"`, …) without a header.
    pub columns: Vec<String>,
    /// The feature values, `rows × columns.len()`, all finite.
    pub features: Array2<f64>,
    /// One label (or regression target) per row, if a label column was chosen.
    pub labels: Option<Array1<f64>>,
    /// The label column's name (its header name, or its index without a header).
    pub label_name: Option<String>,
    /// For a text label column: the class names, `label_classes[c]` being the text of
    /// label `c as f64`, in order of first appearance. `None` for numeric labels.
    pub label_classes: Option<Vec<String>>,
}

impl Table {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.features.nrows()
    }
}

const IRIS: &str = include_str!("../data/iris.csv");

/// Fisher's iris data: 150 rows, features `sepal_length`, `sepal_width`, `petal_length`,
/// `petal_width` (cm), labels `0, 1, 2` for the species `setosa`, `versicolor`,
/// `virginica` (50 each, in that order in the file).
///
/// Source: R. A. Fisher (1936), UCI Machine Learning Repository, as distributed with
/// scikit-learn (`sklearn.datasets.load_iris`, whose values these are).
///
/// # Example
/// ```
/// let iris = eddy_datasets::features::iris();
/// assert_eq!(iris.features.row(0).to_vec(), [5.1, 3.5, 1.4, 0.2]);
/// assert_eq!(iris.label_classes.unwrap(), ["setosa", "versicolor", "virginica"]);
/// ```
pub fn iris() -> Table {
    let options = CsvOptions {
        header: Header::Present,
        label: Some(LabelColumn::Name("species".to_owned())),
        delimiter: Some(b','),
    };
    parse_csv("iris.csv", IRIS, &options).expect("the bundled iris.csv is valid")
}

/// The lines of `text` with their 1-based numbers, `\r` line ends and a leading UTF-8
/// byte-order mark removed.
fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n').enumerate().map(|(i, line)| (i as u64 + 1, line.strip_suffix('\r').unwrap_or(line)))
}

/// The lines that are neither blank nor `#` comments, numbered.
fn content_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    numbered_lines(text).filter(|(_, line)| {
        let line = line.trim_start();
        !line.is_empty() && !line.starts_with('#')
    })
}

/// An [`Error::InvalidInput`] for line `line` (1-based) with text `text`.
fn invalid(path: &Path, line: u64, text: &str, reason: impl Into<String>) -> Error {
    let text: String = text.trim().chars().take(120).collect();
    Error::InvalidInput { path: path.to_path_buf(), line, text, reason: reason.into() }
}

/// Strips one pair of double quotes from around a field.
fn unquote(field: &str) -> &str {
    field.strip_prefix('"').and_then(|f| f.strip_suffix('"')).unwrap_or(field)
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.to_path_buf(), source }
}

/// Reads a whole file as text, gunzipping a `.gz` path; invalid UTF-8 is an
/// [`Error::InvalidInput`] on the line where it occurs.
fn read_text(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut bytes = Vec::new();
    if is_gzip(path) {
        flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)).read_to_end(&mut bytes)
    } else {
        std::io::BufReader::new(file).read_to_end(&mut bytes)
    }
    .map_err(|e| io_error(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let end = bytes[valid..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| valid + p);
        invalid(path, line, &String::from_utf8_lossy(&bytes[start..end]), "the line is not valid UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_has_150_rows_three_balanced_species_and_known_means() {
        let iris = iris();
        assert_eq!(iris.features.dim(), (150, 4));
        assert_eq!(iris.rows(), 150);
        assert_eq!(iris.columns, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
        assert_eq!(iris.label_name.as_deref(), Some("species"));
        assert_eq!(
            iris.label_classes.as_deref(),
            Some(&["setosa", "versicolor", "virginica"].map(String::from)[..])
        );
        let labels = iris.labels.as_ref().unwrap();
        for class in 0..3 {
            assert_eq!(labels.iter().filter(|&&l| l == f64::from(class)).count(), 50);
        }
        assert_eq!(labels[0], 0.0);
        assert_eq!(labels[149], 2.0);
        assert_eq!(iris.features.row(0).to_vec(), [5.1, 3.5, 1.4, 0.2]);
        assert_eq!(iris.features.row(149).to_vec(), [5.9, 3.0, 5.1, 1.8]);
        // scikit-learn: load_iris().data.mean(axis=0); 1e-12 covers the rounding of a sum
        // of 150 values of about 5.
        let means = iris.features.mean_axis(ndarray::Axis(0)).unwrap();
        for (mean, expected) in
            means.iter().zip([5.843333333333334, 3.0573333333333337, 3.758, 1.1993333333333336])
        {
            assert!((mean - expected).abs() < 1e-12, "{mean} vs {expected}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, b"a,b\n1,2\n3,\xff\n").unwrap();
        let err = read_text(&path).unwrap_err().to_string();
        assert!(err.ends_with("bad.csv:3: the line is not valid UTF-8: \"3,\u{fffd}\""), "{err}");
    }

    #[test]
    fn lines_drop_bom_and_carriage_returns() {
        let lines: Vec<_> = content_lines("\u{feff}a\r\n\n  # c\n b\r\n").collect();
        assert_eq!(lines, [(1, "a"), (4, " b")]);
    }
}
