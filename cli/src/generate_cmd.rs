//! `eddy generate SPEC -o FILE`: writes a generated graph as an edge-list file.
//!
//! The spec is parsed (and its size checked) before anything is generated; the file is
//! written by [`write_edge_list`], atomically, gzip-compressed for a `.gz` name.
//!
//! **Note**: the vertex count printed is an upper bound — the largest id plus one. R-MAT
//! in particular leaves some ids of `0..2^SCALE` without an edge, and a graph loaded from
//! the file has only the ids that appear in some edge.

use std::time::Instant;

use anyhow::{Context, Result};
use eddy_datasets::edgelist::write_edge_list;
use eddy_datasets::generators::GeneratorSpec;

use crate::args::GenerateArgs;

/// Generates the graph, writes it and prints a one-line summary.
///
/// # Errors
/// A malformed or oversized spec, or a file that cannot be written.
pub(crate) fn run(args: &GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let spec: GeneratorSpec = args.spec.parse()?;
    let edges = spec.generate();
    write_edge_list(&args.output, &edges).context("cannot write the edge list")?;
    let bound = edges.src.iter().chain(&edges.dst).max().map_or(0, |&id| id + 1);
    println!(
        "wrote {} edges over vertex ids < {bound} ({spec}) to {} in {:.3} s",
        edges.len(),
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
