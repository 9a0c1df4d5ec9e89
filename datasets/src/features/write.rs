//! Writing dense tables as comma-separated text, readable by [`read_csv`](super::read_csv).
//!
//! **Note**: values are printed with `f64`'s `Display` — the shortest text that parses
//! back to the same value, but written out without an exponent, so `1e300` takes 301
//! characters. Files are written atomically: to a fresh temporary file beside the target,
//! renamed when complete.

use std::fmt::Write as _;
use std::path::Path;

use ndarray::ArrayView2;

use super::Table;
use crate::error::{Error, Result};
use crate::files::write_atomically;

/// Writes a matrix as comma-separated text, one row per line, with an optional header;
/// a path ending in `.gz` is gzip-compressed.
///
/// Values are printed with `f64`'s `Display`, the shortest text that parses back to the
/// same value, so [`read_csv`](super::read_csv) returns `features` exactly.
///
/// # Errors
/// [`Error::InvalidParameter`] if the header's length differs from the number of
/// columns, a name contains a comma, a quote or a line break, or a value is NaN or
/// infinite (checked before anything is written); [`Error::Io`] naming the file. The file
/// is written under a temporary name beside `path` and renamed when complete, so a
/// failure leaves nothing under `path`.
///
/// # Example
/// ```
/// use eddy_datasets::features::{read_csv, write_csv, CsvOptions};
/// let path = std::env::temp_dir().join(format!("eddy-doc-write-{}.csv", std::process::id()));
/// let x = ndarray::array![[0.1, 2.0], [-3.5, 1e-7]];
/// write_csv(&path, x.view(), Some(&["a".to_owned(), "b".to_owned()]))?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n0.1,2\n-3.5,0.0000001\n");
/// assert_eq!(read_csv(&path, &CsvOptions::default())?.features, x);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn write_csv(path: impl AsRef<Path>, features: ArrayView2<f64>, header: Option<&[String]>) -> Result<()> {
    write_rows(path.as_ref(), "write_csv", features, header, None)
}

/// Writes a [`Table`] as [`write_csv`] does, with a header, and its labels (if any) as the
/// last column, named [`Table::label_name`] (or `label`) and written as the class names
/// when the table has [`Table::label_classes`]. [`read_csv`](super::read_csv) with that
/// label column reads the table back.
///
/// # Errors
/// As [`write_csv`]; also [`Error::InvalidParameter`] if the labels' length differs from
/// the number of rows or a class label is not a valid index into the class names.
pub fn write_table(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let invalid = |reason: String| Error::InvalidParameter { generator: "write_table", reason };
    let mut header = table.columns.clone();
    let labels = match &table.labels {
        None => None,
        Some(labels) => {
            if labels.len() != table.rows() {
                return Err(invalid(format!("{} labels for {} rows", labels.len(), table.rows())));
            }
            header.push(table.label_name.clone().unwrap_or_else(|| "label".to_owned()));
            let text: Vec<String> = match &table.label_classes {
                None => labels.iter().map(|l| format!("{l}")).collect(),
                Some(classes) => labels
                    .iter()
                    .map(|&l| {
                        let class = (l >= 0.0 && l.fract() == 0.0).then_some(l as usize);
                        class.and_then(|c| classes.get(c).cloned()).ok_or_else(|| {
                            invalid(format!("label {l} is not a class index below {}", classes.len()))
                        })
                    })
                    .collect::<Result<_>>()?,
            };
            Some(text)
        }
    };
    write_rows(path.as_ref(), "write_table", table.features.view(), Some(&header), labels.as_deref())
}

fn write_rows(
    path: &Path,
    caller: &'static str,
    features: ArrayView2<f64>,
    header: Option<&[String]>,
    labels: Option<&[String]>,
) -> Result<()> {
    let invalid = |reason: String| Error::InvalidParameter { generator: caller, reason };
    let columns = features.ncols() + usize::from(labels.is_some());
    if let Some(header) = header {
        if header.len() != columns {
            return Err(invalid(format!("the header has {} names for {columns} columns", header.len())));
        }
        if let Some(name) =
            header.iter().chain(labels.unwrap_or_default()).find(|n| n.contains([',', '"', '\n', '\r']))
        {
            return Err(invalid(format!("{name:?} contains a comma, a quote or a line break")));
        }
    }
    if let Some(((row, column), value)) = features.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(invalid(format!(
            "the value at row {row}, column {column} is {value}, not a finite number"
        )));
    }
    write_atomically(path, |out| {
        if let Some(header) = header {
            writeln!(out, "{}", header.join(","))?;
        }
        // Each line is formatted into one reused buffer, then written in one call.
        let mut line = String::new();
        for (i, row) in features.rows().into_iter().enumerate() {
            line.clear();
            for value in row {
                write!(line, "{value},").expect("formatting into a String cannot fail");
            }
            match labels {
                Some(labels) => line.push_str(&labels[i]),
                None => {
                    line.pop();
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use ndarray::array;

    use super::*;
    use crate::features::{CsvOptions, Header, iris, read_csv};

    fn label(name: &str) -> CsvOptions {
        CsvOptions { header: Header::Auto, label: Some(name.parse().unwrap()), delimiter: None }
    }

    #[test]
    fn written_files_read_back_exactly_and_failures_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let x = array![[0.1, -2.0, 1e300], [1.0 / 3.0, 5e-324, -0.0], [7.0, 8.5, 123456789.125]];
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        for file in ["x.csv", "x.csv.gz"] {
            let path = dir.path().join(file);
            write_csv(&path, x.view(), Some(&names)).unwrap();
            let table = read_csv(&path, &CsvOptions::default()).unwrap();
            assert_eq!(table.columns, names);
            assert_eq!(table.features, x);
            assert!(table.features.iter().zip(&x).all(|(a, b)| a.to_bits() == b.to_bits()), "bit-exact");
        }
        // The gzip file really is gzip.
        let mut text = String::new();
        let raw = std::fs::File::open(dir.path().join("x.csv.gz")).unwrap();
        flate2::read::GzDecoder::new(raw).read_to_string(&mut text).unwrap();
        assert!(text.starts_with("a,b,c\n0.1,-2,1"), "{text}");

        let path = dir.path().join("plain.csv");
        write_csv(&path, array![[1.0, 2.5]].view(), None).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1,2.5\n");

        let bad = [
            (write_csv(&path, array![[f64::NAN]].view(), None), "the value at row 0, column 0 is NaN"),
            (write_csv(&path, x.view(), Some(&names[..2])), "the header has 2 names for 3 columns"),
            (write_csv(&path, array![[1.0]].view(), Some(&["a,b".to_owned()])), "contains a comma"),
        ];
        for (result, expected) in bad {
            let err = result.unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1,2.5\n", "failed writes leave the old file");
        let missing = dir.path().join("no/such/dir/x.csv");
        assert!(write_csv(&missing, x.view(), None).unwrap_err().to_string().contains("no/such/dir/x.csv"));
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        let err = read_csv(dir.path().join("missing.csv"), &CsvOptions::default()).unwrap_err().to_string();
        assert!(err.contains("missing.csv: "), "{err}");
    }

    #[test]
    fn tables_with_classes_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iris.csv.gz");
        let iris = iris();
        write_table(&path, &iris).unwrap();
        let back = read_csv(&path, &label("species")).unwrap();
        assert_eq!(back, iris);
        let numeric = Table { label_classes: None, label_name: None, ..iris };
        write_table(&path, &numeric).unwrap();
        let back = read_csv(&path, &label("label")).unwrap();
        assert_eq!(back.labels, numeric.labels);
        assert_eq!(back.label_name.as_deref(), Some("label"));
    }
}
