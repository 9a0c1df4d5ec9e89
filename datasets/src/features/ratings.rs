//! `user item rating` triples, for collaborative filtering (MovieLens and similar).
//!
//! One rating per line; fields separated by `,`, tab, runs of spaces, or `::` (MovieLens
//! 1M/10M), decided by the first line that is neither blank nor a comment. Users and
//! items are unsigned 64-bit integers, ratings finite numbers; further fields (MovieLens'
//! timestamp) are ignored. The first line is a header, and skipped, when none of its
//! first three fields is a number (`userId,movieId,rating,timestamp`).
//!
//! **Note**: ids are kept as written, not renumbered: MovieLens ids start at 1 and have
//! gaps, so an algorithm that indexes arrays by id must compact them first.

use std::path::Path;

use super::{content_lines, invalid, read_text};
use crate::error::Result;

/// Reads `user item rating` lines from a file (gzip-compressed if the path ends in
/// `.gz`).
///
/// # Errors
/// [`Error::Io`](crate::Error::Io) if the file cannot be read; otherwise as
/// [`parse_ratings`].
pub fn read_ratings(path: impl AsRef<Path>) -> Result<Vec<(u64, u64, f64)>> {
    let path = path.as_ref();
    parse_ratings(&path.to_string_lossy(), &read_text(path)?)
}

/// Parses `user item rating` lines; `name` names the input in errors.
///
/// # Returns
/// `(user, item, rating)` in file order.
///
/// # Errors
/// [`Error::InvalidInput`](crate::Error::InvalidInput) naming `name`, the 1-based line
/// and its text for a line with fewer than three fields, an id that is not an unsigned
/// 64-bit integer, a rating that is not a finite number, and input without ratings.
///
/// # Example
/// ```
/// let text = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n";
/// let ratings = eddy_datasets::features::parse_ratings("ratings.csv", text)?;
/// assert_eq!(ratings, [(1, 31, 2.5), (1, 1029, 3.0)]);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn parse_ratings(name: &str, text: &str) -> Result<Vec<(u64, u64, f64)>> {
    let path = Path::new(name);
    let mut lines = content_lines(text).peekable();
    let Some(&(first_no, first)) = lines.peek() else {
        return Err(invalid(path, 1, "", "no data rows"));
    };
    let separator = [",", "\t", "::"].into_iter().find(|s| first.contains(s));
    // A header has no number among its first three fields; a data line with one bad
    // field is an error, not a header.
    let header = {
        let (a, b, c) = three_fields(first, separator);
        [a, b, c].into_iter().flatten().all(|f| f.parse::<f64>().is_err())
    };
    if header {
        lines.next();
    }
    let mut ratings = Vec::with_capacity(text.len() / (first.len() + 1));
    for (no, line) in lines {
        let fail = |reason: String| invalid(path, no, line, reason);
        let (Some(user), Some(item), Some(rating)) = three_fields(line, separator) else {
            let found = match separator {
                Some(s) => line.split(s).count(),
                None => line.split_ascii_whitespace().count(),
            };
            let plural = if found == 1 { "" } else { "s" };
            return Err(fail(format!("expected `user item rating`, found {found} field{plural}")));
        };
        let id = |field: &str, what: &str| {
            field.parse::<u64>().map_err(|_| fail(format!("the {what} {field:?} is not an unsigned integer")))
        };
        let (user, item) = (id(user, "user")?, id(item, "item")?);
        let rating = match rating.parse::<f64>() {
            Ok(value) if value.is_finite() => value,
            Ok(_) => return Err(fail(format!("the rating {rating:?} is not a finite number"))),
            Err(_) => return Err(fail(format!("the rating {rating:?} is not a number"))),
        };
        ratings.push((user, item, rating));
    }
    if ratings.is_empty() {
        return Err(invalid(path, first_no, first, "no data rows"));
    }
    Ok(ratings)
}

/// The first three fields of `line`, trimmed.
fn three_fields<'l>(
    line: &'l str,
    separator: Option<&str>,
) -> (Option<&'l str>, Option<&'l str>, Option<&'l str>) {
    fn first_three<'l>(
        mut fields: impl Iterator<Item = &'l str>,
    ) -> (Option<&'l str>, Option<&'l str>, Option<&'l str>) {
        (fields.next(), fields.next(), fields.next())
    }
    match separator {
        Some(s) => first_three(line.split(s).map(str::trim)),
        None => first_three(line.split_ascii_whitespace()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn parse(text: &str) -> Vec<(u64, u64, f64)> {
        parse_ratings("r.csv", text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn separators_headers_and_extra_columns() {
        let expected = [(1, 10, 4.0), (2, 20, 3.5)];
        for text in [
            "1,10,4\n2,20,3.5\n",
            "user,item,rating\n1,10,4\n2,20,3.5\n",
            "# ml\nuserId,movieId,rating,timestamp\r\n1,10,4.0,964982703\r\n2, 20 ,3.5,964982931\r\n",
            "1\t10\t4\t0\n\n2\t20\t3.5\t0\n",
            "1 10  4\n 2 20 3.5\n",
            "1::10::4::978300760\n2::20::3.5::978302109\n",
        ] {
            assert_eq!(parse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn malformed_lines_name_file_line_and_text() {
        let cases = [
            ("x,2,3\n", "r.csv:1: the user \"x\" is not an unsigned integer: \"x,2,3\""),
            ("1,2,3\n4,5\n", "r.csv:2: expected `user item rating`, found 2 fields: \"4,5\""),
            ("1 2 3\n4\n", "r.csv:2: expected `user item rating`, found 1 field: \"4\""),
            ("u,i,r\n1,2,3\n-1,2,3\n", "r.csv:3: the user \"-1\" is not an unsigned integer: \"-1,2,3\""),
            ("1,2,3\n1,2.5,3\n", "r.csv:2: the item \"2.5\" is not an unsigned integer: \"1,2.5,3\""),
            ("1,2,3\n1,2,good\n", "r.csv:2: the rating \"good\" is not a number: \"1,2,good\""),
            ("1,2,3\n# c\n1,2,NaN\n", "r.csv:3: the rating \"NaN\" is not a finite number: \"1,2,NaN\""),
            ("", "r.csv:1: no data rows: \"\""),
            ("\nuser,item,rating\n", "r.csv:2: no data rows: \"user,item,rating\""),
        ];
        for (text, expected) in cases {
            match parse_ratings("r.csv", text) {
                Err(e @ Error::InvalidInput { .. }) => assert_eq!(e.to_string(), expected, "{text:?}"),
                other => panic!("{text:?}: expected InvalidInput, got {other:?}"),
            }
        }
    }

    #[test]
    fn reads_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.tsv");
        std::fs::write(&path, "7\t8\t1.5\n").unwrap();
        assert_eq!(read_ratings(&path).unwrap(), [(7, 8, 1.5)]);
        let err = read_ratings(dir.path().join("none.tsv")).unwrap_err().to_string();
        assert!(err.contains("none.tsv: "), "{err}");
    }
}
