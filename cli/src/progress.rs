//! The progress bar: one line on stderr that follows the job's supersteps — for the graph
//! commands the superstep number, active vertices and, for PageRank, the convergence
//! delta; for the ML trainers the iteration and their aggregates (k-means inertia and
//! rows that changed cluster, an optimiser's objective and gradient norm, ALS's training
//! RMSE), as a [`Line`] says.
//!
//! It hangs off the runtime as a [`SuperstepListener`]; worker 0 calls it after every
//! superstep barrier. It is drawn only when stderr is a terminal and `--quiet` is not
//! given, so pipes, files and tests see nothing of it.
//!
//! **Note**: the listener runs inside the barrier, on worker 0's thread, so it only
//! formats a short message; indicatif limits how often the line is actually redrawn.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use eddy_core::{SuperstepListener, SuperstepMetrics};
use indicatif::{ProgressBar, ProgressStyle};

/// A progress line on stderr, or nothing; cleared when dropped.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress line prefixed with `name`, unless `quiet` or stderr is not a terminal.
    /// `supersteps` is the number of supersteps when it is known in advance (a bar),
    /// otherwise a spinner is drawn.
    pub(crate) fn new(name: &str, quiet: bool, supersteps: Option<u64>) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let (bar, template) = match supersteps {
            Some(total) => (ProgressBar::new(total), "{prefix} [{bar:20}] {pos}/{len} {elapsed} {wide_msg}"),
            None => (ProgressBar::new_spinner(), "{spinner} {prefix} {elapsed} {wide_msg}"),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// Shows what is happening between supersteps (e.g. "loading").
    pub(crate) fn stage(&self, message: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    /// The listener to give the runtime, if a line is drawn. `show_delta` adds the first
    /// aggregate (PageRank's L1 change) to the message.
    pub(crate) fn listener(&self, show_delta: bool) -> Option<Arc<dyn SuperstepListener>> {
        self.listener_showing(if show_delta { Line::PAGERANK } else { Line::GRAPH })
    }

    /// The listener to give the runtime, if a line is drawn, showing what `line` says.
    pub(crate) fn listener_showing(&self, line: Line) -> Option<Arc<dyn SuperstepListener>> {
        let bar = self.bar.clone()?;
        // A bar shows the superstep as its position already.
        let show_superstep = bar.length().is_none();
        Some(Arc::new(BarListener { bar, show_superstep, line }))
    }
}

/// What the progress message shows after each superstep.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// What a superstep is called: "superstep", "iteration", "epoch".
    pub(crate) step: &'static str,
    /// Whether to show the workset size as "N active".
    pub(crate) active: bool,
    /// How to show the superstep's aggregates, by position; extra aggregates are not shown.
    pub(crate) aggregates: &'static [Shown],
}

/// How one aggregate appears in the progress message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shown {
    /// Not at all.
    Hidden,
    /// `name 1.250e-3`: a quantity that shrinks towards a tolerance.
    Delta(&'static str),
    /// `name 78.8514`: six significant digits.
    Value(&'static str),
    /// `12 name`: a count.
    Count(&'static str),
}

impl Line {
    /// Graph algorithms without an aggregate.
    pub(crate) const GRAPH: Line = Line { step: "superstep", active: true, aggregates: &[] };
    /// PageRank: the L1 change.
    pub(crate) const PAGERANK: Line =
        Line { step: "superstep", active: true, aggregates: &[Shown::Delta("delta")] };
    /// k-means: inertia, squared centroid shift (hidden), rows that changed cluster.
    pub(crate) const KMEANS: Line = Line {
        step: "iteration",
        active: false,
        aggregates: &[Shown::Value("inertia"), Shown::Hidden, Shown::Count("changed")],
    };
    /// The optimisers of logistic and linear regression: objective, then the gradient's
    /// max-norm (SGD: the relative decrease of the objective).
    pub(crate) const OPTIMISER: Line = Line {
        step: "iteration",
        active: false,
        aggregates: &[Shown::Value("objective"), Shown::Delta("gradient")],
    };
    /// ALS: the training RMSE.
    pub(crate) const ALS: Line =
        Line { step: "iteration", active: false, aggregates: &[Shown::Value("train rmse")] };
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Updates the line after each superstep.
struct BarListener {
    bar: ProgressBar,
    show_superstep: bool,
    line: Line,
}

impl SuperstepListener for BarListener {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        self.bar.set_position(u64::from(metrics.superstep));
        self.bar.set_message(message(metrics, self.show_superstep, self.line));
    }
}

/// "superstep 3 · 34 active · delta 1.250e-3", "iteration 7 · inertia 78.8514 · 0
/// changed": the parts `line` asks for.
fn message(metrics: &SuperstepMetrics, show_superstep: bool, line: Line) -> String {
    let mut parts = Vec::new();
    if show_superstep {
        parts.push(format!("{} {}", line.step, metrics.superstep));
    }
    if line.active {
        parts.push(format!("{} active", metrics.workset_size));
    }
    for (shown, value) in line.aggregates.iter().zip(&metrics.aggregates) {
        match *shown {
            Shown::Hidden => {}
            Shown::Delta(name) => parts.push(format!("{name} {value:.3e}")),
            Shown::Value(name) => parts.push(format!("{name} {}", significant(*value))),
            Shown::Count(name) => parts.push(format!("{value} {name}")),
        }
    }
    parts.join(" · ")
}

/// `value` rounded to six significant digits, in its shortest form (`78.8514`, `0.001`).
pub(crate) fn significant(value: f64) -> String {
    format!("{value:.5e}").parse::<f64>().unwrap_or(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use eddy_core::IterationKind;

    #[test]
    fn the_message_names_superstep_active_vertices_and_delta() {
        let metrics = SuperstepMetrics {
            kind: IterationKind::Delta,
            superstep: 3,
            workset_size: 34,
            delta_size: Some(34),
            aggregates: vec![0.00125],
            converged: false,
            elapsed: Duration::ZERO,
            total_elapsed: Duration::ZERO,
        };
        assert_eq!(message(&metrics, true, Line::PAGERANK), "superstep 3 · 34 active · delta 1.250e-3");
        assert_eq!(message(&metrics, true, Line::GRAPH), "superstep 3 · 34 active");
        assert_eq!(message(&metrics, false, Line::PAGERANK), "34 active · delta 1.250e-3");
    }

    #[test]
    fn the_message_names_ml_aggregates() {
        let metrics = SuperstepMetrics {
            kind: IterationKind::Bulk,
            superstep: 7,
            workset_size: 2,
            delta_size: None,
            aggregates: vec![78.85144142614602, 0.0123, 12.0],
            converged: false,
            elapsed: Duration::ZERO,
            total_elapsed: Duration::ZERO,
        };
        assert_eq!(message(&metrics, true, Line::KMEANS), "iteration 7 · inertia 78.8514 · 12 changed");
        assert_eq!(significant(0.00123456789), "0.00123457");
    }

    #[test]
    fn a_quiet_progress_draws_nothing() {
        let progress = Progress::new("pagerank", true, None);
        assert!(progress.listener(true).is_none());
    }
}
