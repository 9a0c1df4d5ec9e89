//! Sparse labelled rows in the libsvm/svmlight format:
//! `LABEL [qid:Q] INDEX:VALUE INDEX:VALUE … [# comment]`, one row per line.
//!
//! Labels and values must be finite numbers (`+1`, `-1`, `0.5`, `1e-3`); indices are
//! unsigned integers, strictly increasing within a line; `qid:` tokens are ignored, as is
//! everything from a `#`. Rows are stored in CSR form ([`Sparse`]): no allocation per row.
//!
//! **Note**: svmlight numbers features from 1, and so does this reader — unless some line
//! uses index 0, in which case the whole file is taken as 0-based (scikit-learn's
//! `load_svmlight_file(zero_based="auto")` decides the same way). The stored
//! [`Sparse::indices`] are always 0-based.

use std::path::Path;

use ndarray::{Array1, Array2};

use super::{content_lines, invalid, numbered_lines, read_text};
use crate::error::Result;

/// Sparse rows in compressed sparse row (CSR) form: row `r` has the values
/// `values[indptr[r]..indptr[r + 1]]` in the (0-based, increasing) columns
/// `indices[indptr[r]..indptr[r + 1]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse {
    /// One label per row.
    pub labels: Array1<f64>,
    /// Row offsets into `indices` and `values`: `rows() + 1` entries, starting at 0.
    pub indptr: Vec<usize>,
    /// The 0-based column of every stored value.
    pub indices: Vec<u32>,
    /// The stored values, row after row.
    pub values: Vec<f64>,
    /// The number of columns; every index is below it.
    pub n_features: usize,
}

impl Sparse {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    /// The matrix as a dense `rows × n_features` array, zeros where nothing is stored.
    ///
    /// # Complexity
    /// O(rows · n_features) memory and time.
    ///
    /// # Example
    /// ```
    /// let sparse = eddy_datasets::features::parse_libsvm("a.svm", "1 1:0.5 3:2\n-1 2:1\n", None)?;
    /// assert_eq!(sparse.to_dense(), ndarray::array![[0.5, 0.0, 2.0], [0.0, 1.0, 0.0]]);
    /// # Ok::<(), eddy_datasets::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<f64> {
        let mut dense = Array2::zeros((self.rows(), self.n_features));
        for (row, bounds) in self.indptr.windows(2).enumerate() {
            for k in bounds[0]..bounds[1] {
                dense[[row, self.indices[k] as usize]] = self.values[k];
            }
        }
        dense
    }
}

/// Reads a libsvm/svmlight file (gzip-compressed if the path ends in `.gz`).
///
/// # Arguments
/// - `path`: the file.
/// - `n_features`: the number of columns, or `None` for the largest index seen plus one.
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) if the file cannot be read; otherwise as
/// [`parse_libsvm`].
pub fn read_libsvm(path: impl AsRef<Path>, n_features: Option<usize>) -> Result<Sparse> {
    let path = path.as_ref();
    parse_libsvm(&path.to_string_lossy(), &read_text(path)?, n_features)
}

/// Parses libsvm/svmlight text; `name` names the input in errors.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) naming `name`, the 1-based line
/// and its text for: a label or value that is not a finite number, a token that is not
/// `INDEX:VALUE`, an index that is not an unsigned 32-bit integer, indices that do not
/// increase within a line, an index beyond `n_features`, and input without rows.
///
/// # Complexity
/// O(text length).
///
/// # Example
/// ```
/// use eddy_datasets::features::parse_libsvm;
/// let sparse = parse_libsvm("a.svm", "+1 qid:3 1:0.5 4:2 # first\n-1 2:1\n", None)?;
/// assert_eq!(sparse.labels.to_vec(), [1.0, -1.0]);
/// assert_eq!((sparse.indptr, sparse.indices, sparse.values), (vec![0, 2, 3], vec![0, 3, 1], vec![0.5, 2.0, 1.0]));
/// assert_eq!(sparse.n_features, 4);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn parse_libsvm(name: &str, text: &str, n_features: Option<usize>) -> Result<Sparse> {
    let path = Path::new(name);
    let mut labels = Vec::new();
    let mut indptr = vec![0];
    let mut indices: Vec<u32> = Vec::new();
    let mut values = Vec::new();
    let mut zero_based = false;
    // The largest index in the file (as written) and its line, for the range check.
    let mut largest: Option<(u32, u64)> = None;
    for (no, line) in content_lines(text) {
        let fail = |reason: String| invalid(path, no, line, reason);
        let data = line.split_once('#').map_or(line, |(data, _)| data);
        let mut tokens = data.split_ascii_whitespace();
        let Some(label) = tokens.next() else { continue };
        labels.push(finite(label).map_err(|r| fail(format!("the label {r}")))?);
        let mut previous: Option<u32> = None;
        for token in tokens {
            if token.starts_with("qid:") {
                continue;
            }
            let Some((index, value)) = token.split_once(':') else {
                return Err(fail(format!("expected INDEX:VALUE, got {token:?}")));
            };
            let index: u32 = index
                .parse()
                .map_err(|_| fail(format!("the index {index:?} is not an unsigned 32-bit integer")))?;
            if previous.is_some_and(|p| index <= p) {
                return Err(fail(format!(
                    "indices must increase within a line, but {index} follows {}",
                    previous.unwrap_or(0)
                )));
            }
            previous = Some(index);
            values.push(finite(value).map_err(|r| fail(format!("the value of feature {index} {r}")))?);
            indices.push(index);
            zero_based |= index == 0;
            if largest.is_none_or(|(l, _)| index > l) {
                largest = Some((index, no));
            }
        }
        indptr.push(indices.len());
    }
    if labels.is_empty() {
        return Err(invalid(path, 1, "", "no data rows"));
    }
    if !zero_based {
        indices.iter_mut().for_each(|i| *i -= 1);
    }
    let needed = largest.map_or(0, |(index, _)| index as usize + usize::from(zero_based));
    if let (Some(n), Some((index, no))) = (n_features, largest)
        && needed > n
    {
        let base = if zero_based { "0-based, as index 0 occurs" } else { "1-based" };
        let text = numbered_lines(text).nth((no - 1) as usize).map_or("", |(_, line)| line);
        return Err(invalid(
            path,
            no,
            text,
            format!("feature index {index} is out of range for {n} features (indices are {base})"),
        ));
    }
    Ok(Sparse {
        labels: Array1::from_vec(labels),
        indptr,
        indices,
        values,
        n_features: n_features.unwrap_or(needed),
    })
}

/// A finite number, or how the field fails to be one (completing "the label …").
fn finite(field: &str) -> std::result::Result<f64, String> {
    match field.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(format!("{field:?} is not a finite number")),
        Err(_) => Err(format!("{field:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::error::Error;

    fn parse(text: &str, n_features: Option<usize>) -> Sparse {
        parse_libsvm("t.svm", text, n_features).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn one_based_rows() {
        let sparse = parse("# header comment\n1 1:0.5 3:-2 # trailing\n\n-1 qid:7 2:1e-3\r\n0\n", None);
        assert_eq!(sparse.rows(), 3);
        assert_eq!(sparse.labels.to_vec(), [1.0, -1.0, 0.0]);
        assert_eq!(sparse.indptr, [0, 2, 3, 3]);
        assert_eq!(sparse.indices, [0, 2, 1]);
        assert_eq!(sparse.values, [0.5, -2.0, 1e-3]);
        assert_eq!(sparse.n_features, 3);
        assert_eq!(sparse.to_dense(), array![[0.5, 0.0, -2.0], [0.0, 1e-3, 0.0], [0.0, 0.0, 0.0]]);
        let wide = parse("1 1:0.5 3:-2\n", Some(5));
        assert_eq!(wide.n_features, 5);
        assert_eq!(wide.to_dense(), array![[0.5, 0.0, -2.0, 0.0, 0.0]]);
    }

    #[test]
    fn zero_based_when_index_zero_occurs() {
        let sparse = parse("+1 1:2 2:3\n-1 0:4\n", None);
        assert_eq!(sparse.indices, [1, 2, 0]);
        assert_eq!(sparse.n_features, 3);
        assert_eq!(sparse.to_dense(), array![[0.0, 2.0, 3.0], [4.0, 0.0, 0.0]]);
        assert_eq!(parse("1 0:1 2:1\n", Some(3)).n_features, 3);
    }

    #[test]
    fn malformed_lines_name_file_line_and_text() {
        let cases = [
            ("1 1:1\nx 1:1\n", None, "t.svm:2: the label \"x\" is not a number: \"x 1:1\""),
            ("nan 1:1\n", None, "t.svm:1: the label \"nan\" is not a finite number: \"nan 1:1\""),
            ("1 1:1 2\n", None, "t.svm:1: expected INDEX:VALUE, got \"2\": \"1 1:1 2\""),
            ("1 a:1\n", None, "t.svm:1: the index \"a\" is not an unsigned 32-bit integer: \"1 a:1\""),
            ("1 -1:1\n", None, "t.svm:1: the index \"-1\" is not an unsigned 32-bit integer: \"1 -1:1\""),
            ("1 1:x\n", None, "t.svm:1: the value of feature 1 \"x\" is not a number: \"1 1:x\""),
            (
                "1 1:inf\n",
                None,
                "t.svm:1: the value of feature 1 \"inf\" is not a finite number: \"1 1:inf\"",
            ),
            (
                "1 1:1\n# c\n1 3:1 2:1\n",
                None,
                "t.svm:3: indices must increase within a line, but 2 follows 3: \"1 3:1 2:1\"",
            ),
            (
                "1 2:1 2:1\n",
                None,
                "t.svm:1: indices must increase within a line, but 2 follows 2: \"1 2:1 2:1\"",
            ),
            (
                "1 1:1\n1 4:1\n1 2:1\n",
                Some(3),
                "t.svm:2: feature index 4 is out of range for 3 features (indices are 1-based): \"1 4:1\"",
            ),
            (
                "1 0:1 3:1\n",
                Some(3),
                "t.svm:1: feature index 3 is out of range for 3 features (indices are 0-based, as index 0 occurs): \"1 0:1 3:1\"",
            ),
            ("# nothing\n", None, "t.svm:1: no data rows: \"\""),
        ];
        for (text, n, expected) in cases {
            match parse_libsvm("t.svm", text, n) {
                Err(e @ Error::InvalidInput { .. }) => assert_eq!(e.to_string(), expected, "{text:?}"),
                other => panic!("{text:?}: expected InvalidInput, got {other:?}"),
            }
        }
    }

    #[test]
    fn reads_plain_and_gzip_files() {
        let dir = tempfile::tempdir().unwrap();
        let text = "1 1:0.5\n0 2:1.5\n";
        let plain = dir.path().join("a.svm");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("a.svm.gz");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
        std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
        let expected = parse(text, None);
        assert_eq!(read_libsvm(&plain, None).unwrap(), expected);
        assert_eq!(read_libsvm(&gz, None).unwrap(), expected);
        assert!(read_libsvm(dir.path().join("none.svm"), None).is_err());
    }
}
