//! The input of an algorithm subcommand: an edge-list file, a generated graph or the
//! built-in karate club graph, read once as an [`EdgeList`] that every worker then takes
//! its share of.
//!
//! **Note**: the karate club graph is undirected and stored once per pair; it is always
//! loaded in both directions (156 directed edges), and the description says so.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use eddy_datasets::edgelist::{EdgeList, read_edge_list};
use eddy_datasets::generators::GeneratorSpec;

use crate::args::InputArgs;

/// Where the edges come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// An edge-list file.
    File(PathBuf),
    /// A generator spec, parsed and validated.
    Generated(GeneratorSpec),
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
}

/// An input read into memory.
#[derive(Debug)]
pub(crate) struct Input {
    /// The edges as read (one direction).
    pub(crate) edges: EdgeList,
    /// Whether the graph gets the reverse of every edge too.
    pub(crate) undirected: bool,
    /// For people: what was loaded.
    pub(crate) description: String,
    /// Time spent reading or generating.
    pub(crate) read_time: Duration,
}

impl Input {
    /// Reads or generates the edges.
    ///
    /// # Errors
    /// A missing, unreadable or malformed file (the message names the file, and the line
    /// and its text for a malformed line).
    pub(crate) fn load(source: &Source, undirected: bool) -> Result<Self> {
        let start = Instant::now();
        let (edges, mut description, undirected) = match source {
            Source::File(path) => {
                let edges = read_edge_list(path).context("cannot read the input")?;
                let kind = if edges.weights.is_some() { " with weights" } else { "" };
                let description = format!("{} ({} edges{kind})", path.display(), edges.len());
                (edges, description, undirected)
            }
            Source::Generated(spec) => (spec.generate(), format!("generated {spec}"), undirected),
            Source::KarateClub => {
                let (src, dst) = eddy_datasets::graphs::karate_club().into_iter().unzip();
                let edges = EdgeList { src, dst, weights: None };
                let description = format!(
                    "built-in karate club graph (undirected: {} edges loaded in both directions)",
                    edges.len()
                );
                return Ok(Input { edges, undirected: true, description, read_time: start.elapsed() });
            }
        };
        if undirected {
            description.push_str(", loaded in both directions");
        }
        Ok(Input { edges, undirected, description, read_time: start.elapsed() })
    }
}
