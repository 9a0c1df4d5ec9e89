//! `eddy`: graph algorithms and ML trainers on Eddy's dataflow runtime, from the command
//! line.
//!
//! `eddy pagerank | cc | sssp [INPUT] [--generate SPEC] ...` load an edge list (a file, a
//! generated graph or the built-in karate club graph), run the algorithm on the cores of
//! this machine (or on a cluster: `--cluster HOST:PORT`, `eddy submit`; `eddy jobmanager`
//! and `eddy taskmanager` are its processes, `eddy jobs` lists its jobs) and print the
//! top vertices and a summary, a JSON object (`--json`) or write every vertex's value to
//! a file (`--output`); `eddy generate SPEC -o FILE` writes a generated graph.
//! `eddy kmeans | logreg | linreg | als` train an eddy-ml model on a CSV file, generated
//! data or the built-in iris set and print its quality (inertia and adjusted Rand index;
//! accuracy, precision, recall, F1, ROC AUC; RMSE and R²), writing centroids, cluster
//! assignments or the model on request. `eddy help COMMAND` explains every flag.
//!
//! Modules: [`args`] (the clap types), [`graph_cmd`] (the graph algorithm subcommands),
//! [`generate_cmd`], [`ml_cmd`] (the ML subcommands), [`cluster_cmd`] (the cluster's
//! processes and job list), [`jobs`] (every algorithm as a named job with serializable
//! parameters and results, and where it runs), [`input`], [`output`] (files and
//! reports), [`progress`] (the progress line), [`logging`] (the `tracing` subscriber
//! every command installs: `-v`, `RUST_LOG`).
//!
//! **Note**: errors are printed as one line, `error: ` and the chain of causes joined by
//! `: `, with exit code 1; usage errors are clap's (exit code 2). An output file appears
//! only when the run succeeds. Logs and warnings go to stderr; stdout holds only results.

mod args;
mod cluster_cmd;
mod generate_cmd;
mod graph_cmd;
mod input;
mod jobs;
mod logging;
mod ml_cmd;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;
use eddy_gelly::algorithms::{Hits, Model, PageRank};

use crate::args::{Cli, Command};
use crate::graph_cmd::Algorithm;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = resolve(cli).and_then(|(command, verbose)| {
        // The cluster's processes report what they do; the other commands only warn.
        let default = match command {
            Command::Jobmanager(_) | Command::Taskmanager(_) => tracing::Level::INFO,
            _ => tracing::Level::WARN,
        };
        logging::init(default, verbose);
        run_command(command)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `eddy ... | head`: the reader is gone, which is not our failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

/// The error of an `eddy submit` whose job is not an algorithm command.
const SUBMIT_RUNS: &str = "eddy submit runs an algorithm command: pagerank, cc, sssp, triangles, clustering, kcore, scc, \
     hits, jaccard, adamic-adar, kmeans, logreg, linreg or als";

/// The command to run and the count of `-v` flags: `eddy submit`'s job becomes its
/// algorithm command with `--cluster` set, and the `-v` flags given after the job's
/// command name count too. A malformed job is a usage error (exit code 2).
///
/// # Errors
/// A submitted job that is not an algorithm command.
fn resolve(cli: Cli) -> anyhow::Result<(Command, u8)> {
    let Command::Submit(a) = cli.command else { return Ok((cli.command, cli.verbose)) };
    let argv = std::iter::once(std::ffi::OsString::from("eddy submit")).chain(a.job);
    let job = Cli::try_parse_from(argv).unwrap_or_else(|e| e.exit());
    let mut command = job.command;
    let cluster = match &mut command {
        Command::Pagerank(c) => &mut c.run.cluster,
        Command::Cc(c) => &mut c.run.cluster,
        Command::Sssp(c) => &mut c.run.cluster,
        Command::Triangles(c) => &mut c.run.cluster,
        Command::Clustering(c) => &mut c.run.cluster,
        Command::Kcore(c) => &mut c.run.cluster,
        Command::Scc(c) => &mut c.run.cluster,
        Command::Hits(c) => &mut c.run.cluster,
        Command::Jaccard(c) | Command::AdamicAdar(c) => &mut c.run.cluster,
        Command::Kmeans(c) => &mut c.run.cluster,
        Command::Logreg(c) => &mut c.run.cluster,
        Command::Linreg(c) => &mut c.run.cluster,
        Command::Als(c) => &mut c.run.cluster,
        _ => anyhow::bail!(SUBMIT_RUNS),
    };
    cluster.cluster = Some(a.jobmanager);
    Ok((command, cli.verbose.saturating_add(job.verbose)))
}

fn run_command(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Pagerank(a) => {
            let params = PageRank {
                damping: a.damping,
                iterations: a.iterations,
                tolerance: a.tolerance,
                max_iterations: a.max_iterations,
            };
            graph_cmd::run(Algorithm::PageRank(params), a.model, &a.input, &a.run)
        }
        Command::Cc(a) => graph_cmd::run(Algorithm::Components, a.model, &a.input, &a.run),
        Command::Sssp(a) => {
            let algorithm = Algorithm::ShortestPaths { source: a.source, unweighted: a.unweighted };
            graph_cmd::run(algorithm, a.model, &a.input, &a.run)
        }
        Command::Triangles(a) => {
            graph_cmd::run(Algorithm::Triangles { list: a.list }, Model::Fast, &a.input, &a.run)
        }
        Command::Clustering(a) => graph_cmd::run(Algorithm::Clustering, Model::Fast, &a.input, &a.run),
        Command::Kcore(a) => graph_cmd::run(Algorithm::CoreNumbers, Model::Fast, &a.input, &a.run),
        Command::Scc(a) => graph_cmd::run(Algorithm::StrongComponents, Model::Fast, &a.input, &a.run),
        Command::Jaccard(a) => {
            let algorithm = Algorithm::Similarity { adamic_adar: false, min_score: a.min_score, top: a.top };
            graph_cmd::run(algorithm, Model::Fast, &a.input, &a.run)
        }
        Command::AdamicAdar(a) => {
            let algorithm = Algorithm::Similarity { adamic_adar: true, min_score: a.min_score, top: a.top };
            graph_cmd::run(algorithm, Model::Fast, &a.input, &a.run)
        }
        Command::Hits(a) => {
            let params =
                Hits { iterations: a.iterations, tolerance: a.tolerance, max_iterations: a.max_iterations };
            graph_cmd::run(Algorithm::Hits(params), Model::Fast, &a.input, &a.run)
        }
        Command::Generate(a) => generate_cmd::run(&a),
        Command::Kmeans(a) => ml_cmd::kmeans(&a),
        Command::Logreg(a) => ml_cmd::logreg(&a),
        Command::Linreg(a) => ml_cmd::linreg(&a),
        Command::Als(a) => ml_cmd::als(&a),
        Command::Jobmanager(a) => cluster_cmd::jobmanager(&a),
        Command::Taskmanager(a) => cluster_cmd::taskmanager(&a),
        Command::Jobs(a) => cluster_cmd::jobs(&a),
        // `resolve` has already turned `eddy submit` into its job, and refused a nested one.
        Command::Submit(_) => anyhow::bail!(SUBMIT_RUNS),
    }
}

/// The error and its causes on one line, joined by ": "; a cause whose text its wrapper
/// already includes (as `path: io error` includes the io error) is not repeated.
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace(['\n', '\r'], " ")
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_joined_on_one_line_without_repeats() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let error = anyhow::Error::new(io).context("x.txt: No such file").context("cannot read the input");
        assert_eq!(one_line(&error), "cannot read the input: x.txt: No such file");
        let error = anyhow::anyhow!("two\nlines").context("outer");
        assert_eq!(one_line(&error), "outer: two lines");
    }
}
