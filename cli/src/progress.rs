//! The progress bar: one line on stderr that follows the job's supersteps (superstep
//! number, active vertices and, for PageRank, the convergence delta).
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
        let bar = self.bar.clone()?;
        // A bar shows the superstep as its position already.
        let show_superstep = bar.length().is_none();
        Some(Arc::new(BarListener { bar, show_superstep, show_delta }))
    }
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
    show_delta: bool,
}

impl SuperstepListener for BarListener {
    fn on_superstep(&self, metrics: &SuperstepMetrics) {
        self.bar.set_position(u64::from(metrics.superstep));
        self.bar.set_message(message(metrics, self.show_superstep, self.show_delta));
    }
}

/// "superstep 3 · 34 active · delta 1.250e-3", the parts asked for.
fn message(metrics: &SuperstepMetrics, show_superstep: bool, show_delta: bool) -> String {
    let mut text = format!("{} active", metrics.workset_size);
    if show_superstep {
        text = format!("superstep {} · {text}", metrics.superstep);
    }
    if let (true, Some(delta)) = (show_delta, metrics.aggregates.first()) {
        text.push_str(&format!(" · delta {delta:.3e}"));
    }
    text
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
        assert_eq!(message(&metrics, true, true), "superstep 3 · 34 active · delta 1.250e-3");
        assert_eq!(message(&metrics, true, false), "superstep 3 · 34 active");
        assert_eq!(message(&metrics, false, true), "34 active · delta 1.250e-3");
    }

    #[test]
    fn a_quiet_progress_draws_nothing() {
        let progress = Progress::new("pagerank", true, None);
        assert!(progress.listener(true).is_none());
    }
}
