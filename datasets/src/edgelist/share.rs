//! One worker's share of an edge-list file: a run of whole lines, parsed as it streams.
//!
//! A plain file of `len` bytes is cut at `len * i / shares` for `i` in `1..shares`, and each
//! cut moves forward to the start of the next line: share `i` is every line that starts in
//! its byte range. Shares are therefore contiguous runs of whole lines, in file order, and
//! each line belongs to exactly one share, whatever the line lengths. A share is read in
//! blocks of [`CHUNK`] bytes and handed out as parsed edges block by block, so nothing
//! holds the file. A gzip stream cannot be entered in the middle, and a pipe or a device
//! can be read only once: share 0 reads all of it and the other shares are empty.
//!
//! The weight rule (every edge line has a weight or none has) is decided by the first edge
//! line of the file, which [`EdgeListFile::open`] reads (except from a pipe, which has a
//! single reader anyway), so that every share applies it exactly as a sequential reader
//! would.
//!
//! **Note**: a share does not know on which line it starts. Counting the lines before it
//! would mean reading them, so that is done only for an error: its line number is then
//! exact, as from a sequential reader. A share's *first* error is not necessarily the
//! file's first error — the caller compares the shares' errors (see
//! `eddy_gelly::Graph::read_edge_list`, which all-reduces them).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{EdgeList, Parser};
use crate::error::{Error, Result};
use crate::files::is_gzip;

/// The bytes read at a time; a line longer than this grows the buffer.
const CHUNK: usize = 4 << 20;

/// An edge-list file opened for reading, whole or in shares.
#[derive(Debug, Clone)]
pub struct EdgeListFile {
    path: PathBuf,
    len: u64,
    gzip: bool,
    regular: bool,
    weighted: Option<bool>,
}

impl EdgeListFile {
    /// Opens `path` and reads up to its first edge line, which decides whether edges have
    /// weights (not for a pipe or a device, which can be read only once).
    ///
    /// # Errors
    /// [`Error::Io`] naming the file if it cannot be read; [`Error::InvalidInput`] if the
    /// first line that is neither blank nor a comment is malformed.
    ///
    /// # Example
    /// ```
    /// use eddy_datasets::edgelist::EdgeListFile;
    /// let path = std::env::temp_dir().join(format!("eddy-doc-share-{}.txt", std::process::id()));
    /// std::fs::write(&path, "# weighted\n1 2 0.5\n2 3 1.5\n3 1 2\n").unwrap();
    /// let file = EdgeListFile::open(&path)?;
    /// assert_eq!(file.weighted(), Some(true));
    /// let mut dst = Vec::new();
    /// for share in 0..2 {
    ///     file.read_share(share, 2, |block| dst.extend_from_slice(&block.dst))?;
    /// }
    /// assert_eq!(dst, vec![2, 3, 1]);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), eddy_datasets::Error>(())
    /// ```
    pub fn open(path: &Path) -> Result<Self> {
        let metadata = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        let mut file = EdgeListFile {
            path: path.to_path_buf(),
            len: metadata.len(),
            gzip: is_gzip(path),
            regular: metadata.is_file(),
            weighted: None,
        };
        if file.regular {
            file.weighted = file.first_edge_weighted()?;
        }
        Ok(file)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether edges have weights: `Some(true)` if the first edge line has one, `None` if
    /// the file has no edge line or is not a regular file (not known before reading it).
    pub fn weighted(&self) -> Option<bool> {
        self.weighted
    }

    /// True for a regular file; false for a pipe or a device, which can be read only once
    /// (by share 0).
    pub fn is_regular(&self) -> bool {
        self.regular
    }

    /// True if the file is read in shares; false for gzip or a file that is not regular,
    /// where share 0 reads everything.
    pub fn is_splittable(&self) -> bool {
        self.regular && !self.gzip
    }

    /// Reads the whole file into memory.
    ///
    /// # Errors
    /// As [`EdgeListFile::read_share`].
    pub fn read_all(&self) -> Result<EdgeList> {
        let mut edges = EdgeList::default();
        self.read_share(0, 1, |block| {
            edges.src.extend_from_slice(&block.src);
            edges.dst.extend_from_slice(&block.dst);
            if let Some(some) = &block.weights {
                edges.weights.get_or_insert_with(Vec::new).extend_from_slice(some);
            }
        })?;
        Ok(edges)
    }

    /// Reads share `share` of `shares` (see the module doc), handing its edges to `visit`
    /// in file order, a block of up to a few hundred thousand at a time (the block's
    /// buffers are reused: copy what you keep). Returns the number of edges.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file; [`Error::InvalidInput`] for the share's first
    /// malformed line, with its line number in the file. `visit` may have seen some of the
    /// share's edges before the error.
    ///
    /// # Panics
    /// If `share >= shares`.
    ///
    /// # Complexity
    /// One pass over the share's bytes, plus one over the bytes before it on error only;
    /// memory is a `CHUNK`-byte buffer and one block of edges.
    pub fn read_share(&self, share: usize, shares: usize, visit: impl FnMut(&EdgeList)) -> Result<u64> {
        assert!(share < shares, "share {share} of {shares}");
        let io = |e| io_error(&self.path, e);
        if !self.is_splittable() {
            if share > 0 {
                return Ok(0);
            }
            let file = File::open(&self.path).map_err(io)?;
            return if self.gzip {
                self.parse(flate2::read::MultiGzDecoder::new(BufReader::new(file)), visit)
            } else {
                self.parse(file, visit)
            };
        }
        let mut file = File::open(&self.path).map_err(io)?;
        let cut = |i: usize| (u128::from(self.len) * i as u128 / shares as u128) as u64;
        let start = self.line_start_from(&mut file, cut(share)).map_err(io)?;
        let end = self.line_start_from(&mut file, cut(share + 1)).map_err(io)?;
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        match self.parse(file.take(end - start), visit) {
            Err(Error::InvalidInput { path, line, text, reason }) if start > 0 => {
                let before = self.line_ends_before(start).map_err(io)?;
                Err(Error::InvalidInput { path, line: line + before, text, reason })
            }
            other => other,
        }
    }

    /// Parses a stream of whole lines, block by block.
    fn parse(&self, mut reader: impl Read, mut visit: impl FnMut(&EdgeList)) -> Result<u64> {
        let io = |e| io_error(&self.path, e);
        let mut parser = Parser::new(&self.path, self.weighted);
        let mut buffer = vec![0u8; CHUNK];
        let mut kept = 0;
        let mut index = 0;
        let mut edges = 0;
        loop {
            let filled = kept + read_full(&mut reader, &mut buffer[kept..]).map_err(io)?;
            let end = filled < buffer.len();
            let complete = if end {
                filled
            } else {
                match buffer[..filled].iter().rposition(|&b| b == b'\n') {
                    Some(last) => last + 1,
                    None => {
                        // One line longer than the buffer: make room for the rest of it.
                        buffer.resize(buffer.len() * 2, 0);
                        kept = filled;
                        continue;
                    }
                }
            };
            parser.lines(&buffer[..complete], &mut index)?;
            if !parser.edges.is_empty() {
                edges += parser.edges.len() as u64;
                visit(&parser.edges);
                parser.clear();
            }
            if end {
                return Ok(edges);
            }
            buffer.copy_within(complete..filled, 0);
            kept = filled - complete;
        }
    }

    /// The first line start at or after byte `at` (the file's length if none): byte `at`
    /// itself if the previous byte ends a line.
    fn line_start_from(&self, file: &mut File, at: u64) -> std::io::Result<u64> {
        if at == 0 || at >= self.len {
            return Ok(at.min(self.len));
        }
        file.seek(SeekFrom::Start(at - 1))?;
        let mut position = at - 1;
        let mut buffer = vec![0u8; 64 << 10];
        loop {
            let n = read_full(file, &mut buffer)?;
            if let Some(i) = buffer[..n].iter().position(|&b| b == b'\n') {
                return Ok(position + i as u64 + 1);
            }
            if n < buffer.len() {
                return Ok(self.len);
            }
            position += n as u64;
        }
    }

    /// The number of `\n` in the file's first `end` bytes.
    fn line_ends_before(&self, end: u64) -> std::io::Result<u64> {
        let mut reader = File::open(&self.path)?.take(end);
        let mut buffer = vec![0u8; CHUNK];
        let mut count = 0;
        loop {
            let n = read_full(&mut reader, &mut buffer)?;
            count += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            if n < buffer.len() {
                return Ok(count);
            }
        }
    }

    /// Whether the first edge line has a weight (`None`: there is no edge line).
    fn first_edge_weighted(&self) -> Result<Option<bool>> {
        let io = |e| io_error(&self.path, e);
        let file = File::open(&self.path).map_err(io)?;
        let mut reader: Box<dyn BufRead> = if self.gzip {
            Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))))
        } else {
            Box::new(BufReader::new(file))
        };
        let mut parser = Parser::new(&self.path, None);
        let mut line = Vec::new();
        let mut index = 0;
        while parser.weighted.is_none() {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                break;
            }
            parser.lines(&line, &mut index)?;
        }
        Ok(parser.weighted)
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.to_path_buf(), source }
}

/// Reads until `buffer` is full or the stream ends; returns the bytes read.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edgelist::{parse_edge_list, write_edge_list};

    /// A scratch directory removed at the end of the test.
    struct Scratch(tempfile::TempDir);

    impl Scratch {
        fn new(name: &str) -> Self {
            Scratch(tempfile::Builder::new().prefix(&format!("eddy-share-{name}-")).tempdir().unwrap())
        }

        fn file(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    /// Every share of `path` in order, concatenated.
    fn shares(path: &Path, shares: usize) -> Result<EdgeList> {
        let file = EdgeListFile::open(path)?;
        let mut all =
            EdgeList { weights: (file.weighted() == Some(true)).then(Vec::new), ..EdgeList::default() };
        for share in 0..shares {
            let mut count = 0;
            let read = file.read_share(share, shares, |block| {
                count += block.len() as u64;
                all.src.extend_from_slice(&block.src);
                all.dst.extend_from_slice(&block.dst);
                if let Some(w) = &mut all.weights {
                    w.extend_from_slice(block.weights.as_ref().expect("weighted blocks"));
                }
            })?;
            assert_eq!(read, count);
        }
        Ok(all)
    }

    #[test]
    fn shares_concatenate_to_the_whole_file_for_any_cut() {
        let dir = Scratch::new("cuts");
        let texts = [
            "% header\n# snap\n\n1 2\r\n2\t3\n  3,4\n4 ,\t 5\n\n10 11\n12 13",
            "1 2 0.5\r\n\r\n# c\n3 4 1e3\n 5 6 -0\n7\t8\t9\n",
            "",
            "# only a comment",
            "\n\n\n",
            "5 6\n",
        ];
        for (i, text) in texts.iter().enumerate() {
            let path = dir.file(&format!("g{i}.txt"), text);
            let whole = parse_edge_list(text.as_bytes(), &path).unwrap();
            assert_eq!(read_edge_list_via_open(&path), whole, "{text:?}");
            // More shares than bytes too: most shares are then empty.
            for n in 1..=text.len() + 2 {
                assert_eq!(shares(&path, n).unwrap(), whole, "{n} shares of {text:?}");
            }
        }
    }

    fn read_edge_list_via_open(path: &Path) -> EdgeList {
        EdgeListFile::open(path).unwrap().read_all().unwrap()
    }

    #[test]
    fn errors_name_the_true_line_in_every_share() {
        let dir = Scratch::new("errors");
        let mut text = String::new();
        for i in 0..200u64 {
            text.push_str(&format!("{i} {}\n", i + 1));
            if i.is_multiple_of(7) {
                text.push_str("# comment\n\n");
            }
        }
        let good_lines = text.lines().count();
        let bad = format!("{text}7 x\n8 9\n");
        let path = dir.file("bad.txt", &bad);
        let expected = format!(
            "{}:{}: the target vertex \"x\" is not an unsigned integer: \"7 x\"",
            path.display(),
            good_lines + 1
        );
        for n in 1..=6 {
            let file = EdgeListFile::open(&path).unwrap();
            let errors: Vec<String> =
                (0..n).filter_map(|s| file.read_share(s, n, |_| {}).err()).map(|e| e.to_string()).collect();
            assert_eq!(errors, std::slice::from_ref(&expected), "{n} shares");
        }
        // The weight rule comes from the first edge line, also for a share that has none.
        let mixed = dir.file("mixed.txt", &format!("1 2 0.5\n{text}"));
        for n in 1..=4 {
            let file = EdgeListFile::open(&mixed).unwrap();
            let first = (0..n).find_map(|s| file.read_share(s, n, |_| {}).err()).unwrap().to_string();
            assert_eq!(
                first,
                format!(
                    "{}:2: this line has no weight but earlier edge lines have one: \"0 1\"",
                    mixed.display()
                ),
                "{n} shares"
            );
        }
        // A malformed first edge line is found by `open`.
        let first_bad = dir.file("first.txt", "# c\n\nfoo bar\n1 2\n");
        let err = EdgeListFile::open(&first_bad).unwrap_err().to_string();
        assert!(
            err.ends_with("first.txt:3: the source vertex \"foo\" is not an unsigned integer: \"foo bar\""),
            "{err}"
        );
    }

    #[test]
    fn gzip_is_read_whole_by_share_zero() {
        let dir = Scratch::new("gzip");
        let edges = EdgeList { src: vec![1, 2, 3], dst: vec![2, 3, 1], weights: Some(vec![0.5, 1.0, 2.0]) };
        let path = dir.0.path().join("g.txt.gz");
        write_edge_list(&path, &edges).unwrap();
        let file = EdgeListFile::open(&path).unwrap();
        assert!(!file.is_splittable());
        assert_eq!(file.weighted(), Some(true));
        assert_eq!(shares(&path, 3).unwrap(), edges);
        assert_eq!(file.read_share(1, 3, |_| panic!("share 1 of a gzip file is empty")).unwrap(), 0);
    }

    #[test]
    fn long_lines_and_many_blocks_are_read_whole() {
        let dir = Scratch::new("long");
        let mut text = format!("# {}\n", "x".repeat(CHUNK + 10));
        for i in 0..300_000u64 {
            text.push_str(&format!("{i}\t{}\n", i * 7 % 1000));
        }
        text.push_str(&format!("{}\n", " ".repeat(CHUNK * 2)));
        text.push_str("1 2");
        let path = dir.file("long.txt", &text);
        let whole = parse_edge_list(text.as_bytes(), &path).unwrap();
        assert_eq!(whole.len(), 300_001);
        for n in [1, 2, 3, 7] {
            assert_eq!(shares(&path, n).unwrap(), whole, "{n} shares");
        }
    }
}
