//! Dense numeric tables as CSV (or TSV, semicolon- or whitespace-separated) text.
//!
//! A file is: optional `#` comment and blank lines anywhere, an optional header line,
//! then one row per line with the same number of fields. Fields are trimmed and a pair of
//! double quotes around a field is removed. Feature values must parse as finite `f64`
//! (Rust's `str::parse`: `1`, `-2.5`, `1e-3`, `.5`); one column may be chosen as the
//! label, numeric or text. Rows are parsed straight into one flat buffer: no allocation
//! per row.
//!
//! **Note**: with [`Header::Auto`] a first line such as `5.1,3.5,setosa` (a text label
//! column, no header) is *not* a header: a field that is text in the second line too is
//! ignored when deciding. A header made only of numbers (`0,1,2`) is taken for data;
//! say [`Header::Present`] for such files.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use ndarray::{Array1, Array2};

use super::{Table, content_lines, invalid, read_text, unquote};
use crate::error::{Error, Result};

/// Whether a CSV file starts with a header line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Header {
    /// Decide from the data: the first line (that is neither blank nor a comment) is a
    /// header iff one of its fields is not a number while the same field of the next line
    /// is (or there is no next line).
    #[default]
    Auto,
    /// The first line is a header.
    Present,
    /// There is no header; columns are named `"0"`, `"1"`, … by index.
    Absent,
}

/// The column holding the labels (or regression targets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelColumn {
    /// The column with this header name (without a header, the names are `"0"`, `"1"`…).
    Name(String),
    /// The column with this 0-based index, counting the label column itself.
    Index(usize),
}

impl FromStr for LabelColumn {
    type Err = Error;

    /// An all-digits string is an [`Index`](Self::Index), anything else a
    /// [`Name`](Self::Name).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an empty string or an index that does not fit in a
    /// `usize`.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidParameter { generator: "label column", reason };
        if text.is_empty() {
            return Err(invalid("the label column is empty; give a name or a 0-based index".to_owned()));
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().map(Self::Index).map_err(|_| invalid(format!("index {text} is too large")));
        }
        Ok(Self::Name(text.to_owned()))
    }
}

impl fmt::Display for LabelColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name) => write!(f, "{name}"),
            Self::Index(index) => write!(f, "{index}"),
        }
    }
}

/// How to read a CSV file; the default detects the header and the delimiter and reads
/// every column as a feature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Whether there is a header line.
    pub header: Header,
    /// The label column, if any; it is left out of the features.
    pub label: Option<LabelColumn>,
    /// The field delimiter (an ASCII byte; `b' '` means runs of spaces and tabs). `None`
    /// picks, from the first line that is neither blank nor a comment, the first of `,`,
    /// tab and `;` that it contains, else runs of whitespace.
    pub delimiter: Option<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Delimiter {
    Byte(char),
    Whitespace,
}

impl Delimiter {
    fn detect(line: &str) -> Self {
        [',', '\t', ';'].into_iter().find(|&c| line.contains(c)).map_or(Self::Whitespace, Self::Byte)
    }

    /// The trimmed fields of `line`.
    fn fields(self, line: &str) -> Fields<'_> {
        match self {
            Self::Byte(c) => Fields::Byte(line.split(c)),
            Self::Whitespace => Fields::Whitespace(line.split_ascii_whitespace()),
        }
    }
}

/// The fields of a line (one type for both kinds of delimiter, so that the row loop is
/// not boxed).
enum Fields<'a> {
    Byte(std::str::Split<'a, char>),
    Whitespace(std::str::SplitAsciiWhitespace<'a>),
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        match self {
            Self::Byte(split) => split.next().map(str::trim_ascii),
            Self::Whitespace(split) => split.next(),
        }
    }
}

/// Reads a CSV file (gzip-compressed if the path ends in `.gz`) into a [`Table`].
///
/// # Arguments
/// - `path`: the file.
/// - `options`: header, label column and delimiter; see [`CsvOptions`].
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; otherwise as [`parse_csv`].
///
/// # Complexity
/// O(file size); one `f64` parse per field. The file is read into memory first.
///
/// # Example
/// ```
/// use eddy_datasets::features::{read_csv, CsvOptions, LabelColumn};
/// let path = std::env::temp_dir().join(format!("eddy-doc-csv-{}.tsv", std::process::id()));
/// std::fs::write(&path, "# two rows\nx\ty\n1\t0.5\n2\t-1\n").unwrap();
/// let options = CsvOptions { label: Some("y".parse()?), ..Default::default() };
/// let table = read_csv(&path, &options)?;
/// assert_eq!(table.features.column(0).to_vec(), [1.0, 2.0]);
/// assert_eq!(table.labels.unwrap().to_vec(), [0.5, -1.0]);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table> {
    let path = path.as_ref();
    parse_csv(&path.to_string_lossy(), &read_text(path)?, options)
}

/// Parses CSV text into a [`Table`]; `name` names the input in errors.
///
/// # Errors
/// [`Error::InvalidInput`] naming `name`, the 1-based line and its text for: a row with
/// the wrong number of fields (`expected 4 fields, found 3`), a feature value that is not
/// a number or not finite (naming the column), a numeric label column with a value that
/// is not a number, a label column that does not exist (on the header line, or the first
/// line without a header, listing the columns), and input without data rows.
/// [`Error::InvalidParameter`] for a non-ASCII delimiter.
///
/// # Complexity
/// O(text length), no allocation per row (a text label allocates once per class).
pub fn parse_csv(name: &str, text: &str, options: &CsvOptions) -> Result<Table> {
    let path = Path::new(name);
    let mut lines = content_lines(text).peekable();
    let Some(&(first_no, first)) = lines.peek() else {
        return Err(invalid(path, 1, "", "no data rows"));
    };
    let delimiter = match options.delimiter {
        None => Delimiter::detect(first),
        Some(b' ') => Delimiter::Whitespace,
        Some(b) if b.is_ascii() => Delimiter::Byte(char::from(b)),
        Some(b) => {
            return Err(Error::InvalidParameter {
                generator: "read_csv",
                reason: format!("the delimiter 0x{b:02x} is not an ASCII character"),
            });
        }
    };
    let has_header = match options.header {
        Header::Present => true,
        Header::Absent => false,
        Header::Auto => {
            lines.next();
            let next = lines.peek().map(|&(_, line)| line);
            let header = looks_like_header(delimiter, first, next);
            lines = content_lines(text).peekable();
            header
        }
    };
    if has_header {
        lines.next();
    }
    let names: Vec<String> = if has_header {
        delimiter.fields(first).map(|f| unquote(f).to_owned()).collect()
    } else {
        (0..delimiter.fields(first).count()).map(|i| i.to_string()).collect()
    };
    let width = names.len();
    let label = match &options.label {
        None => None,
        Some(column) => {
            Some(find_label(column, &names).map_err(|reason| invalid(path, first_no, first, reason))?)
        }
    };

    let n_features = width - usize::from(label.is_some());
    let estimated_rows = text.len() / (first.len() + 1);
    let mut values: Vec<f64> = Vec::with_capacity(estimated_rows.saturating_mul(n_features));
    let mut labels = Labels::new(label.is_some(), estimated_rows);
    let mut rows = 0;
    for (no, line) in lines {
        let fail = |reason: String| {
            let found = delimiter.fields(line).count();
            let reason =
                if found == width { reason } else { format!("expected {width} fields, found {found}") };
            invalid(path, no, line, reason)
        };
        let mut column = 0;
        for field in delimiter.fields(line) {
            if column == width {
                return Err(fail(String::new()));
            }
            if Some(column) == label {
                labels
                    .push(field)
                    .map_err(|reason| fail(format!("label column {:?}: {reason}", names[column])))?;
            } else {
                values.push(
                    number(field).map_err(|reason| fail(format!("column {:?}: {reason}", names[column])))?,
                );
            }
            column += 1;
        }
        if column != width {
            return Err(fail(String::new()));
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(invalid(path, first_no, first, "no data rows"));
    }

    let features =
        Array2::from_shape_vec((rows, n_features), values).expect("every row has n_features values");
    let (labels, label_classes) = labels.finish();
    let label_name = label.map(|l| names[l].clone());
    let columns = names.into_iter().enumerate().filter(|&(i, _)| Some(i) != label).map(|(_, n)| n).collect();
    Ok(Table { columns, features, labels, label_name, label_classes })
}

/// Header detection for [`Header::Auto`].
fn looks_like_header(delimiter: Delimiter, first: &str, next: Option<&str>) -> bool {
    let is_number = |f: &str| unquote(f).parse::<f64>().is_ok();
    let mut text_columns =
        delimiter.fields(first).enumerate().filter(|&(_, f)| !is_number(f)).map(|(i, _)| i);
    match next {
        None => text_columns.next().is_some(),
        Some(next) => text_columns.any(|i| delimiter.fields(next).nth(i).is_some_and(is_number)),
    }
}

/// The index of the label column, or why there is none.
fn find_label(column: &LabelColumn, names: &[String]) -> std::result::Result<usize, String> {
    let listed = || {
        let shown: Vec<String> =
            names.iter().take(20).enumerate().map(|(i, n)| format!("{i}: {n:?}")).collect();
        let more = if names.len() > 20 { ", …" } else { "" };
        format!("the {} columns are {}{more}", names.len(), shown.join(", "))
    };
    match column {
        LabelColumn::Name(name) => names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("label column {name:?} not found; {}", listed())),
        LabelColumn::Index(index) if *index < names.len() => Ok(*index),
        LabelColumn::Index(index) => Err(format!("label column index {index} is out of range; {}", listed())),
    }
}

/// A finite number, or why not.
fn number(field: &str) -> std::result::Result<f64, String> {
    let value = match field.parse::<f64>() {
        Ok(value) => value,
        Err(_) => unquote(field).parse::<f64>().map_err(|_| format!("{field:?} is not a number"))?,
    };
    if value.is_finite() { Ok(value) } else { Err(format!("{field:?} is not a finite number")) }
}

/// The label column as it is read: numeric, or text mapped to class ids; the kind is
/// fixed by the first label.
enum Labels {
    None,
    Unknown(usize),
    Numeric(Vec<f64>),
    Classes { ids: Vec<f64>, index: HashMap<String, usize>, names: Vec<String> },
}

impl Labels {
    fn new(wanted: bool, capacity: usize) -> Self {
        if wanted { Self::Unknown(capacity) } else { Self::None }
    }

    fn push(&mut self, field: &str) -> std::result::Result<(), String> {
        if let Self::Unknown(capacity) = *self {
            *self = match number(field) {
                Err(_) if unquote(field).parse::<f64>().is_err() => Self::Classes {
                    ids: Vec::with_capacity(capacity),
                    index: HashMap::new(),
                    names: Vec::new(),
                },
                _ => Self::Numeric(Vec::with_capacity(capacity)),
            };
        }
        match self {
            Self::None | Self::Unknown(_) => unreachable!("a label is pushed only when a column is chosen"),
            Self::Numeric(values) => {
                let before = if values.is_empty() { "" } else { " (the labels before it are numbers)" };
                let value = number(field).map_err(|reason| format!("{reason}{before}"))?;
                values.push(value);
            }
            Self::Classes { ids, index, names } => {
                let class = unquote(field);
                let id = match index.get(class) {
                    Some(&id) => id,
                    None => {
                        index.insert(class.to_owned(), names.len());
                        names.push(class.to_owned());
                        names.len() - 1
                    }
                };
                ids.push(id as f64);
            }
        }
        Ok(())
    }

    fn finish(self) -> (Option<Array1<f64>>, Option<Vec<String>>) {
        match self {
            Self::None | Self::Unknown(_) => (None, None),
            Self::Numeric(values) => (Some(Array1::from_vec(values)), None),
            Self::Classes { ids, names, .. } => (Some(Array1::from_vec(ids)), Some(names)),
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn options(header: Header, label: Option<&str>, delimiter: Option<u8>) -> CsvOptions {
        CsvOptions { header, label: label.map(|l| l.parse().unwrap()), delimiter }
    }

    fn parse(text: &str, options: &CsvOptions) -> Table {
        parse_csv("t.csv", text, options).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn error(text: &str, options: &CsvOptions) -> String {
        match parse_csv("t.csv", text, options) {
            Err(e @ Error::InvalidInput { .. }) => e.to_string(),
            other => panic!("{text:?}: expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn header_is_detected_or_given() {
        let table = parse("a,b,c\n1,2,3\n4,5,6\n", &CsvOptions::default());
        assert_eq!(table.columns, ["a", "b", "c"]);
        assert_eq!(table.features, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!((table.labels, table.label_name, table.label_classes), (None, None, None));

        let table = parse("# comment\n\n1,2\n3,4\n", &CsvOptions::default());
        assert_eq!(table.columns, ["0", "1"]);
        assert_eq!(table.features, array![[1.0, 2.0], [3.0, 4.0]]);

        // A numeric header only when told so; Absent keeps a text-free first row as data.
        let table = parse("0,1\n3,4\n", &options(Header::Present, None, None));
        assert_eq!(table.columns, ["0", "1"]);
        assert_eq!(table.features, array![[3.0, 4.0]]);
        let table = parse("1,2\n3,4\n", &options(Header::Absent, None, None));
        assert_eq!(table.features.nrows(), 2);

        // Quotes, spaces, CRLF and a BOM.
        let table = parse("\u{feff}\"sepal length\" , \"x\"\r\n 1.5 , \"2\"\r\n", &CsvOptions::default());
        assert_eq!(table.columns, ["sepal length", "x"]);
        assert_eq!(table.features, array![[1.5, 2.0]]);
    }

    #[test]
    fn text_label_without_header_is_data() {
        let table = parse(
            "5.1,3.5,setosa\n7.0,3.2,versicolor\n6.0,3.0,setosa\n",
            &options(Header::Auto, Some("2"), None),
        );
        assert_eq!(table.columns, ["0", "1"]);
        assert_eq!(table.features.nrows(), 3);
        assert_eq!(table.labels.unwrap().to_vec(), [0.0, 1.0, 0.0]);
        assert_eq!(table.label_name.as_deref(), Some("2"));
        assert_eq!(table.label_classes.unwrap(), ["setosa", "versicolor"]);
        // With a header, the same file keeps its names.
        let table = parse("a,b,kind\n5.1,3.5,setosa\n", &options(Header::Auto, Some("kind"), None));
        assert_eq!(table.columns, ["a", "b"]);
        assert_eq!(table.label_classes.unwrap(), ["setosa"]);
    }

    #[test]
    fn label_by_name_and_index() {
        let text = "y,a,b\n1,2,3\n0,5,6\n";
        let by_name = parse(text, &options(Header::Auto, Some("y"), None));
        let by_index = parse(text, &options(Header::Auto, Some("0"), None));
        assert_eq!(by_name, by_index);
        assert_eq!(by_name.columns, ["a", "b"]);
        assert_eq!(by_name.features, array![[2.0, 3.0], [5.0, 6.0]]);
        assert_eq!(by_name.labels.unwrap().to_vec(), [1.0, 0.0]);
        assert_eq!(by_name.label_name.as_deref(), Some("y"));
        assert_eq!(by_name.label_classes, None);
        // The middle column, without a header.
        let table = parse("1 2 3\n4 5 6\n", &options(Header::Auto, Some("1"), None));
        assert_eq!(table.columns, ["0", "2"]);
        assert_eq!(table.features, array![[1.0, 3.0], [4.0, 6.0]]);
        assert_eq!(table.labels.unwrap().to_vec(), [2.0, 5.0]);
        // A label as the only column.
        let table = parse("y\n1\n2\n", &options(Header::Auto, Some("y"), None));
        assert_eq!(table.features.dim(), (2, 0));
    }

    #[test]
    fn delimiters_are_detected_or_given() {
        let expected = array![[1.0, -2.0, 3e3], [0.5, 0.0, 6.0]];
        for text in
            ["1,-2,3e3\n.5,0,6\n", "1\t-2\t3e3\n.5\t0\t6\n", "1;-2;3e3\n.5;0;6\n", "1  -2 3e3\n .5 0 6 \n"]
        {
            assert_eq!(parse(text, &CsvOptions::default()).features, expected, "{text:?}");
        }
        let table = parse("a b;c d\n1;2\n", &options(Header::Auto, None, None));
        assert_eq!(table.columns, ["a b", "c d"]);
        let table = parse("1|2\n3|4\n", &options(Header::Auto, None, Some(b'|')));
        assert_eq!(table.features, array![[1.0, 2.0], [3.0, 4.0]]);
        let table = parse("1  2\n3 4\n", &options(Header::Auto, None, Some(b' ')));
        assert_eq!(table.features, array![[1.0, 2.0], [3.0, 4.0]]);
        let err = parse_csv("t.csv", "1\n", &options(Header::Auto, None, Some(0xa7))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid read_csv parameters: the delimiter 0xa7 is not an ASCII character"
        );
    }

    #[test]
    fn malformed_input_names_file_line_and_text() {
        let default = CsvOptions::default();
        let cases = [
            ("a,b,c,d\n1,2,3,4\n# c\n5,6,7\n", &default, "t.csv:4: expected 4 fields, found 3: \"5,6,7\""),
            ("1,2\n3,4,5\n", &default, "t.csv:2: expected 2 fields, found 3: \"3,4,5\""),
            ("1,2\n3,x,5\n", &default, "t.csv:2: expected 2 fields, found 3: \"3,x,5\""),
            ("a,b\n1,2\n3,x\n", &default, "t.csv:3: column \"b\": \"x\" is not a number: \"3,x\""),
            ("1,2\n3,\n", &default, "t.csv:2: column \"1\": \"\" is not a number: \"3,\""),
            ("a,b\n1,nan\n", &default, "t.csv:2: column \"b\": \"nan\" is not a finite number: \"1,nan\""),
            (
                "a,b\n1,2\nNaN,2\n",
                &default,
                "t.csv:3: column \"a\": \"NaN\" is not a finite number: \"NaN,2\"",
            ),
            ("a,b\n1,-inf\n", &default, "t.csv:2: column \"b\": \"-inf\" is not a finite number: \"1,-inf\""),
            (
                "a,b\n1,1e999\n",
                &default,
                "t.csv:2: column \"b\": \"1e999\" is not a finite number: \"1,1e999\"",
            ),
            ("", &default, "t.csv:1: no data rows: \"\""),
            ("# only\n\n", &default, "t.csv:1: no data rows: \"\""),
            ("# c\na,b\n", &default, "t.csv:2: no data rows: \"a,b\""),
        ];
        for (text, options, expected) in cases {
            assert_eq!(error(text, options), expected, "input {text:?}");
        }
        let label = |l| options(Header::Auto, Some(l), None);
        let cases = [
            (
                "# c\na,b\n1,2\n",
                label("z"),
                "t.csv:2: label column \"z\" not found; the 2 columns are 0: \"a\", 1: \"b\": \"a,b\"",
            ),
            (
                "1,2\n",
                label("2"),
                "t.csv:1: label column index 2 is out of range; the 2 columns are 0: \"0\", 1: \"1\": \"1,2\"",
            ),
            (
                "a,y\n1,2\n3,x\n",
                label("y"),
                "t.csv:3: label column \"y\": \"x\" is not a number (the labels before it are numbers): \"3,x\"",
            ),
            (
                "a,y\n1,2\n3,inf\n",
                label("y"),
                "t.csv:3: label column \"y\": \"inf\" is not a finite number (the labels before it are numbers): \"3,inf\"",
            ),
            (
                "a,y\n1,nan\n",
                label("y"),
                "t.csv:2: label column \"y\": \"nan\" is not a finite number: \"1,nan\"",
            ),
            ("a,y\n1,cat\n3\n", label("y"), "t.csv:3: expected 2 fields, found 1: \"3\""),
        ];
        for (text, options, expected) in cases {
            assert_eq!(error(text, &options), expected, "input {text:?}");
        }
    }

    #[test]
    fn label_column_parses_from_text() {
        assert_eq!("3".parse::<LabelColumn>().unwrap(), LabelColumn::Index(3));
        assert_eq!("species".parse::<LabelColumn>().unwrap(), LabelColumn::Name("species".into()));
        assert_eq!("x1".parse::<LabelColumn>().unwrap(), LabelColumn::Name("x1".into()));
        assert_eq!("-1".parse::<LabelColumn>().unwrap(), LabelColumn::Name("-1".into()));
        assert!("".parse::<LabelColumn>().is_err());
        assert!("99999999999999999999999".parse::<LabelColumn>().is_err());
        assert_eq!(LabelColumn::Index(3).to_string(), "3");
    }
}
