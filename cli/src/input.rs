//! The inputs of the algorithm jobs: here a graph's edges — an edge-list file, a
//! generated graph or the built-in karate club graph; in [`table`] an ML job's feature
//! table. The jobs ([`crate::jobs`]) and the commands both use them, and they use neither
//! (only [`Source::from_args`] reads a command-line type, [`InputArgs`]).
//!
//! A file is only opened here (which checks that it can be read and whether its edges
//! have weights); every worker of the job then reads and parses its own share of it
//! ([`Graph::read_edge_list`]), so the file is read in parallel and never held whole. A
//! pipe or a device (`/dev/stdin`, `<(zcat ...)`) can be read only once: it is read here,
//! like a generated or built-in graph, into an [`EdgeList`] in memory that every worker
//! takes its share of.
//!
//! **Note**: the karate club graph is undirected and stored once per pair; it is always
//! loaded in both directions (156 directed edges), and the description says so.

pub(crate) mod table;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use eddy_core::Worker;
use eddy_datasets::edgelist::{EdgeList, EdgeListFile};
use eddy_datasets::generators::GeneratorSpec;
use eddy_gelly::Graph;

use crate::args::InputArgs;

/// Where the edges come from; serialized as a path, a canonical generator spec or the
/// built-in name, so that another process loads the same edges.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Source {
    /// An edge-list file.
    File(PathBuf),
    /// A generator spec, parsed and validated.
    Generated(#[serde(with = "text")] GeneratorSpec),
    /// Zachary's karate club, bundled with eddy-datasets.
    KarateClub,
}

impl Source {
    /// The source named by the arguments (the karate club when none is).
    ///
    /// # Errors
    /// A malformed generator spec.
    pub(crate) fn from_args(args: &InputArgs) -> Result<Self> {
        Ok(match (&args.input, &args.generate) {
            (Some(path), _) => Source::File(path.clone()),
            (None, Some(spec)) => Source::Generated(spec.parse()?),
            (None, None) => Source::KarateClub,
        })
    }

    /// Whether the workers will read the edges from a file themselves (a regular file),
    /// rather than take them from memory (generated, built in, or a pipe read once).
    pub(crate) fn is_read_per_worker(&self) -> bool {
        matches!(self, Source::File(path) if std::fs::metadata(path).is_ok_and(|m| m.is_file()))
    }
}

/// The edges of an input: a file the workers read, or edges already in memory.
#[derive(Debug)]
pub(crate) enum Edges {
    /// An opened edge-list file.
    File(EdgeListFile),
    /// Generated or built-in edges (one direction).
    InMemory(EdgeList),
}

/// An input, ready for the workers to build the graph from.
#[derive(Debug)]
pub(crate) struct Input {
    /// The edges.
    pub(crate) edges: Edges,
    /// Whether the graph gets the reverse of every edge too.
    pub(crate) undirected: bool,
    /// For people: what was loaded, when it does not depend on the count of edges read.
    description: Option<String>,
    /// Time spent opening, reading or generating before the job.
    pub(crate) read_time: Duration,
}

impl Input {
    /// Opens the file, or generates the edges.
    ///
    /// # Errors
    /// A missing or unreadable file, or one whose first edge line is malformed (the
    /// message names the file, and the line and its text).
    pub(crate) fn load(source: &Source, undirected: bool) -> Result<Self> {
        let start = Instant::now();
        let (edges, description, undirected) = match source {
            Source::File(path) => {
                let file = EdgeListFile::open(path).context("cannot read the input")?;
                if file.is_regular() {
                    (Edges::File(file), None, undirected)
                } else {
                    let edges = file.read_all().context("cannot read the input")?;
                    let description =
                        file_description(&file, edges.len() as u64, edges.weights.is_some(), undirected);
                    (Edges::InMemory(edges), Some(description), undirected)
                }
            }
            Source::Generated(spec) => {
                let mut description = format!("generated {spec}");
                if undirected {
                    description.push_str(", loaded in both directions");
                }
                (Edges::InMemory(spec.generate()), Some(description), undirected)
            }
            Source::KarateClub => {
                let (src, dst): (Vec<u64>, Vec<u64>) =
                    eddy_datasets::graphs::karate_club().into_iter().unzip();
                let description = format!(
                    "built-in karate club graph (undirected: {} edges loaded in both directions)",
                    src.len()
                );
                (Edges::InMemory(EdgeList { src, dst, weights: None }), Some(description), true)
            }
        };
        Ok(Input { edges, undirected, description, read_time: start.elapsed() })
    }

    /// Whether the edges have weights.
    pub(crate) fn weighted(&self) -> bool {
        match &self.edges {
            Edges::File(file) => file.weighted() == Some(true),
            Edges::InMemory(edges) => edges.weights.is_some(),
        }
    }

    /// What was loaded, given the number of edges read (before `--undirected` doubles them).
    pub(crate) fn description(&self, edges_read: u64) -> String {
        match (&self.description, &self.edges) {
            (Some(description), _) => description.clone(),
            (None, Edges::File(file)) => file_description(file, edges_read, self.weighted(), self.undirected),
            (None, Edges::InMemory(_)) => String::new(),
        }
    }

    /// This worker's part of the unweighted graph (weights ignored): its share of the file
    /// read by itself, or of the edges in memory.
    ///
    /// # Errors
    /// An unreadable or malformed file (on every worker), too many vertices, a runtime
    /// failure.
    pub(crate) fn graph<'w>(&self, worker: &'w Worker) -> eddy_gelly::Result<Graph<'w, u64, (), ()>> {
        match &self.edges {
            Edges::File(file) => Graph::read_edge_list(worker, file.path()),
            Edges::InMemory(edges) => Graph::from_edge_list(worker, edges),
        }
    }

    /// This worker's part of the weighted graph (weight 1 where the input has none).
    ///
    /// # Errors
    /// As [`Input::graph`].
    pub(crate) fn weighted_graph<'w>(
        &self,
        worker: &'w Worker,
    ) -> eddy_gelly::Result<Graph<'w, u64, (), f64>> {
        match &self.edges {
            Edges::File(file) => Graph::read_weighted_edge_list(worker, file.path()),
            Edges::InMemory(edges) => Graph::from_weighted_edge_list(worker, edges),
        }
    }
}

/// `PATH (N edges[ with weights])[, loaded in both directions]`.
fn file_description(file: &EdgeListFile, edges: u64, weighted: bool, undirected: bool) -> String {
    let kind = if weighted { " with weights" } else { "" };
    let mut description = format!("{} ({edges} edges{kind})", file.path().display());
    if undirected {
        description.push_str(", loaded in both directions");
    }
    description
}

/// Serde for values that are written as text: a generator spec as its canonical
/// spelling, which parses back to an equal value.
pub(crate) mod text {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `value` as its text.
    pub(crate) fn serialize<T: Display, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Parses the text back.
    pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: FromStr<Err: Display>,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
