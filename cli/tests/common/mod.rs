//! Helpers shared by the end-to-end test binaries: a scratch directory and runs of the
//! real `eddy` executable.

// Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh scratch directory, removed when the test ends.
pub(crate) struct Scratch(tempfile::TempDir);

impl Scratch {
    pub(crate) fn new(name: &str) -> Self {
        Scratch(tempfile::Builder::new().prefix(&format!("eddy-cli-test-{name}-")).tempdir().unwrap())
    }

    /// Writes `text` to `name` in the directory and returns its path.
    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    /// The names in the directory, sorted.
    pub(crate) fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.0.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Runs eddy without the caller's `EDDY_PARALLELISM` and `RUST_LOG`.
pub(crate) fn eddy<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args(args)
        .env_remove("EDDY_PARALLELISM")
        .env_remove("RUST_LOG")
        .output()
        .expect("the eddy binary runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs eddy, asserts success and returns stdout.
pub(crate) fn ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = eddy(args);
    assert!(output.status.success(), "eddy failed: {}", stderr(&output));
    stdout(&output)
}

/// Runs eddy, asserts exit code 1 with a single `error: ` line on stderr, returns it.
pub(crate) fn fails<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let output = eddy(args);
    assert_eq!(output.status.code(), Some(1), "stdout: {}\nstderr: {}", stdout(&output), stderr(&output));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

pub(crate) fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}
