//! Edge-list files: `src dst [weight]` per line.
//!
//! Fields are separated by spaces, tabs or commas; lines starting with `#` or `%` (SNAP
//! and Matrix Market headers) and blank lines are skipped; `\r\n` line ends are accepted.
//! Vertex ids are unsigned 64-bit integers; the optional weight is a finite float. Either
//! every edge line has a weight or none has. Edges come back column-wise ([`EdgeList`]):
//! three flat vectors, no allocation per edge. A path ending in `.gz` is read and written
//! gzip-compressed.
//!
//! A file can also be read in shares, one per worker, each parsing its own run of lines
//! in parallel without holding the file: see [`EdgeListFile`].
//!
//! **Note**: the writer writes to a fresh hidden temporary file beside `FILE`
//! (`.FILE.<pid>.<n>.tmp`, created exclusively) and renames it when complete, so a failed
//! write never leaves a partial file under the requested name, and concurrent writers
//! never share a temporary file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::files::write_atomically;

mod share;

pub use share::EdgeListFile;

/// Edges in columns: `src[i] → dst[i]` with weight `weights[i]` when weighted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeList {
    /// Source vertex of every edge.
    pub src: Vec<u64>,
    /// Target vertex of every edge.
    pub dst: Vec<u64>,
    /// Weight of every edge, if the input has weights.
    pub weights: Option<Vec<f64>>,
}

impl EdgeList {
    /// The number of edges.
    pub fn len(&self) -> usize {
        self.src.len()
    }

    /// True if there is no edge.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }
}

/// Reads an edge-list file.
///
/// # Errors
/// [`Error::Io`] naming the file if it cannot be read; [`Error::InvalidInput`] naming the
/// file, line and text for a malformed line.
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("eddy-doc-{}.txt", std::process::id()));
/// std::fs::write(&path, "# a comment\n1 2\n2\t3\n3,1\n").unwrap();
/// let edges = eddy_datasets::edgelist::read_edge_list(&path)?;
/// assert_eq!((edges.src, edges.dst), (vec![1, 2, 3], vec![2, 3, 1]));
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn read_edge_list(path: &Path) -> Result<EdgeList> {
    EdgeListFile::open(path)?.read_all()
}

/// Parses edge-list text; `path` only names the input in errors.
///
/// # Errors
/// [`Error::InvalidInput`] for the first malformed line.
///
/// # Complexity
/// One pass over the bytes: a fast path parses the common `digits SEP digits [SEP weight]`
/// line in place; any other line (comments, odd spacing, errors) goes through the general
/// line parser, which also words the error.
pub fn parse_edge_list(bytes: &[u8], path: &Path) -> Result<EdgeList> {
    let mut parser = Parser::new(path, None);
    let expected = bytes.len() / 12;
    parser.edges.src.reserve(expected);
    parser.edges.dst.reserve(expected);
    parser.lines(bytes, &mut 0)?;
    Ok(parser.edges)
}

/// Parses one line of the common shape `digits SEP digits [SEP weight]` followed by `\n`,
/// `\r\n` or the end; returns the bytes consumed (line end included) and the edge, or
/// `None` for any other line.
#[inline]
fn fast_line(bytes: &[u8]) -> (usize, Option<(u64, u64, Option<f64>)>) {
    let mut i = 0;
    let number = |i: &mut usize| -> Option<u64> {
        let start = *i;
        let mut value: u64 = 0;
        while let Some(&b) = bytes.get(*i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
            *i += 1;
        }
        (*i > start).then_some(value)
    };
    let Some(src) = number(&mut i) else { return (0, None) };
    if !bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t' || b == b',') {
        return (0, None);
    }
    i += 1;
    let Some(dst) = number(&mut i) else { return (0, None) };
    let mut weight = None;
    if bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t' || b == b',') {
        let start = i + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(|&b| !matches!(b, b' ' | b'\t' | b',' | b'\r' | b'\n')) {
            end += 1;
        }
        let parsed = std::str::from_utf8(&bytes[start..end]).ok().and_then(|t| t.parse::<f64>().ok());
        match parsed {
            Some(w) if w.is_finite() && end > start => weight = Some(w),
            _ => return (0, None),
        }
        i = end;
    }
    match bytes.get(i) {
        None => (i, Some((src, dst, weight))),
        Some(b'\n') => (i + 1, Some((src, dst, weight))),
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => (i + 2, Some((src, dst, weight))),
        Some(_) => (0, None),
    }
}

struct Parser<'p> {
    edges: EdgeList,
    weighted: Option<bool>,
    path: &'p Path,
}

impl<'p> Parser<'p> {
    /// A parser for the lines of `path`; `weighted` is the weight rule when it is already
    /// known (from the file's first edge line), `None` to take it from the first edge seen.
    fn new(path: &'p Path, weighted: Option<bool>) -> Self {
        let weights = (weighted == Some(true)).then(Vec::new);
        Parser { edges: EdgeList { src: Vec::new(), dst: Vec::new(), weights }, weighted, path }
    }

    /// Parses whole lines (only the last may lack its `\n`); `index` is the 0-based number
    /// of the first line and is advanced past them.
    fn lines(&mut self, bytes: &[u8], index: &mut u64) -> Result<()> {
        let mut at = 0;
        while at < bytes.len() {
            let (consumed, fast) = fast_line(&bytes[at..]);
            at = match fast {
                Some((src, dst, weight)) if self.accepts(weight.is_some()) => {
                    self.push(src, dst, weight);
                    at + consumed
                }
                _ => {
                    let end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| at + p);
                    self.general_line(&bytes[at..end], *index)?;
                    end + 1
                }
            };
            *index += 1;
        }
        Ok(())
    }

    /// Empties the parsed edges, keeping their buffers.
    fn clear(&mut self) {
        self.edges.src.clear();
        self.edges.dst.clear();
        if let Some(weights) = &mut self.edges.weights {
            weights.clear();
        }
    }

    /// True if an edge with (or without) a weight fits the lines seen so far.
    fn accepts(&self, has_weight: bool) -> bool {
        self.weighted.is_none_or(|w| w == has_weight)
    }

    fn push(&mut self, src: u64, dst: u64, weight: Option<f64>) {
        if self.weighted.is_none() {
            self.weighted = Some(weight.is_some());
            if weight.is_some() {
                self.edges.weights = Some(Vec::new());
            }
        }
        self.edges.src.push(src);
        self.edges.dst.push(dst);
        if let (Some(weights), Some(w)) = (self.edges.weights.as_mut(), weight) {
            weights.push(w);
        }
    }

    /// Any line: blank, comment, unusual spacing, or malformed (the error names it).
    fn general_line(&mut self, raw: &[u8], index: u64) -> Result<()> {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Some(start) = line.iter().position(|b| !is_separator(*b)) else { return Ok(()) };
        if matches!(line[start], b'#' | b'%') {
            return Ok(());
        }
        let fail = |reason: &str| invalid(self.path, index, line, reason);
        let mut fields = line[start..].split(|b| is_separator(*b)).filter(|f| !f.is_empty());
        let src = parse_id(fields.next(), "source vertex").map_err(|r| fail(&r))?;
        let dst = parse_id(fields.next(), "target vertex").map_err(|r| fail(&r))?;
        let weight = fields.next().map(parse_weight).transpose().map_err(|r| fail(&r))?;
        if fields.next().is_some() {
            return Err(fail("expected `src dst [weight]`, found more than three fields"));
        }
        match (self.weighted, weight) {
            (Some(true), None) => {
                return Err(fail("this line has no weight but earlier edge lines have one"));
            }
            (Some(false), Some(_)) => {
                return Err(fail("this line has a weight but earlier edge lines have none"));
            }
            _ => {}
        }
        self.push(src, dst, weight);
        Ok(())
    }
}

/// Writes `edges` as `src<TAB>dst[<TAB>weight]` lines (weights printed so that they read
/// back exactly).
///
/// # Errors
/// [`Error::Io`] naming the file; nothing is left under `path` on failure.
pub fn write_edge_list(path: &Path, edges: &EdgeList) -> Result<()> {
    write_atomically(path, |mut out| write_lines(&mut out, edges))
}

fn write_lines(out: &mut impl Write, edges: &EdgeList) -> std::io::Result<()> {
    for i in 0..edges.len() {
        match &edges.weights {
            Some(w) => writeln!(out, "{}\t{}\t{:?}", edges.src[i], edges.dst[i], w[i])?,
            None => writeln!(out, "{}\t{}", edges.src[i], edges.dst[i])?,
        }
    }
    out.flush()
}

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b',')
}

fn parse_id(field: Option<&[u8]>, what: &str) -> std::result::Result<u64, String> {
    let field = field.ok_or_else(|| format!("expected `src dst [weight]`, the {what} is missing"))?;
    let mut value: u64 = 0;
    for &b in field {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return Err(format!(
                "the {what} {:?} is not an unsigned integer",
                String::from_utf8_lossy(field)
            ));
        }
        value = value.checked_mul(10).and_then(|v| v.checked_add(u64::from(digit))).ok_or_else(|| {
            format!("the {what} {} does not fit in 64 bits", String::from_utf8_lossy(field))
        })?;
    }
    Ok(value)
}

fn parse_weight(field: &[u8]) -> std::result::Result<f64, String> {
    let text = std::str::from_utf8(field).map_err(|_| "the weight is not valid UTF-8".to_string())?;
    let weight: f64 = text.parse().map_err(|_| format!("the weight {text:?} is not a number"))?;
    if !weight.is_finite() {
        return Err(format!("the weight {text} is not finite"));
    }
    Ok(weight)
}

fn invalid(path: &Path, index: u64, line: &[u8], reason: &str) -> Error {
    let text: String = String::from_utf8_lossy(line).trim().chars().take(120).collect();
    Error::InvalidInput { path: path.to_path_buf(), line: index + 1, text, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EdgeList> {
        parse_edge_list(text.as_bytes(), Path::new("graph.txt"))
    }

    #[test]
    fn separators_comments_and_line_ends() {
        let edges = parse("% matrix market\n# snap\n\n1 2\r\n2\t3\n  3,4\n4 ,\t 5\n").unwrap();
        assert_eq!(edges.src, vec![1, 2, 3, 4]);
        assert_eq!(edges.dst, vec![2, 3, 4, 5]);
        assert_eq!(edges.weights, None);
        assert!(parse("").unwrap().is_empty());
        assert_eq!(parse("18446744073709551615 0").unwrap().src, vec![u64::MAX]);
    }

    #[test]
    fn fast_and_general_paths_agree() {
        // Lines the fast path takes and lines it hands over, mixed, with and without weights.
        let edges = parse("1 2 \n3\t4\r\n  5 6\n7,8\n9 ,10\n# x\n11 12").unwrap();
        assert_eq!(edges.src, vec![1, 3, 5, 7, 9, 11]);
        assert_eq!(edges.dst, vec![2, 4, 6, 8, 10, 12]);
        let weighted = parse("1 2 0.25\r\n3 4 1e3 \n 5 6 -0\n7\t8\t9").unwrap();
        assert_eq!(weighted.weights, Some(vec![0.25, 1e3, -0.0, 9.0]));
        assert_eq!(weighted.src, vec![1, 3, 5, 7]);
        let err = parse("1 2 0.5\n3 4 inf\n").unwrap_err().to_string();
        assert_eq!(err, "graph.txt:2: the weight inf is not finite: \"3 4 inf\"");
    }

    #[test]
    fn weights_are_read_exactly() {
        let edges = parse("1 2 0.5\n2 3 -1e-3\n3 1 7\n").unwrap();
        assert_eq!(edges.weights, Some(vec![0.5, -1e-3, 7.0]));
    }

    #[test]
    fn malformed_lines_name_file_line_and_text() {
        let cases = [
            ("1 2\n2 x\n", "graph.txt:2: the target vertex \"x\" is not an unsigned integer: \"2 x\""),
            ("1\n", "graph.txt:1: expected `src dst [weight]`, the target vertex is missing: \"1\""),
            (
                "1 2 3 4\n",
                "graph.txt:1: expected `src dst [weight]`, found more than three fields: \"1 2 3 4\"",
            ),
            ("-1 2\n", "graph.txt:1: the source vertex \"-1\" is not an unsigned integer: \"-1 2\""),
            ("# c\n1 2 NaN\n", "graph.txt:2: the weight NaN is not finite: \"1 2 NaN\""),
            ("1 2 heavy\n", "graph.txt:1: the weight \"heavy\" is not a number: \"1 2 heavy\""),
            (
                "1 2 1.0\n2 3\n",
                "graph.txt:2: this line has no weight but earlier edge lines have one: \"2 3\"",
            ),
            (
                "1 2\n2 3 1\n",
                "graph.txt:2: this line has a weight but earlier edge lines have none: \"2 3 1\"",
            ),
            (
                "18446744073709551616 1\n",
                "graph.txt:1: the source vertex 18446744073709551616 does not fit in 64 bits: \"18446744073709551616 1\"",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), expected, "input {text:?}");
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = read_edge_list(Path::new("/nonexistent/eddy/graph.txt")).unwrap_err().to_string();
        assert!(err.starts_with("/nonexistent/eddy/graph.txt: "), "{err}");
    }

    #[test]
    fn written_files_read_back_identically_and_failures_leave_nothing() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let path = dir.join("out.tsv");
        let weighted =
            EdgeList { src: vec![0, 5, u64::MAX], dst: vec![1, 5, 2], weights: Some(vec![0.1, 1e300, -2.5]) };
        write_edge_list(&path, &weighted).unwrap();
        assert_eq!(read_edge_list(&path).unwrap(), weighted);
        let plain = EdgeList { src: vec![3], dst: vec![4], weights: None };
        write_edge_list(&path, &plain).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "3\t4\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
        let gz = dir.join("out.txt.gz");
        write_edge_list(&gz, &weighted).unwrap();
        let raw = std::fs::read(&gz).unwrap();
        assert_eq!(&raw[..2], &[0x1f, 0x8b], "a gzip header");
        assert_eq!(read_edge_list(&gz).unwrap(), weighted);
        std::fs::write(dir.join("bad.gz"), b"1 2\n").unwrap();
        let err = read_edge_list(&dir.join("bad.gz")).unwrap_err().to_string();
        assert!(err.contains("bad.gz: "), "{err}");
        let missing_dir = dir.join("no/such/dir/out.tsv");
        assert!(
            write_edge_list(&missing_dir, &plain).unwrap_err().to_string().contains("no/such/dir/out.tsv")
        );
        assert!(!missing_dir.exists());
    }

    #[test]
    fn concurrent_writers_to_one_path_never_mix_their_files() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let path = dir.join("g.txt");
        let lists: Vec<EdgeList> = (0..4u64)
            .map(|k| EdgeList {
                src: (0..2000).map(|i| i * 10 + k).collect(),
                dst: vec![k; 2000],
                weights: None,
            })
            .collect();
        std::thread::scope(|scope| {
            for list in &lists {
                let path = &path;
                scope.spawn(move || write_edge_list(path, list).unwrap());
            }
        });
        let back = read_edge_list(&path).unwrap();
        assert!(lists.contains(&back), "the file is one writer's complete list");
    }
}
